/**
 * Spotify. Plain OAuth 2.0 without discovery (explicit endpoints); no ID
 * token: the person is the `id` of `GET /v1/me`. From Spotify's docs:
 * - the authorization code flow: /authorize at accounts.spotify.com, the
 *   token endpoint /api/token with the client's id and secret in HTTP Basic
 *   (`base64(client_id:client_secret)`, as RFC 7617 has it), space-separated
 *   scopes, PKCE supported, access tokens of one hour
 *   (https://developer.spotify.com/documentation/web-api/tutorials/code-flow,
 *   https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow);
 * - a refresh may answer without a refresh token, and then the one held stays
 *   in use, or with a new one; a refresh token ends six months after the
 *   person authorized the app, and refreshing does not extend it: then the
 *   token endpoint answers `invalid_grant` and the person signs in again
 *   (https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens);
 * - `GET /v1/me` gives `id`, `display_name` (null when unset) and, with the
 *   `user-read-email` scope, `email`, which Spotify says is unverified: "there
 *   is no proof it actually belongs to the user"
 *   (https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile,
 *   https://developer.spotify.com/documentation/web-api/concepts/scopes);
 * - the Web API is under https://api.spotify.com/v1
 *   (https://developer.spotify.com/documentation/web-api).
 * An app in development mode serves only the people on its allowlist in the
 * Developer Dashboard (https://developer.spotify.com/documentation/web-api/concepts/quota-modes):
 * anyone else is refused at `/v1/me` with HTTP 403, and the failed sign-in
 * gives Spotify's words ("User not registered in the Developer Dashboard").
 * There is no revocation endpoint: disconnecting deletes the tokens here, and
 * the person removes the app at https://www.spotify.com/account/apps/.
 * Client ids and secrets are hexadecimal, the same whether Basic encodes them
 * plain or form-encoded (RFC 6749 §2.3.1); Spotify documents the plain form.
 * Its only departure handled here: the e-mail is never verified.
 */
import type { ProviderPreset } from './preset.js';

/** `/v1/me` with its e-mail marked unverified, as Spotify says it is. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const user = body as Record<string, unknown>;
  return typeof user.email === 'string' && user.email !== '' ? { ...user, email_verified: false } : user;
}

export const spotify: ProviderPreset = {
  displayName: 'Spotify',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.spotify.com/authorize',
      tokenEndpoint: 'https://accounts.spotify.com/api/token',
      userinfoEndpoint: 'https://api.spotify.com/v1/me',
    },
    scope: 'user-read-email',
    apiBaseUrl: 'https://api.spotify.com/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    claimNames: { name: 'display_name', email: 'email' },
    hooks: { profileClaims },
  }),
};
