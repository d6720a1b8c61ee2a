/**
 * An emulator of DingTalk's OAuth 2.0 sign-in (`https://login.dingtalk.com`) and of the part of its new API a
 * connection touches (`https://api.dingtalk.com`), written from DingTalk's open platform pages:
 * - Authorize: `GET /oauth2/auth` with `redirect_uri`, `response_type=code`, `client_id`, `scope` (`openid`, or
 *   `openid corpid`) and `prompt=consent`, all required; `state` comes back with the code
 *   (https://open.dingtalk.com/document/orgapp/obtain-identity-credentials). A request without `prompt=consent`
 *   or with another scope is refused here; a person who declines is sent back with RFC 6749's
 *   `error=access_denied` (DingTalk shows no wording).
 * - Token: `POST /v1.0/oauth2/userAccessToken` with a JSON body, `clientId`, `clientSecret`, `grantType` and
 *   `code` or `refreshToken`, answered (as DingTalk's SDKs name the members) with `accessToken`, `refreshToken`,
 *   `expireIn` (7200, https://open.dingtalk.com/document/orgapp/obtain-user-token) and, with `corpid` asked,
 *   `corpId`. The body's camelCase members
 *   are the only ones read: a form, or snake_case members, authenticate no client. A refresh answers a new refresh
 *   token, the old one lasting (the 'reissued' policy: whether it ends is not documented); refresh tokens last 30
 *   days. Refusals are the new API's HTTP 400 `{ code, requestid, message }` (401 for the client), which is not
 *   shown on the token page.
 * - `GET /v1.0/contact/users/me` with the token in `x-acs-dingtalk-access-token`
 *   (https://help.dingtalk.io/open/development/dingtalk-retrieve-user-information): `nick`, `avatarUrl`,
 *   `mobile`, `openId`, `unionId`, `email`, `stateCode`, as DingTalk's SDKs name them. `GET /v1.0/contact/users/{unionId}`
 *   with `me` or the person's own unionId serves the proxy. A token the API does not take (or one sent as Bearer) is
 *   a 401 `InvalidAuthentication`, as integrations read it.
 * There is no revocation endpoint: the person removing the app's authorization (`removeAccess`) ends its tokens.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface DingTalkUser {
  unionId: string;
  openId: string;
  nick: string;
  email: string;
}

export interface DingTalkEmulator extends EmulatorHandle<DingTalkUser> {
  /** The person removes the app's authorization: every token of theirs stops working. */
  removeAccess(user: DingTalkUser): void;
  /** The next /v1.0/contact/users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each token request's Content-Type and JSON body, in order. */
  readonly tokenRequests: ReadonlyArray<{ contentType: string | undefined; body: Record<string, unknown> }>;
}

/** DingTalk's user access tokens last 7200 seconds. */
export const DINGTALK_ACCESS_TOKEN_SECONDS = 7200;
const REFRESH_TOKEN_SECONDS = 30 * 86_400;
const CORP_ID = 'ding8196cd9a2b2405da24f2f5cc6abecb85';

const dingtalkError = (status: number, code: string, message: string): EmulatorReply => json(status, { code, requestid: 'A8F1D1F2-6E3C-7B9D-8C4A-1E5F0B2D3C4A', message });
const invalidAuthentication = () => dingtalkError(401, 'InvalidAuthentication', '不合法的access_token');

/** The JSON body of a request that says it is JSON. */
function jsonBody(request: EmulatorRequest): Record<string, unknown> {
  const body = (request.headers['content-type'] ?? '').startsWith('application/json') ? request.json() : undefined;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** The body's camelCase members under RFC 6749's names, for the kit's token endpoint. */
function parameters(request: EmulatorRequest): URLSearchParams {
  const body = jsonBody(request);
  const form = new URLSearchParams();
  for (const [member, name] of [['grantType', 'grant_type'], ['code', 'code'], ['refreshToken', 'refresh_token']] as const) {
    if (typeof body[member] === 'string') form.set(name, body[member]);
  }
  return form;
}

export async function startDingTalkEmulator(options: EmulatorOptions): Promise<DingTalkEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DingTalkUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: DINGTALK_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<DingTalkUser>(server, grants);
  const tokenRequests: Array<{ contentType: string | undefined; body: Record<string, unknown> }> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/auth', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const scope = query.get('scope');
      if (query.get('prompt') !== 'consent' || (scope !== 'openid' && scope !== 'openid corpid')) return { error: 'invalid_request' };
      return undefined;
    },
    // The token request carries no redirect_uri, so the code is not bound to one.
    request: () => ({ redirectUri: undefined }),
  });

  tokenEndpoint(server, '/v1.0/oauth2/userAccessToken', {
    client: options,
    grants,
    screen: (request) => {
      tokenRequests.push({ contentType: request.headers['content-type'], body: jsonBody(request) });
      return undefined;
    },
    failure: { queued: controls.tokenFailure, reply: (status) => dingtalkError(status, 'ServiceUnavailable', '服务暂不可用') },
    parameters,
    authenticates: (request) => {
      const body = jsonBody(request);
      return body.clientId === options.clientId && body.clientSecret === options.clientSecret;
    },
    pkce: false,
    errors: {
      client: () => dingtalkError(401, 'invalidClientSecret', '应用密钥不正确'),
      grantType: () => dingtalkError(400, 'invalidParameter.grantType.invalid', 'grantType 不合法'),
      refreshToken: () => dingtalkError(400, 'invalidParameter.refreshToken.invalid', 'refreshToken 不合法或已过期'),
      code: () => dingtalkError(400, 'invalidParameter.authCode.invalid', 'code 不合法或已过期'),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        expireIn: tokens.expiresIn,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        ...(grant.scope.split(' ').includes('corpid') ? { corpId: CORP_ID } : {}),
      }),
  });

  /** The live grant of the token in `x-acs-dingtalk-access-token`, else DingTalk's 401. */
  const apiGrant = (request: EmulatorRequest): Grant<DingTalkUser> | EmulatorReply => {
    const token = request.headers['x-acs-dingtalk-access-token'];
    return (typeof token === 'string' ? grants.grantOfAccessToken(token) : undefined) ?? invalidAuthentication();
  };

  const person = (user: DingTalkUser) => ({
    nick: user.nick,
    avatarUrl: `https://static-legacy.dingtalk.com/media/${user.openId}.jpg`,
    mobile: '13800000000',
    openId: user.openId,
    unionId: user.unionId,
    email: user.email,
    stateCode: '86',
  });

  server.route('GET', '/v1.0/contact/users/:unionId', (request) => {
    const wanted = request.params.unionId;
    if (wanted === 'me') {
      server.count('profile');
      const status = profileFailure.take();
      if (status !== undefined) return dingtalkError(status, 'ServiceUnavailable', '服务暂不可用');
    } else server.count('user');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (wanted !== 'me' && wanted !== grant.user.unionId) return dingtalkError(403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied', '没有调用该接口的权限');
    return json(200, person(grant.user));
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.unionId === user.unionId),
    failNextProfile: profileFailure.queue,
    tokenRequests,
  };
}
