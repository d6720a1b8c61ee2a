import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startStripeEmulator, type StripeAccount, type StripeEmulator } from './stripe.emulator.js';

// A Connect client id and a test-mode secret key of the forms Stripe shows.
const CLIENT_ID = 'ca_32D88BD1qLklliziD7gYQvctJIhWBSQ7';
const CLIENT_SECRET = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';
const REDIRECT_URI = `${APP_ORIGIN}/auth/stripe/callback`;

function account(n: number, name: string): StripeAccount {
  return { id: `acct_1Pq${String(n).padStart(13, '0')}`, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, display_name: name, business_name: `${name} LLC`, country: 'US' };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/v1/account moves with the API base). */
function stripeEnv(stripe: StripeEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'stripe',
    STRIPE_PRESET: 'stripe',
    STRIPE_CLIENT_ID: CLIENT_ID,
    STRIPE_CLIENT_SECRET: CLIENT_SECRET,
    STRIPE_AUTHORIZE_URL: `${stripe.origin}/oauth/authorize`,
    STRIPE_ACCESS_TOKEN_URL: `${stripe.origin}/oauth/token`,
    STRIPE_REVOCATION_URL: `${stripe.origin}/oauth/deauthorize`,
    STRIPE_API_BASE_URL: stripe.origin,
    ...extra,
  };
}

/** A refresh at Stripe itself, as another copy of the token would make it. */
function refreshAtStripe(stripe: StripeEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${stripe.origin}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_SECRET}` },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const STRIPE: StandardProvider<StripeAccount, StripeEmulator> = {
  preset: 'stripe',
  displayName: 'Stripe',
  startEmulator: () => startStripeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: stripeEnv,
  people: {
    cancelled: account(108, 'Changed Mind'),
    'refused-code': account(109, 'Refused Code'),
    'wrong-secret': account(301, 'Wrong Secret'),
    'exchange-failure': account(302, 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Stripe, against an emulator of Stripe Connect', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), STRIPE);

  const signIn = (user: StripeAccount) => signInAs(context, 'stripe', user);
  const customers = (browser: TestBrowser, headers: Record<string, string> = {}) => browser.request(`${APP_ORIGIN}/api/providers/stripe/proxy/v1/customers`, { method: 'GET', headers });

  it("signs in as the connected account's id from /v1/account, its display name the name and its e-mail unverified; read_write without PKCE, the secret key as Bearer, a token with no end and a refresh token", async () => {
    const { database, emulator: stripe, app } = context;
    const rosen = account(101, 'Jenny Rosen');
    const { userId, request } = await signIn(rosen);
    expect(request.get('scope')).toBe('read_write');
    expect(request.has('code_challenge')).toBe(false);
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe(rosen.id);
    expect(JSON.parse(stored.claims)).toMatchObject({ country: 'US', default_currency: 'usd', type: 'standard' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'jenny@example.com', name: 'Jenny Rosen' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'stripe');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^sk_test_/), refreshToken: expect.stringMatching(/^rt_/), expiresAt: null, scope: 'read_write' });
    const exchange = stripe.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBe(`Bearer ${CLIENT_SECRET}`);
    expect(stripe.server.requests.filter((r) => r.path === '/v1/account').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API with the account’s key, Stripe-Version sent on and Request-Id passed back; 20 concurrent calls ask Stripe for no token', async () => {
    const { emulator: stripe } = context;
    const { browser } = await signIn(account(102, 'Proxy Person'));
    const versioned = await customers(browser, { 'stripe-version': '2024-06-20' });
    expect(versioned.status).toBe(200);
    expect(JSON.parse(versioned.text)).toMatchObject({ object: 'list', data: [{ id: 'cus_NffrFeUfNV2Hib' }] });
    expect(versioned.headers.get('stripe-version')).toBe('2024-06-20');
    expect(versioned.headers.get('request-id')).toMatch(/^req_/);
    expect(stripe.server.requests.filter((r) => r.path === '/v1/customers').at(-1)!.headers['stripe-version']).toBe('2024-06-20');
    await expectNoTokenRequestFor20Calls(stripe, () => customers(browser));
  });

  it('20 concurrent calls on a token marked ended make one refresh, with the key as Bearer; the new access token is kept with the refresh token Stripe answers', async () => {
    const { emulator: stripe } = context;
    const { browser, userId } = await signIn(account(103, 'Storm Person'));
    const { after } = await expectKeptAfterStorm(context, 'stripe', userId, () => customers(browser));
    expect(stripe.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!.headers.authorization).toBe(`Bearer ${CLIENT_SECRET}`);
    expect(after.expiresAt).toBeNull();
  });

  it("an account disconnected from the platform in Stripe's Dashboard needs re-auth after one refused refresh; disconnect then counts it as revoked without a deauthorization", async () => {
    const { emulator: stripe, app } = context;
    const leaving = account(104, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    stripe.deauthorizeInStripe(leaving);
    const refreshes = stripe.server.counts.refresh_token ?? 0;
    const call = await customers(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(stripe.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'stripe'))!.status).toBe('needs_reauth');
    const deauthorizations = stripe.server.counts.deauthorize ?? 0;
    expect(await disconnectThrough(browser, 'stripe')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(stripe.server.counts.deauthorize ?? 0).toBe(deauthorizations);
    expect(await app.runtime.tokenStore.findToken(userId, 'stripe')).toBeUndefined();
  });

  it("disconnect reads the account's id with its key, then deauthorizes it at /oauth/deauthorize with the platform's key; every token of the connection ends", async () => {
    const { emulator: stripe } = context;
    const goodbye = account(105, 'Goodbye Person');
    const { browser, userId } = await signIn(goodbye);
    const stored = await expectDisconnectRevokes(context, 'stripe', { browser, userId }, { counter: 'deauthorize', requests: 1 });
    const [read, deauthorize] = stripe.server.requests.filter((r) => r.path === '/v1/account' || r.path === '/oauth/deauthorize').slice(-2);
    expect([read!.path, read!.headers.authorization]).toEqual(['/v1/account', `Bearer ${stored.accessToken}`]);
    expect([deauthorize!.path, deauthorize!.headers.authorization]).toEqual(['/oauth/deauthorize', `Bearer ${CLIENT_SECRET}`]);
    expect(stripe.accepts(stored.accessToken)).toBe(false);
    const refresh = await refreshAtStripe(stripe, stored.refreshToken!);
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('/v1/account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, STRIPE, account(110, 'Outage Account'), (stripe) => stripe.failNextAccountRequest(500));
  });

  standardCases(() => context, STRIPE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(STRIPE, { wrongSecret: { sentAs: "401 with Stripe's API error for the key", secret: 'sk_test_NotTheKey00000000000000' }, exchangeFailure: {} });
