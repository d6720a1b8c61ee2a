/**
 * An emulator of Dailymotion's OAuth 2.0 (api.dailymotion.com/oauth/authorize,
 * /oauth/token) and of the part of its Platform API a connection touches,
 * written from Dailymotion's documentation:
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the API key's Callback URL) and `scope`
 *   (space-separated); a user who does not authorize is sent back with
 *   `error` and `error_description` (their values are not shown: RFC 6749's
 *   `access_denied` here, with a description of this emulator's)
 *   (https://developers.dailymotion.com/docs/authenticate-using-authorization-codes,
 *   https://developers.dailymotion.com/guides/api-scopes).
 * - Token: `POST /oauth/token`, a form with `client_id` and
 *   `client_secret` (no Basic), for `authorization_code` (with
 *   `redirect_uri` and `code`) and `refresh_token`; each answer is
 *   `access_token`, `expires_in` (36000) and `refresh_token`, and nothing
 *   else (https://developers.dailymotion.com/guides/refresh-token). A refresh
 *   answers a new refresh token; whether the spent one ends is not
 *   documented, so here it lasts (the 'reissued' policy). Refusals are RFC
 *   6749's (`invalid_grant`, `invalid_client`; Dailymotion shows none).
 * - `GET /auth`: the token's user, `id`, `scope`, `roles`, `username`,
 *   `screenname` (https://developers.dailymotion.com/guides/retrieve-access-token-details/).
 * - `GET /logout` with the access token: the access and refresh tokens are
 *   no longer valid (https://developers.dailymotion.com/guides/revoke-authorization);
 *   200 with `{}` assumed.
 * - API: `GET /user/<id>/videos`, the user's videos (the list's members
 *   here are this emulator's); a token it does not take is a 401 with the
 *   API's `{ error: { more_info, code, message, type } }`
 *   (https://developers.dailymotion.com/api/platform-api/errors/).
 * The user may revoke the application on Dailymotion (`revokeApplication`),
 * which ends the grant. The authorization page approves at once for
 * signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface DailymotionUser {
  /** The user's id, e.g. `x1fz4ii`. */
  id: string;
  username: string;
  screenname: string;
}

export interface DailymotionEmulator extends EmulatorHandle<DailymotionUser> {
  /** The user revokes the application from their Dailymotion profile: every token of theirs stops working. */
  revokeApplication(user: DailymotionUser): void;
  /** The next /auth request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The Authorization header of each /logout request, in order. */
  readonly logouts: ReadonlyArray<string | undefined>;
}

const ACCESS_TOKEN_TTL = 36000;

const apiError = (code: number, message: string, type: string) => json(code, { error: { more_info: 'https://developer.dailymotion.com/api#error-codes', code, message, type } });

export async function startDailymotionEmulator(options: EmulatorOptions): Promise<DailymotionEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DailymotionUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued' });
  const controls = emulatorControls<DailymotionUser>(server, grants);
  const logouts: Array<string | undefined> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    denied: { error: 'access_denied', error_description: 'The user denied access (emulator wording)' },
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => apiError(401, 'Invalid access token', 'invalid_token'));

  server.route('GET', '/auth', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return apiError(status, 'Internal error', 'internal_error');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, scope: grant.scope ? grant.scope.split(' ') : [], roles: [], username: user.username, screenname: user.screenname });
  });

  server.route('GET', '/logout', (request) => {
    server.count('revoke');
    logouts.push(request.headers.authorization);
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return json(200, {});
  });

  server.route('GET', '/user/:id/videos', (request) => {
    server.count('videos');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { page: 1, limit: 10, explicit: false, total: 1, has_more: false, list: [{ id: 'x8abc12', title: 'First upload', channel: 'news', owner: grant.user.id }] });
  });

  return {
    ...controls.handle,
    revokeApplication: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    logouts,
  };
}
