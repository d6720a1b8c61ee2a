/**
 * monday.com (monday apps, OAuth 2.1: https://developer.monday.com/apps/docs/oauth-2-1).
 * Plain OAuth without an ID token; the API is GraphQL, so the person is read
 * with a POST of the `me` query to `https://api.monday.com/v2`
 * (https://developer.monday.com/api-reference/docs/basics): the subject is
 * the user's `id`. From monday's docs:
 * - every app made since OAuth 2.1 became the default uses it, and the
 *   legacy flow (`https://auth.monday.com/oauth2/token`, tokens that never
 *   expire and no refresh token, https://developer.monday.com/apps/docs/oauth-2-0)
 *   is only for older app versions that have not turned it on; monday stops
 *   taking legacy tokens (from API version 2027-04, `OAUTH21_TOKEN_REQUIRED`),
 *   so this preset speaks OAuth 2.1 only
 *   (https://developer.monday.com/apps/docs/migrating-to-the-new-oauth-flow);
 * - `GET https://auth.monday.com/oauth2/authorize` takes `client_id`,
 *   `redirect_uri`, `state`, space-separated `scope` (`me:read`,
 *   `boards:read`, `boards:write`, `workspaces:read`, …: the `me` query
 *   needs `me:read`, the default here) and a PKCE S256 challenge;
 * - `POST https://auth.monday.com/oauth_ms/oauth/token` exchanges the code
 *   with `client_id`, `client_secret`, `redirect_uri` and the PKCE verifier,
 *   and a refresh token with `grant_type=refresh_token`. The answer is
 *   `access_token` (a JWT), `refresh_token`, `token_type: "Bearer"` and
 *   `scope`; monday's own examples show no `expires_in`, and its migration
 *   guide has apps read the access token's `exp` claim instead
 *   (https://github.com/mondaycom/agentic-monday/blob/main/plugins-official/monday-api/skills/monday-oauth-migrate/SKILL.md):
 *   the tokenResponse hook adds `expires_in` from that claim when the answer
 *   has none, so the token is refreshed before it ends rather than after a 401.
 *   Each refresh answers a new refresh token ("always replace both"), kept;
 * - `POST https://auth.monday.com/oauth_ms/oauth/revoke` takes a JSON body
 *   `{ token, client_id, client_secret, token_type_hint }` (`access_token`
 *   or `refresh_token`) and answers `{ "success": true }`: not RFC 7009's
 *   form, so the revoke hook sends it monday's way, the refresh token when
 *   there is one (it ends the grant), else the access token;
 * - the `me` query is `{ me { id name email is_verified account { id name slug } } }`,
 *   answered `{ data: { me: {…} } }`; `is_verified` is whether the user
 *   confirmed their e-mail
 *   (https://developer.monday.com/api-reference/changelog/added-is_verified-field-for-users),
 *   read as the e-mail's verification, and the account is kept with the
 *   profile. Errors are GraphQL's `errors[]` with `extensions.code` and
 *   `status_code`
 *   (https://developer.monday.com/api-reference/changelog/breaking-change-updated-user-unauthorized-error-code);
 * - the `API-Version` header picks a call's API version (the current one
 *   without it): the proxies pass the caller's on.
 * Not checked against monday's pages: the access token's lifetime and
 * whether an answer ever carries `expires_in` (both are read from the
 * answer), how long a refresh token lives and whether the one used keeps
 * working, whether the token endpoint takes the form body RFC 6749 §4.1.3
 * has (monday's examples show JSON; its authorization server metadata is
 * reported to name `client_secret_post` and `client_secret_basic`), the
 * revocation endpoint's answer for a token it no longer knows (RFC 7009
 * §2.2's 200 is assumed; any other answer is a refusal), whether revoking
 * the refresh token ends its access tokens, and the body of a refused token
 * request (RFC 6749 §5.2 is assumed).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';
import { expiresInFromJwt } from './jwt-expiry.js';

/** The user of the GraphQL answer `{ data: { me } }`, with `is_verified` as the e-mail's verification. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = (body as { data?: { me?: unknown } } | null)?.data;
  const me = data !== null && typeof data === 'object' ? data.me : undefined;
  if (me === null || typeof me !== 'object' || Array.isArray(me)) return undefined;
  const user = me as Record<string, unknown>;
  return typeof user.is_verified === 'boolean' ? { ...user, email_verified: user.is_verified } : user;
}

/** Revokes at monday's endpoint with its JSON body: the refresh token when there is one, else the access token. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('monday.com revocation needs the revocation endpoint');
  const [token, hint] = request.refreshToken ? [request.refreshToken, 'refresh_token'] : [request.accessToken, 'access_token'];
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token, client_id: request.clientId, client_secret: request.clientSecret, token_type_hint: hint }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `monday.com refused the token revocation (HTTP ${response.status}).`);
}

export const monday: ProviderPreset = {
  displayName: 'monday.com',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.monday.com/oauth2/authorize',
      tokenEndpoint: 'https://auth.monday.com/oauth_ms/oauth/token',
      userinfoEndpoint: 'https://api.monday.com/v2',
      revocationEndpoint: 'https://auth.monday.com/oauth_ms/oauth/revoke',
    },
    scope: 'me:read',
    apiBaseUrl: 'https://api.monday.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    proxyHeaders: { request: ['api-version'], response: [] },
    userinfoPostJson: { query: '{ me { id name email is_verified account { id name slug } } }' },
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenResponse: expiresInFromJwt, profileClaims, revoke },
  }),
};
