/**
 * An emulator of Questrade's OAuth and API, as its pages document them
 * (https://www.questrade.com/api/documentation/authorization,
 * https://www.questrade.com/api/documentation/security,
 * https://www.questrade.com/api/documentation/rest-operations/account-calls/accounts,
 * https://www.questrade.com/api/documentation/error-handling):
 * - `GET /oauth2/authorize` with `client_id`, `response_type=code` and
 *   `redirect_uri`, sending the person back with `code`;
 * - `/oauth2/token` taking its parameters in the query: the code exchange
 *   needs `client_id`, `code`, `grant_type=authorization_code` and
 *   `redirect_uri`; a refresh `grant_type=refresh_token` and the
 *   `refresh_token`. No client secret is needed. The answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in` 1800, a new
 *   `refresh_token` and `api_server`, the API server the connection is to
 *   call (here the emulator's own origin, with a trailing slash, unless a
 *   test names another with setApiServer());
 * - `GET /v1/accounts` on that server, the user's accounts and `userId`;
 *   `GET /v1/accounts/:id/balances`, an API route for the proxy; errors as
 *   `{ code, message }`.
 * Assumed, not on Questrade's pages: the token endpoint answers GET (the
 * page says POST, with the parameters in the URL's query, and integrations
 * send GET); each refresh token is single-use, a spent one refused (as
 * integrations of Questrade have it); refusals as RFC 6749 §5.2's bare
 * `error`; a token the API no longer takes answered 401 with code 1017.
 * removeAccess() is the person revoking the application in the API Centre.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface QuestradeUser {
  /** The user's internal identifier. */
  userId: number;
  /** The user's accounts' eight-digit numbers, the first the primary one. */
  accounts: string[];
}

export interface QuestradeEmulator extends EmulatorHandle<QuestradeUser> {
  /** The person revokes the application in the API Centre: every token of theirs stops working. */
  removeAccess(user: QuestradeUser): void;
  /** The next /v1/accounts request fails with this HTTP status. */
  failNextAccounts(status: number): void;
  /** What the token answers name as `api_server` from now on. */
  setApiServer(url: string): void;
  /** Each token request's method and query, in order. */
  readonly tokenRequests: ReadonlyArray<{ method: string; query: URLSearchParams; body: string }>;
}

/** Questrade's access tokens last 30 minutes. */
export const QUESTRADE_ACCESS_TOKEN_SECONDS = 1800;

const invalidToken = () => json(401, { code: 1017, message: 'Access token is invalid' });

export async function startQuestradeEmulator(options: Omit<EmulatorOptions, 'clientSecret'>): Promise<QuestradeEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<QuestradeUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: QUESTRADE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<QuestradeUser>(server, grants);
  const accountsFailure = queuedFailure();
  const tokenRequests: Array<{ method: string; query: URLSearchParams; body: string }> = [];
  let apiServer = `${server.origin}/`;

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    method: 'GET',
    parameters: (request) => request.url.searchParams,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const query = new URLSearchParams(request.url.searchParams);
      tokenRequests.push({ method: request.method, query, body: request.body.toString('utf8') });
      // No secret: a client id sent must be the application's.
      const clientId = query.get('client_id');
      return clientId === null || clientId === options.clientId;
    },
    refuseCode: (query) => (['client_id', 'code', 'redirect_uri'].every((name) => query.get(name)) ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ tokens }) => json(200, { ...tokenMembers(tokens, undefined, 'Bearer'), api_server: apiServer }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, invalidToken);

  server.route('GET', '/v1/accounts', (request) => {
    server.count('accounts');
    const status = accountsFailure.take();
    if (status !== undefined) return json(status, { code: 1000, message: 'Internal server error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      accounts: user.accounts.map((number, index) => ({ type: index === 0 ? 'Margin' : 'TFSA', number, status: 'Active', isPrimary: index === 0, isBilling: index === 0, clientAccountType: 'Individual' })),
      userId: user.userId,
    });
  });

  server.route('GET', '/v1/accounts/:id/balances', (request) => {
    server.count('balances');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.user.accounts.includes(request.params.id!)) return json(404, { code: 1019, message: 'Account number not found' });
    return json(200, {
      perCurrencyBalances: [{ currency: 'CAD', cash: 243971.7, marketValue: 6017, totalEquity: 249988.7, buyingPower: 496367.2, maintenanceExcess: 248183.6, isRealTime: false }],
      combinedBalances: [],
      sodPerCurrencyBalances: [],
      sodCombinedBalances: [],
    });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextAccounts: accountsFailure.queue,
    setApiServer: (url) => {
      apiServer = url;
    },
    tokenRequests,
  };
}
