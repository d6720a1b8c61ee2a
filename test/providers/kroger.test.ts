import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { KROGER_ACCESS_TOKEN_SECONDS, startKrogerEmulator, type KrogerCustomer, type KrogerEmulator } from './kroger.emulator.js';

// A client id and secret of the kind Kroger issues: the application's name, a dash and digits; a secret with `-` and `_`.
const CLIENT_ID = 'mealplanner-5b1e2c7d9a8f4e3b6c0d1a2f3e4b5c6d7e8f9a0b1c2d3e4f5a6';
const CLIENT_SECRET = 'Qx7_Lm2-Rt9vKp4Zs8Wd1Yh6Nc3Bf5Jg0Ua-Te_Oi';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/kroger/callback`;

function customer(id: number): KrogerCustomer {
  return { id: `53990804-cfd1-43f3-8256-${String(id).padStart(12, '0')}` };
}

/** Only the documented variables: the preset, the client, the scope, and the endpoints and API base pointed at the emulator (the identity moves with the API base). */
function krogerEnv(kroger: KrogerEmulator): Record<string, string> {
  return presetEnv('kroger', CLIENT_ID, CLIENT_SECRET, {
    KROGER_SCOPE: 'profile.compact cart.basic:write',
    KROGER_AUTHORIZE_URL: `${kroger.origin}/v1/connect/oauth2/authorize`,
    KROGER_ACCESS_TOKEN_URL: `${kroger.origin}/v1/connect/oauth2/token`,
    KROGER_API_BASE_URL: `${kroger.origin}/v1`,
  });
}

const KROGER: StandardProvider<KrogerCustomer, KrogerEmulator> = {
  preset: 'kroger',
  displayName: 'Kroger',
  startEmulator: () => startKrogerEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: krogerEnv,
  people: standardPeople((id) => customer(id)),
  subjectOf: (someone) => someone.id,
};

const identity = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/kroger/proxy/identity/profile`);
const addToCart = async (browser: TestBrowser, upc: string) =>
  browser.request(`${APP_ORIGIN}/api/providers/kroger/proxy/cart/add`, { method: 'PUT', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { items: [{ upc, quantity: 2, modality: 'PICKUP' }] } });

describeEachDialect('Kroger, against an emulator of Kroger', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), KROGER);
  const signIn = (someone: KrogerCustomer) => signInAs(context, 'kroger', someone);
  const tokenUrl = () => `${context.emulator.origin}/v1/connect/oauth2/token`;

  it('signs in as the profile id of /v1/identity/profile, with no name or e-mail; the scopes asked without PKCE, the client as Basic with its id and secret as they are, a 30-minute token with a refresh token', async () => {
    const { database, emulator: kroger, app } = context;
    const ada = customer(101);
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('profile.compact cart.basic:write');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'kroger');
    expect(token).toMatchObject({ refreshToken: expect.any(String), tokenType: 'bearer' });
    expectAccessTokenLifetime(token, KROGER_ACCESS_TOKEN_SECONDS - 100, KROGER_ACCESS_TOKEN_SECONDS);
    const exchange = kroger.server.requests.find((r) => r.path === '/v1/connect/oauth2/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(kroger.server.requests.filter((r) => r.path === '/v1/identity/profile').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it("the proxy adds items to the customer's cart (cart.basic:write), answered 204", async () => {
    const { emulator: kroger } = context;
    const grace = customer(105);
    const { browser } = await signIn(grace);
    const added = await addToCart(browser, '0001111041700');
    expect(added.status).toBe(204);
    expect(kroger.cartItems.at(-1)).toEqual({ customer: grace.id, upc: '0001111041700', quantity: 2, modality: 'PICKUP' });
  });

  it('20 concurrent calls on an expired token make one refresh, with the client as Basic; the new refresh token is kept and the spent one is refused (400)', async () => {
    const { emulator: kroger } = context;
    const someone = customer(102);
    const { browser, userId } = await signIn(someone);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'kroger', userId, () => identity(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: { id: someone.id } });
    expectAccessTokenLifetime(after, KROGER_ACCESS_TOKEN_SECONDS - 100, KROGER_ACCESS_TOKEN_SECONDS);
    expect(kroger.server.requests.filter((r) => r.path === '/v1/connect/oauth2/token').at(-1)!.headers.authorization).toMatch(/^Basic /);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Missing/Invalid Refresh Token' } });
  });

  it('Kroger takes the client as Basic with the pair as it is: form-encoded first, or in the form, it is refused', async () => {
    const { userId } = await signIn(customer(106));
    const stored = (await context.app.runtime.tokenStore.findToken(userId, 'kroger'))!;
    const formEncoded = Buffer.from(`${encodeURIComponent(CLIENT_ID).replace(/-/g, '%2D')}:${encodeURIComponent(CLIENT_SECRET).replace(/-/g, '%2D')}`).toString('base64');
    const refused = await fetch(tokenUrl(), { method: 'POST', headers: { authorization: `Basic ${formEncoded}` }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored.refreshToken! }) });
    expect(refused.status).toBe(401);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it('an API call with a token Kroger does not take is its documented 401 invalid_token', async () => {
    const response = await fetch(`${context.emulator.origin}/v1/identity/profile`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error_description: 'The access token is invalid or has expired', error: 'invalid_token' });
  });

  it("the application's access removed by the customer marks the connection 'needs re-auth' after one refresh Kroger refuses", async () => {
    const { emulator: kroger } = context;
    const leaving = customer(103);
    const { browser, userId } = await signIn(leaving);
    kroger.revokeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'kroger', userId, () => identity(browser));
  });

  it('disconnect asks Kroger nothing (it documents no revocation) and forgets the tokens, which Kroger still takes', async () => {
    const { emulator: kroger, app } = context;
    const { browser, userId } = await signIn(customer(104));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'kroger'))!;
    await expectDisconnectAsksNothing(context, 'kroger', { browser, userId });
    expect(kroger.accepts(stored.accessToken)).toBe(true);
  });

  it('/v1/identity/profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, KROGER, customer(110), (kroger) => kroger.failNextProfile(500));
  });

  standardCases(() => context, KROGER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(KROGER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Kroger in production', () => {
  it('with the client alone, signs in and gets tokens at api.kroger.com/v1/connect/oauth2, reads /v1/identity/profile and calls the API there, asking profile.compact with the client as Basic', () => {
    const { settings } = presetInProduction('kroger', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Kroger',
      endpoints: {
        authorizationEndpoint: 'https://api.kroger.com/v1/connect/oauth2/authorize',
        tokenEndpoint: 'https://api.kroger.com/v1/connect/oauth2/token',
        userinfoEndpoint: 'https://api.kroger.com/v1/identity/profile',
      },
      scope: 'profile.compact',
      apiBaseUrl: 'https://api.kroger.com/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
    });
  });
});
