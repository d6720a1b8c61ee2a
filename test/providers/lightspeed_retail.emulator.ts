/**
 * An emulator of Lightspeed Retail (R-Series)'s OAuth 2 (cloud.lightspeedapp.com/auth/oauth/authorize and
 * /auth/oauth/token) and of the part of API V3 (api.lightspeedapp.com/API/V3) a connection touches, written from
 * Lightspeed's pages (https://developers.lightspeedhq.com/retail/authentication/authentication-overview/,
 * https://developers.lightspeedhq.com/retail/authentication/scopes/,
 * https://developers.lightspeedhq.com/retail/endpoints/Account/):
 * - Authorize: `GET /auth/oauth/authorize` with the API client's `client_id`, `response_type=code`, `scope`
 *   (`employee:…`, the employee's permissions) and `state`; approved, a code comes back with the state.
 * - Token: `POST /auth/oauth/token`, the client's id and secret in the form with the code or the refresh token;
 *   JSON `access_token`, `expires_in` (3600), `token_type`, `scope` and `refresh_token`. A refresh answers a new
 *   refresh token and ends the one used.
 * - API V3: the token as Bearer. `GET /API/V3/Account.json` is the account the token is for, `{ "@attributes":
 *   { count }, Account: { accountID, name, link } }`; `GET /API/V3/Account/{accountID}/Shop.json` its shops, only
 *   under that account's id.
 * Made up here (Lightspeed's pages, as read, do not say): a declined authorization (`access_denied`); refusals as
 * RFC 6749 §5.2's bare `error`; the API's 401 body (`httpCode`, `httpMessage`, `message`) and its 403 for another
 * account's path. revokeClient() is the merchant revoking the app in Settings > Client API Access. The
 * authorization page approves at once for signInAs()'s account.
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
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface LightspeedRetailAccount {
  /** The account's id, digits. */
  accountID: string;
  name: string;
}

export interface LightspeedRetailEmulator extends EmulatorHandle<LightspeedRetailAccount> {
  /** The merchant revokes the app in Settings > Client API Access: every token it holds for the account stops working. */
  revokeClient(account: LightspeedRetailAccount): void;
  /** The next Account.json request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** Access tokens of Lightspeed Retail's current authorization server last an hour (as integrations read `expires_in`). */
export const LIGHTSPEED_RETAIL_ACCESS_TOKEN_SECONDS = 3600;

const PERMISSIONS = ['all', 'register', 'inventory', 'reports', 'admin', 'customers', 'purchases', 'workorders'];

const problem = (status: number, httpMessage: string, message: string) => json(status, { httpCode: String(status), httpMessage, message });

export async function startLightspeedRetailEmulator(options: EmulatorOptions): Promise<LightspeedRetailEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<LightspeedRetailAccount>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: LIGHTSPEED_RETAIL_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<LightspeedRetailAccount>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/auth/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !PERMISSIONS.some((permission) => scope === `employee:${permission}`)) ? { error: 'invalid_scope' } : undefined;
    },
    pkce: false,
  });

  tokenEndpoint(server, '/auth/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => problem(401, 'Unauthorized', 'Invalid access token.'));

  server.route('GET', '/API/V3/Account.json', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return problem(status, 'Internal Server Error', 'An error occurred.');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { accountID, name } = grant.user;
    return json(200, { '@attributes': { count: '1' }, Account: { accountID, name, link: { '@attributes': { href: `/API/V3/Account/${accountID}` } } } });
  });

  server.route('GET', '/API/V3/Account/:accountID/Shop.json', (request) => {
    server.count('shops');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (request.params.accountID !== grant.user.accountID) return problem(403, 'Forbidden', 'Access to this account is not allowed.');
    return json(200, { '@attributes': { count: '1', offset: '0', limit: '100' }, Shop: { shopID: '1', name: `${grant.user.name} Main`, timeZone: 'America/New_York' } });
  });

  return {
    ...controls.handle,
    revokeClient: (account) => grants.revokeGrantsOf((someone) => someone.accountID === account.accountID),
    failNextProfile: profileFailure.queue,
  };
}
