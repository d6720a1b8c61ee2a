import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startEcwidEmulator, type EcwidEmulator, type EcwidStore } from './ecwid.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Ecwid issues a registered application.
const CLIENT_ID = 'custom-app-1003-5';
const CLIENT_SECRET = 'Qx7mT2vLp9sWc4Hn8Rb3Yk6Jd1Fg5Za0';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/ecwid/callback`;

function store(id: number, name: string): EcwidStore {
  return { id: 15695000 + id, name, ownerEmail: `owner${id}@shop.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator. */
function ecwidEnv(ecwid: EcwidEmulator): Record<string, string> {
  return presetEnv('ecwid', CLIENT_ID, CLIENT_SECRET, {
    ECWID_AUTHORIZE_URL: `${ecwid.origin}/api/oauth/authorize`,
    ECWID_ACCESS_TOKEN_URL: `${ecwid.origin}/api/oauth/token`,
    ECWID_API_BASE_URL: `${ecwid.origin}/api/v3`,
  });
}

const ECWID: StandardProvider<EcwidStore, EcwidEmulator> = {
  preset: 'ecwid',
  displayName: 'Ecwid',
  startEmulator: () => startEcwidEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: ecwidEnv,
  people: standardPeople(store),
  subjectOf: (someone) => String(someone.id),
};

const profile = (browser: TestBrowser, id: number) => browser.get(`${APP_ORIGIN}/api/providers/ecwid/proxy/${id}/profile`);

