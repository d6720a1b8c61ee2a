/**
 * Uber (an app made in the Uber developer dashboard, the callback among its
 * redirect URIs, approved by Uber for the user profile: access to `/me` needs
 * Uber's approval). Plain OAuth 2.0 with explicit endpoints. From Uber's
 * developer documentation:
 * - `GET https://auth.uber.com/oauth/v2/authorize` with `client_id`,
 *   `response_type=code`, `redirect_uri`, `scope` (space-delimited) and
 *   `state` (https://developer.uber.com/docs/consumer-identity/guides/authorization-code-flow);
 *   `profile` reads the person's name, e-mail and picture, and
 *   `offline_access` is what makes the token answer carry a refresh token
 *   (https://developer.uber.com/docs/consumer-identity/guides/scopes);
 * - `POST https://auth.uber.com/oauth/v2/token`, a form with `client_id` and
 *   `client_secret` in it, the code and `redirect_uri`, or the refresh token;
 *   access tokens last 30 days (`expires_in` 2592000); a refresh answers
 *   `access_token`, `token_type` (Bearer), `expires_in`, a `refresh_token`,
 *   which the core keeps, and `scope`; a refresh token ends after a year,
 *   and may end at any time (the person revokes the app, changes their
 *   password, Uber's protections): the connection then needs the person
 *   again (https://developer.uber.com/docs/riders/references/api/v2/token-post,
 *   https://developer.uber.com/docs/consumer-identity/guides/client-access-token,
 *   https://developer.uber.com/docs/consumer-identity/oauthplayground/refresh-token);
 * - `POST https://auth.uber.com/oauth/v2/revoke`, RFC 7009 with the client in
 *   the form and the `token`, access or refresh, answered 200
 *   `{ "message": "OK" }`; it ends that token alone, not the others of the
 *   grant (https://developer.uber.com/docs/consumer-identity/references/api/v2/revoke-post,
 *   https://developer.uber.com/docs/consumer-identity/guides/revoke-token),
 *   so the core's RFC 7009 revocation of the refresh token then the access
 *   token ends both;
 * - the person is `GET https://api.uber.com/v3/me`: `sub` (the encrypted
 *   rider id, the subject), `given_name` and `family_name` (which the core
 *   joins into the name), `email`, `picture`, and `email_verified` when the
 *   token has the scope for it (https://developer.uber.com/docs/consumer-identity/references/api/v3/me-get);
 * - API calls go under `https://api.uber.com` with the token as Bearer.
 * Not checked against Uber's own pages: whether a refresh answers a new
 * refresh token or the same one, and whether the one used keeps working
 * (the playground's example answers one; a new one would be kept), whether
 * PKCE is taken (it is sent; RFC 7636 §4.5 has a server ignore it), the
 * token endpoint's refusals (RFC 6749 §5.2's `{ error }` is assumed, 401 for
 * a wrong client), and what the authorization endpoint sends back when the
 * person declines (RFC 6749's `access_denied` is assumed).
 */
import type { ProviderPreset } from './preset.js';

export const uber: ProviderPreset = {
  displayName: 'Uber',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.uber.com/oauth/v2/authorize',
      tokenEndpoint: 'https://auth.uber.com/oauth/v2/token',
      userinfoEndpoint: 'https://api.uber.com/v3/me',
      revocationEndpoint: 'https://auth.uber.com/oauth/v2/revoke',
    },
    scope: 'profile offline_access',
    apiBaseUrl: 'https://api.uber.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'sub',
  }),
};
