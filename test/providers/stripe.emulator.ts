/**
 * An emulator of Stripe Connect's OAuth for Standard accounts
 * (`https://connect.stripe.com`) and of the part of the Stripe API a
 * connection touches (`https://api.stripe.com`), on one host, written from
 * Stripe's documentation:
 * - Authorize (https://docs.stripe.com/connect/oauth-reference):
 *   `GET /oauth/authorize` with `response_type=code`, `client_id` (the
 *   platform's `ca_…`), `scope` (`read_write` or `read_only`, the default),
 *   `state` and an optional `redirect_uri`, which must be the one set in the
 *   platform's settings (else an error page). A person who declines comes
 *   back with `error=access_denied` and `error_description=The user denied
 *   your request`.
 * - Token (same page): `POST /oauth/token` with `grant_type` and `code` or
 *   `refresh_token`, authenticated by the platform's secret key as any Stripe
 *   request is, `-u sk_…:` or `Authorization: Bearer sk_…`
 *   (https://docs.stripe.com/api/authentication); a `client_id` sent must be
 *   the platform's. The answer is `{ access_token, livemode, refresh_token,
 *   scope, stripe_publishable_key, stripe_user_id, token_type: "bearer" }`,
 *   the access token a key of the connected account that does not expire; a
 *   refresh answers a new access token and the same refresh token here (the
 *   old access token still works here; Stripe says neither). `invalid_grant`
 *   (400) for a code or refresh token that does not exist, was used or is
 *   another platform's, `invalid_client` for another platform's client id.
 *   A secret key it does not take is HTTP 401 with Stripe's API error, `{
 *   error: { type: "invalid_request_error", message: "Invalid API Key
 *   provided: …" } }`, here (not shown for this host).
 * - `GET /v1/account` with the access token
 *   (https://docs.stripe.com/api/accounts/retrieve) answers the account
 *   (`id`, `object`, `type`, `email`, `country`, `default_currency`,
 *   `business_profile`, `settings.dashboard.display_name`, …), `GET
 *   /v1/customers` a list object (https://docs.stripe.com/api/customers/list).
 *   Each answer carries `Request-Id` and the `Stripe-Version` asked for (or
 *   the account's). A key it does not take is 401 with the API error above.
 * - Deauthorize (https://docs.stripe.com/connect/oauth-reference): `POST
 *   /oauth/deauthorize` with the platform's key, `client_id` and
 *   `stripe_user_id` disconnects the account from the platform (every token
 *   of the connection ends) and answers `{ stripe_user_id }`; an account not
 *   connected to the platform is `invalid_client` (401 here; the status is
 *   not shown).
 * The authorization page approves at once for signInAs()'s account.
 */
import { randomBytes } from 'node:crypto';
import { redirectBack } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface StripeAccount {
  /** Stripe's account id, `acct_…`. */
  id: string;
  email: string;
  display_name: string;
  business_name: string;
  country: string;
}

export interface StripeEmulatorOptions extends EmulatorOptions {
  /** The platform's Connect client id, `ca_…`. */
  clientId: string;
  /** The platform's secret key, `sk_test_…`. */
  clientSecret: string;
}

export interface StripeEmulator extends EmulatorHandle<StripeAccount> {
  /** The account holder disconnects the platform in their Dashboard: no token of the connection works. */
  deauthorizeInStripe(account: StripeAccount): void;
  /** The next /v1/account request fails with this HTTP status. */
  failNextAccountRequest(status: number): void;
}

const SCOPES = ['read_write', 'read_only'];
/** The API version an account is pinned to, answered when a call names none. */
const ACCOUNT_API_VERSION = '2025-09-30.clover';

/** Stripe's API error body (https://docs.stripe.com/api/errors). */
function apiError(status: number, type: string, message: string, code?: string): EmulatorReply {
  return json(status, { error: { ...(code ? { code } : {}), message, type } });
}

/** The key a request authenticates with: Basic's username (`-u sk_…:`) or Bearer. */
function keyOf(request: EmulatorRequest): string | null {
  return request.basicAuth()?.username ?? request.bearer();
}

const invalidKey = (key: string | null) => apiError(401, 'invalid_request_error', key ? `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}` : 'You did not provide an API key.');

