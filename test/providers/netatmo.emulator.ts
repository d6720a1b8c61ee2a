/**
 * An emulator of Netatmo Connect's OAuth 2.0 and of the part of its API a
 * connection touches, all on `https://api.netatmo.com`, written from
 * Netatmo's pages (https://dev.netatmo.com/apidocumentation/oauth,
 * https://dev.netatmo.com/guideline):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `redirect_uri`,
 *   `scope` and `state`, the person sent back with `code` and `state`; no
 *   PKCE; a scope Netatmo does not have is refused (`invalid_scope`).
 * - Token: `POST /oauth2/token`, a form with the client's id and secret in
 *   it (no Basic); the answer is `access_token`, `refresh_token`, `scope` as
 *   an array, `expires_in` and `expire_in` (10800, three hours), and no
 *   `token_type`. Each refresh answers a new refresh token and ends the one
 *   used ('rotating'). Refusals are RFC 6749 §5.2's.
 * - `GET /api/getstationsdata`, the person's weather stations, in Netatmo's
 *   envelope `{ body, status: "ok", time_exec, time_server }`, for the
 *   proxy. A token the API does not take is a 403,
 *   `{ error: { code: 2, message: "Invalid access token" } }`
 *   (https://dev.netatmo.com/apidocumentation/general).
 * Netatmo names no user endpoint the app reads (the preset is connect-only),
 * so none is served. Netatmo documents no revocation: the person removing
 * the app's access (`removeAccess`) ends its tokens. The authorization page
 * approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface NetatmoUser {
  /** The account at Netatmo, as the emulator tells its grants apart (the app never reads it). */
  id: string;
  email: string;
  name: string;
}

export interface NetatmoEmulator extends EmulatorHandle<NetatmoUser> {
  /** The person removes the app's access in their Netatmo account: every token of theirs stops working. */
  removeAccess(user: NetatmoUser): void;
  /** Netatmo stops taking this one access token (its grant and refresh token stay good). */
  endAccessToken(accessToken: string): void;
  /** The form of each token request, in order, as Netatmo read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Netatmo's access tokens last three hours. */
export const NETATMO_ACCESS_TOKEN_SECONDS = 10800;

/** Scopes from Netatmo's pages, enough for the tests (a scope not among them is refused). */
const SCOPES = new Set(['read_station', 'read_thermostat', 'write_thermostat', 'read_camera', 'write_camera', 'access_camera', 'read_presence', 'access_presence', 'read_homecoach', 'read_smokedetector']);

const invalidToken = () => json(403, { error: { code: 2, message: 'Invalid access token' } });

export async function startNetatmoEmulator(options: EmulatorOptions): Promise<NetatmoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<NetatmoUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: NETATMO_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<NetatmoUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => ((query.get('scope') ?? 'read_station').split(' ').every((scope) => SCOPES.has(scope)) ? undefined : { error: 'invalid_scope' }),
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
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        scope: (grant.scope || 'read_station').split(' '),
        expires_in: tokens.expiresIn,
        expire_in: tokens.expiresIn,
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, invalidToken);
  const envelope = (body: unknown) => json(200, { body, status: 'ok', time_exec: 0.021, time_server: 1765100000 });

  server.route('GET', '/api/getstationsdata', (request) => {
    server.count('stations');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return envelope({
      devices: [{ _id: '70:ee:50:00:00:01', type: 'NAMain', station_name: `${user.name}'s station`, module_name: 'Indoor', data_type: ['Temperature', 'CO2', 'Humidity', 'Noise', 'Pressure'], dashboard_data: { Temperature: 21.3, CO2: 612, Humidity: 48, Noise: 37, Pressure: 1013.2 }, modules: [] }],
      user: { mail: user.email, administrative: { lang: 'en-US', reg_locale: 'en-GB', unit: 0, windunit: 0, pressureunit: 0, feel_like_algo: 0 } },
    });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    endAccessToken: (accessToken) => void grants.revokeAccessToken(accessToken),
    tokenForms,
  };
}
