/**
 * Pinterest API v5. Plain OAuth 2.0 without discovery or an ID token. From
 * Pinterest's docs (https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/)
 * and its OpenAPI description of v5 (https://github.com/pinterest/api-description,
 * `POST /oauth/token`, `GET /user_account`):
 * - `GET https://www.pinterest.com/oauth/` takes `client_id` (the app ID),
 *   `redirect_uri`, `response_type=code`, `state` and `scope`, the scopes
 *   comma-separated (`boards:read,pins:read,user_accounts:read`, as the
 *   docs' example URL and Pinterest's quickstart write them): the
 *   authorizationScope hook joins them with commas there;
 * - `POST https://api.pinterest.com/v5/oauth/token` takes a form with the
 *   code and `redirect_uri` (or a `refresh_token`) and the app's ID and
 *   secret as HTTP Basic, base64 of `id:secret` as they are (Pinterest's
 *   quickstart, https://github.com/pinterest/api-quickstart, encodes them
 *   so). The answer has `access_token`, `token_type`, `expires_in`,
 *   `scope`, `refresh_token`, `refresh_token_expires_in` and
 *   `refresh_token_expires_at`; the access token's 30 days are what
 *   Pinterest's clients report, not what the pages read here state, so
 *   `expires_in` is what counts;
 * - refresh tokens are "continuous": each lasts 60 days and a refresh answers
 *   a new one, "refreshable indefinitely"; the latest is always kept, and the
 *   keep-alive sweep renews a connection nobody used before the stated end.
 *   An app created before September 25, 2025 is given one only when the code
 *   exchange carries `continuous_refresh=true` (the legacy 365-day refresh
 *   tokens are no longer supported), so the tokenRequest hook always adds it
 *   there;
 * - the person is the `id` (digits, as a string) of
 *   `GET https://api.pinterest.com/v5/user_account` (scope
 *   `user_accounts:read`), with `username`; Pinterest gives no e-mail;
 * - errors, at the token endpoint too, are `{ code, message }` with
 *   Pinterest's own numbers, not RFC 6749 §5.2's: the tokenResponse hook
 *   reads code 283 ("The authorization grant is invalid", the answer
 *   Pinterest's SDK reports for a refresh token it refuses,
 *   https://github.com/pinterest/pinterest-python-sdk/issues/114) as
 *   `invalid_grant` and code 2 ("Authentication failed.", the documented
 *   client authentication error of `/oauth/token/revoke`) or any other 401 as
 *   `invalid_client`.
 * Pinterest's revocation endpoint (`POST /v5/oauth/token/revoke`) takes only
 * tokens issued for system users, so disconnecting deletes the tokens here
 * and the person removes the app in their Pinterest settings. Not
 * documented: the separator of the token answer's `scope` (commas are read as
 * spaces), whether a refresh token still works once a refresh replaced it,
 * the HTTP status of the token endpoint's errors, and what the authorization
 * endpoint sends back when the person declines (taken as RFC 6749's
 * `access_denied`). Pinterest documents no PKCE, so none is sent.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { commaJoinedScope, type ProviderPreset } from './preset.js';

/** Pinterest's error codes for a grant it refuses, and for client credentials it does not accept. */
const INVALID_GRANT = 283;
const AUTHENTICATION_FAILED = 2;

/** The code exchange asks for a continuous refresh token, which an app created before September 25, 2025 is otherwise not given. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(request.body);
  if (body.get('grant_type') === 'authorization_code' && !body.has('continuous_refresh')) body.set('continuous_refresh', 'true');
  return { body: body.toString(), headers: request.headers };
}

/**
 * Pinterest's token answers in RFC 6749 §5.1/§5.2 shape: a comma-separated
 * `scope` space-separated, and its `{ code, message }` refusals as `{ error,
 * error_description }` (283 `invalid_grant` with HTTP 400, 2 or any 401
 * `invalid_client` with HTTP 401).
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields) return rebuiltAnswer(response, response.status, text);
  if (response.status === 200) {
    if (typeof fields.scope !== 'string' || !fields.scope.includes(',')) return rebuiltAnswer(response, 200, text);
    const scope = fields.scope.split(/[\s,]+/).filter(Boolean).join(' ');
    return rebuiltAnswer(response, 200, JSON.stringify({ ...fields, scope }), 'application/json');
  }
  if (response.status < 400 || response.status >= 500 || typeof fields.error === 'string' || typeof fields.code !== 'number') return rebuiltAnswer(response, response.status, text);
  const description = typeof fields.message === 'string' && fields.message !== '' ? { error_description: fields.message } : {};
  if (fields.code === INVALID_GRANT) return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', ...description }), 'application/json');
  // Its `WWW-Authenticate: Basic` challenge, which names no error, is dropped by the core once the body names one.
  if (fields.code === AUTHENTICATION_FAILED || response.status === 401) return rebuiltAnswer(response, 401, JSON.stringify({ error: 'invalid_client', ...description }), 'application/json');
  return rebuiltAnswer(response, response.status, JSON.stringify({ error: 'invalid_request', ...description }), 'application/json');
}

export const pinterest: ProviderPreset = {
  displayName: 'Pinterest',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.pinterest.com/oauth/',
      tokenEndpoint: 'https://api.pinterest.com/v5/oauth/token',
      userinfoEndpoint: 'https://api.pinterest.com/v5/user_account',
    },
    scope: 'user_accounts:read',
    apiBaseUrl: 'https://api.pinterest.com/v5',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'username', preferredUsername: 'username' },
    hooks: { authorizationScope: commaJoinedScope, tokenRequest, tokenResponse },
  }),
};
