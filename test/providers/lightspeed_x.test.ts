import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { useLocalhostNames } from '../support/localhost-names.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startLightspeedEmulator, type LightspeedEmulator, type LightspeedStore } from './lightspeed_x.emulator.js';

// A client id and secret of the form Lightspeed's developer portal shows.
const CLIENT_ID = 'pDBzVqe6SRhQh4RzKn2YsxgMt3oW8aLd';
const CLIENT_SECRET = 'c5Xv0J7nQ2bTfL9mR4kH8wE1yU6iO3pA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/lightspeed_x/callback`;

// Each store is reached at {domain_prefix}.retail.localhost, as Lightspeed's are hosts under retail.lightspeed.app.
useLocalhostNames();

function store(id: number, name: string, domainPrefix = `store${id}`): LightspeedStore {
  return { id: `0adaafb3-6583-11e5-fb60-${String(id).padStart(12, '0')}`, name, domainPrefix };
}

/**
 * Only the documented variables: the preset, the client, the connect page, the token endpoint on the host the stores
 * are named beside, the retailer endpoint there, the stores' pattern, and the scopes.
 */
function lightspeedEnv(lightspeed: LightspeedEmulator): Record<string, string> {
  const secure = `http://${lightspeed.secureHost}`;
  return {
    OAUTH_PROVIDERS: 'lightspeed_x',
    LIGHTSPEED_X_PRESET: 'lightspeed_x',
    LIGHTSPEED_X_CLIENT_ID: CLIENT_ID,
    LIGHTSPEED_X_CLIENT_SECRET: CLIENT_SECRET,
    LIGHTSPEED_X_AUTHORIZE_URL: `${lightspeed.origin}/connect`,
    LIGHTSPEED_X_ACCESS_TOKEN_URL: `${secure}/api/1.0/token`,
    LIGHTSPEED_X_USERINFO_URL: `${secure}/api/2.0/retailer`,
    LIGHTSPEED_X_REGIONAL_SERVERS: `http://*.retail.localhost:${new URL(lightspeed.origin).port}`,
    LIGHTSPEED_X_SCOPE: 'retailer:read products:read',
  };
}

/** A refresh at the store's own host, as another copy of the token would make it, the client in the form. */
function refreshAtStore(lightspeed: LightspeedEmulator, prefix: string, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`http://${lightspeed.storeHost(prefix)}/api/1.0/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const LIGHTSPEED: StandardProvider<LightspeedStore, LightspeedEmulator> = {
  preset: 'lightspeed_x',
  displayName: 'Lightspeed Retail',
  startEmulator: () => startLightspeedEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: lightspeedEnv,
  people: standardPeople((id, name) => store(id, name)),
  subjectOf: (connected) => connected.id,
};

const products = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/lightspeed_x/proxy/products`);

