import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startShopifyEmulator, type ShopifyEmulator, type ShopifyShop } from './shopify.emulator.js';

// A client id and secret of the form the Dev Dashboard shows (32 hex digits; the secret prefixed shpss_).
const CLIENT_ID = '6f1e0b3c9a2d4e8f7a5b1c3d9e0f2a4b';
const CLIENT_SECRET = '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';
const REDIRECT_URI = `${APP_ORIGIN}/auth/shopify/callback`;
const SHOP = 'acme-goods.myshopify.com';
const PRODUCTS = { query: '{ products(first: 1) { nodes { id title } } }' };

function shop(id: number, name: string): ShopifyShop {
  return { id: 548_380_000 + id, name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, the store's host, and the endpoints and API base pointed at the emulator (the shop query moves with the API base). */
function shopifyEnv(shopify: ShopifyEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('shopify', CLIENT_ID, CLIENT_SECRET, {
    SHOPIFY_DOMAIN: SHOP,
    SHOPIFY_AUTHORIZE_URL: `${shopify.origin}/admin/oauth/authorize`,
    SHOPIFY_ACCESS_TOKEN_URL: `${shopify.origin}/admin/oauth/access_token`,
    SHOPIFY_API_BASE_URL: `${shopify.origin}/admin/api`,
    ...extra,
  });
}

const startEmulator = (now?: () => number) => startShopifyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, shop: SHOP, ...(now ? { now } : {}) });

const SHOPIFY: StandardProvider<ShopifyShop, ShopifyEmulator> = {
  preset: 'shopify',
  displayName: 'Shopify',
  startEmulator: () => startEmulator(),
  env: shopifyEnv,
  people: {
    cancelled: shop(108, 'Changed Mind'),
    'exchange-failure': shop(302, 'Outage Store'),
  },
  subjectOf: (user) => `gid://shopify/Shop/${user.id}`,
};

