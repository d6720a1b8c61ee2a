import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSquareEmulator, type SquareEmulator, type SquareMerchant } from './square.emulator.js';

// An Application ID and secret of the forms the Developer Console shows.
const CLIENT_ID = 'sq0idp-7bT3xQ9mK2vL8nR4pW6yZa';
const CLIENT_SECRET = 'sq0csp-Hk4mN8qR2tV6xZ0bD3fG7jL1pS5wY9cE-aU2iO4kM6n';
const REDIRECT_URI = `${APP_ORIGIN}/auth/square/callback`;

function merchant(id: number, name: string): SquareMerchant {
  return { id: `ML${String(id).padStart(11, '0')}`, business_name: name, country: 'US', currency: 'USD' };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base of production pointed at the emulator (merchants/me moves with the API base). */
function squareEnv(square: SquareEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('square', CLIENT_ID, CLIENT_SECRET, {
    SQUARE_AUTHORIZE_URL: `${square.origin}/oauth2/authorize`,
    SQUARE_ACCESS_TOKEN_URL: `${square.origin}/oauth2/token`,
    SQUARE_REVOCATION_URL: `${square.origin}/oauth2/revoke`,
    SQUARE_API_BASE_URL: `${square.origin}/v2`,
    ...extra,
  });
}

/** A refresh at Square itself, as another copy of the token would make it. */
function refreshAtSquare(square: SquareEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${square.origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const SQUARE: StandardProvider<SquareMerchant, SquareEmulator> = {
  preset: 'square',
  displayName: 'Square',
  startEmulator: () => startSquareEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: squareEnv,
  people: {
    cancelled: merchant(108, 'Changed Mind Cafe'),
    'refused-code': merchant(109, 'Refused Code Bakery'),
    'wrong-secret': merchant(301, 'Wrong Secret Deli'),
    'exchange-failure': merchant(302, 'Outage Diner'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Square, against an emulator of Square', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SQUARE);

  const signIn = (seller: SquareMerchant) => signInAs(context, 'square', seller);

  const locations = (browser: TestBrowser, headers: Record<string, string> = {}) => browser.get(`${APP_ORIGIN}/api/providers/square/proxy/locations`, { headers });

  it('signs in as the merchant id of /v2/merchants/me, its business name the name; MERCHANT_PROFILE_READ with session=false and no PKCE, the code exchanged as JSON with the client in it, 30-day tokens read from expires_at', async () => {
    const { database, emulator: square, app } = context;
    const acme = merchant(101, 'Acme Coffee');
    const { userId, request } = await signIn(acme);
    expect(request.get('scope')).toBe('MERCHANT_PROFILE_READ');
    expect(request.get('session')).toBe('false');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(acme.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: acme.id, country: 'US', status: 'ACTIVE' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Acme Coffee' });
    const token = await app.runtime.tokenStore.findToken(userId, 'square');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^EQAA/), scope: 'MERCHANT_PROFILE_READ' });
    expectAccessTokenLifetime(token, 30 * 86_400 - 100, 30 * 86_400);
    const exchange = square.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers['content-type']).toBe('application/json');
    expect(exchange.headers.authorization).toBeUndefined();
    const me = square.server.requests.filter((r) => r.path === '/v2/merchants/me').at(-1)!;
    expect(me.headers).toMatchObject({ authorization: `Bearer ${token!.accessToken}`, 'square-version': '2026-01-22' });
  });

  it('the proxy calls the Square API with the preset’s Square-Version or the caller’s; 20 concurrent calls on an expired token make one refresh, which answers the same refresh token, kept', async () => {
    const { emulator: square } = context;
    const { browser, userId } = await signIn(merchant(102, 'Grace Bagels'));
    const first = await locations(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ locations: [{ name: 'Grace Bagels Main Street', status: 'ACTIVE' }] });
    await locations(browser, { 'Square-Version': '2025-10-16' });
    expect(square.versions.slice(-2)).toEqual(['2026-01-22', '2025-10-16']);

    const { before } = await expectKeptAfterStorm(context, 'square', userId, () => locations(browser));
    expect(square.server.requests.filter((r) => r.path === '/oauth2/token').at(-1)!.headers['content-type']).toBe('application/json');
    expect((await refreshAtSquare(square, before.refreshToken!)).status).toBe(200);
  });

  it("an authorization the seller revoked in Square's Dashboard marks the connection 'needs re-auth' after one refresh Square refuses", async () => {
    const { emulator: square, app } = context;
    const seller = merchant(103, 'Leaving Soon Tacos');
    const { browser, userId } = await signIn(seller);
    square.revokeAtSquare(seller.id);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: square }, 'square', userId, () => locations(browser));
  });

  it('disconnect ends the seller’s authorization at /oauth2/revoke, with Authorization: Client and the access token as JSON; the refresh token ends with it', async () => {
    const { emulator: square } = context;
    const { browser, userId } = await signIn(merchant(104, 'Goodbye Pizza'));
    const stored = await expectDisconnectRevokes(context, 'square', { browser, userId }, { requests: 1 });
    const sent = square.server.requests.filter((r) => r.path === '/oauth2/revoke').at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', headers: { authorization: `Client ${CLIENT_SECRET}`, 'content-type': 'application/json' } });
    expect(square.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtSquare(square, stored.refreshToken!)).status).toBe(401);
  });

  it('disconnect after the seller revoked the app at Square: its 401 for the token counts as revoked', async () => {
    const { emulator: square, app } = context;
    const seller = merchant(105, 'Already Gone Grill');
    const { browser, userId } = await signIn(seller);
    square.revokeAtSquare(seller.id);
    expect(await disconnectThrough(browser, 'square')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'square')).toBeUndefined();
  });

  it('merchants/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SQUARE, merchant(106, 'Outage Profile Shop'), (square) => square.failNextMerchantRequest(500));
  });

  standardCases(() => context, SQUARE, { cancelled: {}, refusedCode: { sentAs: '401 UNAUTHORIZED, errors[]' } });
});

