/**
 * Douyin Open Platform (a website application, 网站应用, created and approved
 * on open.douyin.com: its Client Key as `<NAME>_CLIENT_ID`, its Client
 * Secret as `<NAME>_CLIENT_SECRET`, the callback as its redirect URL). Plain
 * OAuth 2.0 without an ID token, whose app is named by its client key where
 * OAuth says `client_id`, and whose answers come wrapped in `data`. From
 * Douyin's docs:
 * - `GET https://open.douyin.com/platform/oauth/connect/` takes
 *   `client_key`, `response_type=code`, `scope` (required, comma-separated),
 *   `redirect_uri` (https, the one configured, no query of its own) and
 *   `state`; the person scans a QR code (or approves in the app) and is sent
 *   back with the code
 *   (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/douyin-get-permission-code/).
 *   The client key goes in as an authorization parameter made from the client
 *   id (the `client_id` every request carries is one more, ignored), and the
 *   authorizationScope hook joins scopes with commas. `user_info` is asked,
 *   the scope of the person's public profile
 *   (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-account-open-info);
 * - `POST https://open.douyin.com/oauth/access_token/`, a form with
 *   `client_key`, `client_secret`, `code` and `grant_type`; the answer is
 *   `{ data: { access_token, expires_in (15 days), open_id, refresh_token,
 *   refresh_expires_in, scope, error_code: 0, description }, message }`
 *   (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-access-token);
 * - refreshes go to their own endpoint, `POST https://open.douyin.com/oauth/refresh_token/`,
 *   a form with `client_key`, `grant_type=refresh_token` and the
 *   `refresh_token` alone (no secret): a new 15-day access token, the refresh
 *   token's 30 days unchanged; an expired refresh token is `error_code`
 *   10010 and needs the person to authorize again; a person may cancel the
 *   app's authorization in Douyin's settings, ending its tokens at once
 *   (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/refresh-access-token).
 *   The tokenRequest hook names the client `client_key` and leaves the secret
 *   out of refreshes;
 * - refusals come with HTTP 200 and a non-zero `data.error_code` with a
 *   `description` (e.g. 2100005 "Parameter error",
 *   https://open.douyin.com/platform/resource/docs/openapi/account-permission/get-access-token):
 *   the tokenResponse hook unwraps `data` and answers a refusal as RFC 6749
 *   §5.2's, adds the Bearer `token_type` Douyin leaves out, reads its
 *   numbers that come as text, makes the scope space-separated and names
 *   `refresh_expires_in` `refresh_token_expires_in`;
 * - the person is the token answer's `open_id`, "the user's unique identifier
 *   in the current application"
 *   (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/common-params,
 *   https://developer.open-douyin.com/docs/resource/zh-CN/dop/ability/open-data/get-user-info-solution):
 *   no profile call is made (the user info API is a POST with the token and
 *   open_id in its body), so no name and no e-mail;
 * - OpenAPI calls under `https://open.douyin.com` carry the token in an
 *   `access-token` header (e.g. `GET /open/getticket/`,
 *   https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/tools-ability/jsb-management/open-ticket)
 *   and answer HTTP 200 even when they refuse it: `err_no` or
 *   `data.error_code` 28001003 (invalid), 28001008 (expired)
 *   (https://developer.open-douyin.com/docs/resource/zh-cn/dop/develop/openapi/status-code),
 *   10008 or 2190008 (expired, https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/sdk/mobile-app/permission/get-permission-token):
 *   the tokenRejected hook reads those as the token refused.
 * Not checked against Douyin's pages: the codes of a wrong client key or
 * secret at /oauth/access_token/ (10003 and 10013, which Douyin lists for its
 * client_token endpoint, are read as `invalid_client`; every other code but
 * a missing parameter as `invalid_grant`); whether the refresh answer's
 * `refresh_token` is the one sent (whatever it answers is kept); whether the
 * authorization sends `error=access_denied` back when the person declines
 * (RFC 6749's is assumed); PKCE (not documented, not sent); the renewal of
 * refresh tokens (`/oauth/renew_refresh_token/`, five times at most, for
 * apps granted it) is not used, so a connection needs signing in again 30
 * days after it was made. Douyin documents no revocation: disconnect
 * forgets the tokens here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';

/** Douyin's codes for a client it does not take (a client key unknown, a key and secret that do not match). */
const CLIENT_REFUSED = new Set([10003, 10013]);
/** Its codes for a request missing or mangling a parameter. */
const REQUEST_REFUSED = new Set([10005, 2100005]);
/** Its codes for an access token it does not take: invalid, or expired. */
const TOKEN_REFUSED = new Set([28001003, 28001008, 10008, 2190008]);

