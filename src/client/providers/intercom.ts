/**
 * Intercom (public apps, which reach other workspaces' data through OAuth).
 * Plain OAuth 2.0 without discovery, scopes in the request or an ID token.
 * From Intercom's docs:
 * - `GET https://app.intercom.com/oauth` with `client_id`, `state` and
 *   `redirect_uri` (one of the app's registered URLs, https only); the
 *   permissions are ticked on the app in the Developer Hub, not asked for,
 *   so no scope is sent
 *   (https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth);
 * - `POST https://api.intercom.io/auth/eagle/token` with `code`,
 *   `client_id` and `client_secret`; a code lasts about 5 minutes
 *   (https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth,
 *   https://intercom-developer-hub.readme.io/reference/using-oauth). The
 *   token does not expire, and there is no refresh token: "currently we do
 *   not expire your OAuth token"
 *   (https://intercom-developer-hub.readme.io/docs/authorization-faq); the
 *   answer is `{ token, access_token, token_type: "Bearer" }`, the token
 *   twice, with no `expires_in`, as Intercom's engineering support shows it
 *   (https://community.intercom.com/apps-integrations-25/clarification-needed-on-intercom-oauth-access-token-and-refresh-token-for-multitenant-apps-11092).
 *   A token Intercom stops taking (the app uninstalled from the workspace)
 *   needs a new sign-in;
 * - the person is `GET https://api.intercom.io/me`, the admin the token
 *   acts as: `type: "admin"`, `id` (the subject), `name`, `email`,
 *   `email_verified` ("do not accept sign-ins from users with unverified
 *   email addresses"), and `app`, the workspace (`id_code`, `name`,
 *   `region`), kept with the profile
 *   (https://developers.intercom.com/intercom-api-reference/reference/identifyadmin);
 * - the REST API is `https://api.intercom.io`, which routes a request to the
 *   workspace's region (US, EU or Australia); `https://api.eu.intercom.io`
 *   and `https://api.au.intercom.io` name a region outright, through
 *   `<NAME>_API_BASE_URL`
 *   (https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis).
 *   The `Intercom-Version` header picks the API version of a call (the
 *   app's own setting otherwise): the proxies pass the caller's on
 *   (https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/update-your-api-version).
 *   Errors are `{ type: "error.list", request_id, errors: [{ code, message }] }`,
 *   `unauthorized` "Access Token Invalid" for a token it does not take
 *   (https://developers.intercom.com/docs/references/2.7/rest-api/api.intercom.io/models/error);
 * - there is no token revocation. `POST https://api.intercom.io/auth/uninstall`
 *   with the token uninstalls the app from the whole workspace
 *   (https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/installing-uninstalling-apps#revoking-access:
 *   uninstalling "will revoke the Access Token"),
 *   which would end every teammate's connection to it there, so one
 *   person's disconnect does not call it: the tokens are deleted here, and
 *   an admin uninstalls the app in Intercom's settings.
 * Not checked against Intercom's pages: the body of a refused token request
 * (RFC 6749 §5.2's `error` is assumed; an answer without one is a provider
 * fault, 502), whether PKCE is taken (the challenge is sent, which RFC 7636
 * §4.5 has a server ignore), whether `/me` needs the "Read admins"
 * permission as older references say (an app without it cannot sign anyone
 * in), the HTTP status of a refused token (401 is assumed), whether an EU or
 * Australian workspace's code is exchanged at api.intercom.io as well, and
 * the request and answer of `/auth/uninstall` beyond its path (integrations
 * send it the token as Bearer).
 */
import type { ProviderPreset } from './preset.js';

export const intercom: ProviderPreset = {
  displayName: 'Intercom',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.intercom.com/oauth',
      tokenEndpoint: 'https://api.intercom.io/auth/eagle/token',
      userinfoEndpoint: 'https://api.intercom.io/me',
    },
    scope: '',
    apiBaseUrl: 'https://api.intercom.io',
    tokenEndpointAuthMethod: 'client_secret_post',
    proxyHeaders: { request: ['intercom-version'], response: [] },
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
  }),
};
