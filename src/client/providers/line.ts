/**
 * LINE Login v2.1 (OpenID Connect with discovery). From LINE's docs
 * (https://developers.line.biz/en/docs/line-login/integrate-line-login/,
 * https://developers.line.biz/en/reference/line-login/):
 * - the issuer is `https://access.line.me`, whose
 *   `/.well-known/openid-configuration` names `/oauth2/v2.1/authorize` there
 *   and, on `https://api.line.me`, `/oauth2/v2.1/token`,
 *   `/oauth2/v2.1/userinfo`, `/oauth2/v2.1/revoke` and the keys at
 *   `/oauth2/v2.1/certs`, with `id_token_signing_alg_values_supported:
 *   ["ES256"]` and PKCE S256;
 * - scopes `openid profile` (the display name and picture); `email` only for
 *   a channel that applied for the e-mail permission in the LINE Developers
 *   Console, so it is added with `<NAME>_SCOPE`. The channel ID is
 *   `<NAME>_CLIENT_ID` and the channel secret `<NAME>_CLIENT_SECRET`, sent
 *   in the form body;
 * - the ID token of a web login is signed with HS256 keyed by the channel
 *   secret (https://developers.line.biz/en/docs/line-login/verify-id-token/),
 *   which the discovery document does not name and which openid-client,
 *   checking signatures against the provider's keys, refuses (it verifies
 *   no HS* ID token). LINE's own SDKs (LIFF and the mobile SDKs) send
 *   `id_token_key_type=JWK` with the code, and are answered an ES256 ID
 *   token signed by the keys at `jwks_uri`: the tokenRequest hook sends it
 *   too, so the ID token is checked as OpenID Connect Core §3.1.3.7 has it
 *   (signature, `iss`, `aud` the channel ID, `nonce`);
 * - the person is the ID token's `sub` (the user ID, the same for every
 *   channel of one provider), with `name` and `picture`; `email` is only in
 *   the ID token, with no `email_verified`, so its verification is not
 *   known. `/oauth2/v2.1/userinfo` answers `sub`, `name` and `picture`;
 * - access tokens last 30 days (`expires_in` 2592000); a refresh
 *   (`grant_type=refresh_token` with the client) answers a new access token
 *   and a refresh token, which is kept. A refresh token is valid until 90
 *   days after the access token it came with was issued: the keep-alive
 *   sweep refreshes a connection nobody used before then;
 * - the API is `https://api.line.me` (`/v2/profile`,
 *   `/friendship/v1/status`), the token as `Authorization: Bearer`;
 * - `POST https://api.line.me/oauth2/v2.1/revoke` takes the form
 *   `access_token`, `client_id` and `client_secret` (not RFC 7009's
 *   `token`), answering 200 with an empty body: the revoke hook sends it
 *   LINE's way.
 * Not checked against LINE's own pages: `id_token_key_type` (LINE's
 * reference does not list it; its SDKs and LIFF send it), whether revoking
 * the access token ends its refresh token too (assumed), whether a refresh
 * leaves the old refresh token working (the new one is kept either way), and
 * LINE's answer to a revocation of an access token it no longer takes (a
 * 400 `invalid_request` is taken as already revoked when the token was live).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Ninety days, how long a LINE refresh token lasts after the access token it came with was issued. */
const REFRESH_TOKEN_LIFETIME = 90 * 86_400;

/** The code exchange with `id_token_key_type=JWK`, for an ES256 ID token signed by the keys discovery names; refreshes as they were. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(request.body);
  if (body.get('grant_type') === 'authorization_code') body.set('id_token_key_type', 'JWK');
  return { body: body.toString(), headers: request.headers };
}

/** Revokes the access token at /oauth2/v2.1/revoke, with the channel in the form. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('LINE revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: request.accessToken, client_id: request.clientId, client_secret: request.clientSecret }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A token that was live refused (the person removed the app in LINE, or it was revoked already), or one whose refresh LINE refused.
  const tokenWasGood = !request.accessTokenExpired || request.refreshTokenRefused;
  if ((response.status === 400 || response.status === 401) && tokenWasGood) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `LINE refused the token revocation (HTTP ${response.status}).`);
}

export const line: ProviderPreset = {
  displayName: 'LINE',
  settings: () => ({
    discovery: { issuer: 'https://access.line.me' },
    // Named here too, as the endpoint the revoke hook posts to (so <NAME>_REVOCATION_URL may replace it).
    metadataOverrides: { revocationEndpoint: 'https://api.line.me/oauth2/v2.1/revoke' },
    scope: 'openid profile',
    apiBaseUrl: 'https://api.line.me',
    tokenEndpointAuthMethod: 'client_secret_post',
    refreshTokenNeedsConsent: false,
    refreshTokenIdleSeconds: REFRESH_TOKEN_LIFETIME,
    hooks: { tokenRequest, revoke },
  }),
};
