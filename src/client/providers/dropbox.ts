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
 *   (https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke);
 *   a 401 tells an expired access token (`expired_access_token`) from one it
 *   no longer knows (`invalid_access_token`), and only the latter means the
 *   grant is gone.
 * The API is `https://api.dropboxapi.com` (RPC endpoints take POST with a
 * JSON body, or none). The token endpoint takes the app key and secret as
 * form parameters or by HTTP Basic (HTTP docs, #oauth2-token); the form is
 * used, as it needs no RFC 6749 §2.3.1 encoding of the credentials.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The `.tag` of a 401's AuthError body (`invalid_access_token`, `expired_access_token`…), if it has one. */
async function authErrorTag(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { '.tag'?: unknown } } | null;
    const tag = body?.error?.['.tag'];
    return typeof tag === 'string' ? tag : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ends the grant with the access token it is given (refreshed first by the caller when it had expired).
 * A 401 says which: `expired_access_token` is an access token past its four hours, given as it was because
 * the refresh failed, and says nothing of the grant, whose refresh token may still be good; any other
 * (`invalid_access_token`) is a token Dropbox no longer knows, its grant gone already
 * (https://developers.dropbox.com/error-handling-guide; the AuthError union:
 * https://dropbox.github.io/dropbox-sdk-dotnet/gh-pages/obj/api/Dropbox.Api.Auth.html).
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Dropbox revocation needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/2/auth/token/revoke`, {
    method: 'POST',
    // A route without arguments takes no body, and then no Content-Type.
    headers: { ...request.apiHeaders, authorization: `Bearer ${request.accessToken}` },
  });
  const tag = response.status === 401 ? await authErrorTag(response) : undefined;
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  if (response.status === 401 && tag === 'expired_access_token') {
    throw new ProviderUnavailableError('provider_error', 'Dropbox refused the token revocation: the access token had expired and could not be refreshed, so the grant may still be live there.');
  }
  if (response.status === 401) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Dropbox answered HTTP ${response.status} to the token revocation.`);
}

export const dropbox: ProviderPreset = {
  displayName: 'Dropbox',
  settings: () => ({
    discovery: { issuer: 'https://www.dropbox.com' },
    scope: 'openid email profile account_info.read',
    apiBaseUrl: 'https://api.dropboxapi.com',
    // Uploads and downloads are on a host of their own (https://www.dropbox.com/developers/documentation/http/documentation#formats).
    extraApiBaseUrls: ['https://content.dropboxapi.com'],
    // Arguments and results travel in headers where the body is a file's content, and headers pick the member
    // or namespace a call acts as (https://www.dropbox.com/developers/documentation/http/documentation#formats,
    // #team-admins, #namespace-guide): the proxies pass them.
    proxyHeaders: {
      request: ['dropbox-api-arg', 'dropbox-api-select-user', 'dropbox-api-select-admin', 'dropbox-api-path-root'],
      response: ['dropbox-api-result'],
    },
    tokenEndpointAuthMethod: 'client_secret_post',
    authorizationParams: { token_access_type: 'offline' },
    skipUserinfo: true,
    hooks: { revoke },
  }),
};
