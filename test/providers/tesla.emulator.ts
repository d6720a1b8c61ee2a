/**
 * An emulator of Tesla's third-party OAuth (auth.tesla.com's
 * /oauth2/v3/authorize, fleet-auth's /oauth2/v3/token) and of the part of one
 * region's Fleet API a connection touches, written from Tesla's documentation
 * (https://developer.tesla.com/docs/fleet-api/authentication/third-party-tokens,
 * https://developer.tesla.com/docs/fleet-api/authentication/overview,
 * https://developer.tesla.com/docs/fleet-api/authentication/open-source-tokens,
 * https://developer.tesla.com/docs/fleet-api/getting-started/base-urls):
 * - Authorize: `GET /oauth2/v3/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, a space-separated `scope` and `state`
 *   (required); a scope it does not know is sent back as `invalid_scope`, a
 *   person who refuses as `access_denied`. Only a grant with both `openid`
 *   and `offline_access` gets a refresh token. A PKCE challenge is kept, and
 *   its verifier checked at the exchange.
 * - Token: `POST /oauth2/v3/token`, a form with `client_id` and
 *   `client_secret` beside RFC 6749's grant parameters; the answer is
 *   `access_token`, `refresh_token`, `id_token`, `expires_in` (28800: 8
 *   hours) and `token_type: "Bearer"`. A refresh token is spent by its
 *   refresh, which answers a new one. Refusals are RFC 6749's.
 * - Fleet API, two regions' bases: North America's at this emulator's
 *   origin, Europe's under `/eu` (https://developer.tesla.com/docs/fleet-api/getting-started/base-urls).
 *   On each, `GET /api/1/users/region` (`{ response: { region,
 *   fleet_api_base_url } }`, the person's own region's base whichever base
 *   is asked, unless a test names another with `setRegionBase`);
 *   `GET /api/1/users/me` (`{ response: { email, full_name,
 *   profile_image_url, vault_uuid } }`) behind `user_data` and
 *   `GET /api/1/vehicles` behind `vehicle_device_data`, both answering a
 *   person of the other region with HTTP 421, as integrations report the
 *   Fleet API does; the token as Bearer; 401 for a token it does not take.
 * The third-party token page's refresh part and the user endpoints page were
 * not read for this emulator: the lifetimes, the rotation and the user
 * answers above are as integrations report them.
 * There is no revocation endpoint; the person may remove the app in their
 * Tesla account (`removeApp`), which ends the grant. The authorization page
 * approves at once for signInAs()'s user.
 */
import { requestedScopes } from './kit/authorization.js';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface TeslaUser {
  /** The account's vault UUID, the subject. */
  vaultUuid: string;
  email: string;
  fullName: string;
  /** The region the account's data is in (default North America's). */
  region?: Region;
}

type Region = 'na' | 'eu';

export interface TeslaEmulator extends EmulatorHandle<TeslaUser> {
  /** The person removes the app in their Tesla account: every token of theirs stops working. */
  removeApp(user: TeslaUser): void;
  /** The next users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** What users/region names as the person's Fleet API base; undefined names none, null (the default) the person's own region's base. */
  setRegionBase(url: string | undefined | null): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const ACCESS_TOKEN_TTL = 8 * 60 * 60;
const SCOPES = ['openid', 'offline_access', 'user_data', 'vehicle_device_data', 'vehicle_location', 'vehicle_cmds', 'vehicle_charging_cmds', 'energy_device_data', 'energy_cmds'];
const UNAUTHORIZED = () => json(401, { error: 'invalid bearer token' });

export async function startTeslaEmulator(options: EmulatorOptions): Promise<TeslaEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TeslaUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<TeslaUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];
  let regionBase: string | undefined | null = null;
  const prefixes: Record<Region, string> = { na: '', eu: '/eu' };
  const baseOf = (region: Region) => `${server.origin}${prefixes[region]}`;
  const regionOf = (user: TeslaUser): Region => user.region ?? 'na';
  const outOfRegion = () => json(421, { error: 'user out of region' });

  authorizationEndpoint(server, '/oauth2/v3/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      if (!query.get('state')) return { error: 'invalid_request', error_description: 'state is required' };
      const scopes = requestedScopes(query);
      return scopes.length === 0 || scopes.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    request: (query) => {
      const scopes = requestedScopes(query);
      return { refreshToken: scopes.includes('openid') && scopes.includes('offline_access') };
    },
  });

  tokenEndpoint(server, '/oauth2/v3/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed.') },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        // An opaque stand-in: the preset does not read the ID token.
        ...(grant.scope.split(' ').includes('openid') ? { id_token: `id.${grant.id}` } : {}),
        expires_in: tokens.expiresIn,
        token_type: 'Bearer',
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, UNAUTHORIZED);
  const hasScope = (grant: Grant<TeslaUser>, scope: string) => grant.scope.split(' ').includes(scope);

  for (const [region, prefix] of Object.entries(prefixes) as Array<[Region, string]>) {
    server.route('GET', `${prefix}/api/1/users/me`, (request) => {
      server.count('profile');
      server.count(`profile_${region}`);
      const status = profileFailure.take();
      if (status !== undefined) return json(status, { error: 'internal server error' });
      const grant = apiGrant(request);
      if (!isGrant(grant)) return grant;
      if (regionOf(grant.user) !== region) return outOfRegion();
      if (!hasScope(grant, 'user_data')) return json(403, { error: 'Unauthorized missing scopes' });
      const { user } = grant;
      return json(200, { response: { email: user.email, full_name: user.fullName, profile_image_url: `${server.origin}/profile_images/${user.vaultUuid}.jpg`, vault_uuid: user.vaultUuid } });
    });

    server.route('GET', `${prefix}/api/1/users/region`, (request) => {
      server.count('region');
      const grant = apiGrant(request);
      if (!isGrant(grant)) return grant;
      const own = regionOf(grant.user);
      const base = regionBase === null ? baseOf(own) : regionBase;
      return json(200, { response: { region: own, ...(base === undefined ? {} : { fleet_api_base_url: base }) } });
    });

    server.route('GET', `${prefix}/api/1/vehicles`, (request) => {
      server.count('vehicles');
      server.count(`vehicles_${region}`);
      const grant = apiGrant(request);
      if (!isGrant(grant)) return grant;
      if (regionOf(grant.user) !== region) return outOfRegion();
      if (!hasScope(grant, 'vehicle_device_data')) return json(403, { error: 'Unauthorized missing scopes' });
      return json(200, { response: [{ id: 100021, vehicle_id: 99999, vin: '5YJ3E1EA1JF000001', display_name: 'Owned', state: 'online' }], pagination: { previous: null, next: null, current: 1, per_page: 2, count: 1, pages: 1 }, count: 1 });
    });
  }

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.vaultUuid === user.vaultUuid),
    failNextProfile: profileFailure.queue,
    setRegionBase: (url) => {
      regionBase = url;
    },
    tokenForms,
  };
}
