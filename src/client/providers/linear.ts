/**
 * Linear (OAuth2 applications, https://linear.app/developers/oauth-2-0-authentication).
 * Plain OAuth 2.0 without discovery or an ID token; the API is GraphQL, so
 * the person is read with a POST of the `viewer` query to
 * `https://api.linear.app/graphql` (https://linear.app/developers/graphql):
 * the subject is the viewer's `id`. From Linear's docs:
 * - `GET https://linear.app/oauth/authorize` takes `client_id`,
 *   `redirect_uri`, `response_type=code`, `state`, a PKCE challenge (`plain`
 *   or `S256`) and `scope`, a comma-separated list of `read` (always
 *   granted), `write`, `issues:create`, `comments:create`,
 *   `timeSchedule:write` and `admin`: the authorizationScope hook joins the
 *   scopes with commas there. `actor` (`user`, the default, or `app`) and
 *   `prompt=consent` are optional: neither is sent, and
 *   `<NAME>_AUTHORIZATION_PARAMS` adds them (`actor=app` for an agent);
 * - `POST https://api.linear.app/oauth/token` takes a form with the code,
 *   `redirect_uri`, `client_id`, `client_secret` and the PKCE verifier, and
 *   answers `access_token`, `token_type: "Bearer"`, `expires_in` (24 hours,
 *   86399), `scope` space-separated, and `refresh_token`. Apps made before
 *   December 1, 2023 are answered `scope` as an array of strings, which
 *   RFC 6749 §5.1 does not allow: the tokenResponse hook joins it with spaces;
 * - every OAuth2 application has refresh tokens since April 1, 2026 (apps
 *   made from October 1, 2025 had them from the start; older apps' ten-year
 *   access tokens were to be migrated by then). A refresh (the client in the
 *   form body or Basic) answers a new access token and a new refresh token,
 *   which is kept; Linear does not say whether the one used still works, nor
 *   how long a refresh token lives unused (so no idle lifetime is set);
 * - `POST https://api.linear.app/oauth/revoke` takes the access token as a
 *   Bearer token (or an `access_token` form field), or a refresh token as
 *   the `refresh_token` form field, and answers 200 (revoked), 400 ("unable
 *   to revoke token (e.g. token was already revoked)") or 401 ("unable to
 *   authenticate with the token"): not RFC 7009's `token` parameter, so the
 *   revoke hook sends it Linear's way;
 * - the viewer query is `{ viewer { id name email } }`, answered as GraphQL
 *   does, `{ data: { viewer: {…} } }`, with failures in an `errors` array.
 * Linear does not say whether the e-mail is verified: it is kept with its
 * verification unknown. The status Linear answers a request with an ended
 * token is not documented either.
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { commaJoinedScope, type ProviderPreset } from './preset.js';

/** An older app's `scope` array, space-joined as RFC 6749 §5.1 has it; any other answer is passed on as it was. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  const { fields } = await readTokenEndpointBody(response.clone());
  if (!fields || !Array.isArray(fields.scope)) return response;
  await response.body?.cancel().catch(() => {});
  const scope = fields.scope.filter((value): value is string => typeof value === 'string').join(' ');
  return rebuiltAnswer(response, 200, JSON.stringify({ ...fields, scope }), 'application/json');
}

/** The viewer of the GraphQL answer `{ data: { viewer } }`. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = (body as { data?: { viewer?: unknown } } | null)?.data;
  const viewer = data !== null && typeof data === 'object' ? data.viewer : undefined;
  if (viewer === null || typeof viewer !== 'object' || Array.isArray(viewer)) return undefined;
  return viewer as Record<string, unknown>;
}

/**
 * Revokes at Linear's endpoint: the access token as a Bearer token, or the
 * refresh token (`refresh_token` form field) when the access token expired
 * and its refresh failed without Linear refusing the refresh token.
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Linear revocation needs the revocation endpoint');
  const refreshToken = request.accessTokenExpired && !request.refreshTokenRefused ? request.refreshToken : null;
  const response = await request.send(
    request.revocationEndpoint,
    refreshToken
      ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ refresh_token: refreshToken }).toString() }
      : { method: 'POST', headers: { authorization: `Bearer ${request.accessToken}` } },
  );
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  // A live token refused (already revoked, or not known), or a refresh token Linear had refused already: the grant is gone.
  const tokenWasGood = refreshToken !== null || !request.accessTokenExpired || request.refreshTokenRefused;
  if ((response.status === 400 || response.status === 401) && tokenWasGood) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Linear refused the token revocation (HTTP ${response.status}).`);
}

export const linear: ProviderPreset = {
  displayName: 'Linear',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://linear.app/oauth/authorize',
      tokenEndpoint: 'https://api.linear.app/oauth/token',
      userinfoEndpoint: 'https://api.linear.app/graphql',
      revocationEndpoint: 'https://api.linear.app/oauth/revoke',
    },
    scope: 'read',
    apiBaseUrl: 'https://api.linear.app',
    tokenEndpointAuthMethod: 'client_secret_post',
    userinfoPostJson: { query: '{ viewer { id name email } }' },
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { authorizationScope: commaJoinedScope, tokenResponse, profileClaims, revoke },
  }),
};
