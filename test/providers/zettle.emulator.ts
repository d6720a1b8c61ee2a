/**
 * An emulator of Zettle's OAuth2 API (oauth.zettle.com/authorize, /token,
 * /users/self, /application-connections/self) and of the Finance API v2
 * route a connection's proxy calls, written from Zettle's API documentation
 * (https://github.com/iZettle/api-documentation):
 * - Authorize: `GET /authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (registered for the app), a space-separated `scope` and
 *   `state`, carried back unchanged (authorization.md; the refusal's body is
 *   not shown: RFC 6749's `access_denied` here).
 * - Token: `POST /token`, a form with `client_id` and `client_secret` (no
 *   Basic), for `authorization_code` (the code usable once) and
 *   `refresh_token`; each answer is `access_token`, `expires_in` (7200) and
 *   `refresh_token` (`IZSEC…`), and nothing else. Each refresh answers a new
 *   refresh token and invalidates the one before; each lives 180 days
 *   (oauth-api/user-guides/set-up-app-authorisation/set-up-authorisation-code-grant.md).
 *   A refused refresh token is 400 `invalid_grant` "invalid refresh_token"
 *   (authorization.md, "Errors"); other refusals are RFC 6749 §5.2's.
 * - `GET /users/self`: `uuid` and `organizationUuid` (authorization.md,
 *   "Get user info").
 * - `DELETE /application-connections/self` with the access token: the app
 *   is disconnected from the organization, 204 (authorization.md); here
 *   the grant ends with it.
 * - API: `GET /v2/accounts/:accountTypeGroup/balance` of the Finance API v2
 *   (finance-api/api-reference-v2.yaml; the balance's members here are
 *   this emulator's); a token it does not take is a 401 with
 *   `WWW-Authenticate: Bearer error="invalid_request",
 *   error_description="ACCESS_TOKEN_EXPIRED"` (authorization.md).
 * The merchant may remove the app in Zettle (`removeApp`), which ends the
 * grant. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface ZettleUser {
  /** The user's uuid. */
  uuid: string;
  /** The merchant organization's uuid. */
  organizationUuid: string;
}

export interface ZettleEmulator extends EmulatorHandle<ZettleUser> {
  /** The merchant removes the app in Zettle: every token of the user's stops working. */
  removeApp(user: ZettleUser): void;
  /** The next /users/self request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The Authorization header of each disconnection, in order. */
  readonly disconnections: ReadonlyArray<string | undefined>;
}

const ACCESS_TOKEN_TTL = 7200;
const REFRESH_TOKEN_TTL = 180 * 86_400;

const unauthorized = (): EmulatorReply => ({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_request", error_description="ACCESS_TOKEN_EXPIRED"' }, body: '' });

export async function startZettleEmulator(options: EmulatorOptions): Promise<ZettleEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ZettleUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    prefixes: { refresh: 'IZSEC' },
  });
  const controls = emulatorControls<ZettleUser>(server, grants);
  const disconnections: Array<string | undefined> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    denied: { error: 'access_denied', error_description: 'The merchant did not approve the app (emulator wording)' },
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: { refreshToken: () => oauthError(400, 'invalid_grant', 'invalid refresh_token') },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/users/self', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'internal_error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { uuid: grant.user.uuid, organizationUuid: grant.user.organizationUuid });
  });

  server.route('DELETE', '/application-connections/self', (request) => {
    server.count('revoke');
    disconnections.push(request.headers.authorization);
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 204, headers: {}, body: '' };
  });

  server.route('GET', '/v2/accounts/:group/balance', (request) => {
    server.count('balance');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { data: { totalBalance: 12550, currencyId: 'SEK' } });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.uuid === user.uuid),
    failNextProfile: profileFailure.queue,
    disconnections,
  };
}
