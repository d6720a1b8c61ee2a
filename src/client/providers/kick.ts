/**
 * Kick (the Kick Dev API's OAuth 2.1 server at id.kick.com). Plain OAuth 2.1 with explicit endpoints. From Kick's
 * own developer docs (https://github.com/KickEngineering/KickDevDocs, published at https://docs.kick.com:
 * getting-started/generating-tokens-oauth2-flow.md, scopes/scopes.md, apis/users.md):
 * - `GET https://id.kick.com/oauth/authorize` with `client_id`, `response_type=code`, `redirect_uri`, `state`,
 *   `scope` (required; `user:read` reads the person) and PKCE: `code_challenge` and `code_challenge_method=S256`
 *   are both required;
 * - `POST https://id.kick.com/oauth/token`, a form (`application/x-www-form-urlencoded`) with `client_id` and
 *   `client_secret` in it: the code exchange with `code`, `redirect_uri` and `code_verifier`, a refresh with
 *   `refresh_token`. Both answer `access_token`, `token_type`, `refresh_token`, `expires_in` and `scope`: a
 *   refresh "refreshes both access and refresh codes", so the new refresh token is kept;
 * - a refusal is HTTP 400 with `{ "error": "Invalid request" }`, the same body for every refusal the pages show,
 *   which is not one of RFC 6749 §5.2's codes. Sent to the token endpoint with the client, the request is
 *   otherwise whole, so the tokenResponse hook reads such a 400 as `invalid_grant` (the code or refresh token is
 *   not taken), Kick's own words kept as `kick_error`; an RFC 6749 code Kick sends is left as it is. A wrong
 *   client secret gets the same answer, so a refused refresh is checked with a client-credentials grant, the
 *   App Access Token the same page names (sameRefusalForClientAndGrant): granted, the refresh token is dead and
 *   the connection needs re-authentication; refused too, the configured secret is wrong and the connections are
 *   left as they are;
 * - the person is `GET https://api.kick.com/public/v1/users` (Bearer, `user:read`), which without `id` answers the
 *   token's own user: `{ data: [{ user_id, name, email, profile_picture }], message }`. `user_id` (a number) is the
 *   subject, `name` the name (the Kick username); Kick says nothing of the e-mail's verification, so it is kept
 *   unverified;
 * - the API is `https://api.kick.com` (`/public/v1/…`);
 * - disconnect is `POST https://id.kick.com/oauth/revoke` with `token` and `token_hint_type` (`access_token` or
 *   `refresh_token`) in the query, answering 200 `OK`: not RFC 7009's form, nor its `token_type_hint`, so the
 *   revoke hook sends it Kick's way, the refresh token first, then the access token.
 * Not checked against Kick's pages: that App Access Tokens are granted (the page at hand marks them "not yet
 * implemented"; a report on Kick's docs tracker, KickEngineering/KickDevDocs#383, shows a client-credentials token
 * granted and introspected as `"token_type": "app"`), the lifetimes (the example answer leaves `expires_in` blank; the one answered
 * is kept), whether a refresh token used once still works (a merged docs change is titled "make refresh tokens
 * reusable/flexible"; either way the newest is kept), whether revoking one token ends the other (both are
 * revoked), whether the revocation wants the client (none is documented, none is sent), the answer to revoking a
 * token Kick no longer has (a 400 or 401 then counts as revoked when the token was live or its refresh was
 * refused), and the status and body of a refused API call (401 is taken).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** RFC 6749 §5.2's error codes, left as Kick sends them. */
const RFC_6749_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/**
 * A 400 whose `error` is not one of RFC 6749 §5.2's codes (Kick documents `"Invalid request"` for every refusal)
 * rebuilt as `invalid_grant`, Kick's words kept as `kick_error`. Any other answer is left as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 400 || !fields || typeof fields.error !== 'string' || RFC_6749_ERRORS.has(fields.error)) return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', error_description: fields.error, kick_error: fields.error }), 'application/json');
}

/**
 * The person of /public/v1/users: the first (and only) user of `data`, its `user_id` (a whole number) the subject,
 * with the name, e-mail and profile picture when given. An answer without one names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(body)?.data;
  const user = Array.isArray(data) && data.length === 1 ? objectOf(data[0]) : undefined;
  const id = user?.user_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const name = trimmedText(user!.name);
  const email = trimmedText(user!.email);
  const picture = trimmedText(user!.profile_picture);
  return { user_id: id, ...textMembers({ name, email, picture }) };
}

/** Revokes the refresh token, then the access token, at /oauth/revoke, each in the query with its `token_hint_type`. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Kick revocation needs the revocation endpoint');
  const tokens: Array<[string, 'refresh_token' | 'access_token']> = [];
  if (request.refreshToken) tokens.push([request.refreshToken, 'refresh_token']);
  tokens.push([request.accessToken, 'access_token']);
  let outcome: RevocationOutcome = 'revoked';
  for (const [token, hint] of tokens) {
    const url = new URL(request.revocationEndpoint);
    url.searchParams.set('token', token);
    url.searchParams.set('token_hint_type', hint);
    const response = await request.send(url.toString(), { method: 'POST', headers: {} });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) continue;
    // A token that was live refused (the person removed the app at Kick), or one whose refresh Kick refused: the grant is gone.
    const tokenWasGood = !request.accessTokenExpired || request.refreshTokenRefused;
    if ((response.status === 400 || response.status === 401) && tokenWasGood) {
      outcome = 'already_revoked';
      continue;
    }
    throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Kick refused the token revocation (HTTP ${response.status}).`);
  }
  return outcome;
}

export const kick: ProviderPreset = {
  displayName: 'Kick',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://id.kick.com/oauth/authorize',
      tokenEndpoint: 'https://id.kick.com/oauth/token',
      userinfoEndpoint: 'https://api.kick.com/public/v1/users',
      revocationEndpoint: 'https://id.kick.com/oauth/revoke',
    },
    scope: 'user:read',
    apiBaseUrl: 'https://api.kick.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    sameRefusalForClientAndGrant: true,
    subjectClaim: 'user_id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenResponse, profileClaims, revoke },
  }),
};
