/**
 * Withings (the Public Health Data API,
 * https://developer.withings.com/developer-guide/v3/integration-guide/public-health-data-api/get-access/oauth-web-flow/).
 * Plain OAuth 2.0 without discovery or an ID token, and with Withings' own
 * envelope around every answer. From Withings' docs:
 * - `GET https://account.withings.com/oauth2_user/authorize2` with
 *   `response_type=code`, `client_id`, `redirect_uri`, `state` and `scope`,
 *   a comma-separated list (`user.info,user.metrics,user.activity`); scopes
 *   are kept space-separated here and joined with commas only in the
 *   authorization request. The code is good for 30 seconds
 *   (https://developer.withings.com/developer-guide/faq/faq/);
 * - `POST https://wbsapi.withings.net/v2/oauth2` is the token endpoint, a
 *   form with `action=requesttoken` beside RFC 6749's `grant_type`, `code`
 *   or `refresh_token`, `redirect_uri`, `client_id` and `client_secret`
 *   (the tokenRequest hook adds the action). Every answer of the API is
 *   HTTP 200 with `{ "status": 0, "body": { … } }`, the token answer's body
 *   being `userid`, `access_token`, `refresh_token`, `expires_in` (10800:
 *   three hours), a comma-separated `scope` and `token_type: "Bearer"`; a
 *   refusal is a non-zero `status` with an `error` text, still with HTTP 200.
 *   The tokenResponse hook unwraps the body, reads the scope as RFC 6749
 *   §3.3's, and turns a refusal into §5.2's: a text about the client is
 *   `invalid_client`, status 601 (too many requests) or 2555 (an unknown
 *   error) a 503, anything else `invalid_grant` (the code or the refresh
 *   token is the only thing the request holds that can go bad);
 * - "each time you request a new access_token, you also receive a new
 *   refresh_token", which lives a year; the old one "expires 8 hours after
 *   new issuance or once the new access_token is used"
 *   (https://developer.withings.com/developer-guide/v3/integration-guide/public-health-data-api/get-access/access-and-refresh-tokens-no-recover):
 *   the new one is kept, and the keep-alive sweep refreshes a connection
 *   nobody used within the year;
 * - the access token goes as `Authorization: Bearer` to the API at
 *   https://wbsapi.withings.net (`/measure?action=getmeas`, `/v2/sleep`…).
 *   Withings has no call naming the person: the person is the `userid` of
 *   the token answer, read from it (no userinfo call), with no name or
 *   e-mail;
 * - "Partners cannot unlink a user from its app", only the person can, in
 *   their Withings account (https://developer.withings.com/developer-guide/faq/faq/):
 *   disconnect deletes the tokens here.
 * - an API call whose access token Withings no longer takes is answered with
 *   HTTP 200 too, its `status` one of those Withings' API reference lists as
 *   "authentication failed" (100, 101, 102, 200, 401); the tokenRejected
 *   hook reads such an answer as RFC 6750's 401, so the token is refreshed
 *   once and the call sent again, and a refresh Withings refuses means
 *   re-authorization. A `status: 401` whose error names `insufficient_scope`
 *   is about the grant's scope, not the token, and is passed on as it came.
 * Not checked against Withings' pages: whether PKCE is taken (none is sent),
 * the list of `status` codes a refused token request answers and their texts
 * (the mapping above reads the text, as Withings' clients report it:
 * "Invalid Params: invalid code", "… invalid client"), and the codes of an
 * ended access token (as Withings' clients report them).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';

/** A year, how long a Withings refresh token lives. */
const REFRESH_TOKEN_LIFETIME = 365 * 24 * 60 * 60;
/** Withings' `status` codes for a request it could not serve now: too many requests, an unknown error. */
const UNAVAILABLE = new Set([601, 2555]);

/** The requesttoken action Withings' token endpoint needs beside RFC 6749's form. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(request.body);
  body.set('action', 'requesttoken');
  return { body: body.toString(), headers: request.headers };
}

/** Withings' `{ status, body }` envelope as RFC 6749 §5.1's answer, or its refusal as §5.2's; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 200 || !fields || typeof fields.status !== 'number') return rebuiltAnswer(response, response.status, text);
  if (fields.status === 0) {
    const body = objectOf(fields.body);
    if (!body) return rebuiltAnswer(response, 502, text);
    const answer = { ...body, ...(typeof body.scope === 'string' ? { scope: body.scope.split(',').map((scope) => scope.trim()).filter(Boolean).join(' ') } : {}) };
    return rebuiltAnswer(response, 200, JSON.stringify(answer), 'application/json');
  }
  const said = typeof fields.error === 'string' ? fields.error : '';
  if (UNAVAILABLE.has(fields.status)) return rebuiltAnswer(response, 503, text);
  const error = /\bclient/i.test(said) ? 'invalid_client' : 'invalid_grant';
  const description = `Withings status ${fields.status}${said ? `: ${said}` : ''}`;
  return rebuiltAnswer(response, error === 'invalid_client' ? 401 : 400, JSON.stringify({ error, error_description: description }), 'application/json');
}

/** Withings' `status` codes for a call whose access token it did not take ("authentication failed"). */
const TOKEN_REFUSED = new Set([100, 101, 102, 200, 401]);

/** Whether an HTTP 200 answer of the API is Withings refusing the access token, not the scope of its grant. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 200) return false;
  const { fields } = await readTokenEndpointBody(response);
  if (typeof fields?.status !== 'number' || !TOKEN_REFUSED.has(fields.status)) return false;
  return typeof fields.error !== 'string' || !/insufficient_scope/i.test(fields.error);
}

/** The person, the `userid` of the token answer (a number or digits), never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const { userid } = answer;
  if (typeof userid === 'number' && Number.isSafeInteger(userid)) return { id: String(userid) };
  if (typeof userid === 'string' && /^\d+$/.test(userid)) return { id: userid };
  return undefined;
}

export const withings: ProviderPreset = {
  displayName: 'Withings',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://account.withings.com/oauth2_user/authorize2',
      tokenEndpoint: 'https://wbsapi.withings.net/v2/oauth2',
    },
    scope: 'user.info user.metrics user.activity',
    apiBaseUrl: 'https://wbsapi.withings.net',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    refreshTokenIdleSeconds: REFRESH_TOKEN_LIFETIME,
    successMayRejectToken: true,
    hooks: { authorizationScope: commaJoinedScope, tokenRequest, tokenResponse, tokenResponseProfile, tokenRejected },
  }),
};
