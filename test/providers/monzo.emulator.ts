/**
 * An emulator of Monzo's OAuth 2.0 (auth.monzo.com, api.monzo.com/oauth2/token
 * and /oauth2/logout) and of the part of its API a connection touches,
 * written from Monzo's API documentation (https://docs.monzo.com/,
 * "Authentication", "Accounts" and "Errors"):
 * - Authorize: `GET /` with `client_id`, `redirect_uri`, `response_type=code`
 *   and `state`, no scope. A person who declines comes back with RFC 6749's
 *   `access_denied` (Monzo does not show its refusal).
 * - Token: `POST /oauth2/token`, a form with `client_id` and
 *   `client_secret`, for `authorization_code` (with the `redirect_uri`) and
 *   `refresh_token`; each answer is `access_token`, `client_id`,
 *   `expires_in` (21600), `refresh_token`, `token_type: "Bearer"` and
 *   `user_id`, no scope. A refresh answers a new refresh token and the spent
 *   one is refused ("refreshing is a one-time operation"), the 'rotating'
 *   policy; it invalidates the previous access token. A client has one
 *   active access token per user: a code exchange ends every other grant of
 *   that person's to the client. Refusals are RFC 6749 §5.2's (Monzo shows
 *   none).
 * - `GET /ping/whoami`: `authenticated`, `client_id` and `user_id`.
 * - API: `GET /accounts`, the person's accounts (`id`, `description`,
 *   `created`). Until the person approves the access in the Monzo app (Strong
 *   Customer Authentication) the token has no permissions, and the API answers
 *   403 (its body is this emulator's); `/ping/whoami` answers regardless.
 *   A token it does not take is a 401 with `error: "invalid_token"` (the
 *   message is this emulator's).
 * - `POST /oauth2/logout` with the access token as Bearer ends it and its
 *   refresh token ("You will not be able to refresh the access token"); the
 *   answer, 200 with an empty object here, is not shown by Monzo.
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

export interface MonzoUser {
  /** The user's id, `user_…`. */
  userId: string;
  /** The description of the person's account, as /accounts lists it. */
  accountDescription: string;
}

export interface MonzoEmulator extends EmulatorHandle<MonzoUser> {
  /** The person's next sign-ins wait for approval in the Monzo app: their tokens have no permissions until `approveInApp`. */
  awaitApproval(user: MonzoUser): void;
  /** The person approves the access in the Monzo app. */
  approveInApp(user: MonzoUser): void;
  /** The person removes the app under "Manage apps" in the Monzo app: every token of theirs stops working. */
  removeAppInMonzo(user: MonzoUser): void;
  /** The next /ping/whoami request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The Authorization header of each logout, in order. */
  readonly logouts: ReadonlyArray<string | undefined>;
}

const ACCESS_TOKEN_TTL = 21_600;

const unauthorized = () => json(401, { error: 'invalid_token', message: 'The access token is invalid or has expired (emulator wording)' });

export async function startMonzoEmulator(options: EmulatorOptions): Promise<MonzoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MonzoUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<MonzoUser>(server, grants);
  const awaitingApproval = new Set<string>();
  /** The newest access token of each grant: a refresh invalidates the one before. */
  const newestAccessToken = new Map<string, string>();
  const logouts: Array<string | undefined> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grantType, grant, tokens }) => {
      if (grantType === 'authorization_code') {
        for (const other of grants.liveGrants(options.clientId)) if (other.id !== grant.id && other.user.userId === grant.user.userId) grants.revokeGrant(other.id);
      } else {
        const previous = newestAccessToken.get(grant.id);
        if (previous !== undefined) grants.revokeAccessToken(previous);
      }
      newestAccessToken.set(grant.id, tokens.accessToken);
      return json(200, {
        access_token: tokens.accessToken,
        client_id: options.clientId,
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        token_type: 'Bearer',
        user_id: grant.user.userId,
      });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/ping/whoami', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { code: 'internal_service', message: 'Something went wrong (emulator wording)' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { authenticated: true, client_id: grant.clientId, user_id: grant.user.userId });
  });

  server.route('GET', '/accounts', (request) => {
    server.count('accounts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (awaitingApproval.has(grant.user.userId)) return json(403, { code: 'forbidden.insufficient_permissions', message: 'Approve the access in the Monzo app (emulator wording)' });
    const suffix = grant.user.userId.slice(-6);
    return json(200, { accounts: [{ id: `acc_00009${suffix}`, description: grant.user.accountDescription, created: '2015-11-13T12:17:42Z' }] });
  });

  server.route('POST', '/oauth2/logout', (request) => {
    server.count('revoke');
    logouts.push(request.headers.authorization);
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return json(200, {});
  });

  return {
    ...controls.handle,
    awaitApproval: (user) => {
      awaitingApproval.add(user.userId);
    },
    approveInApp: (user) => {
      awaitingApproval.delete(user.userId);
    },
    removeAppInMonzo: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
    logouts,
  };
}
