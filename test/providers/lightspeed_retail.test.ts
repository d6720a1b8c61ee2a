import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { LIGHTSPEED_RETAIL_ACCESS_TOKEN_SECONDS, startLightspeedRetailEmulator, type LightspeedRetailAccount, type LightspeedRetailEmulator } from './lightspeed_retail.emulator.js';

// A client id and secret of the kind Lightspeed's API client registration gives (long hexadecimal strings).
const CLIENT_ID = '9f3c2a7e5b1d4f8a6c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f4a';
const CLIENT_SECRET = 'e4b7a1d9c3f6e2a8b5d0c7f1e9a3b6d2c8f5e1a7b4d0c6f3e9a2b8d5c1f7e4a0';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/lightspeed_retail/callback`;

function account(id: number, name: string): LightspeedRetailAccount {
  return { accountID: String(180000 + id), name };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the account moves with the API base). */
function lightspeedEnv(lightspeed: LightspeedRetailEmulator): Record<string, string> {
  return presetEnv('lightspeed_retail', CLIENT_ID, CLIENT_SECRET, {
    LIGHTSPEED_RETAIL_AUTHORIZE_URL: `${lightspeed.origin}/auth/oauth/authorize`,
    LIGHTSPEED_RETAIL_ACCESS_TOKEN_URL: `${lightspeed.origin}/auth/oauth/token`,
    LIGHTSPEED_RETAIL_API_BASE_URL: `${lightspeed.origin}/API/V3`,
  });
}

const LIGHTSPEED_RETAIL: StandardProvider<LightspeedRetailAccount, LightspeedRetailEmulator> = {
  preset: 'lightspeed_retail',
  displayName: 'Lightspeed Retail (R-Series)',
  startEmulator: () => startLightspeedRetailEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: lightspeedEnv,
  people: standardPeople(account),
  subjectOf: (someone) => someone.accountID,
};

const shops = (browser: TestBrowser, accountID: string) => browser.get(`${APP_ORIGIN}/api/providers/lightspeed_retail/proxy/Account/${accountID}/Shop.json`);

describeEachDialect('Lightspeed Retail (R-Series), against an emulator of Lightspeed', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LIGHTSPEED_RETAIL);
  const signIn = (someone: LightspeedRetailAccount) => signInAs(context, 'lightspeed_retail', someone);
  const tokenUrl = () => `${context.emulator.origin}/auth/oauth/token`;

  it("signs in as the accountID of Account.json, with the account's name and no e-mail; employee:all asked without PKCE, the client in the form, an hour's token with a refresh token", async () => {
    const { database, emulator: lightspeed, app } = context;
    const store = account(101, 'Corner Bikes');
    const { userId, request } = await signIn(store);
    expect(request.get('scope')).toBe('employee:all');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.has('code_challenge')).toBe(false);
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe('180101');
    expect(JSON.parse(stored.claims)).toEqual({ id: '180101', name: 'Corner Bikes' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Corner Bikes', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'lightspeed_retail');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'employee:all' });
    expectAccessTokenLifetime(token, LIGHTSPEED_RETAIL_ACCESS_TOKEN_SECONDS - 100, LIGHTSPEED_RETAIL_ACCESS_TOKEN_SECONDS);
    const exchange = lightspeed.server.requests.find((r) => r.path === '/auth/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(lightspeed.server.requests.filter((r) => r.path === '/API/V3/Account.json').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it("the proxy calls API V3 under the account's id; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept and the spent one refused", async () => {
    const store = account(102, 'Harbour Books');
    const { browser, userId } = await signIn(store);
    const first = await shops(browser, store.accountID);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ Shop: { shopID: '1', name: 'Harbour Books Main' } });
    expect((await shops(browser, '180999')).status).toBe(403);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'lightspeed_retail', userId, () => shops(browser, store.accountID));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(after.scope).toBe('employee:all');
    expectAccessTokenLifetime(after, LIGHTSPEED_RETAIL_ACCESS_TOKEN_SECONDS - 100, LIGHTSPEED_RETAIL_ACCESS_TOKEN_SECONDS);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('Lightspeed takes the client only in the form: as HTTP Basic, it is refused', async () => {
    const { userId } = await signIn(account(106, 'Basic Refused'));
    const stored = (await context.app.runtime.tokenStore.findToken(userId, 'lightspeed_retail'))!;
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!)).status).toBe(401);
  });

  it('an API call with a token Lightspeed does not take is a 401', async () => {
    const response = await fetch(`${context.emulator.origin}/API/V3/Account.json`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ httpCode: '401', httpMessage: 'Unauthorized' });
  });

  it("the app revoked in Settings > Client API Access marks the connection 'needs re-auth' after one refresh Lightspeed refuses", async () => {
    const { emulator: lightspeed } = context;
    const leaving = account(103, 'Closing Down');
    const { browser, userId } = await signIn(leaving);
    lightspeed.revokeClient(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'lightspeed_retail', userId, () => shops(browser, leaving.accountID));
  });

  it('disconnect asks Lightspeed nothing (it documents no revocation endpoint) and forgets the tokens, which Lightspeed still takes', async () => {
    const { emulator: lightspeed, app } = context;
    const { browser, userId } = await signIn(account(104, 'Goodbye Store'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'lightspeed_retail'))!;
    await expectDisconnectAsksNothing(context, 'lightspeed_retail', { browser, userId });
    expect(lightspeed.accepts(stored.accessToken)).toBe(true);
  });

  it('Account.json failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, LIGHTSPEED_RETAIL, account(110, 'Outage Store'), (lightspeed) => lightspeed.failNextProfile(500));
  });

  standardCases(() => context, LIGHTSPEED_RETAIL, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(LIGHTSPEED_RETAIL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Lightspeed Retail (R-Series) in production', () => {
  it('with the client alone, signs in and gets tokens at cloud.lightspeedapp.com/auth/oauth, reads Account.json and calls API V3 at api.lightspeedapp.com, asking employee:all with the client in the form', () => {
    const { settings } = presetInProduction('lightspeed_retail', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Lightspeed Retail (R-Series)',
      endpoints: {
        authorizationEndpoint: 'https://cloud.lightspeedapp.com/auth/oauth/authorize',
        tokenEndpoint: 'https://cloud.lightspeedapp.com/auth/oauth/token',
        userinfoEndpoint: 'https://api.lightspeedapp.com/API/V3/Account.json',
      },
      scope: 'employee:all',
      apiBaseUrl: 'https://api.lightspeedapp.com/API/V3',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
