/**
 * An emulator of one Bitrix24 account (`https://{account}`: its authorization
 * page and REST methods) and of Bitrix24's OAuth server
 * (`https://oauth.bitrix.info`), on one origin, written from Bitrix24's REST
 * API docs:
 * - Authorize: `GET /oauth/authorize/` with `response_type=code`, `client_id`
 *   and `redirect_uri` (https://training.bitrix24.com/rest_help/oauth/refreshing.php);
 *   the person is sent back with the `code` and, beside it, the account's
 *   `domain`, its `member_id`, the `scope` and the OAuth server's
 *   `server_domain` (https://apidocs.bitrix24.com/settings/oauth/index.html).
 *   No scope is asked (the application's card holds its permissions) and no
 *   PKCE; a person who declines is sent back with RFC 6749's
 *   `error=access_denied` (Bitrix24 shows no wording).
 * - Token: `GET /oauth/token/` with every parameter in the query,
 *   `grant_type`, `client_id`, `client_secret` and the `code` or the
 *   `refresh_token` (https://apidocs.bitrix24.com/settings/oauth/auto-renewal.html);
 *   the answer is JSON without a `token_type`: `access_token`, `expires_in`
 *   (3600), `refresh_token`, `scope` (the card's permissions, comma-separated),
 *   `domain` (`oauth.bitrix.info`), `member_id`, `client_endpoint`,
 *   `server_endpoint`, `status` and `user_id`. A refresh token lasts 180 days
 *   and is spent by a refresh (the 'rotating' policy); the access token
 *   issued with it, which Bitrix24 ends too, lives here until its hour is up.
 *   Refusals carry RFC 6749's codes (https://apidocs.bitrix24.com/settings/oauth/error-codes.html),
 *   with the statuses of RFC 6749 §5.2, which Bitrix24 does not show.
 * - REST: `/rest/{method}` with the token as the `auth` query parameter
 *   (https://training.bitrix24.com/rest_help/users/user_current.php):
 *   `user.current`, `{ result: { ID, ACTIVE, NAME, LAST_NAME, EMAIL, … } }`
 *   (https://apidocs.bitrix24.com/api-reference/user/user-current.html), and
 *   `profile`, the current user's basic data (ID, names, admin status,
 *   https://apidocs.bitrix24.com/api-reference/common/users/index.html; its
 *   members here are the emulator's). A token it does not take is a 401 with
 *   `{ error: "expired_token" | "invalid_token", error_description }`, the
 *   status assumed.
 * There is no revocation endpoint: an administrator removing the application
 * from the account (`removeApplication`) ends its tokens. The authorization
 * page approves at once for signInAs()'s user.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface Bitrix24User {
  /** The user's ID in the account (a number, sent as a string). */
  id: string;
  name: string;
  lastName: string;
  email: string;
}

export interface Bitrix24Emulator extends EmulatorHandle<Bitrix24User> {
  /** An administrator removes the application from the account: every token of this person's stops working. */
  removeApplication(user: Bitrix24User): void;
  /** The next user.current request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each token request, in order: its method, its query and its body, as the OAuth server read them. */
  readonly tokenRequests: ReadonlyArray<{ method: string; query: URLSearchParams; body: string }>;
}

/** Access tokens last an hour. */
export const BITRIX24_ACCESS_TOKEN_SECONDS = 3600;
/** Refresh tokens last 180 days. */
export const BITRIX24_REFRESH_TOKEN_SECONDS = 180 * 86_400;
/** The account's domain-independent id, and the permissions on the application's card. */
export const BITRIX24_MEMBER_ID = 'a223c6b3710f85df22e9377d6c4f7553';
export const BITRIX24_PERMISSIONS = 'crm,user';

export async function startBitrix24Emulator(options: EmulatorOptions & { accountHost: string }): Promise<Bitrix24Emulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<Bitrix24User>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: BITRIX24_ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenTtl: BITRIX24_REFRESH_TOKEN_SECONDS,
  });
  const controls = emulatorControls<Bitrix24User>(server, grants);
  const tokenRequests: Array<{ method: string; query: URLSearchParams; body: string }> = [];
  const profileFailure = queuedFailure();

  server.route('GET', '/oauth/authorize/', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Application not found</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const code = grants.issueCode({ ...codeRequest(query, options, user), codeChallenge: undefined, codeChallengeMethod: undefined });
    return reply({ code, domain: options.accountHost, member_id: BITRIX24_MEMBER_ID, scope: BITRIX24_PERMISSIONS, server_domain: 'oauth.bitrix.info' });
  });

  tokenEndpoint(server, '/oauth/token/', {
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
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        client_endpoint: `https://${options.accountHost}/rest/`,
        domain: 'oauth.bitrix.info',
        expires: Math.floor((options.now?.() ?? Date.now() / 1000) + tokens.expiresIn!),
        expires_in: tokens.expiresIn,
        member_id: BITRIX24_MEMBER_ID,
        refresh_token: tokens.refreshToken,
        scope: BITRIX24_PERMISSIONS,
        server_endpoint: 'https://oauth.bitrix.info/rest/',
        status: 'L',
        user_id: Number(grant.user.id),
      }),
  });

  /** The live grant of the `auth` parameter, or Bitrix24's 401. */
  const restGrant = (request: EmulatorRequest): Grant<Bitrix24User> | ReturnType<typeof json> => {
    const auth = request.url.searchParams.get('auth') ?? '';
    const grant = grants.grantOfAccessToken(auth);
    if (grant) return grant;
    return json(401, auth === '' ? { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' } : { error: 'expired_token', error_description: 'The access token provided has expired.' });
  };
  const isGrant = (value: Grant<Bitrix24User> | ReturnType<typeof json>): value is Grant<Bitrix24User> => 'user' in value;
  const time = () => ({ start: 1_780_000_000.1, finish: 1_780_000_000.2, duration: 0.1, processing: 0.05, date_start: '2026-12-07T02:00:00+00:00', date_finish: '2026-12-07T02:00:00+00:00' });

  for (const method of ['GET', 'POST']) {
    server.route(method, '/rest/user.current', (request) => {
      server.count('profile');
      const status = profileFailure.take();
      if (status !== undefined) return json(status, { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' });
      const grant = restGrant(request);
      if (!isGrant(grant)) return grant;
      const { user } = grant;
      return json(200, { result: { ID: user.id, ACTIVE: true, NAME: user.name, LAST_NAME: user.lastName, EMAIL: user.email, LAST_LOGIN: '2026-12-01T10:00:00+00:00', DATE_REGISTER: '2024-01-15T00:00:00+00:00', IS_ONLINE: 'Y', PERSONAL_GENDER: '', WORK_POSITION: '', UF_DEPARTMENT: [1] }, time: time() });
    });

    server.route(method, '/rest/profile', (request) => {
      server.count('rest');
      const grant = restGrant(request);
      if (!isGrant(grant)) return grant;
      const { user } = grant;
      return json(200, { result: { ID: user.id, ADMIN: false, NAME: user.name, LAST_NAME: user.lastName, PERSONAL_GENDER: '', TIME_ZONE: 'Europe/Berlin' }, time: time() });
    });
  }

  return {
    ...controls.handle,
    removeApplication: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenRequests,
  };
}
