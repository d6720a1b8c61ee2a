/**
 * An emulator of ServiceM8's OAuth 2.0 endpoints (go.servicem8.com) and of
 * the part of its REST API (api.servicem8.com/api_1.0) a connection
 * touches, on one host, written from ServiceM8's developer docs
 * (https://developer.servicem8.com/docs/authentication,
 * http://developer.servicem8.com/docs/platform-services/authentication/,
 * https://developer.servicem8.com/reference/get-vendor-all):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id`, `scope` (required: none is `invalid_scope` here, as is a
 *   scope not among those below) and `redirect_uri` (the add-on's own
 *   here); the user is sent back with `code`. No PKCE (a challenge is
 *   ignored). A user who declines goes back with `error=access_denied` (not
 *   shown by ServiceM8).
 * - Token: `POST /oauth/access_token`, a form with `client_id`,
 *   `client_secret` and `code` (the client in the form only: Basic alone is
 *   `invalid_client` here). The answer is assumed: `access_token`,
 *   `expires_in: 3600`, `token_type: "bearer"`, `scope` and
 *   `refresh_token`; a refresh answers a new refresh token and the old one
 *   lasts (ServiceM8 does not say). Refusals are RFC 6749 §5.2's.
 * - API: the token as `Authorization: Bearer`; a token not taken is a 401
 *   "Your OAuth2 token is incorrect or has expired", one without the scope
 *   an endpoint needs a 403 here. `GET /api_1.0/vendor.json` (`vendor`)
 *   lists the connected account's record; `GET /api_1.0/staff.json`
 *   (`read_staff`) its staff.
 * There is no revocation endpoint: disconnectAddon() is the account
 * removing the add-on, which ends its tokens. The authorization page
 * approves at once for signInAs()'s account.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface ServiceM8Vendor {
  /** The account's UUID. */
  uuid: string;
  /** The business's name. */
  name: string;
}

export interface ServiceM8Emulator extends EmulatorHandle<ServiceM8Vendor> {
  /** The account removes the add-on in ServiceM8: none of its tokens works. */
  disconnectAddon(vendor: ServiceM8Vendor): void;
  /** The next /api_1.0/vendor.json request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** The access token lifetime the emulator gives (assumed: ServiceM8's pages as stored do not say). */
export const SERVICEM8_ACCESS_TOKEN_SECONDS = 3600;

const SCOPES = ['vendor', 'vendor_logo', 'vendor_email', 'read_staff', 'manage_staff', 'read_jobs', 'manage_jobs', 'read_customers', 'manage_customers'];

const apiError = (status: number, message: string): EmulatorReply => json(status, { errorCode: status, message });

export async function startServiceM8Emulator(options: EmulatorOptions): Promise<ServiceM8Emulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ServiceM8Vendor>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SERVICEM8_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<ServiceM8Vendor>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    pkce: false,
  });

  tokenEndpoint(server, '/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  /** The grant of an API call, its bearer token taken and holding `scope`; ServiceM8's refusal otherwise. */
  const apiGrant = (request: EmulatorRequest, scope: string): Grant<ServiceM8Vendor> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'Your OAuth2 token is incorrect or has expired');
    return grant.scope.split(' ').includes(scope) ? grant : apiError(403, `The ${scope} scope is required`);
  };

  server.route('GET', '/api_1.0/vendor.json', (request) => {
    server.count('vendor');
    const status = profileFailure.take();
    if (status !== undefined) return apiError(status, 'Internal Server Error');
    const grant = apiGrant(request, 'vendor');
    if (!isGrant(grant)) return grant;
    const { uuid, name } = grant.user;
    return json(200, [{ uuid, name, abn_number: '', website: '', email: `${uuid.slice(0, 8)}@n.servicem8.com`, active: 1, default_region: 'English (New Zealand)', opening_time_monday: '480', closing_time_monday: '1050', timezone_name: 'Pacific/Auckland', invoice_terms: '7 Days', edit_date: '2026-02-25 22:29:20' }]);
  });

  server.route('GET', '/api_1.0/staff.json', (request) => {
    server.count('staff');
    const grant = apiGrant(request, 'read_staff');
    if (!isGrant(grant)) return grant;
    return json(200, [{ uuid: '9a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b', active: 1, first: 'Sam', last: grant.user.name.split(' ')[0], email: 'sam@example.com' }]);
  });

  return {
    ...controls.handle,
    disconnectAddon: (vendor) => grants.revokeGrantsOf((someone) => someone.uuid === vendor.uuid),
    failNextProfile: profileFailure.queue,
  };
}
