import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startProductHuntEmulator, type ProductHuntEmulator, type ProductHuntUser } from './product_hunt.emulator.js';

// A client of the form Product Hunt's API Dashboard shows: a 64-hex-digit API key and secret.
const CLIENT_ID = '88e0b352f945d670875ea2d1483ac145bd3addba623053035da7db2cda4a5a90';
const CLIENT_SECRET = '329567d3efde1413ab754411a2d61368715365682b68b48781b381196377aacc';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/product_hunt/callback`;

function person(id: number, name: string): ProductHuntUser {
  return { id: String(2_801_000 + id), name, username: name.split(' ')[0]!.toLowerCase() };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the viewer query moves with the API base). */
function productHuntEnv(productHunt: ProductHuntEmulator): Record<string, string> {
  return presetEnv('product_hunt', CLIENT_ID, CLIENT_SECRET, {
    PRODUCT_HUNT_AUTHORIZE_URL: `${productHunt.origin}/v2/oauth/authorize`,
    PRODUCT_HUNT_ACCESS_TOKEN_URL: `${productHunt.origin}/v2/oauth/token`,
    PRODUCT_HUNT_API_BASE_URL: `${productHunt.origin}/v2/api`,
  });
}

const PRODUCT_HUNT: StandardProvider<ProductHuntUser, ProductHuntEmulator> = {
  preset: 'product_hunt',
  displayName: 'Product Hunt',
  startEmulator: () => startProductHuntEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: productHuntEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const posts = async (browser: TestBrowser) =>
  browser.request(`${APP_ORIGIN}/api/providers/product_hunt/proxy/graphql`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query: 'query { posts(first: 1) { edges { node { id name votesCount } } } }' } });

describeEachDialect('Product Hunt, against an emulator of Product Hunt', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PRODUCT_HUNT);
  const signIn = (user: ProductHuntUser) => signInAs(context, 'product_hunt', user);

  it("signs in as the id of the GraphQL viewer's user, with the name and username and no e-mail; public private asked, no PKCE, the client in a JSON body, a token kept without an expiry or a refresh token", async () => {
    const { database, emulator: productHunt, app } = context;
    const kate = person(437, 'Kate Maker');
    const { userId, request } = await signIn(kate);
    expect(request.get('scope')).toBe('public private');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const exchange = productHunt.server.requests.find((r) => r.path === '/v2/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/json');
    expect(productHunt.tokenBodies[0]).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('2801437');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '2801437', name: 'Kate Maker', preferred_username: 'kate', profile: 'https://www.producthunt.com/@kate' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Kate Maker', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'product_hunt');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const viewer = productHunt.server.requests.find((r) => r.path === '/v2/api/graphql')!;
    expect(viewer.method).toBe('POST');
    expect(viewer.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the id, whatever the username became', async () => {
    const first = await signIn(person(438, 'Renamed Maker'));
    const second = await signIn({ ...person(438, 'Renamed Maker'), username: 'new-handle' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy POSTs queries to /v2/api/graphql; 20 concurrent calls ask Product Hunt for no token, as there is nothing to refresh', async () => {
    const { emulator: productHunt } = context;
    const { browser } = await signIn(person(439, 'Busy Hunter'));
    const tokenRequests = productHunt.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => posts(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toEqual({ data: { posts: { edges: [{ node: { id: '1029384', name: 'Tokenkeeper', votesCount: 421 } }] } } });
    expect(productHunt.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it('Product Hunt refuses a token request sent as a form, and an authorization asking for a scope it does not grant this app', async () => {
    const { emulator: productHunt } = context;
    const form = await fetch(`${productHunt.origin}/v2/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c', redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(await statusAndBody(form)).toEqual({ status: 401, body: { error: 'invalid_client' } });
    const write = await fetch(`${productHunt.origin}/v2/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'public private write', state: 's' })}`, { redirect: 'manual' });
    expect(new URL(write.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it("the person removing the app (a 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: productHunt } = context;
    const leaving = person(440, 'Leaving Hunter');
    const { browser, userId } = await signIn(leaving);
    expect((await posts(browser)).status).toBe(200);
    productHunt.removeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'product_hunt', userId, () => posts(browser));
  });

  it('disconnect asks Product Hunt nothing (it documents no revocation) and forgets the token, which Product Hunt still takes', async () => {
    const { emulator: productHunt, app } = context;
    const { browser, userId } = await signIn(person(441, 'Goodbye Hunter'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'product_hunt'))!;
    await expectDisconnectAsksNothing(context, 'product_hunt', { browser, userId });
    expect(productHunt.accepts(stored.accessToken)).toBe(true);
  });

  it('the viewer query failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PRODUCT_HUNT, person(450, 'Outage Profile'), (productHunt) => productHunt.failNextGraphql(500));
  });

  standardCases(() => context, PRODUCT_HUNT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(PRODUCT_HUNT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the product_hunt preset in production', () => {
  it('with the client alone, signs in at api.producthunt.com/v2/oauth and reads the viewer from /v2/api/graphql, asking public private with the client in the body', () => {
    const { settings } = presetInProduction('product_hunt', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Product Hunt',
      endpoints: {
        authorizationEndpoint: 'https://api.producthunt.com/v2/oauth/authorize',
        tokenEndpoint: 'https://api.producthunt.com/v2/oauth/token',
        userinfoEndpoint: 'https://api.producthunt.com/v2/api/graphql',
      },
      scope: 'public private',
      apiBaseUrl: 'https://api.producthunt.com/v2/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
