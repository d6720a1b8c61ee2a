/**
 * An emulator of Imgur's OAuth 2.0 (api.imgur.com/oauth2/authorize,
 * /oauth2/token) and of the part of its API version 3 a connection touches,
 * written from Imgur's documentation (https://api.imgur.com/oauth2,
 * https://api.imgur.com/endpoints/account, https://api.imgur.com/models/account):
 * - Authorize: `GET /oauth2/authorize` with `client_id`,
 *   `response_type=code` and `state`; no scopes. A denial's answer is not
 *   documented: RFC 6749's `error=access_denied` here.
 * - Token: `POST /oauth2/token`, a form with `client_id`, `client_secret`
 *   and `grant_type` (`authorization_code` with `code`, `refresh_token`
 *   with `refresh_token`). The answer is `access_token`, `expires_in`
 *   (a month here), `token_type: "bearer"`, `scope: null`, `refresh_token`,
 *   `account_id` and `account_username`. The refresh token does not expire;
 *   a refresh answers it again (the 'static' policy; Imgur does not say).
 *   Refusals are RFC 6749's (`invalid_grant`, `invalid_client`; Imgur shows
 *   none).
 * - API: the token as Bearer; `GET /3/account/me` (the Account model:
 *   `id`, `url`, `bio`, `reputation`, `created`, `pro_expiration`) and `GET
 *   /3/account/me/images`, each as `{ data, success, status }`; a token it
 *   does not take is a 401 with `{ data: { error, request, method },
 *   success: false, status }` (that shape is assumed).
 * - No revocation endpoint: the user removes the application in their Imgur
 *   settings (`removeApplication`), which ends the grant.
 * The authorization page approves at once for signInAs()'s user.
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

export interface ImgurUser {
  /** The account id, an integer. */
  id: number;
  /** The username (the Account model's `url`). */
  username: string;
}

export interface ImgurEmulator extends EmulatorHandle<ImgurUser> {
  /** The user removes the application in their Imgur settings: every token of theirs stops working. */
  removeApplication(user: ImgurUser): void;
  /** The next /3/account/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** A month of 28 days, in seconds. */
export const IMGUR_ACCESS_TOKEN_TTL = 28 * 86_400;

const wrapped = (status: number, data: unknown) => json(status, { data, success: status < 400, status });

export async function startImgurEmulator(options: EmulatorOptions): Promise<ImgurEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ImgurUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: IMGUR_ACCESS_TOKEN_TTL, refreshPolicy: 'static', refreshTokenTtl: null });
  const controls = emulatorControls<ImgurUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        token_type: 'bearer',
        scope: null,
        refresh_token: tokens.refreshToken,
        account_id: grant.user.id,
        account_username: grant.user.username,
      }),
  });

  const apiGrant = (request: EmulatorRequest) =>
    bearerGrant(grants, request, () => wrapped(401, { error: 'The access token provided is invalid.', request: request.url.pathname, method: request.method }));

  server.route('GET', '/3/account/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return wrapped(status, { error: 'Internal error', request: request.url.pathname, method: request.method });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return wrapped(200, { id: user.id, url: user.username, bio: null, reputation: 158, created: 1376951504, pro_expiration: false });
  });

  server.route('GET', '/3/account/me/images', (request) => {
    server.count('images');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return wrapped(200, [{ id: 'SbBGk', title: null, type: 'image/jpeg', link: 'https://i.imgur.com/SbBGk.jpg', account_id: grant.user.id }]);
  });

  return {
    ...controls.handle,
    removeApplication: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
