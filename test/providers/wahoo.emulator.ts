/**
 * An emulator of Wahoo's OAuth (api.wahooligan.com/oauth) and of the part of
 * the Wahoo Cloud API (api.wahooligan.com/v1) a connection touches, written
 * from Wahoo's documentation (https://developers.wahooligan.com/cloud,
 * https://cloud-api.wahooligan.com/):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri` (the
 *   app's registered one; another is refused on Wahoo's page here),
 *   `response_type=code` and a space-separated `scope` among Wahoo's (another
 *   is `invalid_scope`); PKCE taken when sent. A person who declines goes
 *   back with `error=access_denied`.
 * - Token: `POST /oauth/token`, the client in the form. The answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in` (7200 here),
 *   `refresh_token`, `scope` and `created_at`. A refresh token is good once:
 *   each refresh answers a new pair and the spent refresh token is refused.
 *   Refusals are RFC 6749 §5.2's `{ error, error_description }` here (not
 *   shown by Wahoo).
 * - API: `GET /v1/user` behind `user_read` answers `{ id, first, last, email,
 *   … }` (the e-mail only with `email`); `GET /v1/workouts` behind
 *   `workouts_read` the person's workouts. A token it does not take is a 401.
 * - `DELETE /v1/permissions` with the access token ends the app's access for
 *   the person: every token of the grant stops working (200 here, its body
 *   not shown by Wahoo).
 * - removeApp() is the person disconnecting the app in their Wahoo account.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface WahooUser {
  /** The Wahoo user id, an integer. */
  id: number;
  first: string;
  last: string;
  email: string;
}

export interface WahooEmulator extends EmulatorHandle<WahooUser> {
  /** The person disconnects the app in their Wahoo account: every token of theirs stops working. */
  removeApp(user: WahooUser): void;
}

const ACCESS_TOKEN_TTL = 7200;
const SCOPES = ['email', 'user_read', 'user_write', 'workouts_read', 'workouts_write', 'plans_read', 'plans_write', 'power_zones_read', 'power_zones_write', 'offline_data'];

export async function startWahooEmulator(options: EmulatorOptions): Promise<WahooEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<WahooUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<WahooUser>(server, grants);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The redirect uri included is not valid.',
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' } : undefined;
    },
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
    },
    answer: ({ grant, tokens }) =>
      json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, scope: grant.scope, created_at: now() }),
  });

  const unauthorized = () => json(401, { error: 'Unauthorized' });
  /** The grant behind the request's Bearer token when it holds `scope`; else Wahoo's 401. */
  const apiGrant = (request: EmulatorRequest, scope: string): Grant<WahooUser> | EmulatorReply => {
    const grant = bearerGrant(grants, request, unauthorized);
    return isGrant(grant) && !grant.scope.split(' ').includes(scope) ? unauthorized() : grant;
  };

  server.route('GET', '/v1/user', (request) => {
    server.count('user');
    const grant = apiGrant(request, 'user_read');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const email = grant.scope.split(' ').includes('email') ? { email: user.email } : {};
    return json(200, { id: user.id, height: '1.8', weight: '70.0', first: user.first, last: user.last, ...email, birth: '1980-10-02', gender: 1, created_at: '2025-10-23T15:38:23.000Z', updated_at: '2026-11-24T20:46:40.000Z' });
  });

  server.route('GET', '/v1/workouts', (request) => {
    server.count('workouts');
    const grant = apiGrant(request, 'workouts_read');
    if (!isGrant(grant)) return grant;
    return json(200, { workouts: [{ id: 2501, name: 'Morning ride', workout_type_id: 0, minutes: 62, starts: '2026-12-05T07:00:00.000Z' }], total: 1, page: 1, per_page: 30, order: 'descending', sort: 'starts' });
  });

  server.route('DELETE', '/v1/permissions', (request) => {
    server.count('revoke');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
