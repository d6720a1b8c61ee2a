import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSumUpEmulator, SUMUP_ACCESS_TOKEN_SECONDS, type SumUpEmulator, type SumUpMerchant } from './sumup.emulator.js';

// A client id and secret of the form SumUp's downloaded client credentials show.
const CLIENT_ID = 'fOcmczrYtYMJ7Li5GjMLLcUeC9dN';
const CLIENT_SECRET = '717bd571b54297494cd7a79b491e8f2c1da6189c4cc2d3481380e8366eef539c';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/sumup/callback`;

function merchant(n: number, firstName: string, lastName: string): SumUpMerchant {
  return { merchantCode: `MH4H${String(n).padStart(4, '0')}`, firstName, lastName, username: `${firstName.toLowerCase()}@shop.test`, type: 'normal' };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function sumupEnv(sumup: SumUpEmulator): Record<string, string> {
  return presetEnv('sumup', CLIENT_ID, CLIENT_SECRET, {
    SUMUP_AUTHORIZE_URL: `${sumup.origin}/authorize`,
    SUMUP_ACCESS_TOKEN_URL: `${sumup.origin}/token`,
    SUMUP_API_BASE_URL: sumup.origin,
  });
}

const SUMUP: StandardProvider<SumUpMerchant, SumUpEmulator> = {
  preset: 'sumup',
  displayName: 'SumUp',
  startEmulator: () => startSumUpEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: sumupEnv,
  people: standardPeopleByNameParts(merchant),
  subjectOf: (someone) => someone.merchantCode,
};

const history = (browser: TestBrowser, code: string) => browser.get(`${APP_ORIGIN}/api/providers/sumup/proxy/v2.1/merchants/${code}/transactions/history`);

describeEachDialect('SumUp, against an emulator of its OAuth and REST API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SUMUP);
  const signIn = (someone: SumUpMerchant) => signInAs(context, 'sumup', someone);
  const tokenUrl = () => `${context.emulator.origin}/token`;

  it("signs in as the merchant code of /v0.1/me, named by the person's names, no e-mail; the profile and transaction history asked, no PKCE, the code exchanged with the client and the redirect_uri in the form, an hour's token with a refresh token", async () => {
    const { database, emulator: sumup, app } = context;
    const ada = merchant(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user.profile_readonly transactions.history');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('MH4H0101');
    expect(JSON.parse(account.claims)).toEqual({ merchant_code: 'MH4H0101', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada@shop.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'sumup');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'user.profile_readonly transactions.history' });
    expectAccessTokenLifetime(token, SUMUP_ACCESS_TOKEN_SECONDS - 100, SUMUP_ACCESS_TOKEN_SECONDS);
    const exchange = sumup.server.requests.find((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(sumup.tokenForms[0]!)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(sumup.server.requests.findLast((r) => r.path === '/v0.1/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it("signing in again finds the same merchant by the code, whatever the username became", async () => {
    const first = await signIn(merchant(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...merchant(105, 'Grace', 'Hopper'), username: 'admiral@shop.test' });
    expect(second.userId).toBe(first.userId);
  });

  it("an operator (an employee's sub-account, whose /v0.1/me names the employer's merchant code) signs in as no one, and nothing is stored", async () => {
    const { database, emulator: sumup, app } = context;
    const before = await rowCounts(database);
    sumup.signInAs({ ...merchant(106, 'Till', 'Operator'), type: 'operator' });
    const page = await signInThrough(app.browser(), 'sumup');
    expect(page.status).toBe(502);
    expect(page.text).toContain('SumUp did not answer the userinfo request with a profile.');
    expect(await rowCounts(database)).toEqual(before);
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh with the client in the form, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: sumup } = context;
    const grace = merchant(102, 'Alan', 'Turing');
    const { browser, userId } = await signIn(grace);
    const first = await history(browser, grace.merchantCode);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ items: [{ transaction_code: 'TEENSK4W2K' }] });
    const { before, after } = await expectRotatedAfterStorm(context, 'sumup', userId, () => history(browser, grace.merchantCode));
    expectAccessTokenLifetime(after, SUMUP_ACCESS_TOKEN_SECONDS - 100, SUMUP_ACCESS_TOKEN_SECONDS);
    expect(Object.fromEntries(sumup.tokenForms.at(-1)!)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("SumUp refuses the client as Basic alone, a code exchange without the redirect_uri, a scope it does not list, a token it does not take (its 401) and another merchant's history", async () => {
    const { emulator: sumup } = context;
    expect((await refreshAtProvider(tokenUrl(), CLIENT, 'x', { by: 'basic' })).status).toBe(401);
    const noRedirect = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(await statusAndBody(Promise.resolve(noRedirect))).toEqual({ status: 400, body: { error: 'invalid_request' } });
    const asked = new URL(`${sumup.origin}/authorize`);
    for (const [name, value] of Object.entries({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'everything', state: 's1' })) asked.searchParams.set(name, value);
    const refused = await fetch(asked, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    expect(await statusAndBody(fetch(`${sumup.origin}/v0.1/me`, { headers: { authorization: 'Bearer nope' } }))).toEqual({ status: 401, body: { error_message: 'invalid access token', error_code: 'NOT_AUTHORIZED' } });
    const { browser } = await signIn(merchant(107, 'Other', 'Shop'));
    expect((await history(browser, 'MH4H0999')).status).toBe(404);
  });

  it("the application's access removed by the merchant marks the connection 'needs re-auth' after one refresh SumUp refuses", async () => {
    const { emulator: sumup } = context;
    const leaving = merchant(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    sumup.disconnectApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'sumup', userId, () => history(browser, leaving.merchantCode));
  });

  it('disconnect asks SumUp nothing (it documents no revocation) and forgets the tokens, which SumUp still takes', async () => {
    const { emulator: sumup, app } = context;
    const { browser, userId } = await signIn(merchant(104, 'Goodbye', 'Shop'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'sumup'))!;
    await expectDisconnectAsksNothing(context, 'sumup', { browser, userId });
    expect(sumup.accepts(stored.accessToken)).toBe(true);
  });

  it('/v0.1/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SUMUP, merchant(110, 'Outage', 'Profile'), (sumup) => sumup.failNextProfile(500));
  });

  standardCases(() => context, SUMUP, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SUMUP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the sumup preset in production', () => {
  it('with the client alone, signs in, reads the merchant and calls the API at api.sumup.com, asking the profile and transaction history with the client in the form and no PKCE', () => {
    const { settings } = presetInProduction('sumup', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'SumUp',
      endpoints: {
        authorizationEndpoint: 'https://api.sumup.com/authorize',
        tokenEndpoint: 'https://api.sumup.com/token',
        userinfoEndpoint: 'https://api.sumup.com/v0.1/me',
      },
      scope: 'user.profile_readonly transactions.history',
      apiBaseUrl: 'https://api.sumup.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'merchant_code',
    });
  });
});
