/**
 * An emulator of one of Dexcom's servers (api.dexcom.com, its regional
 * twins, or sandbox-api.dexcom.com): the OAuth endpoints under /v2/oauth2 and
 * the part of the v3 API a connection touches, written from Dexcom's
 * documentation (https://developer.dexcom.com/docs/dexcom/authentication,
 * https://developer.dexcom.com/docs/dexcomv3/endpoint-overview):
 * - Login: `GET /v2/oauth2/login` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `scope=offline_access` (any other scope is
 *   `invalid_scope`) and `state`; a person who refuses is sent back with
 *   `access_denied`.
 * - Token: `POST /v2/oauth2/token`, a form with `client_id`,
 *   `client_secret`, `grant_type` and the code and `redirect_uri`, or the
 *   refresh token; the answer is `access_token`, `expires_in` (7200),
 *   `token_type: "Bearer"` and `refresh_token`. Each refresh answers a new
 *   refresh token and the used one is refused. Refusals are RFC 6749's (the
 *   preset says this is not checked).
 * - API v3: `GET /v3/users/self/dataRange` and `GET /v3/users/self/egvs`, the
 *   token as Bearer, each answer carrying the user's `userId`; 401 for a token
 *   it does not take.
 * Dexcom has no revocation endpoint; the person may revoke the app's access
 * in their Dexcom account (`removeApp`), which ends the grant. The login page
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
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface DexcomUser {
  /** The user's id in the v3 answers, a UUID. */
  userId: string;
}

export interface DexcomEmulator extends EmulatorHandle<DexcomUser> {
  /** The person revokes the app's access in their Dexcom account: every token of theirs stops working. */
  removeApp(user: DexcomUser): void;
  /** The next dataRange request fails with this HTTP status. */
  failNextDataRange(status: number): void;
}

const ACCESS_TOKEN_TTL = 7200;
const UNAUTHORIZED = () => json(401, { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } });

export async function startDexcomEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<DexcomEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DexcomUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<DexcomUser>(server, grants);
  const dataRangeFailure = queuedFailure();

  authorizationEndpoint(server, '/v2/oauth2/login', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid client', redirectUri: 'Invalid redirect URI' },
    refuse: (query) => (query.get('scope') !== 'offline_access' ? { error: 'invalid_scope' } : undefined),
    pkce: false,
  });

  tokenEndpoint(server, '/v2/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer', refresh_token: tokens.refreshToken }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, UNAUTHORIZED);
  const moment = (time: string) => ({ systemTime: time, displayTime: time });

  server.route('GET', '/v3/users/self/dataRange', (request) => {
    server.count('data_range');
    const status = dataRangeFailure.take();
    if (status !== undefined) return json(status, { fault: { faultstring: 'Internal Server Error' } });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const window = { start: moment('2026-11-01T08:00:00'), end: moment('2026-12-05T23:55:00') };
    return json(200, { recordType: 'dataRange', recordVersion: '3.0', userId: grant.user.userId, calibrations: window, egvs: window, events: window });
  });

  server.route('GET', '/v3/users/self/egvs', (request) => {
    server.count('egvs');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const start = request.url.searchParams.get('startDate');
    const end = request.url.searchParams.get('endDate');
    if (!start || !end) return json(400, { fault: { faultstring: 'startDate and endDate are required' } });
    return json(200, {
      recordType: 'egv',
      recordVersion: '3.0',
      userId: grant.user.userId,
      records: [{ recordId: '1f3a9b56-1f4f-4c70-9d2c-bb4f5d6e0001', systemTime: start, displayTime: start, transmitterId: '8GA1JK', value: 142, status: 'ok', trend: 'flat', unit: 'mg/dL' }],
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextDataRange: dataRangeFailure.queue,
  };
}
