import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startYahooJapanEmulator, type YahooJapanEmulator, type YahooJapanUser } from './yahoo_japan.emulator.js';

// A Client ID and secret of the form Yahoo! JAPAN's developer network issues them.
const CLIENT_ID = 'dj00aiZpPXNYeG5tRXJKUVVlLSZzPWNvbnN1bWVyc2VjcmV0Jng9ZjE-';
const CLIENT_SECRET = 'S3pigOFxzCuDVdL3udINWLgtkZAM1ZdM7VO4xsc9';
const REDIRECT_URI = `${APP_ORIGIN}/auth/yahoo_japan/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, familyName: string, givenName: string, emailVerified = true): YahooJapanUser {
  return { sub: `QWERTYUIOPASDFGHJKL${n.toString(36).toUpperCase().padStart(5, 'Z')}`, familyName, givenName, nickname: givenName.toLowerCase(), email: `${givenName.toLowerCase()}@yahoo.co.jp`, emailVerified };
}

/** Only the documented variables: the preset, the client, the issuer and the API base pointed at the emulator. */
function yahooJapanEnv(yahoo: YahooJapanEmulator): Record<string, string> {
  return presetEnv('yahoo_japan', CLIENT_ID, CLIENT_SECRET, { YAHOO_JAPAN_ISSUER: yahoo.issuer, YAHOO_JAPAN_API_BASE_URL: yahoo.origin });
}

const YAHOO_JAPAN: StandardProvider<YahooJapanUser, YahooJapanEmulator> = {
  preset: 'yahoo_japan',
  displayName: 'Yahoo! JAPAN',
  startEmulator: () => startYahooJapanEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: yahooJapanEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

const attribute = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/yahoo_japan/proxy/yconnect/v2/attribute`);
const tokenRequests = (yahoo: YahooJapanEmulator) => yahoo.server.requests.filter((r) => r.path === '/token');

describeEachDialect('Yahoo! JAPAN, against an emulator of YConnect v2', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), YAHOO_JAPAN);

  const signIn = (user: YahooJapanUser) => signInAs(context, 'yahoo_japan', user);

  it("signs in as the ID token's sub with the UserInfo API's name and e-mail (verified as it says); openid profile email, a nonce and PKCE asked, the client as Basic alone, a one-hour token with a refresh token", async () => {
    const { database, emulator: yahoo, app } = context;
    const taro = person(101, '山田', 'Taro');
    const { userId, request } = await signIn(taro);
    expect(request.get('scope')).toBe('openid profile email');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: yahoo.issuer, subject: taro.sub });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ name: '山田 Taro', email: 'taro@yahoo.co.jp', email_verified: true });
    const token = await app.runtime.tokenStore.findToken(userId, 'yahoo_japan');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid profile email' });
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(tokenRequests(yahoo).at(-1)!.headers.authorization).toBe(BASIC);
  });

  it('an e-mail the UserInfo API says is not verified is stored unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(105, '未確認', 'Hanako', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('hanako@yahoo.co.jp');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the UserInfo API; 20 concurrent calls on an expired token make one refresh, sent as Basic, and the refresh token held is kept, as Yahoo! JAPAN answers none', async () => {
    const { emulator: yahoo } = context;
    const jiro = person(102, '鈴木', 'Jiro');
    const { browser, userId } = await signIn(jiro);
    const { before, after, answers } = await expectKeptAfterStorm(context, 'yahoo_japan', userId, () => attribute(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ sub: jiro.sub, nickname: 'jiro', email: 'jiro@yahoo.co.jp' });
    expect(tokenRequests(yahoo).at(-1)!.headers.authorization).toBe(BASIC);
    expectAccessTokenLifetime(after, 3500, 3600);
    // The same refresh token still works at Yahoo! JAPAN.
    expect((await refreshAtProvider(`${yahoo.origin}/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, before.refreshToken!)).status).toBe(200);
  });

  it("the app removed in the person's Yahoo! JAPAN ID: the UserInfo API's 401, then the refused refresh (400 invalid_grant), mark the connection 'needs re-auth' after that one refusal", async () => {
    const { emulator: yahoo } = context;
    const leaving = person(103, '去る', 'Saburo');
    const { browser, userId } = await signIn(leaving);
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'yahoo_japan');
    yahoo.removeApp(leaving);
    expect(await statusAndBody(refreshAtProvider(`${yahoo.origin}/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, stored!.refreshToken!))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid refresh token.', error_code: 1101 },
    });
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'yahoo_japan', userId, () => attribute(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Yahoo! JAPAN, which names no revocation: no request is sent', async () => {
    const { browser, userId } = await signIn(person(104, '別れ', 'Shiro'));
    await expectDisconnectAsksNothing(context, 'yahoo_japan', { browser, userId });
  });

  standardCases(() => context, YAHOO_JAPAN, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(YAHOO_JAPAN, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("the yahoo_japan preset in production: Yahoo! JAPAN's issuer, the UserInfo API's host, plain Basic credentials and no value to give", () => {
  const production = presetInProduction('yahoo_japan', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  expect(production.settings({})).toMatchObject({
    displayName: 'Yahoo! JAPAN',
    discovery: { issuer: 'https://auth.login.yahoo.co.jp/yconnect/v2' },
    apiBaseUrl: 'https://userinfo.yahooapis.jp',
    scope: 'openid profile email',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
  });
});