/** A number Douyin may send as text ("86400"); undefined for anything else. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** The token request with the client named `client_key`; a refresh carries no secret, as Douyin documents it. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const refresh = request.body.get('grant_type') === 'refresh_token';
  const body = new URLSearchParams();
  for (const [name, value] of request.body) {
    if (refresh && name === 'client_secret') continue;
    body.append(name === 'client_id' ? 'client_key' : name, value);
  }
  return { body: body.toString(), headers: request.headers };
}

/** Douyin's `{ data, message }` answers as RFC 6749 §5.1/§5.2's: tokens at the top level, or a refusal with a 4xx. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const data = objectOf(fields?.data);
  if (response.status !== 200 || !data) return rebuiltAnswer(response, response.status, text);
  const code = numberOf(data.error_code);
  const description = typeof data.description === 'string' && data.description !== '' ? { error_description: data.description } : {};
  if (code !== 0 || typeof data.access_token !== 'string') {
    const error = code !== undefined && CLIENT_REFUSED.has(code) ? 'invalid_client' : code !== undefined && REQUEST_REFUSED.has(code) ? 'invalid_request' : 'invalid_grant';
    return rebuiltAnswer(response, error === 'invalid_client' ? 401 : 400, JSON.stringify({ error, ...description, douyin_error_code: data.error_code }), 'application/json');
  }
  const { error_code: _code, description: _description, captcha: _captcha, desc_url: _descUrl, log_id: _logId, ...tokens } = data;
  const answer: Record<string, unknown> = { ...tokens, token_type: typeof data.token_type === 'string' ? data.token_type : 'Bearer' };
  const expiresIn = numberOf(data.expires_in);
  if (expiresIn !== undefined) answer.expires_in = expiresIn;
  const refreshExpiresIn = numberOf(data.refresh_expires_in);
  if (refreshExpiresIn !== undefined) answer.refresh_token_expires_in = refreshExpiresIn;
  if (typeof data.scope === 'string') answer.scope = data.scope.split(',').map((scope) => scope.trim()).filter(Boolean).join(' ');
  return rebuiltAnswer(response, 200, JSON.stringify(answer), 'application/json');
}

/** The person, the code exchange's `open_id`, never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const openId = answer.open_id;
  return typeof openId === 'string' && openId.trim() !== '' ? { open_id: openId } : undefined;
}

/** An API answer (HTTP 200) whose `err_no` or `data.error_code` says the access token is invalid or expired. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 200) return false;
  const { fields } = await readTokenEndpointBody(response);
  const codes = [numberOf(fields?.err_no), numberOf(objectOf(fields?.data)?.error_code)];
  return codes.some((code) => code !== undefined && TOKEN_REFUSED.has(code));
}

export const douyin: ProviderPreset = {
  displayName: 'Douyin',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://open.douyin.com/platform/oauth/connect/',
      tokenEndpoint: 'https://open.douyin.com/oauth/access_token/',
      refreshEndpoint: 'https://open.douyin.com/oauth/refresh_token/',
    },
    scope: 'user_info',
    apiBaseUrl: 'https://open.douyin.com',
    accessTokenHeader: 'access-token',
    successMayRejectToken: true,
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    ...(client?.clientId ? { authorizationParams: { client_key: client.clientId } } : {}),
    subjectClaim: 'open_id',
    hooks: { authorizationScope: commaJoinedScope, tokenRequest, tokenResponse, tokenResponseProfile, tokenRejected },
  }),
};
