/**
 * An emulator of Kuaishou login and of the part of its open API a
 * connection touches (`https://open.kuaishou.com`), written from Kuaishou's
 * documentation:
 * - `GET /oauth2/authorize` with `app_id`, `scope` (comma-separated),
 *   `response_type=code`, `ua=pc`, `redirect_uri` and `state`
 *   (https://open.kuaishou.com/platformDocs/develop/web-app.html); the
 *   person who approves goes back with `code` and `state`. What the page does
 *   with a wrong app_id or redirect URI is not shown: here a plain 400 page;
 *   a person who declines goes back with RFC 6749's `error=access_denied`
 *   (Kuaishou shows no wording).
 * - `GET /oauth2/access_token` with `app_id`, `app_secret`, `code` and
 *   `grant_type=authorization_code` in the query
 *   (https://open.kuaishou.com/platformDocs/openAbility/kwaiLogin): `result`
 *   1, `access_token`, `expires_in` (172800), `refresh_token`,
 *   `refresh_token_expires_in`, `open_id` and `scopes`; codes last 2 minutes
 *   and work once. A refusal is `result` 100200100 (a parameter missing or
 *   wrong: here also a code or refresh token not taken, which Kuaishou's
 *   pages do not name) or 100200101 (the app_id and app_secret not verified)
 *   (https://mp.kuaishou.com/docs/develop/server/getAccessToken.html), with
 *   HTTP 200 and an `error_msg`.
 * - `GET /oauth2/refresh_token` with `app_id`, `app_secret`,
 *   `refresh_token` and `grant_type=refresh_token` (read in copies of
 *   Kuaishou's page): the same answer without `open_id`, a new refresh token
 *   each time and the spent one refused ('rotating').
 * - `GET /openapi/user_info` with `app_id` and `access_token` in the query
 *   (https://open.kuaishou.com/platformDocs/openAbility/userInformation/publicInformation.html):
 *   `result` 1 and `user_info` (`name`, `sex`, `fan`, `follow`, `head`,
 *   `bigHead`, `city`), or `result` other than 1 with `error_msg`, with HTTP
 *   200, for a token or app_id it does not take (the code is not shown:
 *   100200100 here).
 * The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';

export interface KuaishouUser {
  /** The person's id in this app. */
  openId: string;
  name: string;
}

export interface KuaishouEmulator extends EmulatorHandle<KuaishouUser> {
  /** The person removes the app's authorization in Kuaishou: its tokens stop working. */
  cancelAuthorization(user: KuaishouUser): void;
  /** The next /openapi/user_info request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The query of each token request (both endpoints), in order. */
  readonly tokenQueries: ReadonlyArray<URLSearchParams>;
}

export const KUAISHOU_ACCESS_TOKEN_SECONDS = 172_800;
export const KUAISHOU_REFRESH_TOKEN_SECONDS = 15_552_000;

const refusal = (result: number, message: string) => json(200, { result, error: message, error_msg: message });
const BAD_PARAMETER = 100200100;
const CLIENT_NOT_VERIFIED = 100200101;

export async function startKuaishouEmulator(options: EmulatorOptions): Promise<KuaishouEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<KuaishouUser>({ now, accessTokenTtl: KUAISHOU_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: KUAISHOU_REFRESH_TOKEN_SECONDS, codeTtl: 120 });
  const controls = emulatorControls<KuaishouUser>(server, grants);
  const tokenQueries: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('app_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri || query.get('response_type') !== 'code') return html(400, '<h1>参数错误</h1>');
    const scopes = requestedScopes(query, ',');
    const user = controls.approver();
    const reply = redirectBack(options.redirectUri, query);
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  const tokens = (grant: { user: KuaishouUser; scope: string }, issued: { accessToken: string; expiresIn: number | undefined; refreshToken: string | undefined }, withOpenId: boolean) =>
    json(200, {
      result: 1,
      access_token: issued.accessToken,
      expires_in: issued.expiresIn,
      refresh_token: issued.refreshToken,
      refresh_token_expires_in: KUAISHOU_REFRESH_TOKEN_SECONDS,
      ...(withOpenId ? { open_id: grant.user.openId } : {}),
      scopes: grant.scope.split(' ').filter(Boolean),
    });

  /** Kuaishou's refusal of the client a token request names (kept in tokenQueries); undefined when the app_id and app_secret are right. */
  const clientRefusal = (query: URLSearchParams) => {
    tokenQueries.push(query);
    if (!query.get('app_id') || !query.get('app_secret')) return refusal(BAD_PARAMETER, 'app_id or app_secret missing');
    if (query.get('app_id') !== options.clientId || query.get('app_secret') !== options.clientSecret) return refusal(CLIENT_NOT_VERIFIED, 'app_id or app_secret invalid');
    return undefined;
  };

  server.route('GET', '/oauth2/access_token', (request) => {
    server.count('token_request');
    const failure = controls.tokenFailure();
    if (failure !== undefined) return html(failure, '<h1>Service Unavailable</h1>');
    const query = request.url.searchParams;
    server.count('authorization_code');
    const refused = clientRefusal(query);
    if (refused) return refused;
    if (query.get('grant_type') !== 'authorization_code' || !query.get('code')) return refusal(BAD_PARAMETER, 'grant_type or code invalid');
    const redeemed = grants.redeemCode(query.get('code')!, { clientId: options.clientId, redirectUri: options.redirectUri, codeVerifier: null });
    if (!redeemed.ok) return refusal(BAD_PARAMETER, 'code invalid');
    return tokens(redeemed.grant, redeemed.tokens, true);
  });

  server.route('GET', '/oauth2/refresh_token', (request) => {
    server.count('token_request');
    const failure = controls.tokenFailure();
    if (failure !== undefined) return html(failure, '<h1>Service Unavailable</h1>');
    const query = request.url.searchParams;
    server.count('refresh_token');
    const refused = clientRefusal(query);
    if (refused) return refused;
    if (query.get('grant_type') !== 'refresh_token' || !query.get('refresh_token')) return refusal(BAD_PARAMETER, 'grant_type or refresh_token invalid');
    const refreshed = grants.refresh(query.get('refresh_token')!, options.clientId);
    if (!refreshed.ok) return refusal(BAD_PARAMETER, 'refresh_token invalid');
    return tokens(refreshed.grant, refreshed.tokens, false);
  });

  server.route('GET', '/openapi/user_info', (request) => {
    server.count('user_info');
    const status = profileFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const query = request.url.searchParams;
    const grant = grants.grantOfAccessToken(query.get('access_token') ?? '');
    if (query.get('app_id') !== options.clientId || !grant) return refusal(BAD_PARAMETER, 'access_token or app_id invalid');
    const { user } = grant;
    return json(200, {
      result: 1,
      user_info: { name: user.name, sex: 'F', fan: 12, follow: 17, head: `https://p2.a.yximgs.com/uhead/${user.openId}.jpg`, bigHead: '', city: '河北省石家庄市' },
    });
  });

  return {
    ...controls.handle,
    cancelAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.openId === user.openId),
    failNextProfile: profileFailure.queue,
    tokenQueries,
  };
}
