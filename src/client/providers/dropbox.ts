/**
 * Dropbox, OpenID Connect with discovery (issuer `https://www.dropbox.com`).
 * The person is the ID token's `sub`, their Dropbox `account_id`
 * (`dbid:…`). From Dropbox's docs:
 * - `openid` with `email` and `profile`; the ID token holds `given_name`,
 *   `family_name`, `email`, `email_verified` and no `name`; `/2/openid/userinfo`
 *   only repeats it (https://developers.dropbox.com/oidc-guide), and it is an
 *   RPC endpoint, called with POST only
 *   (https://www.dropbox.com/developers/documentation/http/documentation#openid-userinfo),
 *   where OpenID Connect Core §5.3.1 uses GET: it is not called (skipUserinfo);
 * - access tokens are short-lived (four hours); `token_access_type=offline`
 *   adds a refresh token, and a refresh answers a new access token only: the
 *   refresh token does not rotate (https://developers.dropbox.com/oauth-guide,
 *   https://dropbox.tech/developers/using-oauth-2-0-with-offline-access);
 * - no RFC 7009 endpoint: `POST /2/auth/token/revoke`, authenticated with the
 *   access token itself, disables it, its refresh token and every access
 *   token of that refresh token
 *   (https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke).
 * The API is `https://api.dropboxapi.com` (RPC endpoints take POST with a
 * JSON body, or none). The token endpoint takes the app key and secret as
 * form parameters or by HTTP Basic (HTTP docs, #oauth2-token); the form is
 * used, as it needs no RFC 6749 §2.3.1 encoding of the credentials.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** Ends the grant with the access token it is given (refreshed first by the caller when it had expired). */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Dropbox revocation needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/2/auth/token/revoke`, {
    method: 'POST',
    // A route without arguments takes no body, and then no Content-Type.
    headers: { ...request.apiHeaders, authorization: `Bearer ${request.accessToken}` },
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  // 401: Dropbox no longer knows the token (a live one was given), so the grant is gone already.
  if (response.status === 401) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Dropbox answered HTTP ${response.status} to the token revocation.`);
}

export const dropbox: ProviderPreset = {
  displayName: 'Dropbox',
  settings: () => ({
    discovery: { issuer: 'https://www.dropbox.com' },
    scope: 'openid email profile account_info.read',
    apiBaseUrl: 'https://api.dropboxapi.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    authorizationParams: { token_access_type: 'offline' },
    skipUserinfo: true,
    hooks: { revoke },
  }),
};
