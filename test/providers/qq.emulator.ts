/**
 * An emulator of QQ Connect's OAuth 2.0 and of the part of its OpenAPI a connection touches (all on graph.qq.com),
 * written from QQ Connect's wiki
 * (https://wiki.connect.qq.com/%e4%bd%bf%e7%94%a8authorization_code%e8%8e%b7%e5%8f%96access_token,
 * https://wiki.connect.qq.com/%E8%8E%B7%E5%8F%96%E7%94%A8%E6%88%B7openid_oauth2-0):
 * - Authorize: `GET /oauth2.0/authorize` with `response_type=code`, `client_id`, `redirect_uri` and `state`; no PKCE
 *   read.
 * - Token: `GET /oauth2.0/token` with `grant_type`, `client_id`, `client_secret`, `code` and `redirect_uri` in the
 *   query (a POST is not answered).
 * - `GET /oauth2.0/me` with `access_token`: JSONP `callback( {"client_id":…,"openid":…} );`, or JSON with `fmt=json`.
 * Made up here (the pages as read do not show them): the token answer, form-encoded `access_token`, `expires_in`
 * and `refresh_token` unless `fmt=json` asks JSON, 3-month tokens and a new refresh token with each refresh (the old
 * one lasting); refusals as JSON `error` and `error_description` (400, an unknown client 401); `/oauth2.0/me`
 * refusing a token it does not take with `error` 100016; `GET /user/get_user_info` with `access_token`,
 * `oauth_consumer_key` and `openid`, answered `ret` 0 and the nickname, or `ret` 100016 for a token it does not take.
 * answerForeignClientNext() makes the next `/oauth2.0/me` name another app, as a token issued to another app would.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface QqUser {
  /** The person's openid for this app. */
  openid: string;
  nickname: string;
}

export interface QqEmulator extends EmulatorHandle<QqUser> {
  /** The next /oauth2.0/me names another app's APP ID. */
  answerForeignClientNext(): void;
  /** The next /oauth2.0/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each token request as QQ read it: its method, query and body, in order. */
  readonly tokenRequests: ReadonlyArray<{ method: string; query: URLSearchParams; body: string }>;
}

/** QQ's access tokens last 3 months. */
export const QQ_ACCESS_TOKEN_SECONDS = 7_776_000;

const tokenGone = () => json(200, { ret: 100016, msg: 'access token check failed' });

export async function startQqEmulator(options: EmulatorOptions): Promise<QqEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<QqUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: QQ_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<QqUser>(server, grants);
  const tokenRequests: Array<{ method: string; query: URLSearchParams; body: string }> = [];
  const profileFailure = queuedFailure();
  let foreignClient = false;

  authorizationEndpoint(server, '/oauth2.0/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/oauth2.0/token', {
    client: options,
    grants,
    method: 'GET',
    parameters: (request) => request.url.searchParams,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenRequests.push({ method: request.method, query: new URLSearchParams(request.url.searchParams), body: request.body.toString('utf8') });
      return credentialsIn(request.url.searchParams, options);
    },
    pkce: false,
    answer: ({ tokens, form }) => {
      const members = { access_token: tokens.accessToken, expires_in: String(tokens.expiresIn), refresh_token: tokens.refreshToken ?? '' };
      if (form.get('fmt') === 'json') return json(200, members);
      return { status: 200, headers: { 'content-type': 'text/html' }, body: new URLSearchParams(members).toString() };
    },
  });

  /** The grant of the request's `access_token` parameter, or undefined. */
  const tokenGrant = (request: EmulatorRequest): Grant<QqUser> | undefined => grants.grantOfAccessToken(request.url.searchParams.get('access_token') ?? '');

  server.route('GET', '/oauth2.0/me', (request): EmulatorReply => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 100000, error_description: 'server error' });
    const grant = tokenGrant(request);
    const asJson = request.url.searchParams.get('fmt') === 'json';
    const answer = grant ? { client_id: foreignClient ? '101814107' : options.clientId, openid: grant.user.openid } : { error: 100016, error_description: 'access token check failed' };
    foreignClient = false;
    if (asJson) return json(200, answer);
    return { status: 200, headers: { 'content-type': 'text/html' }, body: `callback( ${JSON.stringify(answer)} );\n` };
  });

  server.route('GET', '/user/get_user_info', (request) => {
    server.count('get_user_info');
    const grant = tokenGrant(request);
    if (!grant) return tokenGone();
    const query = request.url.searchParams;
    if (query.get('oauth_consumer_key') !== options.clientId || query.get('openid') !== grant.user.openid) return json(200, { ret: 100008, msg: 'client request\'s app is not existed' });
    return json(200, { ret: 0, msg: '', nickname: grant.user.nickname, gender: '男', figureurl: `https://qzapp.qlogo.cn/qzapp/${options.clientId}/${grant.user.openid}/30` });
  });

  return {
    ...controls.handle,
    answerForeignClientNext: () => {
      foreignClient = true;
    },
    failNextProfile: profileFailure.queue,
    tokenRequests,
  };
}