describeEachDialect('Lightspeed Retail (X-Series), against an emulator of its stores', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LIGHTSPEED);
  const signIn = (connected: LightspeedStore) => signInAs(context, 'lightspeed_x', connected);
  const hostsOf = (lightspeed: LightspeedEmulator, path: string, since = 0) =>
    lightspeed.server.requests
      .slice(since)
      .filter((r) => r.path.split('?')[0] === path)
      .map((r) => r.headers.host);

  it("signs in as the store: the id of /api/2.0/retailer, named by its name; the code exchanged, the retailer read and the API called at the store's own host, the client in the form; the scopes and a long state asked; a refresh token kept", async () => {
    const { database, emulator: lightspeed, app } = context;
    const acme = store(1, 'Acme Outfitters', 'acme');
    const since = lightspeed.server.requests.length;
    const { userId, request, browser } = await signIn(acme);
    expect(request.get('scope')).toBe('retailer:read products:read');
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(8);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(acme.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: acme.id, name: 'Acme Outfitters', domain_prefix: 'acme' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Acme Outfitters' });
    const home = lightspeed.storeHost('acme');
    const token = await app.runtime.tokenStore.findToken(userId, 'lightspeed_x');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'retailer:read products:read', authorizationServerUrl: `http://${home}`, apiBaseUrl: `http://${home}/api/2.0` });
    expectAccessTokenLifetime(token, 86_300, 86_400);
    expect(hostsOf(lightspeed, '/api/1.0/token', since)).toEqual([home]);
    expect(hostsOf(lightspeed, '/api/2.0/retailer', since)).toEqual([home]);
    const exchange = lightspeed.server.requests.slice(since).find((r) => r.path === '/api/1.0/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const answer = await products(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ data: [{ name: 'Acme Outfitters T-shirt' }] });
    expect(hostsOf(lightspeed, '/api/2.0/products', since)).toEqual([home]);
  });

  it("20 concurrent calls on an expired token make one refresh, at the store's host; the new refresh token is kept and the used one is revoked", async () => {
    const { emulator: lightspeed } = context;
    const since = lightspeed.server.requests.length;
    const { browser, userId } = await signIn(store(2, 'Storm Store', 'storm'));
    const { before, after } = await expectRotatedAfterStorm(context, 'lightspeed_x', userId, () => products(browser));
    expect(after.authorizationServerUrl).toBe(`http://${lightspeed.storeHost('storm')}`);
    expect(hostsOf(lightspeed, '/api/1.0/token', since)).toEqual([lightspeed.storeHost('storm'), lightspeed.storeHost('storm')]);
    expect(await statusAndBody(refreshAtStore(lightspeed, 'storm', before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the add-on removed from the store marks the connection 'needs re-auth' after the API's 401, with one refused refresh", async () => {
    const { emulator: lightspeed } = context;
    const leaving = store(3, 'Leaving Store', 'leaving');
    const { browser, userId } = await signIn(leaving);
    lightspeed.removeAddOn(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'lightspeed_x', userId, () => products(browser));
  });

  it('disconnect deletes the tokens here and asks Lightspeed nothing: it documents no revocation', async () => {
    const { emulator: lightspeed, app } = context;
    const { browser, userId } = await signIn(store(4, 'Goodbye Store', 'goodbye'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'lightspeed_x'))!;
    await expectDisconnectAsksNothing(context, 'lightspeed_x', { browser, userId });
    expect(lightspeed.accepts(accessToken)).toBe(true);
  });

  it.each([
    ['two labels', 'acme.evil'],
    ['a host of its own', 'evil.example/x'],
    ['a user name before another host', 'x@evil.example'],
    ['a port', 'acme:1'],
    ['nothing', ''],
    ['an underscore', 'ac_me'],
  ])('a callback whose domain_prefix is %s, not one DNS label, is refused (400) before the code goes anywhere, and nothing is stored', async (_name, prefix) => {
    const { database, emulator: lightspeed, app } = context;
    const before = await rowCounts(database);
    const since = lightspeed.server.requests.length;
    lightspeed.signInAs(store(5, 'Elsewhere Store', prefix));
    const page = await signInThrough(app.browser(), 'lightspeed_x');
    expect(page.status).toBe(400);
    expect(page.text).toContain('which this site does not sign in with (LIGHTSPEED_X_REGIONAL_SERVERS lists those it does), so it cannot be connected here.');
    // The connect page alone was asked: no token request reached any host.
    expect(lightspeed.server.requests.slice(since).map((r) => r.path.split('?')[0])).toEqual(['/connect']);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, LIGHTSPEED, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(LIGHTSPEED, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production, the stores are https://*.retail.lightspeed.app by default, and LIGHTSPEED_X_REGIONAL_SERVERS must be https', () => {
  const production = presetInProduction('lightspeed_x', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  expect(production.settings({}).regionalServers).toEqual(['https://*.retail.lightspeed.app']);
  expect(production.refusal({ LIGHTSPEED_X_REGIONAL_SERVERS: 'http://*.retail.lightspeed.app' })).toBe(
    'Configuration error: LIGHTSPEED_X_REGIONAL_SERVERS has "http://*.retail.lightspeed.app": servers must use https in production',
  );
});
