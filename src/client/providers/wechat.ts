/**
 * WeChat website login (网站应用微信登录: a website application approved on
 * open.weixin.qq.com with WeChat Login granted, its AppID as
 * `<NAME>_CLIENT_ID` and AppSecret as `<NAME>_CLIENT_SECRET`, the callback
 * on its authorized domain). OAuth 2.0's code flow under WeChat's own
 * parameter names, without an ID token. From WeChat's docs
 * (https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md,
 * https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html,
 * https://developers.weixin.qq.com/doc/oplatform/Mobile_App/WeChat_Login/Authorized_API_call_UnionID.html):
 * - the person opens `https://open.weixin.qq.com/connect/qrconnect?appid=…&redirect_uri=…&response_type=code&scope=snsapi_login&state=…#wechat_redirect`
 *   (`scope` comma-separated, `snsapi_login` alone for a website), scans the
 *   QR code and is sent back with `code` and `state`; a person who declines
 *   comes back with `state` alone, no code and no error, which fails the
 *   sign-in here as an answer without a code does. The AppID goes in as
 *   `appid`, an authorization parameter made from the client id (the
 *   `client_id` every request carries is one more);
 * - the code is exchanged with `GET https://api.weixin.qq.com/sns/oauth2/access_token`
 *   and `appid`, `secret`, `code` and `grant_type=authorization_code` in the
 *   query; the answer is `access_token`, `expires_in` (7200),
 *   `refresh_token`, `openid`, `scope` (comma-separated) and, for an app
 *   bound to an open platform account, `unionid`, with no `token_type`; a
 *   refusal is `{ errcode, errmsg }` (e.g. 40029 "invalid code"), with HTTP
 *   200;
 * - refreshes go to `GET https://api.weixin.qq.com/sns/oauth2/refresh_token`
 *   with `appid`, `grant_type=refresh_token` and `refresh_token` alone (no
 *   secret); the answer has the same members; an access token not yet ended
 *   is kept and its time extended. A refresh token lasts long (180 days on
 *   the mobile app page) and cannot be renewed: the person then signs in
 *   again;
 * - the person is the `openid`, "the authorized user's unique identifier"
 *   (in this app); `unionid` is kept beside it. The profile
 *   (`/sns/userinfo`) needs the openid in its query, so it is not read: no
 *   name, no e-mail;
 * - API calls under `https://api.weixin.qq.com` carry the token as the
 *   `access_token` query parameter (`/sns/userinfo?openid=…`, `/sns/auth`),
 *   and answer a token they do not take with HTTP 200 and an `errcode`.
 * The tokenRequest hook sends the client as `appid` and `secret` (only
 * `appid` with a refresh) and keeps only the parameters WeChat names; the
 * tokenResponse hook answers `errcode` refusals as RFC 6749 §5.2's
 * (40013/40125/41002/41004/40001 the client's, 40029/40163/42003 a code,
 * 40030/42002 a refresh token, both `invalid_grant`), adds the Bearer type
 * and makes the scope space-separated; the tokenRejected hook reads
 * `errcode` 40001, 40014 and 42001 as the token refused.
 * Not checked against WeChat's own pages (read in copies of them): the
 * meaning of each `errcode` but 40029 (WeChat's global return codes,
 * https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html);
 * how long the website flow's refresh token lasts (no end is answered: the
 * connection needs signing in again once a refresh is refused); whether the token endpoints take the extra
 * `redirect_uri` (it is not sent); PKCE (not documented, not sent). WeChat
 * documents no revocation: disconnect forgets the tokens here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { renamedClientTokenRequest, type ProviderPreset } from './preset.js';

/** WeChat's codes for a client it does not take: an AppID or AppSecret wrong or missing. */
const CLIENT_REFUSED = new Set([40001, 40013, 40125, 41002, 41004]);
/** Its codes for a code or refresh token it does not take: invalid, used, expired. */
const GRANT_REFUSED = new Set([40029, 40163, 42003, 40030, 42002]);
/** Its codes, in an API answer, for an access token it does not take. */
const TOKEN_REFUSED = new Set([40001, 40014, 42001]);

/** WeChat's answers in RFC 6749 §5.1/§5.2 shape: an `errcode` as the refusal it is, a token type, a space-separated scope. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || response.status !== 200) return rebuiltAnswer(response, response.status, text);
  const code = typeof fields.errcode === 'number' ? fields.errcode : undefined;
  if (code !== undefined && code !== 0) {
    const error = CLIENT_REFUSED.has(code) ? 'invalid_client' : GRANT_REFUSED.has(code) ? 'invalid_grant' : 'invalid_request';
    const description = typeof fields.errmsg === 'string' ? { error_description: fields.errmsg } : {};
    return rebuiltAnswer(response, error === 'invalid_client' ? 401 : 400, JSON.stringify({ error, ...description, wechat_errcode: code }), 'application/json');
  }
  const answer: Record<string, unknown> = { ...fields };
  if (typeof fields.access_token === 'string' && typeof fields.token_type !== 'string') answer.token_type = 'Bearer';
  if (typeof fields.scope === 'string') answer.scope = fields.scope.split(',').map((scope) => scope.trim()).filter(Boolean).join(' ');
  return rebuiltAnswer(response, 200, JSON.stringify(answer), 'application/json');
}

/** The person, the code exchange's `openid`, with its `unionid` when WeChat gives one; never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const { openid, unionid } = answer;
  if (typeof openid !== 'string' || openid.trim() === '') return undefined;
  return { openid, ...(typeof unionid === 'string' && unionid !== '' ? { unionid } : {}) };
}

/** An API answer (HTTP 200) whose `errcode` says the access token is invalid or ended. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 200) return false;
  const { fields } = await readTokenEndpointBody(response);
  return typeof fields?.errcode === 'number' && TOKEN_REFUSED.has(fields.errcode);
}

export const wechat: ProviderPreset = {
  displayName: 'WeChat',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://open.weixin.qq.com/connect/qrconnect#wechat_redirect',
      tokenEndpoint: 'https://api.weixin.qq.com/sns/oauth2/access_token',
      refreshEndpoint: 'https://api.weixin.qq.com/sns/oauth2/refresh_token',
    },
    scope: 'snsapi_login',
    apiBaseUrl: 'https://api.weixin.qq.com',
    accessTokenParameter: 'access_token',
    successMayRejectToken: true,
    tokenEndpointAuthMethod: 'client_secret_post',
    tokenRequestsInQuery: true,
    pkce: false,
    ...(client?.clientId ? { authorizationParams: { appid: client.clientId } } : {}),
    subjectClaim: 'openid',
    hooks: { tokenRequest: renamedClientTokenRequest({ clientId: 'appid', clientSecret: 'secret', secretOnRefresh: false }), tokenResponse, tokenResponseProfile, tokenRejected },
  }),
};
