/**
 * Twitch: OpenID Connect with discovery at
 * https://id.twitch.tv/oauth2/.well-known/openid-configuration (issuer
 * `https://id.twitch.tv/oauth2`), the authorization code flow, the client's
 * id and secret in the token request's body (the only method the discovery
 * document names), space-separated scopes; the person is the ID token's `sub`,
 * their Twitch user id. E-mail and name come only when the `claims` parameter
 * asks for them, for the ID token and for userinfo (OIDC Core §5.5), with
 * `user:read:email` for the e-mail; `preferred_username` is the display name
 * (https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/). Its
 * departures, from Twitch's docs:
 * - the token endpoint's `scope` is a JSON array, where RFC 6749 §5.1 has a
 *   space-separated string (https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/#oidc-authorization-code-grant-flow);
 * - it refuses a refresh token with `{"error": "Bad Request", "status": 400,
 *   "message": "Invalid refresh token"}`, not RFC 6749 §5.2's `invalid_grant`;
 *   a refresh may answer a new refresh token, to be kept in place of the old;
 *   a confidential client's refresh tokens do not expire; and Twitch asks apps
 *   to refresh when its API answers 401 rather than by `expires_in`
 *   (https://dev.twitch.tv/docs/authentication/refresh-tokens/);
 * - every Helix call (https://api.twitch.tv/helix) carries the app's client id
 *   in `Client-Id` beside the Bearer token, the client the token was issued to
 *   (https://dev.twitch.tv/docs/authentication/#sending-user-access-and-app-access-tokens,
 *   https://dev.twitch.tv/docs/api/get-started/);
 * - no RFC 7009 endpoint in discovery: POST https://id.twitch.tv/oauth2/revoke
 *   takes `client_id` and `token`, an access token, and answers 200 with no
 *   body; 400 `{"status": 400, "message": "Invalid token"}` when it does not
 *   know the token, 404 "client does not exist" for a wrong client id
 *   (https://dev.twitch.tv/docs/authentication/revoke-tokens/).
 * Twitch also asks apps that keep a person's tokens to check them at
 * /oauth2/validate at start and hourly, used or not, to learn of a person who
 * disconnected the app (https://dev.twitch.tv/docs/authentication/validate-tokens/):
 * the keep-alive sweep asks about each live access token about hourly
 * (`Authorization: OAuth <token>`; 200 it works, 401 it does not), and a
 * refused one is refreshed, or, its refresh token refused too, the
 * connection is marked for re-authorization (its webhook tells the service).
 * Signing the person out of this site's own session is left to the service
 * that hears it.
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type AccessTokenCheckRequest, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The profile claims, asked for in the ID token and in userinfo alike (OIDC Core §5.5). */
const PROFILE_CLAIMS = { email: null, email_verified: null, preferred_username: null, picture: null };
const CLAIMS = JSON.stringify({ id_token: PROFILE_CLAIMS, userinfo: PROFILE_CLAIMS });

/** RFC 6749 §5.2's error codes: an answer that has one is passed on as it is. */
const RFC_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);
/** Twitch's messages for a code or refresh token it will not redeem, and for a client it does not know or believe. */
const GRANT_REFUSED = /^invalid (refresh token|authorization code)\b/i;
const CLIENT_REFUSED = /^invalid client\b/i;

/** Twitch's token answers in RFC 6749 §5.1/§5.2 shape: a space-separated scope, and its `{ status, message }` errors as codes. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields) return rebuiltAnswer(response, response.status, text);
  if (response.ok) {
    if (!Array.isArray(fields.scope)) return rebuiltAnswer(response, response.status, text);
    const scope = fields.scope.filter((value): value is string => typeof value === 'string').join(' ');
    return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, scope }), 'application/json');
  }
  const message = fields.message;
  if (typeof message !== 'string' || (typeof fields.error === 'string' && RFC_ERRORS.has(fields.error))) return rebuiltAnswer(response, response.status, text);
  const code = GRANT_REFUSED.test(message) ? 'invalid_grant' : CLIENT_REFUSED.test(message) ? 'invalid_client' : 'invalid_request';
  // RFC 6749 §5.2: 401 for a failed client authentication, 400 otherwise; a server fault keeps its status.
  const status = response.status >= 500 ? response.status : code === 'invalid_client' ? 401 : 400;
  return rebuiltAnswer(response, status, JSON.stringify({ error: code, error_description: message, twitch_status: fields.status ?? response.status }), 'application/json');
}

/** Revokes the access token, the only token Twitch documents revoking. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Twitch revocation needs its revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: request.clientId, token: request.accessToken }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  // A live token Twitch no longer knows was revoked already; an expired one tells nothing, unless its grant is gone too.
  if (response.status === 400 && (!request.accessTokenExpired || request.refreshTokenRefused)) return 'already_revoked';
  if (response.status === 404) throw new ProviderUnavailableError('provider_bad_response', 'Twitch does not know the client id the revocation was made with (HTTP 404): check the client id configured for it.');
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Twitch answered HTTP ${response.status} to the token revocation.`);
}

/** Asks /oauth2/validate, under the issuer, whether the access token still works. */
async function checkAccessToken(request: AccessTokenCheckRequest): Promise<boolean> {
  const response = await request.send(`${withoutTrailingSlash(request.issuer)}/validate`, { method: 'GET', headers: { authorization: `OAuth ${request.accessToken}` } });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return true;
  if (response.status === 401) return false;
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Twitch answered HTTP ${response.status} to the access token check.`);
}

export const twitch: ProviderPreset = {
  displayName: 'Twitch',
  settings: () => ({
    discovery: { issuer: 'https://id.twitch.tv/oauth2' },
    metadataOverrides: { revocationEndpoint: 'https://id.twitch.tv/oauth2/revoke' },
    scope: 'openid user:read:email',
    authorizationParams: { claims: CLAIMS },
    apiBaseUrl: 'https://api.twitch.tv/helix',
    clientIdHeader: 'client-id',
    tokenEndpointAuthMethod: 'client_secret_post',
    claimNames: { name: 'preferred_username' },
    hooks: { tokenResponse, revoke, checkAccessToken },
  }),
};
