/**
 * PlanetScale (an OAuth application made in an organization's Settings,
 * OAuth applications). Plain OAuth 2.0, no ID token. From PlanetScale's API
 * docs (https://planetscale.com/docs/api/reference/oauth,
 * https://planetscale.com/docs/api/reference/oauth/create-token,
 * https://planetscale.com/docs/api/reference/oauth/revoke-token,
 * https://planetscale.com/docs/api/reference/get_current_user):
 * - Authorize at `https://auth.planetscale.com/oauth/authorize` with
 *   `client_id`, `redirect_uri` and `state`. The access scopes are chosen on
 *   the OAuth application ("select the access scopes you think your
 *   application will need … and click Save access scopes"), not in the
 *   request, so none is asked; give the application `read_user`, which
 *   `/v1/user` needs. The person allows or denies them on their account.
 * - `POST https://auth.planetscale.com/oauth/token`, a form with the client's
 *   id and secret in it (`client_secret_post`). The answer is `access_token`
 *   (`pscale_oauth_…`), `token_type: "Bearer"`, `expires_in` (2592000, 30
 *   days in the docs' example), `refresh_token` and `scope`, the scopes
 *   granted; a refresh answers "similar to" it, a new refresh token with the
 *   new access token, which is kept. Refusals: 400 for a bad request, 401
 *   for the client's credentials, 400 invalid_grant for a code or refresh
 *   token it does not take.
 * - `POST https://auth.planetscale.com/oauth/revoke` (RFC 7009), a form with
 *   `token` and the client's id and secret: 200 `{}`. "Revoking an access
 *   token does not automatically revoke its associated refresh token", so
 *   disconnect revokes the refresh token and the access token, each.
 * - The person is `GET https://api.planetscale.com/v1/user` (scope
 *   `read_user`): `id` is the subject, `name` the name, `email` the address,
 *   verified as the user's `email_verified` says.
 * - The API base is `https://api.planetscale.com/v1`, the token as Bearer.
 * Not checked against PlanetScale's own pages: whether a refresh token ends
 * (no end is stated, so no keep-alive) and whether the refresh token a
 * refresh replaces is still taken, the body of a refusal (RFC 6749 §5.2's
 * JSON is assumed), the error a denied authorization goes back with
 * (`access_denied` assumed), and whether PKCE is taken (the challenge is
 * sent, which RFC 7636 §4.5 has a server ignore).
 */
import type { ProviderPreset } from './preset.js';

export const planetscale: ProviderPreset = {
  displayName: 'PlanetScale',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.planetscale.com/oauth/authorize',
      tokenEndpoint: 'https://auth.planetscale.com/oauth/token',
      userinfoEndpoint: 'https://api.planetscale.com/v1/user',
      revocationEndpoint: 'https://auth.planetscale.com/oauth/revoke',
    },
    // The application's access scopes are set on it at PlanetScale.
    scope: '',
    apiBaseUrl: 'https://api.planetscale.com/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
  }),
};
