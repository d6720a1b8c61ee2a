/**
 * An emulator of Baidu's OAuth 2.0 and of the part of its REST API a connection touches (all on openapi.baidu.com),
 * written from Baidu's OAuth pages (https://openauth.baidu.com/doc/doc.html,
 * https://openauth.baidu.com/doc/openid.html, http://developer.baidu.com/wiki/index.php?title=docs/oauth/refresh):
 * - Authorize: `GET /oauth/2.0/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `scope` and
 *   `state`; no PKCE read; a person who declines is sent back with `error=access_denied`.
 * - Token: `POST /oauth/2.0/token`, a form with `client_id` and `client_secret` (the API and Secret Keys, both
 *   required); one-month access tokens, and a new refresh token with each refresh, the spent one refused (a refresh
 *   token is usable once). Refusals are `error` and `error_description`.
 * - `GET /rest/2.0/passport/users/getInfo`, the token as the `access_token` parameter: the person's `openid`
 *   (unique to this app), `username` and `portrait`.
 * Made up here (the pages as read do not show them): the user information's address and answer past `openid`;
 * the API's refusal of a token it does not take, HTTP 400 with `error_code` 110 and `error_msg`; the token answer
 * without `token_type` but with `scope`, `session_key` and `session_secret`; `GET /rest/2.0/passport/users/isAppUser`
 * as the API route the proxy calls. removeAuthorization() is the person removing the app's authorization at Baidu.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface BaiduUser {
  /** The person's openid for this app. */
  openid: string;
  username: string;
}

export interface BaiduEmulator extends EmulatorHandle<BaiduUser> {
  /** The person removes the app's authorization at Baidu: every token of theirs stops working. */
  removeAuthorization(user: BaiduUser): void;
  /** The next getInfo request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Baidu read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Baidu's access tokens last one month. */
export const BAIDU_ACCESS_TOKEN_SECONDS = 30 * 24 * 3600;

const tokenGone = () => json(400, { error_code: 110, error_msg: 'Access token invalid or no longer valid' });

export async function startBaiduEmulator(options: EmulatorOptions): Promise<BaiduEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BaiduUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: BAIDU_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<BaiduUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/2.0/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/oauth/2.0/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, scope: 'basic', session_key: 'session-key', session_secret: 'session-secret' }),
  });

  /** The grant of the request's `access_token` parameter, or Baidu's refusal. */
  const tokenGrant = (request: EmulatorRequest): Grant<BaiduUser> | EmulatorReply => grants.grantOfAccessToken(request.url.searchParams.get('access_token') ?? '') ?? tokenGone();

  server.route('GET', '/rest/2.0/passport/users/getInfo', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error_code: 1, error_msg: 'Unknown error' });
    const grant = tokenGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { openid: user.openid, username: user.username, portrait: `portrait-${user.openid}` });
  });

  server.route('GET', '/rest/2.0/passport/users/isAppUser', (request) => {
    server.count('is_app_user');
    const grant = tokenGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { result: '1' });
  });

  return {
    ...controls.handle,
    removeAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.openid === user.openid),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
