/**
 * An emulator of Harvest ID's OAuth2 and of the part of the Harvest API v2 a connection touches, both on one host
 * (Harvest ID is `https://id.getharvest.com`, the API `https://api.harvestapp.com/v2`), written from Harvest's pages
 * (https://help.getharvest.com/api-v2/authentication-api/authentication/authentication/,
 * https://help.getharvest.com/api-v2/introduction/overview/general/):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `response_type=code`, `redirect_uri` and `state`; the person
 *   picks the accounts the application may reach (all of theirs, here) and is sent back with a code.
 * - Token: `POST /api/v2/oauth2/token`, the client's `client_id` and `client_secret` in the form; JSON with
 *   `access_token`, `refresh_token`, `token_type: "bearer"` and `expires_in` (about 14 days).
 * - `GET /api/v2/accounts`: the Harvest ID `user` (`id`, `first_name`, `last_name`, `email`) and its `accounts`
 *   (`id`, `name`, `product`).
 * - API: `GET /v2/users/me`, the person as a user of the account `Harvest-Account-Id` (or `account_id`) names, which
 *   must be one of their Harvest accounts. A request without a User-Agent is 400, as the overview says.
 * Made up here (Harvest's pages do not say): a declined authorization (`access_denied`); a refresh answering a new
 * refresh token while the old one lasts; refusals as RFC 6749 §5.2's; the 401 body for a token it does not take and
 * the 403 for a call whose account is missing or not the person's. removeAccess() is the person removing the
 * application's access in Harvest ID. The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface HarvestAccount {
  id: number;
  name: string;
  product: 'harvest' | 'forecast';
}

export interface HarvestUser {
  /** The Harvest ID's number, the same in every account. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  accounts: HarvestAccount[];
}

export interface HarvestEmulator extends EmulatorHandle<HarvestUser> {
  /** The person removes the application's access in Harvest ID: every token of theirs stops working. */
  removeAccess(user: HarvestUser): void;
  /** The next /api/v2/accounts request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Harvest read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Harvest's access tokens last about 14 days. */
export const HARVEST_ACCESS_TOKEN_SECONDS = 1209599;

const invalidToken = (): EmulatorReply => json(401, { error: 'invalid_token', error_description: 'The access token is expired, revoked or not valid.' });

export async function startHarvestEmulator(options: EmulatorOptions): Promise<HarvestEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<HarvestUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: HARVEST_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<HarvestUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/api/v2/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'bearer')),
  });

  /** The grant of the request's token, or Harvest's refusal: 400 without a User-Agent, 401 for a token it does not take. */
  const caller = (request: EmulatorRequest): Grant<HarvestUser> | EmulatorReply => {
    if (!request.headers['user-agent']) return json(400, { error: 'bad_request', error_description: 'A User-Agent naming your application is required.' });
    return grants.grantOfAccessToken(request.bearer() ?? '') ?? invalidToken();
  };

  server.route('GET', '/api/v2/accounts', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: { id: user.id, first_name: user.firstName, last_name: user.lastName, email: user.email },
      accounts: user.accounts.map((account) => ({ id: account.id, name: account.name, product: account.product })),
    });
  });

  server.route('GET', '/v2/users/me', (request) => {
    server.count('users_me');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const header = request.headers['harvest-account-id'];
    const named = typeof header === 'string' ? header : request.url.searchParams.get('account_id');
    const account = grant.user.accounts.find((candidate) => String(candidate.id) === named && candidate.product === 'harvest');
    if (!account) return json(403, { error: 'forbidden', error_description: 'The account named is not one this token may reach.' });
    const { user } = grant;
    return json(200, { id: account.id * 1000 + (user.id % 1000), first_name: user.firstName, last_name: user.lastName, email: user.email, is_active: true, access_roles: ['member'] });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
