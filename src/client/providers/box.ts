/**
 * Box (OAuth 2.0 apps with user authentication). Plain OAuth 2.0 without
 * discovery or an ID token: the person is the `id` of
 * `GET https://api.box.com/2.0/users/me`, the user who authorized the app,
 * and `login` is their e-mail address
 * (https://developer.box.com/reference/get-users-me/). From Box's docs:
 * - `GET https://account.box.com/api/oauth2/authorize` takes `response_type=code`,
 *   `client_id`, `redirect_uri`, `state` and an optional `scope`, a
 *   space-separated list that defaults to every scope configured for the app
 *   (https://developer.box.com/reference/get-authorize/): none is sent, so
 *   the app's configuration decides, and `<NAME>_SCOPE` asks for fewer
 *   (e.g. `root_readonly`);
 * - `POST https://api.box.com/oauth2/token` takes `client_id` and
 *   `client_secret` in the form body with the code or the refresh token
 *   (https://developer.box.com/reference/post-oauth2-token/,
 *   https://developer.box.com/guides/authentication/oauth2/without-sdk/),
 *   answers `access_token`, `expires_in` (an hour), `token_type: "bearer"`
 *   and `refresh_token`
 *   (https://developer.box.com/guides/authentication/tokens/access-tokens/),
 *   and refuses with RFC 6749 §5.2's `{ error, error_description }`;
 * - a refresh token is valid for 60 days and once only: every refresh
 *   answers a new one, valid 60 days again, and the one used stops working
 *   (https://developer.box.com/guides/authentication/tokens/refresh): the
 *   keep-alive sweep refreshes an unused connection before then;
 * - `POST https://api.box.com/oauth2/revoke` with `client_id`,
 *   `client_secret` and `token` (the access token or the refresh token)
 *   revokes it and answers an empty 200
 *   (https://developer.box.com/reference/post-oauth2-revoke/,
 *   https://developer.box.com/guides/authentication/tokens/revoke): RFC
 *   7009 as the core sends it (its `token_type_hint` is not documented by
 *   Box, which RFC 7009 §2.1 lets a server ignore);
 * - the API is https://api.box.com/2.0.
 * Box documents no PKCE for this flow; the challenge and verifier are sent
 * anyway, as RFC 6749 §3.1 has a server ignore parameters it does not know.
 * Box does not say whether `login` is verified, so the e-mail is kept with
 * its verification unknown. Nothing departs from RFC 6749 enough to need a
 * hook.
 */
import type { ProviderPreset } from './preset.js';

export const box: ProviderPreset = {
  displayName: 'Box',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://account.box.com/api/oauth2/authorize',
      tokenEndpoint: 'https://api.box.com/oauth2/token',
      userinfoEndpoint: 'https://api.box.com/2.0/users/me',
      revocationEndpoint: 'https://api.box.com/oauth2/revoke',
    },
    // Box grants the scopes configured for the app when the request names none.
    scope: '',
    apiBaseUrl: 'https://api.box.com/2.0',
    tokenEndpointAuthMethod: 'client_secret_post',
    refreshTokenIdleSeconds: 60 * 86_400,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'login' },
  }),
};
