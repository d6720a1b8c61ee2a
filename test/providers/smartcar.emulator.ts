/**
 * An emulator of Smartcar's OAuth (connect.smartcar.com's /oauth/authorize
 * and auth.smartcar.com's /oauth/token) and of the part of its API v2.0 a
 * connection touches, written from Smartcar's documentation:
 * - Connect (https://smartcar.com/docs/connect/redirect-to-connect,
 *   https://smartcar.com/docs/connect/handle-the-response):
 *   `GET /oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri`, a space-separated `scope` of permissions (a `required:`
 *   prefix makes one required) and `state`; a person who refuses goes back
 *   with `error=access_denied` and `error_description`. Codes last 10 minutes.
 * - Token (https://smartcar.com/docs/api-reference/authorization/auth-code-exchange,
 *   https://smartcar.com/docs/api-reference/authorization/token-refresh):
 *   `POST /oauth/token`, a form, the client by `Authorization: Basic` of
 *   `client_id:client_secret`, a User-Agent required; the answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in: 7200` and
 *   `refresh_token` (60 days), never `scope`. Each refresh answers a new
 *   pair; the refresh token used is still taken for a minute after its use,
 *   then refused. Refusals are `invalid_client` and `invalid_grant`
 *   (https://smartcar.com/docs/guides/error-handling/).
 * - API (under /v2.0, the token as Bearer): `GET /user` answers `{ id }`, the
 *   user's UUID (https://smartcar.com/docs/api-reference/user); `GET /vehicles`
 *   the ids of the vehicles the grant reaches with `paging`; a token it does
 *   not take is 401 with Smartcar's error body of `type: "AUTHENTICATION"`
 *   (https://smartcar.com/docs/errors/api-errors/authentication-errors).
 * The person may disconnect the app in their Smartcar account
 * (`disconnectApp`), which ends the grant. The authorization page approves at
 * once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface SmartcarUser {
  /** The Smartcar user id, a UUID. */
  id: string;
  /** The ids of the vehicles the person connects. */
  vehicles: string[];
}

export interface SmartcarEmulator extends EmulatorHandle<SmartcarUser> {
  /** The person disconnects the app in their Smartcar account: every token of theirs stops working. */
  disconnectApp(user: SmartcarUser): void;
}

const ACCESS_TOKEN_TTL = 7200;
const REFRESH_TOKEN_TTL = 60 * 86_400;
const ROTATION_GRACE = 60;

/** Smartcar's API error body for a token it does not take. */
const unauthenticated = (): EmulatorReply =>
  json(401, {
    type: 'AUTHENTICATION',
    code: null,
    description: 'The authorization header is missing or malformed, or it contains invalid or expired authentication credentials. Please check for missing parameters, spelling and casing mistakes, and other syntax issues.',
    docURL: 'https://smartcar.com/docs/errors/api-errors/authentication-errors',
    statusCode: 401,
    requestId: '5dea93a1-3f79-4246-90c5-89610a20471b',
    resolution: { type: null },
  });

export async function startSmartcarEmulator(options: EmulatorOptions): Promise<SmartcarEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SmartcarUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    rotationGraceSeconds: ROTATION_GRACE,
  });
  const controls = emulatorControls<SmartcarUser>(server, grants);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (query.get('scope') ? undefined : { error: 'invalid_request', error_description: 'scope is required' }),
    denied: { error: 'access_denied', error_description: 'User denied access to application.' },
  });

  /** Basic credentials and a User-Agent, both of which Smartcar requires. */
  const isClient = (request: EmulatorRequest): boolean => basicAsSent(request, options) && Boolean(request.headers['user-agent']);

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    pkce: false,
    errors: { client: () => oauthError(401, 'invalid_client', 'Invalid client credentials.') },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL, refresh_token: tokens.refreshToken }),
  });

  const grantOf = (request: EmulatorRequest) => grants.grantOfAccessToken(request.bearer() ?? '');

  server.route('GET', '/v2.0/user', (request) => {
    server.count('user');
    const grant = grantOf(request);
    return grant ? json(200, { id: grant.user.id }) : unauthenticated();
  });

  server.route('GET', '/v2.0/vehicles', (request) => {
    server.count('vehicles');
    const grant = grantOf(request);
    if (!grant) return unauthenticated();
    const { vehicles } = grant.user;
    return json(200, { vehicles, paging: { count: vehicles.length, offset: 0 } });
  });

  return {
    ...controls.handle,
    disconnectApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
