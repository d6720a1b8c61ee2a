/**
 * An emulator of Tradier Brokerage's OAuth 2.0 and of the part of its API a connection touches, as Tradier documents
 * them (https://documentation.tradier.com/brokerage-api/overview/authentication,
 * https://documentation.tradier.com/brokerage-api/oauth/authorization-code,
 * https://documentation.tradier.com/brokerage-api/oauth/access-token,
 * https://documentation.tradier.com/brokerage-api/oauth/refresh-token, https://docs.tradier.com/docs/account-details):
 * `GET /v1/oauth/authorize` with `client_id`, a required comma-delimited `scope` of `read`, `write`, `market`,
 * `trade` and `stream`, and a required `state`; `POST /v1/oauth/accesstoken` for the code and
 * `POST /v1/oauth/refreshtoken` for a refresh token, each a form with the client as HTTP Basic of `id:secret` as it
 * is, answering JSON `access_token`, `expires_in` (86399), `issued_at`, `scope` (space-separated), `status` and the
 * refresh token, without `token_type`; refresh tokens do not expire. `GET /v1/user/profile` and
 * `GET /v1/accounts/{account_id}/balances` with the token as Bearer answer XML unless asked `Accept: application/json`.
 * Made up here (Tradier's pages do not say): the authorization checking RFC 6749's `response_type` and `redirect_uri`
 * as the kit does, and a declined authorization's `access_denied`; each token endpoint refusing the other's grant
 * (`unsupported_grant_type`); a refresh answering the same refresh token (the 'static' policy); refusals as RFC 6749
 * §5.2's bare `error`; the 401's body and the XML's shape. removeAccess() is the person's approval of the app ending
 * at Tradier. The authorization page approves at once for signInAs()'s account holder.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, type TokenEndpointOptions } from './kit/token-endpoint.js';

/** A Tradier Brokerage account holder and their account numbers. */
export interface TradierPerson {
  name: string;
  accounts: string[];
}

export interface TradierEmulator extends EmulatorHandle<TradierPerson> {
  /** The person's approval of the application ends at Tradier: every token of theirs stops working. */
  removeAccess(person: TradierPerson): void;
  /** Each token request's form, in order, with the endpoint it reached. */
  readonly tokenForms: ReadonlyArray<{ path: string; form: URLSearchParams }>;
}

/** Tradier's access tokens last 24 hours; its example answer says 86399. */
export const TRADIER_ACCESS_TOKEN_SECONDS = 86399;
const SCOPES = ['read', 'write', 'market', 'trade', 'stream'];

const xmlOrJson = (request: EmulatorRequest, body: unknown, xml: string): EmulatorReply =>
  (request.headers.accept ?? '').includes('application/json') ? json(200, body) : { status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>${xml}` };

export async function startTradierEmulator(options: EmulatorOptions): Promise<TradierEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TradierPerson>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: TRADIER_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', refreshTokenTtl: null });
  const controls = emulatorControls<TradierPerson>(server, grants);
  const tokenForms: Array<{ path: string; form: URLSearchParams }> = [];

  authorizationEndpoint(server, '/v1/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const scopes = (query.get('scope') ?? '').split(',');
      if (!query.get('state')) return { error: 'invalid_request' };
      return scopes.every((scope) => SCOPES.includes(scope)) ? undefined : { error: 'invalid_scope' };
    },
    request: (query) => ({ scope: (query.get('scope') ?? '').split(',').join(' ') }),
  });

  const endpoint = (path: string, grantType: string): void => {
    const settings: TokenEndpointOptions<TradierPerson> = {
      client: options,
      grants,
      failure: { queued: controls.tokenFailure },
      screen: (request) => {
        const form = request.form();
        tokenForms.push({ path, form });
        return form.get('grant_type') === grantType ? undefined : oauthError(400, 'unsupported_grant_type');
      },
      authenticates: (request) => basicAsSent(request, options),
      pkce: false,
      answer: ({ grant, tokens }) =>
        json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, issued_at: new Date().toISOString(), scope: grant.scope, refresh_token: tokens.refreshToken, status: 'approved' }),
    };
    tokenEndpoint(server, path, settings);
  };
  endpoint('/v1/oauth/accesstoken', 'authorization_code');
  endpoint('/v1/oauth/refreshtoken', 'refresh_token');

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => ({ status: 401, headers: { 'content-type': 'text/plain' }, body: 'Invalid Access Token' }));

  server.route('GET', '/v1/user/profile', (request) => {
    server.count('profile');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const account = user.accounts.map((number) => ({ account_number: number, classification: 'individual', day_trader: false, option_level: 2, status: 'active', type: 'margin' }));
    return xmlOrJson(request, { profile: { account, id: `id-${user.name.toLowerCase().replace(/\W/g, '')}`, name: user.name } }, `<profile><name>${user.name}</name></profile>`);
  });

  server.route('GET', '/v1/accounts/:account/balances', (request) => {
    const { account } = request.params;
    server.count('balances');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.user.accounts.includes(account!)) return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Invalid Access Token' };
    return xmlOrJson(request, { balances: { account_number: account, account_type: 'margin', total_equity: 17798.36, total_cash: 1000.0, open_pl: -0.78 } }, `<balances><account_number>${account}</account_number></balances>`);
  });

  return {
    ...controls.handle,
    removeAccess: (person) => grants.revokeGrantsOf((someone) => someone === person),
    tokenForms,
  };
}
