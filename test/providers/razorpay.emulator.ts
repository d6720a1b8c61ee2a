/**
 * An emulator of Razorpay's OAuth for Technology Partners (auth.razorpay.com/authorize, /token, /revoke) and of the
 * part of the Razorpay API a connection touches, written from Razorpay's pages
 * (https://razorpay.com/docs/partners/technology-partners/onboard-businesses/integrate-oauth/integration-steps/,
 * https://razorpay.com/docs/partners/technology-partners/onboard-businesses/integrate-oauth/errors/):
 * - Authorize: `GET /authorize` with `client_id`, `response_type=code`, `redirect_uri`, `scope` (`read_only`,
 *   `read_write`, `rx_read_only`, `rx_read_write`, `rx_partner_read_write`) and `state`, all mandatory; a scope it
 *   does not know goes back as `invalid_scope`, a denial as `access_denied` with `error_description`, `hint` and
 *   `message`; approved, a code (`def502…`) with the state.
 * - Token: `POST /token`, a JSON body with `client_id`, `client_secret`, `grant_type` and `code` (or
 *   `refresh_token`); the answer is `public_token`, `token_type: "Bearer"`, `expires_in` (7862400), `access_token`,
 *   `refresh_token` (ending 180 days after it was issued) and, for a code, `razorpay_account_id`; no `scope`. A
 *   refresh answers a new access token and a new refresh token, the old one then refused.
 * - Revoke: `POST /revoke`, a JSON body with `client_id`, `client_secret`, `token_type_hint` and `token`, all
 *   mandatory; `{ "message": "Token Revoked" }`.
 * - API: `GET /v1/payments`, the access token as Bearer, answering the account's payments as a collection.
 * Made up here: the pages for an unknown client or redirect URI; the token endpoint's refusals as
 * league/oauth2-server's JSON (`error`, `error_description`, `hint`, `message`: its messages are the ones Razorpay's
 * errors page lists) with 400 or 401; the revocation of a refresh token ending its grant and of an access token
 * only itself, and its refusals (Razorpay's `{ error: { code, description } }` with 400); the API's answer to a token
 * it does not take (401 with that error object). revokeAccess() is the sub-merchant revoking the application on
 * their Dashboard. The authorization page approves at once for signInAs()'s account.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface RazorpayAccount {
  /** `acc_…` */
  id: string;
  /** The part of the Checkout key that is the account's. */
  keySuffix: string;
}

export interface RazorpayEmulator extends EmulatorHandle<RazorpayAccount> {
  /** The sub-merchant revokes the application on their Dashboard: every token of theirs stops working. */
  revokeAccess(account: RazorpayAccount): void;
  /** Each revocation's JSON body, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
  /** Each token request's Content-Type and JSON body, in order. */
  readonly tokenRequests: ReadonlyArray<{ contentType: string | undefined; body: Record<string, string> }>;
}

const ACCESS_TOKEN_TTL = 7862400;
const REFRESH_TOKEN_TTL = 180 * 86_400;
const SCOPES = ['read_only', 'read_write', 'rx_read_only', 'rx_read_write', 'rx_partner_read_write'];

/** The JSON body's string members, where the request says it is JSON. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = (request.headers['content-type'] ?? '').startsWith('application/json') ? request.json() : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** league/oauth2-server's refusal: `error`, `error_description`, `hint` and `message` (the description again). */
function leagueError(status: number, error: string, description: string, hint = ''): EmulatorReply {
  return json(status, { error, error_description: description, hint, message: description });
}

/** Razorpay's API error object. */
const razorpayError = (status: number, description: string) => json(status, { error: { code: 'BAD_REQUEST_ERROR', description, source: 'NA', step: 'NA', reason: 'NA', metadata: {} } });

export async function startRazorpayEmulator(options: EmulatorOptions): Promise<RazorpayEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<RazorpayAccount>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_TTL, prefixes: { access: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.', refresh: 'def50200' } });
  const controls = emulatorControls<RazorpayAccount>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const tokenRequests: Array<{ contentType: string | undefined; body: Record<string, string> }> = [];
  const invalidGrant = () => leagueError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant);

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (SCOPES.includes(query.get('scope') ?? '') ? undefined : { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed' }),
    denied: {
      error: 'access_denied',
      error_description: 'The resource owner or authorization server denied the request.',
      hint: 'The user denied the request',
      message: 'The resource owner or authorization server denied the request.',
    },
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    screen: (request) => {
      tokenRequests.push({ contentType: request.headers['content-type'], body: Object.fromEntries(jsonParameters(request)) });
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    pkce: false,
    errors: {
      client: () => leagueError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => leagueError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.'),
      refreshToken: invalidGrant,
      code: invalidGrant,
    },
    answer: ({ grantType, grant, tokens }) =>
      json(200, {
        public_token: `rzp_live_oauth_${grant.user.keySuffix}`,
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        ...(grantType === 'authorization_code' ? { razorpay_account_id: grant.user.id } : {}),
      }),
  });

  server.route('POST', '/revoke', (request) => {
    server.count('revoke');
    const body = jsonParameters(request);
    revocations.push(Object.fromEntries(body));
    if (!credentialsIn(body, options)) return razorpayError(401, 'Access denied');
    const token = body.get('token');
    const hint = body.get('token_type_hint');
    if (!token || (hint !== 'access_token' && hint !== 'refresh_token')) return razorpayError(400, 'Check that all required parameters have been provided');
    if (!grants.grantOfToken(token)) return razorpayError(400, 'Token is invalid');
    grants.revokeToken(token);
    return json(200, { message: 'Token Revoked' });
  });

  server.route('GET', '/v1/payments', (request) => {
    server.count('payments');
    const grant = bearerGrant(grants, request, () => razorpayError(401, 'The api key provided is invalid'));
    if (!isGrant(grant)) return grant;
    return json(200, { entity: 'collection', count: 1, items: [{ id: 'pay_G8VaL2Z68LRtDs', entity: 'payment', amount: 900, currency: 'INR', status: 'captured', order_id: 'order_G8VXfKDWDEOHHd', method: 'netbanking', captured: true, description: 'Purchase Shoes', created_at: 1606985740 }] });
  });

  return {
    ...controls.handle,
    revokeAccess: (account) => grants.revokeGrantsOf((someone) => someone.id === account.id),
    revocations,
    tokenRequests,
  };
}
