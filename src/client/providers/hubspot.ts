/**
 * HubSpot (public apps' OAuth), on its date-versioned OAuth API (2026-03):
 * the v1 endpoints (`/oauth/v1/token`, `/oauth/v1/access-tokens/{token}`,
 * `DELETE /oauth/v1/refresh-tokens/{token}`) are retired on February 16, 2027,
 * being the ones that put tokens in URLs
 * (https://developers.hubspot.com/changelog/v1-oauth-api-deprecation,
 * https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/migration-guide).
 * From HubSpot's docs:
 * - a person installs the app at https://app.hubspot.com/oauth/authorize
 *   (`client_id`, space-separated `scope`, `redirect_uri`, `state`); every app
 *   has the `oauth` scope, and the others are the app's to add
 *   (https://developers.hubspot.com/docs/api/oauth-quickstart-guide);
 * - `POST https://api.hubapi.com/oauth/2026-03/token`, a form with
 *   `client_id` and `client_secret` in the body (and `code_verifier`);
 *   access tokens live 30 minutes (`expires_in: 1800`); refresh tokens do not
 *   expire and a refresh answers the same one; errors are RFC 6749 §5.2
 *   bodies (`invalid_grant`…) beside HubSpot's own `status` and `message`
 *   (https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/refresh-oauth-token,
 *   https://developers.hubspot.com/changelog/new-oauth-v3-api-endpoints-and-standardized-error-responses,
 *   https://developers.hubspot.com/docs/api/oauth/tokens);
 * - there is no userinfo: who a token is for is its introspection,
 *   `POST /oauth/2026-03/token/introspect` with the client's credentials and
 *   the token in the body, answering `active`, `user_id`, `user` (the
 *   installing user's e-mail), `hub_id`, `hub_domain`, `scopes`, and the token
 *   itself (`token`, `signed_access_token`)
 *   (https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/token-introspect);
 * - `POST /oauth/2026-03/token/revoke`, a form with the client's credentials
 *   and `token`, "deletes/revokes" a refresh token
 *   (https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token);
 *   access tokens issued with it live out their 30 minutes (the v1 page it
 *   replaces, https://developers.hubspot.com/docs/methods/oauth2/delete-refresh-token).
 * The person is `user_id`, the HubSpot user, the same in every account
 * (portal) they belong to. A connection is to one account, the one chosen at
 * install (`hub_id`, kept with the profile): signing in again through another
 * account is the same person, whose connection then reaches that account.
 * Subject `hub_id:user_id` would make one person as many users here as they
 * have accounts. The introspection answer carries the token: its `token` and
 * `signed_access_token` are dropped before the profile is kept.
 * The API is https://api.hubapi.com.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Members of the introspection answer that are the token itself, never to be kept with the profile. */
const TOKEN_MEMBERS = new Set(['token', 'signed_access_token']);

/** The introspection answer without the token it describes. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return Object.fromEntries(Object.entries(body).filter(([name]) => !TOKEN_MEMBERS.has(name)));
}

/** Deletes the refresh token at HubSpot's revoke endpoint: the one token it revokes (RFC 7009 would send the access token next). */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('HubSpot revocation needs the revocation endpoint');
  if (!request.refreshToken) throw new ProviderUnavailableError('provider_bad_response', 'HubSpot revokes refresh tokens only, and this connection has none.');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: request.clientId, client_secret: request.clientSecret, token: request.refreshToken, token_type_hint: 'refresh_token' }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `HubSpot answered HTTP ${response.status} to the refresh token's revocation.`);
}

export const hubspot: ProviderPreset = {
  displayName: 'HubSpot',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.hubspot.com/oauth/authorize',
      tokenEndpoint: 'https://api.hubapi.com/oauth/2026-03/token',
      userinfoEndpoint: 'https://api.hubapi.com/oauth/2026-03/token/introspect',
      revocationEndpoint: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
    },
    scope: 'oauth',
    apiBaseUrl: 'https://api.hubapi.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    userinfoByIntrospection: true,
    subjectClaim: 'user_id',
    claimNames: { email: 'user' },
    hooks: { profileClaims, revoke },
  }),
};
