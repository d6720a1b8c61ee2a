/**
 * An emulator of one Backlog space's OAuth 2.0 and of the part of its API v2
 * a connection touches (`https://{space}.backlog.com`), written from
 * Backlog's documentation (https://developer.nulab.com/docs/backlog/auth):
 * - Authorize: `GET /OAuth2AccessRequest.action` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the one registered) and `state`; Backlog
 *   names no scopes and no PKCE. A person who declines is sent back with RFC
 *   6749's `error=access_denied` (Backlog shows no wording).
 * - Token: `POST /api/v2/oauth2/token`, a URL-encoded form with `grant_type`,
 *   `code`, `redirect_uri`, `client_id` and `client_secret` (no Basic), answered
 *   with JSON `access_token`, `token_type: "Bearer"`, `expires_in` (3600) and
 *   `refresh_token`. A refresh (`grant_type=refresh_token`, as Backlog's
 *   client libraries send it; the page shows only the code exchange) answers
 *   the same members with a new refresh token; whether the spent one ends is
 *   not documented, so here it lasts (the 'reissued' policy). Refusals are
 *   RFC 6749 §5.2's, which Backlog does not show.
 * - `GET /api/v2/users/myself` (https://developer.nulab.com/docs/backlog/api/2/get-own-user):
 *   `id`, `userId`, `name`, `roleType`, `lang`, `nulabAccount`,
 *   `mailAddress`, `lastLoginTime`. `GET /api/v2/space`, the call Backlog's
 *   auth page makes with the token (its members here are the emulator's).
 *   A token the API does not take is a 401 with Backlog's error shape,
 *   `{ errors: [{ message, code, moreInfo }] }`
 *   (https://developer.nulab.com/docs/backlog/getting-started/); its message
 *   and code here are the emulator's.
 * There is no revocation endpoint: the person removes the application in
 * Backlog (`removeApplication`), which ends its tokens. The authorization page
 * approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface BacklogUser {
  /** The user's numeric id in the space. */
  id: number;
  /** The login name. */
  userId: string;
  name: string;
  mailAddress: string;
}

export interface BacklogEmulator extends EmulatorHandle<BacklogUser> {
  /** The person removes the application in Backlog: every token of theirs stops working. */
  removeApplication(user: BacklogUser): void;
  /** The next /api/v2/users/myself request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Backlog read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const ACCESS_TOKEN_TTL = 3600;

const backlogError = (status: number, message: string, code: number) => json(status, { errors: [{ message, code, moreInfo: '' }] });
const unauthorized = () => backlogError(401, 'Authentication failure.', 11);

export async function startBacklogEmulator(options: EmulatorOptions): Promise<BacklogEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BacklogUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued' });
  const controls = emulatorControls<BacklogUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/OAuth2AccessRequest.action', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/api/v2/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'Bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/api/v2/users/myself', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return backlogError(status, 'Internal server error.', 1);
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      userId: user.userId,
      name: user.name,
      roleType: 2,
      lang: 'en',
      nulabAccount: { nulabId: `Prm9ZD9DQD5snNWcSYSwZiQoA9WFBUEa${user.id}`, name: user.name, uniqueId: user.userId },
      mailAddress: user.mailAddress,
      lastLoginTime: '2026-12-01T06:35:39Z',
    });
  });

  server.route('GET', '/api/v2/space', (request) => {
    server.count('space');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { spaceKey: 'ACME', name: 'Acme', ownerId: 1, lang: 'en', timezone: 'Asia/Tokyo', reportSendTime: '08:00:00', textFormattingRule: 'markdown', created: '2008-07-06T15:00:00Z', updated: '2026-06-18T07:55:37Z' });
  });

  return {
    ...controls.handle,
    removeApplication: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
