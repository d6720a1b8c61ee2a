/**
 * An emulator of Acuity Scheduling's OAuth2 (acuityscheduling.com/oauth2) and of the part of its API v1
 * (acuityscheduling.com/api/v1) a connection touches, written from Acuity's pages
 * (https://developers.acuityscheduling.com/docs/oauth2, https://developers.acuityscheduling.com/reference,
 * https://developers.acuityscheduling.com/reference/api-errors) and its own SDKs' OAuth2 code
 * (https://github.com/AcuityScheduling/acuity-js):
 * - Authorize: `GET /oauth2/authorize` with `response_type=code`, `scope` (`api-v1`, the one scope: another is sent
 *   back `invalid_scope` here), `client_id`, `redirect_uri` and `state`; the person approves and goes back with
 *   `code`. No PKCE. A person who declines goes back with RFC 6749's `error=access_denied` (Acuity shows no wording).
 * - Token: `POST /oauth2/token`, a form with `grant_type`, `code`, `redirect_uri`, `client_id` and `client_secret`,
 *   answered with JSON `access_token` and `token_type` (what the SDKs read; made up past `access_token`): a token
 *   with no end and no refresh token. Refusals are RFC 6749 §5.2's (Acuity shows none).
 * - API v1: the token as Bearer; a token it does not take is 401 `{ status_code, error, message }`, the shape of
 *   Acuity's API errors. `GET /me` answers the account (`id`, `email`, `timezone`, `name`, `schedulingPage`,
 *   `plan`, `currency`; the members are those the SDKs' examples print); `GET /appointments` the account's
 *   appointments (the reference's example, shortened).
 * There is no revocation endpoint: the account disconnecting the application (`disconnectApp`) ends its tokens.
 * The authorization page approves at once for signInAs()'s account.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface AcuityAccount {
  /** The account's numeric User ID. */
  id: number;
  name: string;
  email: string;
}

export interface AcuityEmulator extends EmulatorHandle<AcuityAccount> {
  /** The account disconnects the application: none of its tokens works any more. */
  disconnectApp(account: AcuityAccount): void;
  /** The next /api/v1/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Acuity read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const acuityError = (status: number, error: string, message: string) => json(status, { status_code: status, error, message });

export async function startAcuityEmulator(options: EmulatorOptions): Promise<AcuityEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AcuityAccount>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<AcuityAccount>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (requestedScopes(query).join(' ') === 'api-v1' ? undefined : { error: 'invalid_scope' }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer' }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => acuityError(401, 'unauthorized', 'Unauthorized'));

  server.route('GET', '/api/v1/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return acuityError(status, 'internal_server_error', 'Internal Server Error');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { id, name, email } = grant.user;
    return json(200, { id, email, timezone: 'America/New_York', name, schedulingPage: `https://app.acuityscheduling.com/schedule.php?owner=${id}`, plan: 'Emerging', currency: 'USD' });
  });

  server.route('GET', '/api/v1/appointments', (request) => {
    server.count('appointments');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: 54321, firstName: 'Bob', lastName: 'McTest', email: 'bob.mctest@example.com', datetime: '2013-07-02T10:15:00-0700', type: 'Regular Visit', appointmentTypeID: 1, calendarID: 27238 }]);
  });

  return {
    ...controls.handle,
    disconnectApp: (account) => grants.revokeGrantsOf((someone) => someone.id === account.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
