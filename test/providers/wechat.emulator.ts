/**
 * An emulator of WeChat website login (`open.weixin.qq.com` and
 * `api.weixin.qq.com`), written from WeChat's documentation
 * (https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md,
 * https://developers.weixin.qq.com/doc/oplatform/Mobile_App/WeChat_Login/Authorized_API_call_UnionID.html):
 * - `GET /connect/qrconnect` with `appid`, `redirect_uri`,
 *   `response_type=code`, `scope` (comma-separated; `snsapi_login` needed)
 *   and `state`; a wrong appid, redirect URI or scope is WeChat's page
 *   "该链接无法访问". The person who approves comes back with `code` and
 *   `state`; one who declines with `state` alone.
 * - `GET /sns/oauth2/access_token` with `appid`, `secret`, `code` and
 *   `grant_type=authorization_code` in the query, and `GET
 *   /sns/oauth2/refresh_token` with `appid`, `grant_type=refresh_token` and
 *   `refresh_token`: HTTP 200 with `access_token`, `expires_in` (7200),
 *   `refresh_token`, `openid`, `scope` and `unionid`, or `{ errcode, errmsg }`
 *   (41002/41004/41008/41003 a missing appid, secret, code or refresh token,
 *   40013 a wrong appid, 40125 a wrong secret, 40029 an invalid code, 40163
 *   a used one, 40030 a refresh token refused). A refresh here always
 *   answers a new access token (WeChat extends a live one instead: the
 *   preset keeps whichever it is given).
 * - `GET /sns/userinfo` with `access_token` and `openid` in the query:
 *   `openid`, `nickname`, `headimgurl`, `unionid`…, or HTTP 200 with
 *   `errcode` 40014 (invalid) or 42001 (expired) for a token it does not
 *   take.
 * The QR page approves at once for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';

export interface WeChatUser {
  /** The person's id in this app. */
  openId: string;
  /** The person's id across the apps of one open platform account. */
  unionId: string;
  nickname: string;
}

export interface WeChatEmulator extends EmulatorHandle<WeChatUser> {
  /** The person removes the app's authorization in WeChat: its tokens stop working. */
  cancelAuthorization(user: WeChatUser): void;
  /** WeChat ends this access token alone: its refresh token still works. */
  endAccessToken(accessToken: string): void;
  /** The query of each token request (both endpoints), in order. */
  readonly tokenQueries: ReadonlyArray<URLSearchParams>;
}

export const WECHAT_ACCESS_TOKEN_SECONDS = 7200;

const refusal = (errcode: number, errmsg: string) => json(200, { errcode, errmsg: `${errmsg}, rid: 6747ed3-66c5b062-3b543676` });
const UNREACHABLE = '<h1>该链接无法访问</h1>';

export async function startWeChatEmulator(options: EmulatorOptions): Promise<WeChatEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<WeChatUser>({ now, accessTokenTtl: WECHAT_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', refreshTokenTtl: 30 * 86_400 });
  const controls = emulatorControls<WeChatUser>(server, grants);
  const tokenQueries: URLSearchParams[] = [];

  server.route('GET', '/connect/qrconnect', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('appid') !== options.clientId || query.get('redirect_uri') !== options.redirectUri || query.get('response_type') !== 'code') return html(400, UNREACHABLE);
    const scopes = requestedScopes(query, ',');
    if (!scopes.includes('snsapi_login')) return html(400, UNREACHABLE);
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    // A person who declines comes back with the state alone.
    if (!user) return reply({});
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  const tokens = (grant: { user: WeChatUser; scope: string }, issued: { accessToken: string; expiresIn: number | undefined }, refreshToken: string) =>
    json(200, { access_token: issued.accessToken, expires_in: issued.expiresIn, refresh_token: refreshToken, openid: grant.user.openId, scope: grant.scope.split(' ').join(','), unionid: grant.user.unionId });

  server.route('GET', '/sns/oauth2/access_token', (request) => {
    server.count('token_request');
    const failure = controls.tokenFailure();
    if (failure !== undefined) return html(failure, '<h1>Service Unavailable</h1>');
    const query = request.url.searchParams;
    tokenQueries.push(query);
    server.count('authorization_code');
    if (!query.get('appid')) return refusal(41002, 'appid missing');
    if (!query.get('secret')) return refusal(41004, 'appsecret missing');
    if (query.get('appid') !== options.clientId) return refusal(40013, 'invalid appid');
    if (query.get('secret') !== options.clientSecret) return refusal(40125, 'invalid appsecret');
    if (query.get('grant_type') !== 'authorization_code') return refusal(40002, 'invalid grant_type');
    if (!query.get('code')) return refusal(41008, 'missing code');
    const redeemed = grants.redeemCode(query.get('code')!, { clientId: options.clientId, redirectUri: options.redirectUri, codeVerifier: null });
    if (!redeemed.ok) return redeemed.reason === 'code_reused' ? refusal(40163, 'code been used') : refusal(40029, 'invalid code');
    return tokens(redeemed.grant, redeemed.tokens, redeemed.tokens.refreshToken!);
  });

  server.route('GET', '/sns/oauth2/refresh_token', (request) => {
    server.count('token_request');
    const failure = controls.tokenFailure();
    if (failure !== undefined) return html(failure, '<h1>Service Unavailable</h1>');
    const query = request.url.searchParams;
    tokenQueries.push(query);
    server.count('refresh_token');
    if (!query.get('appid')) return refusal(41002, 'appid missing');
    if (query.get('appid') !== options.clientId) return refusal(40013, 'invalid appid');
    if (query.get('grant_type') !== 'refresh_token') return refusal(40002, 'invalid grant_type');
    const presented = query.get('refresh_token');
    if (!presented) return refusal(41003, 'refresh_token missing');
    const refreshed = grants.refresh(presented, options.clientId);
    if (!refreshed.ok) return refreshed.reason === 'expired_token' ? refusal(42002, 'refresh_token expired') : refusal(40030, 'invalid refresh_token');
    return tokens(refreshed.grant, refreshed.tokens, presented);
  });

  server.route('GET', '/sns/userinfo', (request) => {
    server.count('userinfo');
    const query = request.url.searchParams;
    const token = query.get('access_token') ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return grants.grantOfToken(token) && !grants.grantOfToken(token)!.revoked ? refusal(42001, 'access_token expired') : refusal(40014, 'invalid access_token');
    if (query.get('openid') !== grant.user.openId) return refusal(40003, 'invalid openid');
    const { user } = grant;
    return json(200, { openid: user.openId, nickname: user.nickname, sex: 0, province: '', city: '', country: 'CN', headimgurl: `https://thirdwx.qlogo.cn/mmopen/${user.openId}/0`, privilege: [], unionid: user.unionId });
  });

  return {
    ...controls.handle,
    cancelAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.openId === user.openId),
    endAccessToken: (accessToken) => {
      grants.revokeAccessToken(accessToken);
    },
    tokenQueries,
  };
}
