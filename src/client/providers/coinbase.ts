/**
 * Coinbase (an OAuth2 client of the Coinbase App, made in the CDP Portal
 * with the scopes it asks for). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Coinbase's docs:
 * - `GET https://login.coinbase.com/oauth2/auth` with `client_id`,
 *   `response_type=code`, `redirect_uri`, a `state` of at least 8
 *   characters, an optional PKCE challenge (`S256` or `plain`), and `scope`,
 *   a comma-separated list (https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/reference):
 *   the authorizationScope hook joins the scopes with commas; scopes must be
 *   declared when the client is registered
 *   (https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/overview);
 * - `POST https://login.coinbase.com/oauth2/token` takes `client_id` and
 *   `client_secret` in the form with the code (and its `redirect_uri`) or a
 *   refresh token, and answers `access_token`, `token_type: "bearer"`,
 *   `expires_in`, `refresh_token` and `scope` (the same reference);
 * - a refresh token comes only with the scope `offline_access`; access
 *   tokens live an hour; a refresh answers a new access token and a new
 *   refresh token, and a refresh token can be exchanged once only and ends
 *   1.5 years after it was issued, so the keep-alive sweep refreshes an
 *   unused connection before then
 *   (https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/access-and-refresh-tokens);
 * - `POST https://login.coinbase.com/oauth2/revoke` disconnects the app: the
 *   access token goes twice, as `token` to revoke and as the Bearer token that
 *   authenticates the request, and the answer is 200 whether or not it
 *   revoked anything (the same page, "Revoking an Access Token"); the revoke
 *   hook sends it so, with the live access token it is given;
 * - the person is `GET https://api.coinbase.com/v2/user`: `id` (the
 *   subject), `name`, `username`, with `wallet:user:read` more details and
 *   with `wallet:user:email` the `email`
 *   (https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/available-apis);
 *   the v2 API answers a resource under `data`, which profileClaims reads;
 * - the API is https://api.coinbase.com; a token it does not take is 401
 *   (`invalid_token`, `revoked_token` or `expired_token`), a scope not
 *   granted 403 `invalid_scope`, as `{ errors: [{ id, message }] }`
 *   (https://docs.cdp.coinbase.com/coinbase-app/api-architecture/error-messages).
 * Not checked against Coinbase's own pages: how the token answer's `scope`
 * lists the scopes (its example says `all`; it is stored as sent); the
 * token endpoint's refusals (RFC 6749 §5.2's are assumed); whether the
 * token endpoint takes Basic credentials (the form is what its examples
 * send); whether the e-mail is verified (stored with its verification
 * unknown); whether revoking the access token ends its refresh token too
 * (only the access token is sent, as Coinbase documents, and the refresh
 * token is deleted here).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';

/** The user of `/v2/user`, under `data`; an answer without a string `id` names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.data);
  return typeof user?.id === 'string' && user.id !== '' ? user : undefined;
}

/** Revokes the access token at `/oauth2/revoke`, sent as `token` and as the Bearer token, as Coinbase documents. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Coinbase revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { authorization: `Bearer ${request.accessToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: request.accessToken }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  // Coinbase answers 200 whether or not the token was still live.
  if (response.status === 200) return 'revoked';
  // A live token refused (the person disconnected the app), or one whose refresh Coinbase refused: the grant is gone.
  if (response.status === 401 && (!request.accessTokenExpired || request.refreshTokenRefused)) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Coinbase answered HTTP ${response.status} to the token revocation.`);
}

export const coinbase: ProviderPreset = {
  displayName: 'Coinbase',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://login.coinbase.com/oauth2/auth',
      tokenEndpoint: 'https://login.coinbase.com/oauth2/token',
      userinfoEndpoint: 'https://api.coinbase.com/v2/user',
      revocationEndpoint: 'https://login.coinbase.com/oauth2/revoke',
    },
    scope: 'wallet:user:read wallet:user:email wallet:accounts:read offline_access',
    apiBaseUrl: 'https://api.coinbase.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    // 1.5 years: the life of each refresh token, counted from the refresh that issued it.
    refreshTokenIdleSeconds: 547 * 86_400,
    hooks: { authorizationScope: commaJoinedScope, profileClaims, revoke },
  }),
};
