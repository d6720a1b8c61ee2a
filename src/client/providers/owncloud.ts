/**
 * ownCloud Server, through its OAuth2 app (from the ownCloud Marketplace; a client an administrator adds under the
 * admin settings' OAuth 2.0 section with its name and redirect URI, given a 64-character identifier and secret):
 * always self-run, so `<NAME>_BASE_URL` is required, the server's URL (with its sub-path if it has one). Plain
 * OAuth 2.0 authorization code with explicit endpoints, no discovery, no ID token. From the app's documentation
 * (https://github.com/owncloud/oauth2, https://doc.owncloud.org/server/admin_manual/configuration/server/security/oauth2.html):
 * - `GET <base>/index.php/apps/oauth2/authorize` with `response_type=code`, `client_id`, `redirect_uri` (the one
 *   registered) and `state`; the app has no scopes, so none is asked, and the token reaches all the person's
 *   ownCloud. The person goes back to the redirect URI with a `code`, good for 10 minutes.
 * - `POST <base>/index.php/apps/oauth2/api/v1/token` with `grant_type` (`authorization_code` with `code` and
 *   `redirect_uri`, or `refresh_token` with `refresh_token`), the client authenticated with HTTP Basic, its
 *   identifier and secret as they are. The answer is `access_token`, `token_type` `Bearer`, `expires_in` (an
 *   hour), `refresh_token` and `user_id`.
 * - The person is the OCS API's (under `<base>/ocs/v1.php/cloud`, status 100 for success, as ownCloud's User
 *   Provisioning API has it: https://doc.owncloud.org/server/admin_manual/configuration/user/user_provisioning_api.html)
 *   `GET /ocs/v1.php/cloud/user?format=json`, `ocs.data`: `id` (the user id, which the token answer's `user_id`
 *   names too), `display-name` and `email`. A user id is the account's name in that one server, set when the account is made and never changed, but another server may have the
 *   same one: the subject is it qualified by the server's host, `<id>@<host>`, as two servers' people are two
 *   people. The e-mail is one the person or an administrator typed in, kept as not verified.
 * - The API base is the server itself: WebDAV under `/remote.php/dav`, the OCS APIs under `/ocs/v1.php`, the
 *   token as Bearer.
 * Not checked against ownCloud's pages: `/cloud/user` itself and its members (the provisioning API documents
 *   `/cloud/users/{userid}`; the current user's route is the one ownCloud's own clients read); the token
 *   endpoint's refusals (RFC 6749 §5.2's bodies with HTTP 400, `invalid_client` for the client and `invalid_grant` for a code or refresh token it does not take, as the
 *   app's source has them); that a refresh ends the spent refresh token and its access token (the source deletes
 *   both, so the new pair is kept); whether a refresh token left unused ends (no end is assumed, so no
 *   keep-alive); whether the OCS API wants `OCS-APIRequest: true` with a Bearer token (it is sent, as Nextcloud,
 *   ownCloud's fork, needs it); whether PKCE is taken (the source reads a verifier, the documentation names none:
 *   none is sent). ownCloud documents no revocation for the app's tokens: disconnect forgets them here.
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/**
 * The person of an OCS answer, `ocs.data`: `id` its user id qualified by the server's host, the bare `user_id`,
 * the display name and the e-mail (not verified); an answer without a user id names no one, and the sign-in fails.
 */
function ocsUserClaims(serverHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const data = objectOf(objectOf(objectOf(body)?.ocs)?.data);
    const userId = typeof data?.id === 'string' && data.id.trim() !== '' ? data.id : undefined;
    if (!userId) return undefined;
    const name = trimmedText(data!['display-name']) ?? trimmedText(data!.displayname);
    const email = trimmedText(data!.email);
    return { id: `${userId}@${serverHost}`, user_id: userId, ...(name ? { name } : {}), ...(email ? { email, email_verified: false } : {}) };
  };
}

export const owncloud: ProviderPreset = {
  displayName: 'ownCloud',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const server = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${server}/index.php/apps/oauth2/authorize`,
        tokenEndpoint: `${server}/index.php/apps/oauth2/api/v1/token`,
        userinfoEndpoint: `${server}/ocs/v1.php/cloud/user?format=json`,
      },
      // None: the OAuth2 app has no scopes; a token reaches all the person's ownCloud.
      scope: '',
      apiBaseUrl: server,
      apiHeaders: { 'ocs-apirequest': 'true' },
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'id',
      hooks: { profileClaims: ocsUserClaims(hostOf(server)) },
    };
  },
};