describeEachDialect('Square’s Sandbox through SQUARE_BASE_URL', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: SQUARE.startEmulator, env: (square) => presetEnv('square', CLIENT_ID, CLIENT_SECRET, { SQUARE_BASE_URL: square.origin }) });

  it('signs in, calls the API and revokes on the one host, without session', async () => {
    const { emulator: square, app } = context;
    square.signInAs(merchant(201, 'Sandbox Seller'));
    const browser = app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/square`, { followRedirects: false });
    expect(new URL(start.location!).origin).toBe(square.origin);
    expect(new URL(start.location!).searchParams.has('session')).toBe(false);
    expect((await browser.get(start.location!)).status).toBe(200);
    expect((await browser.get(`${APP_ORIGIN}/api/providers/square/proxy/merchants/me`)).status).toBe(200);
    expect(await disconnectThrough(browser, 'square')).toEqual({ disconnected: true, revokedAtProvider: true });
  });
});

describeEachDialect('Square with a permission the API checks', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: SQUARE.startEmulator, env: (square) => squareEnv(square, { SQUARE_SCOPE: 'PAYMENTS_READ' }) });

  it('without MERCHANT_PROFILE_READ the seller cannot be read: merchants/me’s 403 INSUFFICIENT_SCOPES fails the sign-in with nothing stored', async () => {
    const { database, emulator: square, app } = context;
    const before = await rowCounts(database);
    square.signInAs(merchant(202, 'Narrow Scope Salon'));
    const page = await signInThrough(app.browser(), 'square');
    expect(page.status).toBe(502);
    expect(await rowCounts(database)).toEqual(before);
  });
});

describeClientFailures(SQUARE, { wrongSecret: { sentAs: '401 UNAUTHORIZED naming the client_secret' }, exchangeFailure: {} });