export async function startStripeEmulator(options: StripeEmulatorOptions): Promise<StripeEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<StripeAccount>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: null,
    refreshPolicy: 'static',
    prefixes: { access: 'sk_test_', refresh: 'rt_' },
    codeTtl: 300,
  });
  const controls = emulatorControls<StripeAccount>(server, grants);
  const accountFailure = queuedFailure();

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const redirectUri = query.get('redirect_uri') ?? options.redirectUri;
    if (query.get('client_id') !== options.clientId || redirectUri !== options.redirectUri) return html(400, '<h1>Invalid client_id or redirect_uri</h1>');
    const reply = redirectBack(redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: "Only 'code' response_type is supported" });
    const scope = query.get('scope') ?? 'read_only';
    if (!SCOPES.includes(scope)) return reply({ error: 'invalid_scope', error_description: `Invalid scope: ${scope}` });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied your request' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: query.get('redirect_uri') ?? undefined, scope, codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => {
      const key = keyOf(request);
      if (key !== options.clientSecret) return invalidKey(key);
      const clientId = request.form().get('client_id');
      return clientId === null || clientId === options.clientId || oauthError(401, 'invalid_client', `No such application: '${clientId}'`);
    },
    pkce: false,
    errors: {
      refreshToken: () => oauthError(400, 'invalid_grant', 'Refresh token does not exist or has been revoked.'),
      code: () => oauthError(400, 'invalid_grant', 'Authorization code does not exist, has expired or has been used.'),
      grantType: (grantType) => oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType ?? ''}`),
    },
    answer: ({ grant, tokens, form }) =>
      json(200, {
        access_token: tokens.accessToken,
        livemode: false,
        refresh_token: tokens.refreshToken ?? form.get('refresh_token'),
        scope: grant.scope,
        stripe_publishable_key: `pk_test_${grant.user.id.slice(5)}`,
        stripe_user_id: grant.user.id,
        token_type: 'bearer',
      }),
  });

  /** The connection a call's key is for, or Stripe's 401. */
  const caller = (request: EmulatorRequest): Grant<StripeAccount> | EmulatorReply => {
    const key = keyOf(request);
    return grants.grantOfAccessToken(key ?? '') ?? invalidKey(key);
  };
  const withRequestHeaders = (request: EmulatorRequest, reply: EmulatorReply): EmulatorReply => {
    const version = request.headers['stripe-version'];
    return { ...reply, headers: { ...reply.headers, 'request-id': `req_${randomBytes(7).toString('hex')}`, 'stripe-version': typeof version === 'string' ? version : ACCOUNT_API_VERSION } };
  };

  server.route('GET', '/v1/account', (request) => {
    server.count('account');
    const status = accountFailure.take();
    if (status !== undefined) return apiError(status, 'api_error', 'An unknown error occurred');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return withRequestHeaders(
      request,
      json(200, {
        id: user.id,
        object: 'account',
        type: 'standard',
        email: user.email,
        country: user.country,
        default_currency: 'usd',
        charges_enabled: true,
        payouts_enabled: true,
        details_submitted: true,
        business_profile: { name: user.business_name, url: null, support_email: null },
        settings: { dashboard: { display_name: user.display_name, timezone: 'Etc/UTC' } },
      }),
    );
  });

  server.route('GET', '/v1/customers', (request) => {
    server.count('customers');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const customers = [{ id: 'cus_NffrFeUfNV2Hib', object: 'customer', email: 'jenny.rosen@example.com', name: 'Jenny Rosen', livemode: false }];
    return withRequestHeaders(request, json(200, { object: 'list', url: '/v1/customers', has_more: false, data: customers }));
  });

  server.route('POST', '/oauth/deauthorize', (request) => {
    server.count('deauthorize');
    const key = keyOf(request);
    if (key !== options.clientSecret) return invalidKey(key);
    const form = request.form();
    const account = form.get('stripe_user_id');
    if (form.get('client_id') !== options.clientId) return oauthError(401, 'invalid_client', `No such application: '${form.get('client_id') ?? ''}'`);
    const connected = grants.liveGrants(options.clientId).filter((grant) => grant.user.id === account);
    if (!account || connected.length === 0) return oauthError(401, 'invalid_client', `${account ?? 'The account'} is not connected to ${options.clientId}.`);
    for (const grant of connected) grants.revokeGrant(grant.id);
    return json(200, { stripe_user_id: account });
  });

  return {
    ...controls.handle,
    deauthorizeInStripe: (account) => grants.revokeGrantsOf((someone) => someone.id === account.id),
    failNextAccountRequest: accountFailure.queue,
  };
}
