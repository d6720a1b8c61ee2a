/**
 * An emulator of Sina Weibo's OAuth 2.0 and of the part of API v2 a connection touches (all on api.weibo.com),
 * written from Weibo's open platform wiki (https://open.weibo.com/wiki/OAuth2/access_token,
 * https://open.weibo.com/wiki/Oauth2/get_token_info, the authorization page of
 * https://open.weibo.com/wiki/%E6%8E%88%E6%9D%83%E6%9C%BA%E5%88%B6%E8%AF%B4%E6%98%8E):
 * - Authorize: `GET /oauth2/authorize` with `client_id` (the App Key), `response_type=code` and `redirect_uri`; no
 *   PKCE read.
 * - Token: `POST /oauth2/access_token`, a form with `client_id`, `client_secret`, `grant_type=authorization_code`,
 *   `code` and `redirect_uri` (all required); JSON `access_token`, `expires_in` and `remind_in` as strings, and
 *   `uid`, no `token_type`, no refresh token.
 * - Token check: `POST /oauth2/get_token_info` with `access_token` in the form: `uid`, `appkey` (numbers), `scope`,
 *   `create_at`, `expire_in`.
 * - API v2: `GET /2/users/show.json?uid=…`, the token as the `access_token` parameter: the user's `id`, `idstr`,
 *   `screen_name` and `name`.
 * - Revocation: `POST /oauth2/revokeoauth2` with `access_token`: `{ "result": "true" }`.
 * Made up here (the pages as read do not show them): refusals as `{ error, error_code, request }` with HTTP 400 (an
 * unknown client 401), a token Weibo does not take being error 21332 (`invalid_access_token`), the revocation's
 * shape past its answer. removeApp() is the person cancelling the app's authorization in their Weibo settings;
 * answerForeignAppKeyNext() makes the next token check name another app's key, as a token issued to another app
 * would. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface WeiboUser {
  /** The Weibo uid, a positive whole number. */
  uid: number;
  screenName: string;
}

export interface WeiboEmulator extends EmulatorHandle<WeiboUser> {
  /** The person cancels the app's authorization in their Weibo settings: their token stops working. */
  removeApp(user: WeiboUser): void;
  /** The next get_token_info names another app's key. */
  answerForeignAppKeyNext(): void;
  /** Each get_token_info form, in order. */
  readonly tokenChecks: ReadonlyArray<Record<string, string>>;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

export const WEIBO_ACCESS_TOKEN_SECONDS = 7200;

const weiboError = (status: number, request: string, error: string, errorCode: number) => json(status, { error, error_code: errorCode, request });

export async function startWeiboEmulator(options: EmulatorOptions): Promise<WeiboEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WeiboUser>({ now: options.now, accessTokenTtl: WEIBO_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none' });
  const controls = emulatorControls<WeiboUser>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const tokenChecks: Array<Record<string, string>> = [];
  let foreignAppKey = false;

  authorizationEndpoint(server, '/oauth2/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/oauth2/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    refuseCode: (parameters) => (parameters.get('redirect_uri') ? undefined : weiboError(400, '/oauth2/access_token', 'redirect_uri_mismatch', 21322)),
    errors: {
      client: () => weiboError(401, '/oauth2/access_token', 'invalid_client', 21324),
      code: () => weiboError(400, '/oauth2/access_token', 'invalid_grant', 21325),
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, expires_in: String(tokens.expiresIn), remind_in: String(tokens.expiresIn), uid: String(grant.user.uid) }),
  });

  /** The grant of the request's `access_token` (the form's, else the query's), or Weibo's refusal. */
  const tokenGrant = (request: EmulatorRequest, path: string): Grant<WeiboUser> | EmulatorReply => {
    const token = request.form().get('access_token') ?? request.url.searchParams.get('access_token') ?? '';
    return grants.grantOfAccessToken(token) ?? weiboError(400, path, 'invalid_access_token', 21332);
  };

  server.route('POST', '/oauth2/get_token_info', (request) => {
    server.count('token_info');
    tokenChecks.push(Object.fromEntries(request.form()));
    const grant = tokenGrant(request, '/oauth2/get_token_info');
    if (!isGrant(grant)) return grant;
    const appkey = foreignAppKey ? 3_820_007_755 : Number(options.clientId);
    foreignAppKey = false;
    return json(200, { uid: grant.user.uid, appkey, scope: null, create_at: 1_764_000_000, expire_in: WEIBO_ACCESS_TOKEN_SECONDS });
  });

  server.route('GET', '/2/users/show.json', (request) => {
    server.count('users_show');
    const grant = tokenGrant(request, '/2/users/show.json');
    if (!isGrant(grant)) return grant;
    const uid = request.url.searchParams.get('uid');
    if (uid !== String(grant.user.uid)) return weiboError(400, '/2/users/show.json', 'User does not exists!', 20003);
    return json(200, { id: grant.user.uid, idstr: String(grant.user.uid), screen_name: grant.user.screenName, name: grant.user.screenName });
  });

  server.route('POST', '/oauth2/revokeoauth2', (request) => {
    server.count('revoke');
    revocations.push(Object.fromEntries(request.form()));
    const grant = tokenGrant(request, '/oauth2/revokeoauth2');
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return json(200, { result: 'true' });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.uid === user.uid),
    answerForeignAppKeyNext: () => {
      foreignAppKey = true;
    },
    tokenChecks,
    revocations,
  };
}