/** A refresh at Shopify itself, as another copy of the token would make it. */
function refreshAtShopify(shopify: ShopifyEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${shopify.origin}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

describeEachDialect('Shopify, against an emulator of a Shopify store', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SHOPIFY);

  const signIn = (store: ShopifyShop) => signInAs(context, 'shopify', store);

  /** The browser stopped at the callback Shopify redirected to, not yet followed. */
  async function stoppedAtCallback(store: ShopifyShop): Promise<{ browser: TestBrowser; callback: URL }> {
    const { emulator: shopify, app } = context;
    shopify.signInAs(store);
    const browser = app.browser();
    const stopped = await browser.get(`${APP_ORIGIN}/login/shopify`, { stopAt: REDIRECT_URI });
    return { browser, callback: new URL(stopped.location!) };
  }

  const products = async (browser: TestBrowser) =>
    browser.request(`${APP_ORIGIN}/api/providers/shopify/proxy/2026-07/graphql.json`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: PRODUCTS });

  it('signs in as the shop’s global id; read_products comma-joined, the signed callback checked, the code exchanged as JSON with expiring=1 for a one-hour token and a refresh token, the shop read with X-Shopify-Access-Token', async () => {
    const { database, emulator: shopify, app } = context;
    const acme = shop(101, 'Acme Goods');
    const { userId, request } = await signIn(acme);
    expect(request.get('scope')).toBe('read_products');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`gid://shopify/Shop/${acme.id}`);
    expect(JSON.parse(account.claims)).toMatchObject({ myshopifyDomain: SHOP });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'acme@acme.test', email_verified: null, name: 'Acme Goods' });
    const token = await app.runtime.tokenStore.findToken(userId, 'shopify');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^shprt_/), scope: 'read_products' });
    expectAccessTokenLifetime(token, 3_500, 3_600);
    const exchange = shopify.server.requests.find((r) => r.path === '/admin/oauth/access_token')!;
    expect(exchange.headers['content-type']).toBe('application/json');
    const shopQuery = shopify.server.requests.filter((r) => r.path === '/admin/api/2026-07/graphql.json').at(-1)!;
    expect(shopQuery.headers['x-shopify-access-token']).toBe(token!.accessToken);
    expect(shopQuery.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the Admin API with the token in X-Shopify-Access-Token; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Shopify refuses the used one here', async () => {
    const { emulator: shopify } = context;
    const { browser, userId } = await signIn(shop(102, 'Grace Hats'));
    const first = await products(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: { products: { nodes: [{ title: 'Grace Hats Sneakers' }] } } });

    const { before } = await expectRotatedAfterStorm(context, 'shopify', userId, () => products(browser));
    expect(await statusAndBody(refreshAtShopify(shopify, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a callback whose hmac does not match its parameters, or that names another store, is a 400: no code exchanged, nothing stored', async () => {
    const { database, emulator: shopify } = context;
    const before = await rowCounts(database);
    const exchanges = shopify.server.counts.authorization_code ?? 0;
    const forged = shop(103, 'Forged Callback');
    for (const change of [
      (callback: URL) => callback.searchParams.set('timestamp', '1337178173'),
      (callback: URL) => callback.searchParams.set('hmac', '0'.repeat(64)),
      (callback: URL) => callback.searchParams.delete('hmac'),
      // Signed, but with the secret of another app, for another store.
      (callback: URL) => {
        callback.searchParams.set('shop', 'evil.myshopify.com');
        callback.searchParams.set('hmac', createHmac('sha256', 'shpss_another').update(shopify.signed(callback.searchParams)).digest('hex'));
      },
    ]) {
      const { browser, callback } = await stoppedAtCallback(forged);
      change(callback);
      const page = await browser.get(callback);
      expect(page.status).toBe(400);
      expect(page.text).toContain('This sign-in response is not signed by Shopify as it should be.');
    }
    expect(shopify.server.counts.authorization_code ?? 0).toBe(exchanges);
    expect(await rowCounts(database)).toEqual(before);
  });

  it('a code Shopify refuses (already used: 400 invalid_grant) is a clear 400, and nothing is stored', async () => {
    const { database, emulator: shopify } = context;
    const before = await rowCounts(database);
    const { browser, callback } = await stoppedAtCallback(shop(109, 'Refused Code'));
    const elsewhere = await fetch(`${shopify.origin}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: callback.searchParams.get('code'), redirect_uri: REDIRECT_URI }),
    });
    expect(elsewhere.status).toBe(200);
    const page = await browser.get(callback);
    expect(page.status).toBe(400);
    expect(page.text).toContain('Shopify did not accept this sign-in');
    expect(await rowCounts(database)).toEqual(before);
  });

  it("the app uninstalled from the store marks the connection 'needs re-auth' after one refresh Shopify refuses", async () => {
    const { emulator: shopify, app } = context;
    const { browser, userId } = await signIn(shop(105, 'Uninstalling Store'));
    shopify.uninstall();
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: shopify }, 'shopify', userId, () => products(browser));
  });

  it('disconnect deletes the token here and asks Shopify nothing, as only uninstalling the app ends its tokens', async () => {
    const { emulator: shopify, app } = context;
    const { browser, userId } = await signIn(shop(106, 'Leaving Store'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'shopify');
    const requests = shopify.server.requests.length;
    expect(await disconnectThrough(browser, 'shopify')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(shopify.server.requests.length).toBe(requests);
    expect(shopify.accepts(stored!.accessToken)).toBe(true);
    expect(await app.runtime.tokenStore.findToken(userId, 'shopify')).toBeUndefined();
  });

  it('the shop query failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SHOPIFY, shop(107, 'Outage Profile'), (shopify) => shopify.failNextApiRequest(500));
  });

  standardCases(() => context, SHOPIFY, { cancelled: {} });
});

describeEachDialect('Shopify with a scope the API checks', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: SHOPIFY.startEmulator, env: (shopify) => shopifyEnv(shopify, { SHOPIFY_SCOPE: 'read_orders write_customers' }) });

  it('asks for the scopes comma-joined and keeps them space-separated; a field outside them is Shopify’s ACCESS_DENIED, passed on with no refresh', async () => {
    const { emulator: shopify, app } = context;
    shopify.signInAs(shop(201, 'Narrow Scope'));
    const browser = app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/shopify`, { followRedirects: false });
    expect(new URL(start.location!).searchParams.get('scope')).toBe('read_orders,write_customers');
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    const refreshes = shopify.server.counts.refresh_token ?? 0;
    const call = await browser.request(`${APP_ORIGIN}/api/providers/shopify/proxy/2026-07/graphql.json`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: PRODUCTS });
    expect(call.status).toBe(200);
    expect(JSON.parse(call.text)).toMatchObject({ data: { products: null }, errors: [{ extensions: { code: 'ACCESS_DENIED' } }] });
    expect(shopify.server.counts.refresh_token ?? 0).toBe(refreshes);
  });
});

describeKeepAlive(SHOPIFY, {
  title: 'Shopify refresh tokens (90 days each) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 90, and the new refresh token has 90 days again',
  startEmulator: (now) => startEmulator(now),
  person: shop(301, 'Idle Store'),
  dueAfterDays: 83,
  // 150 days after sign-in, 67 after the sweep's refresh: the refresh token it answered still works.
  usedAgainAfterDays: 67,
  firstRefreshTokenRefused: async (shopify, refreshToken) => {
    const replay = await refreshAtShopify(shopify, refreshToken);
    expect(replay.status).toBe(400);
  },
});

describeClientFailures(SHOPIFY, { exchangeFailure: {} }, {
  more: (context) => {
    it('a wrong client secret fails the callback’s hmac: a 400 before any code is exchanged, and nothing is stored', async () => {
      const { database, emulator, misconfigured } = context;
      const before = await rowCounts(database);
      emulator.signInAs(shop(303, 'Wrong Secret'));
      const page = await signInThrough(misconfigured!.browser(), 'shopify');
      expect(page.status).toBe(400);
      expect(page.text).toContain('This sign-in response is not signed by Shopify as it should be.');
      expect(emulator.server.counts.authorization_code ?? 0).toBe(0);
      expect(await rowCounts(database)).toEqual(before);
    });
  },
});
