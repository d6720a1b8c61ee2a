/**
 * An emulator of the Douyin Open Platform's web authorization
 * (`open.douyin.com`), written from Douyin's documentation
 * (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/douyin-get-permission-code/,
 * https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-access-token,
 * https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/refresh-access-token,
 * https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/tools-ability/jsb-management/open-ticket):
 * - `GET /platform/oauth/connect/` with `client_key`, `response_type=code`,
 *   `scope` (required, comma-separated), `redirect_uri` and `state`; a
 *   `client_key` or `redirect_uri` that is not the app's is told on Douyin's
 *   page. A person who declines is sent back with `error=access_denied`
 *   (RFC 6749's, assumed).
 * - `POST /oauth/access_token/`, a form with `client_key`, `client_secret`,
 *   `code` and `grant_type=authorization_code`, and `POST
 *   /oauth/refresh_token/`, a form with `client_key`, `grant_type=refresh_token`
 *   and `refresh_token` (no secret). Both answer HTTP 200 with `{ data,
 *   message }`: the tokens (15-day access tokens, `expires_in` and
 *   `refresh_expires_in` sometimes as text, no `token_type`), `open_id`,
 *   `scope` and `error_code: 0`, or a non-zero `error_code` and its
 *   `description`: 10005 a missing parameter, 10013 a wrong key or secret,
 *   10007 a code refused (used, expired or unknown: a stand-in, Douyin's own
 *   code is not documented), 10010 a refresh token expired or ended. A
 *   refresh answers the same refresh token, whose 30 days run from the
 *   authorization.
 * - `GET /open/getticket/` with the token in an `access-token` header,
 *   answering `{ data: { ticket, expires_in, error_code: 0 } }`, or, for a
 *   token it does not take, HTTP 200 with `err_no` 28001003 ("access_token
 *   无效") or 28001008 (expired).
 * The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';

export interface DouyinUser {
  /** The person's id in this app. */
  openId: string;
  nickname: string;
}

export interface DouyinEmulator extends EmulatorHandle<DouyinUser> {
  /** The person cancels the app's authorization in Douyin's settings: its tokens stop working at once. */
  cancelAuthorization(user: DouyinUser): void;
  /** Douyin ends this access token alone (it checks its grants from time to time): the refresh token still works. */
  endAccessToken(accessToken: string): void;
  /** The form of each token request (both endpoints), in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const DOUYIN_ACCESS_TOKEN_SECONDS = 15 * 86_400;
export const DOUYIN_REFRESH_TOKEN_SECONDS = 30 * 86_400;

/** Douyin's answer: HTTP 200 and `{ data, message }`. */
const answer = (data: Record<string, unknown>) => json(200, { data: { description: '', error_code: 0, ...data }, message: 'success' });
const refusal = (errorCode: number, description: string) => json(200, { data: { description, error_code: errorCode }, message: 'error' });

export async function startDouyinEmulator(options: EmulatorOptions): Promise<DouyinEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<DouyinUser>({ now, accessTokenTtl: DOUYIN_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', refreshTokenTtl: DOUYIN_REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<DouyinUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  /** When each refresh token ends. */
  const refreshEnds = new Map<string, number>();

  server.route('GET', '/platform/oauth/connect/', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_key') !== options.clientId) return html(400, '<h1>client_key 错误</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>redirect_uri 与配置不一致</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const scopes = requestedScopes(query, ',');
    if (scopes.length === 0) return html(400, '<h1>scope 不能为空</h1>');
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  const tokenRoute = (path: string, grantType: 'authorization_code' | 'refresh_token') =>
    server.route('POST', path, (request) => {
      server.count('token_request');
      const failure = controls.tokenFailure();
      if (failure !== undefined) return html(failure, '<h1>Service Unavailable</h1>');
      const form = request.form();
      tokenForms.push(form);
      if (form.get('grant_type') !== grantType || !form.get('client_key')) return refusal(10005, '缺少参数');
      if (grantType === 'refresh_token') {
        server.count('refresh_token');
        if (form.get('client_key') !== options.clientId) return refusal(10013, 'client_key 或者 client_secret 报错');
        const presented = form.get('refresh_token') ?? '';
        const refreshed = grants.refresh(presented, options.clientId);
        if (!refreshed.ok) return refusal(10010, 'refresh_token 过期');
        const { tokens, grant } = refreshed;
        return answer({ access_token: tokens.accessToken, expires_in: String(tokens.expiresIn), open_id: grant.user.openId, refresh_expires_in: String(Math.max(0, refreshEnds.get(presented)! - now())), refresh_token: presented, scope: grant.scope.split(' ').join(',') });
      }
      server.count('authorization_code');
      if (form.get('client_key') !== options.clientId || form.get('client_secret') !== options.clientSecret) return refusal(10013, 'client_key 或者 client_secret 报错');
      if (!form.get('code')) return refusal(10005, '缺少参数');
      const redeemed = grants.redeemCode(form.get('code')!, { clientId: options.clientId, redirectUri: options.redirectUri, codeVerifier: null });
      if (!redeemed.ok) return refusal(10007, '授权码已失效');
      const { tokens, grant } = redeemed;
      refreshEnds.set(tokens.refreshToken!, now() + DOUYIN_REFRESH_TOKEN_SECONDS);
      return answer({ access_token: tokens.accessToken, captcha: '', desc_url: '', expires_in: tokens.expiresIn, log_id: '20230525105733ED3ED7AC56A0', open_id: grant.user.openId, refresh_expires_in: DOUYIN_REFRESH_TOKEN_SECONDS, refresh_token: tokens.refreshToken, scope: grant.scope.split(' ').join(',') });
    });
  tokenRoute('/oauth/access_token/', 'authorization_code');
  tokenRoute('/oauth/refresh_token/', 'refresh_token');

  server.route('GET', '/open/getticket/', (request) => {
    server.count('getticket');
    const presented = request.headers['access-token'];
    const token = typeof presented === 'string' ? presented : '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) {
      const expired = grants.grantOfToken(token) !== undefined;
      return json(200, { err_no: expired ? 28001008 : 28001003, err_msg: expired ? 'access_token过期,请刷新或重新授权' : 'access_token无效', log_id: '202008121419360101980821035705926A', data: {} });
    }
    return json(200, { data: { error_code: 0, description: '', expires_in: 7200, ticket: `bxLd${grant.user.openId.slice(0, 8)}` }, extra: { logid: '202008121419360101980821035705926A' } });
  });

  return {
    ...controls.handle,
    endAccessToken: (accessToken) => {
      grants.revokeAccessToken(accessToken);
    },
    cancelAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.openId === user.openId),
    tokenForms,
  };
}