describeEachDialect('Ecwid, against an emulator of its OAuth and REST API v3', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ECWID);
  const signIn = (someone: EcwidStore) => signInAs(context, 'ecwid', someone);
  const tokenUrl = () => `${context.emulator.origin}/api/oauth/token`;

  it("signs in as the token answer's store_id with no profile call, no name or e-mail; read_store_profile asked, no PKCE, the client and the redirect_uri in the form, a token that never expires and no refresh token", async () => {
    const { database, emulator: ecwid, app } = context;
    const cakes = store(101, 'Cherry Cakes');
    const { userId, request } = await signIn(cakes);
    expect(request.get('scope')).toBe('read_store_profile');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('15695101');
    expect(JSON.parse(account.claims)).toEqual({ store_id: '15695101' });
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'ecwid');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^secret_/), refreshToken: null, expiresAt: null, tokenType: 'bearer', scope: 'read_store_profile' });
    const exchange = ecwid.server.requests.findLast((r) => r.path === '/api/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(ecwid.tokenForms.at(-1)!)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(ecwid.server.counts.profile ?? 0).toBe(0);
  });

  it('signing in again finds the same store by its id', async () => {
    const first = await signIn(store(105, 'Same Shop'));
    const second = await signIn({ ...store(105, 'Same Shop'), name: 'Renamed Shop' });
    expect(second.userId).toBe(first.userId);
  });

  it("the proxy calls the store's API with the token as Bearer; 20 concurrent calls ask Ecwid for no token, as there is nothing to refresh", async () => {
    const { emulator: ecwid, app } = context;
    const shop = store(102, 'Hopper Supply');
    const { browser, userId } = await signIn(shop);
    const tokenRequests = ecwid.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => profile(browser, shop.id)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ generalInfo: { storeId: shop.id }, settings: { storeName: 'Hopper Supply' } });
    expect(ecwid.server.counts.token_request ?? 0).toBe(tokenRequests);
    const token = (await app.runtime.tokenStore.findToken(userId, 'ecwid'))!;
    expect(ecwid.server.requests.findLast((r) => r.path.startsWith(`/api/v3/${shop.id}/profile`))!.headers.authorization).toBe(`Bearer ${token.accessToken}`);
  });

  it("a call the token has no scope for is Ecwid's 403 INSUFFICIENT_APP_SCOPE, passed on, and the connection stays usable", async () => {
    const shop = store(106, 'Scoped Shop');
    const { browser, userId } = await signIn(shop);
    const products = await browser.get(`${APP_ORIGIN}/api/providers/ecwid/proxy/${shop.id}/products`);
    expect(products.status).toBe(403);
    expect(JSON.parse(products.text)).toMatchObject({ errorCode: 'INSUFFICIENT_APP_SCOPE' });
    expect((await context.app.runtime.tokenStore.findToken(userId, 'ecwid'))!.status).not.toBe('needs_reauth');
    expect((await profile(browser, shop.id)).status).toBe(200);
  });

  it("the app uninstalled from the store (Ecwid's 403 INVALID_API_TOKEN) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: ecwid } = context;
    const leaving = store(103, 'Leaving Shop');
    const { browser, userId } = await signIn(leaving);
    ecwid.uninstall(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'ecwid', userId, () => profile(browser, leaving.id));
  });

  it('Ecwid refuses an exchange without one of its parameters, the client as Basic alone, a token in the query, and a token for another store; a code exchanged twice disables the token it gave', async () => {
    const { emulator: ecwid } = context;
    const form = (values: Record<string, string>) => fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(values) });
    expect(await statusAndBody(form({ grant_type: 'authorization_code', code: 'x', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }))).toEqual({ status: 400, body: { error: 'invalid_request' } });
    const basic = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI }),
    });
    expect(basic.status).toBe(401);

    const shop = store(107, 'Twice Shop');
    ecwid.signInAs(shop);
    const authorize = new URL(`${ecwid.origin}/api/oauth/authorize`);
    for (const [name, value] of Object.entries({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'read_store_profile', state: 's1' })) authorize.searchParams.set(name, value);
    const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
    const first = (await (await form(exchange)).json()) as { access_token: string; store_id: number };
    expect(first.store_id).toBe(shop.id);
    const storeProfile = `${ecwid.origin}/api/v3/${shop.id}/profile`;
    expect((await fetch(storeProfile, { headers: { authorization: `Bearer ${first.access_token}` } })).status).toBe(200);
    expect((await fetch(`${storeProfile}?token=${first.access_token}`)).status).toBe(403);
    expect(await statusAndBody(fetch(`${ecwid.origin}/api/v3/15695999/profile`, { headers: { authorization: `Bearer ${first.access_token}` } }))).toMatchObject({ status: 403, body: { errorCode: 'INVALID_API_TOKEN' } });
    expect((await form(exchange)).status).toBe(400);
    expect(await statusAndBody(fetch(storeProfile, { headers: { authorization: `Bearer ${first.access_token}` } }))).toEqual({ status: 403, body: { errorMessage: 'Invalid access token in the request', errorCode: 'INVALID_API_TOKEN' } });
  });

  it('disconnect asks Ecwid nothing (it documents no revocation) and forgets the token, which Ecwid still takes', async () => {
    const { emulator: ecwid, app } = context;
    const { browser, userId } = await signIn(store(104, 'Goodbye Goods'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'ecwid'))!;
    await expectDisconnectAsksNothing(context, 'ecwid', { browser, userId });
    expect(ecwid.accepts(stored.accessToken)).toBe(true);
  });

  it('a token answer without store_id names no store: a 502, and nothing is stored', async () => {
    const { database, emulator: ecwid, app } = context;
    const before = await rowCounts(database);
    ecwid.signInAs(store(110, 'Nameless Shop'));
    ecwid.answerNextWithoutStoreId();
    const page = await signInThrough(app.browser(), 'ecwid');
    expect(page.status).toBe(502);
    expect(page.text).toContain('Ecwid did not say who signed in with the tokens it issued.');
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, ECWID, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ECWID, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the ecwid preset in production', () => {
  it("with the client alone, authorizes and exchanges at my.ecwid.com and calls the API under app.ecwid.com/api/v3, asking read_store_profile with the client in the form and no PKCE", () => {
    const { settings } = presetInProduction('ecwid', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Ecwid',
      endpoints: {
        authorizationEndpoint: 'https://my.ecwid.com/api/oauth/authorize',
        tokenEndpoint: 'https://my.ecwid.com/api/oauth/token',
      },
      scope: 'read_store_profile',
      apiBaseUrl: 'https://app.ecwid.com/api/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'store_id',
    });
  });
});
