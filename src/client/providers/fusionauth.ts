/**
 * FusionAuth (self-run, or FusionAuth Cloud; an OpenID Connect provider with
 * discovery). `<NAME>_BASE_URL` is the server's URL. From FusionAuth's OAuth
 * pages (https://fusionauth.io/docs/lifecycle/authenticate-users/oauth/endpoints,
 * …/oauth/tokens, …/oauth/issuer-validation):
 * - discovery is at `<base>/.well-known/openid-configuration` (a tenant's with
 *   `?tenantId=`), naming `/oauth2/authorize`, `/oauth2/token`,
 *   `/oauth2/userinfo` and `/.well-known/jwks.json`. The `issuer` it names is
 *   the tenant's Issuer setting, an opaque string that need not be the
 *   server's URL (FusionAuth's sample tokens say `acme.com`), so the preset
 *   reads the document at its own URL and takes the issuer as it says (then
 *   checks ID tokens, and RFC 9207's `iss` of the redirect, against it);
 * - `<NAME>_TENANT`, a tenant's id, for a server with more than one tenant: the
 *   tenant's discovery document, and `tenantId` on the authorization request,
 *   which FusionAuth takes to pick the tenant's theme;
 * - the scope is `openid offline_access profile email`: `offline_access` for a
 *   refresh token (with the application's "Generate refresh tokens" and the
 *   Refresh Token grant on), with no consent prompt, as FusionAuth asks none
 *   of its own applications; `profile` and `email` for the name and e-mail
 *   (only those scopes' claims under the "Strict" scope handling policy);
 * - the token endpoint takes the client by Basic, `client_id:client_secret`
 *   concatenated and base64-encoded as they are (RFC 7617, not RFC 6749
 *   §2.3.1's form-encoding: the client id is a UUID, whose `-` that would
 *   escape), or in the form. PKCE S256 is sent. A client it cannot verify is
 *   answered 401; other refusals 400, with RFC 6749 §5.2's `error` and
 *   FusionAuth's own `error_reason`;
 * - the code exchange answers `access_token` (a JWT), `expires_in` (the JWT
 *   duration, 3600 s by default), `id_token`, `refresh_token`,
 *   `refresh_token_id`, `scope`, `token_type` and `userId`. A refresh answers
 *   a new access token with no refresh token (the default "Reusable" refresh
 *   token usage: the same one stays, kept here) and no `scope` (the stored
 *   one stays); a tenant set to one-time use answers a new one each time,
 *   kept in place of the old;
 * - refresh tokens last 43,200 minutes (30 days) from the sign-in by default
 *   (a "Fixed" expiration, which no keep-alive extends); a tenant with a
 *   sliding window: `<NAME>_REFRESH_TOKEN_IDLE_DAYS` (its duration in days);
 * - the person is `sub`, the FusionAuth user's id (a UUID), with `name`,
 *   `email` and `email_verified` from userinfo (`GET /oauth2/userinfo`); the
 *   API base is the server's URL;
 * - FusionAuth has no RFC 7009 endpoint: a refresh token is revoked with
 *   `DELETE /api/jwt/refresh` and the token in a form body, authenticated by
 *   the user's own access token (a JWT of the token's owner) as `Bearer`,
 *   answering 200, or 404 for a token it does not know
 *   (https://fusionauth.io/docs/apis/jwt/revoke-refresh-tokens,
 *   https://fusionauth.io/docs/apis/authentication#jwt-authentication). The
 *   access token, a JWT, lives until it expires.
 * Not checked against FusionAuth's pages: the `error` of a refused refresh
 * token or code (RFC 6749's `invalid_grant` is assumed, `error_reason`
 * `refresh_token_not_found` or `auth_code_not_found`), userinfo's answer to a
 * token it no longer takes (401 is documented for a missing one), and whether
 * a discovery document fetched with `tenantId` names other endpoints than the
 * default tenant's.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** Revokes the refresh token at `DELETE /api/jwt/refresh`, authenticated by the person's own access token. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  // The refresh token FusionAuth refused is gone there already; its access tokens are JWTs, which nothing revokes.
  if (request.refreshTokenRefused) return 'already_revoked';
  if (!request.refreshToken) throw new Error('FusionAuth revokes refresh tokens alone, and this connection has none (its access token, a JWT, lives until it expires)');
  if (!request.apiBaseUrl) throw new Error('FusionAuth revocation needs the API base (FUSIONAUTH_BASE_URL or the API base URL)');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/api/jwt/refresh`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${request.accessToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    // In the body, so the refresh token stays out of FusionAuth's access logs.
    body: new URLSearchParams({ token: request.refreshToken }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  if (response.status === 404) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `FusionAuth refused the refresh token revocation (HTTP ${response.status}).`);
}

export const fusionauth: ProviderPreset = {
  displayName: 'FusionAuth',
  values: { baseUrl: 'issuer', tenant: 'optional' },
  settings: ({ baseUrl, tenant }) => {
    const base = withoutTrailingSlash(baseUrl ?? '');
    const tenantQuery = tenant === undefined ? '' : `?${new URLSearchParams({ tenantId: tenant }).toString()}`;
    return {
      discovery: { metadataUrl: `${base}/.well-known/openid-configuration${tenantQuery}` },
      scope: 'openid offline_access profile email',
      ...(baseUrl === undefined ? {} : { apiBaseUrl: base }),
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      // FusionAuth answers offline_access with a refresh token without asking consent.
      refreshTokenNeedsConsent: false,
      ...(tenant === undefined ? {} : { authorizationParams: { tenantId: tenant } }),
      hooks: { revoke },
    };
  },
};
