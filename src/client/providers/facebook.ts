/**
 * Facebook Login (Meta), plain OAuth 2.0 on Graph API v26.0: no discovery and
 * no ID token in the web flow here (the OIDC code flow Facebook offers is
 * marked "still in testing"). From Meta's docs:
 * - every endpoint is versioned: the login dialog
 *   `https://www.facebook.com/v26.0/dialog/oauth` (`client_id`,
 *   `redirect_uri`, `state`, `response_type=code`, `scope` "a comma or space
 *   separated list of Permissions"), and the code is exchanged at
 *   `https://graph.facebook.com/v26.0/oauth/access_token` with `client_id`
 *   and `client_secret` as parameters, answering `access_token`,
 *   `token_type` and `expires_in`; a person who cancels comes back with
 *   `error=access_denied` (and `error_reason=user_denied`)
 *   (https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow);
 *   v26.0 is the newest version Meta lists (released July 29, 2026); another
 *   is `FACEBOOK_AUTHORIZE_URL`, `FACEBOOK_ACCESS_TOKEN_URL` and
 *   `FACEBOOK_API_BASE_URL` (the profile call and disconnect follow the API
 *   base) (https://developers.facebook.com/docs/graph-api/changelog/versions/,
 *   https://developers.facebook.com/docs/graph-api/guides/versioning);
 * - there are no refresh tokens: a user token lives about 60 days, and a
 *   short-lived one can be exchanged (`grant_type=fb_exchange_token`) for a
 *   long-lived one, but an expired token cannot, and only Facebook's SDKs on
 *   a person's device renew a token; after that "the person will have to go
 *   through the login flow again"
 *   (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived).
 *   The exchange is not made at sign-in: the server-side code exchange
 *   already answers a token of about 60 days (`expires_in` ≈ 5,184,000), and
 *   exchanging a long-lived token does not lengthen it. When the token ends
 *   (by its expiry, or the API's OAuthException code 190: expired, revoked,
 *   password changed, app removed) the connection needs a new sign-in
 *   (https://developers.facebook.com/docs/graph-api/guides/error-handling);
 * - errors are `{ "error": { "message", "type", "code", "error_subcode",
 *   "fbtrace_id" } }`, at the token endpoint too, not RFC 6749 §5.2's codes:
 *   the token answer's are rewritten (a code refused: invalid_grant; the
 *   client's id or secret: invalid_client), and an API answer with code 190
 *   is read as a refused token (it comes with HTTP 400, not 401);
 * - the person is `GET /me?fields=id,name,email`: `id` is app-scoped (the
 *   same person has another id in another app), `email` only with the
 *   `email` permission and only when Facebook has a valid address, and never
 *   said to be verified (https://developers.facebook.com/docs/graph-api/reference/user/,
 *   https://developers.facebook.com/docs/permissions/reference/email);
 * - an app may "Require App Secret": every Graph API call then carries
 *   `appsecret_proof`, the HMAC-SHA256 of the access token keyed by the app
 *   secret; calls from a server are asked to send it in any case
 *   (https://developers.facebook.com/docs/graph-api/securing-requests). It is
 *   sent on every call here: the profile, the proxies, the library's fetch,
 *   and disconnect;
 * - `DELETE /me/permissions` with the user's token removes the app's every
 *   permission, ending the login (https://developers.facebook.com/docs/facebook-login/guides/permissions/request-revoke,
 *   https://developers.facebook.com/docs/graph-api/reference/user/permissions/).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { withTokenProof } from '../token-proof.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const GRAPH = 'https://graph.facebook.com/v26.0';
const PROOF_PARAMETER = 'appsecret_proof';
/** Codes 190 (OAuthException) and 102 (API Session): the access token expired, was revoked or is otherwise invalid; get a new one (Graph API error handling). */
const TOKEN_ENDED = new Set([190, 102]);

interface GraphError {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_subcode?: unknown;
}

/** The `error` object of a Graph API answer, if it has one. */
function graphErrorOf(fields: Record<string, unknown> | undefined): GraphError | undefined {
  const error = fields?.error;
  return error !== null && typeof error === 'object' && !Array.isArray(error) ? (error as GraphError) : undefined;
}

/** Messages about the app's own id or secret, which the token endpoint sends with codes 1 and 101. */
const CLIENT_REFUSED = /client secret|application id|app id|invalid application/i;

/** The token endpoint's Graph errors as RFC 6749 §5.2 codes: the client's credentials (401 invalid_client), else the code (400 invalid_grant). */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const error = graphErrorOf(fields);
  if (response.ok || response.status >= 500 || !error) return rebuiltAnswer(response, response.status, text);
  const message = typeof error.message === 'string' ? error.message : 'Facebook refused the request';
  const client = error.code === 101 || CLIENT_REFUSED.test(message);
  const answer = { error: client ? 'invalid_client' : 'invalid_grant', error_description: `${message} (code ${String(error.code)})` };
  return rebuiltAnswer(response, client ? 401 : 400, JSON.stringify(answer), 'application/json');
}

/** Whether a Graph API answer says the token ended (code 190 or 102, or an OAuthException without a code); Instagram's Graph API answers alike. */
export async function graphTokenRejected(response: Response): Promise<boolean> {
  const { fields } = await readTokenEndpointBody(response);
  const error = graphErrorOf(fields);
  return error !== undefined && ((typeof error.code === 'number' && TOKEN_ENDED.has(error.code)) || (error.type === 'OAuthException' && error.code === undefined));
}

/** `/me` with its e-mail marked unverified: Facebook never says it was verified. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const user = body as Record<string, unknown>;
  return typeof user.email === 'string' && user.email !== '' ? { ...user, email_verified: false } : user;
}

/** Removes every permission the person gave the app (`DELETE /me/permissions`), with the token's proof. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Facebook revocation needs the API base URL');
  const url = withTokenProof({ tokenProofParameter: PROOF_PARAMETER, clientSecret: request.clientSecret }, new URL(`${withoutTrailingSlash(request.apiBaseUrl)}/me/permissions`), request.accessToken);
  const response = await request.send(url.toString(), { method: 'DELETE', headers: { ...request.apiHeaders, authorization: `Bearer ${request.accessToken}` } });
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => {});
    return 'revoked';
  }
  // A token that already ended (the person removed the app, or it expired) has nothing left to remove.
  if (response.status < 500 && (await graphTokenRejected(response))) return 'already_revoked';
  await response.body?.cancel().catch(() => {});
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Facebook answered HTTP ${response.status} to the removal of the app's permissions.`);
}

export const facebook: ProviderPreset = {
  displayName: 'Facebook',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.facebook.com/v26.0/dialog/oauth',
      tokenEndpoint: `${GRAPH}/oauth/access_token`,
      userinfoEndpoint: `${GRAPH}/me?fields=id,name,email`,
    },
    scope: 'public_profile email',
    apiBaseUrl: GRAPH,
    tokenEndpointAuthMethod: 'client_secret_post',
    tokenProofParameter: PROOF_PARAMETER,
    subjectClaim: 'id',
    hooks: { tokenResponse, tokenRejected: graphTokenRejected, profileClaims, revoke },
  }),
};
