/**
 * An emulator of Alpaca's OAuth for the Trading API, as its pages document it
 * (https://docs.alpaca.markets/docs/using-oauth2-and-trading-api,
 * https://alpaca.markets/docs/api-references/oauth-api/,
 * https://alpaca.markets/docs/api-references/trading-api/account/):
 * - `GET /oauth/authorize` (app.alpaca.markets) with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state`, an optional space-delimited `scope`
 *   of `account:write`, `trading` and `data` (none: read-only), and `env`,
 *   `live` or `paper`, the one kind of account the person is asked for
 *   (without it, both);
 * - `POST /oauth/token` (api.alpaca.markets): a form with `grant_type`,
 *   `code`, `client_id`, `client_secret` and `redirect_uri`, all required,
 *   answered `{ access_token, token_type: "bearer", scope }`: the token never
 *   expires and comes with no refresh token;
 * - `GET /v2/account`, the account the token reaches (its `id`, a UUID, and
 *   `account_number`, `status`, `currency`, balances), the live one unless
 *   the person authorized a paper account alone; `GET /v2/orders`, an API
 *   route for the proxy.
 * Assumed, not on Alpaca's pages: the token endpoint's refusals as RFC 6749
 * §5.2's bare `error`; a scope it does not know sent back as `invalid_scope`;
 * a token it no longer takes answered 401 with Alpaca's `{ code, message }`
 * error body. removeAccess() is the person revoking the app on the
 * dashboard's OAuth Apps page. The authorization page approves at once for
 * signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AlpacaAccount {
  /** The account's id, a UUID. */
  id: string;
  /** Its account number. */
  number: string;
}

export interface AlpacaPerson {
  live: AlpacaAccount;
  paper: AlpacaAccount;
  /** The `env` the authorization asked for (set by the emulator on each grant). */
  env?: string | null;
}

export interface AlpacaEmulator extends EmulatorHandle<AlpacaPerson> {
  /** The person revokes the app on the OAuth Apps page: every token of theirs stops working. */
  removeAccess(person: AlpacaPerson): void;
  /** The next /v2/account request fails with this HTTP status. */
  failNextAccount(status: number): void;
}

const SCOPES = new Set(['account:write', 'trading', 'data']);
const REQUIRED = ['grant_type', 'code', 'client_id', 'client_secret', 'redirect_uri'];

const notAuthorized = () => json(401, { code: 40110000, message: 'request is not authorized' });

export async function startAlpacaEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<AlpacaEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AlpacaPerson>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<AlpacaPerson>(server, grants);
  const accountFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
      if (!scopes.every((scope) => SCOPES.has(scope))) return { error: 'invalid_scope' };
      const env = query.get('env');
      return env === null || env === 'live' || env === 'paper' ? undefined : { error: 'invalid_request' };
    },
    request: (query, person) => ({ user: { ...person, env: query.get('env') } }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    refuseCode: (form) => (REQUIRED.every((name) => form.get(name)) ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', scope: grant.scope }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, notAuthorized);

  server.route('GET', '/v2/account', (request) => {
    server.count('account');
    const status = accountFailure.take();
    if (status !== undefined) return json(status, { code: 50010000, message: 'internal server error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const person = grant.user;
    const account = person.env === 'paper' ? person.paper : person.live;
    return json(200, {
      id: account.id,
      account_number: account.number,
      status: 'ACTIVE',
      crypto_status: 'ACTIVE',
      currency: 'USD',
      buying_power: '262113.632',
      cash: '-23140.2',
      portfolio_value: '103820.56',
      equity: '103820.56',
      pattern_day_trader: false,
      trading_blocked: false,
      transfers_blocked: false,
      account_blocked: false,
      created_at: '2019-06-12T22:47:07.99658Z',
      shorting_enabled: true,
      multiplier: '4',
    });
  });

  server.route('GET', '/v2/orders', (request) => {
    server.count('orders');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: '61e69015-8549-4bfd-b9c3-01e75843f47d', client_order_id: 'eb9e2aaa-f71a-4f51-b5b4-52a6c565dad4', symbol: 'AAPL', qty: '15', side: 'buy', type: 'market', time_in_force: 'day', status: 'accepted' }]);
  });

  return {
    ...controls.handle,
    removeAccess: (person) => grants.revokeGrantsOf((someone) => someone.live.id === person.live.id),
    failNextAccount: accountFailure.queue,
  };
}
