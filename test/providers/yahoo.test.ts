import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect, type TestDatabase } from '../support/postgres.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs, signInThrough, type ProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startYahooEmulator, type YahooEmulator, type YahooUser } from './yahoo.emulator.js';

// A client id as Yahoo issues them, ending in `--`, which form-encoded Basic credentials would send as `%2D%2D`.
const CLIENT_ID = 'dj0yJmk9ak5IZ2x5WmNsaHp6JmQ9WVdrOVNqQkJUMnRYTjJrbWNHbzlNQS0tJnM9Y29uc3VtZXJzZWNyZXQmeD1hYQ--';
const CLIENT_SECRET = '5b39ec891e64d8dbbfab96dc137da73e0a1b2c3d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/yahoo/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, name: string): YahooUser {
  const [givenName, familyName] = name.split(' ') as [string, string];
  const id = n.toString(36).toUpperCase().padStart(4, 'X');
  return { sub: `FSVIDUW3D7FSVIDUW3D7${id}`, guid: `JT4FACLQZI2O${id}`, nickname: givenName.toLowerCase(), givenName, familyName, email: `${givenName.toLowerCase()}@yahoo.com` };
}

/** Only the documented variables: the preset, the client, and the issuer pointed at the emulator (the API base, Yahoo's issuer, follows it). */
function yahooEnv(yahoo: YahooEmulator): Record<string, string> {
  return presetEnv('yahoo', CLIENT_ID, CLIENT_SECRET, { YAHOO_ISSUER: yahoo.issuer });
}

const YAHOO: StandardProvider<YahooUser, YahooEmulator> = {
  preset: 'yahoo',
  displayName: 'Yahoo',
  startEmulator: () => startYahooEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: yahooEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.sub,
};

function describeAgainst(title: string, emulator: () => Promise<YahooEmulator>, tests: (context: () => { database: TestDatabase; yahoo: YahooEmulator; app: ProviderTestApp }) => void): void {
  describeEachDialect(title, (dialect) => {
    const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: emulator, env: yahooEnv });
    tests(() => ({ database: context.database, yahoo: context.emulator, app: context.app }));
  });
}

const signIn = (app: ProviderTestApp, yahoo: YahooEmulator, user: YahooUser) => signInAs({ app, emulator: yahoo }, 'yahoo', user);

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/yahoo/proxy/openid/v1/userinfo`);
const tokenRequests = (yahoo: YahooEmulator) => yahoo.server.requests.filter((r) => r.path === '/oauth2/get_token');

describeAgainst('Sign in with Yahoo, against an emulator of Yahoo', () => YAHOO.startEmulator(), (context) => {
  it('signs in as the sub of an ES256 ID token, with openid email profile, PKCE and Basic credentials as they are; a one-hour token and a refresh token', async () => {
    const { database, yahoo, app } = context();
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(app, yahoo, ada);
    expect(request.get('scope')).toBe('openid email profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: yahoo.issuer, subject: ada.sub });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ name: 'Ada Lovelace', email: 'ada@yahoo.com', email_verified: true });
    const token = await app.runtime.tokenStore.findToken(userId, 'yahoo');
    expect(token!.refreshToken).toEqual(expect.any(String));
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(tokenRequests(yahoo).at(-1)!.headers.authorization).toBe(basic);
  });

  it('the proxy reaches userinfo; 20 concurrent calls on an expired token make one refresh, sent with redirect_uri=oob, and the refresh token Yahoo repeats works again', async () => {
    const { database, yahoo, app } = context();
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(app, yahoo, grace);
    const first = await userinfo(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ sub: grace.sub, preferred_username: 'grace', email: 'grace@yahoo.com' });

    const before = await app.runtime.tokenStore.findToken(userId, 'yahoo');
    await expireAccessTokens(database, userId);
    const refreshes = yahoo.server.counts.refresh_token ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => userinfo(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(yahoo.server.counts.refresh_token).toBe(refreshes + 1);
    expect(tokenRequests(yahoo).at(-1)!.headers.authorization).toBe(basic);
    const after = await app.runtime.tokenStore.findToken(userId, 'yahoo');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
    await expireAccessTokens(database, userId);
    expect((await userinfo(browser)).status).toBe(200);
    expect(yahoo.server.counts.refresh_token).toBe(refreshes + 2);
  });

  it('an app the person removed in their Yahoo account: the refresh Yahoo refuses (400 INVALID_REFRESH_TOKEN) marks the connection "needs re-auth", once', async () => {
    const { database, yahoo, app } = context();
    const { browser, userId } = await signIn(app, yahoo, person(103, 'Barbara Liskov'));
    yahoo.revokeApp((await app.runtime.tokenStore.findToken(userId, 'yahoo'))!.refreshToken!);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: yahoo }, 'yahoo', userId, () => userinfo(browser));
  });

  it('disconnect deletes the tokens; Yahoo has no revocation endpoint, and the answer says it was not revoked there', async () => {
    const { yahoo, app } = context();
    const { browser, userId } = await signIn(app, yahoo, person(104, 'Leaving Person'));
    const requests = yahoo.server.requests.length;
    expect(await disconnectThrough(browser, 'yahoo')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(yahoo.server.requests.length).toBe(requests);
    expect(await app.runtime.tokenStore.findToken(userId, 'yahoo')).toBeUndefined();
  });

  standardCases(() => ({ database: context().database, emulator: context().yahoo, app: context().app }), YAHOO, {
    cancelled: { sentAs: 'access_denied, "Not now"' },
    refusedCode: { sentAs: '401 INVALID_GRANT' },
  });
});

describeAgainst('Yahoo refresh tokens that change at a refresh', () => startYahooEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, newRefreshTokens: true }), (context) => {
  it('the new refresh token is kept in place of the old, which Yahoo no longer takes', async () => {
    const { database, yahoo, app } = context();
    const { userId } = await signIn(app, yahoo, person(201, 'Rotating Person'));
    const first = await app.runtime.tokenStore.findToken(userId, 'yahoo');
    const refreshes = yahoo.server.counts.refresh_token ?? 0;
    await expireAccessTokens(database, userId);
    await app.runtime.tokens.getAccessToken(userId, 'yahoo');
    const second = await app.runtime.tokenStore.findToken(userId, 'yahoo');
    expect(second!.refreshToken).not.toBe(first!.refreshToken);
    await expireAccessTokens(database, userId);
    const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'yahoo');
    expect(yahoo.accepts(accessToken)).toBe(true);
    expect(yahoo.server.counts.refresh_token).toBe(refreshes + 2);
  });
});

describeAgainst('a Yahoo app without the Email permission', () => startYahooEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, permissions: ['profile'] }), (context) => {
  it('is refused at Yahoo (invalid_scope): a clear 400 naming it, no code exchanged, nothing stored', async () => {
    const { database, yahoo, app } = context();
    const before = await rowCounts(database);
    yahoo.signInAs(person(202, 'Scoped Person'));
    const page = await signInThrough(app.browser(), 'yahoo');
    expect(page.status).toBe(400);
    expect(page.text).toContain('invalid_scope');
    expect(yahoo.server.counts.authorization_code).toBeUndefined();
    expect(await rowCounts(database)).toEqual(before);
  });
});

describeClientFailures(YAHOO, { wrongSecret: { sentAs: '401 INVALID_CLIENT_SECRET' }, exchangeFailure: {} });

describe('the yahoo preset in production', () => {
  it('takes Yahoo’s issuer and its API, with plain Basic credentials and no value to give', () => {
    expect(providerSettings({ YAHOO_PRESET: 'yahoo', YAHOO_CLIENT_ID: CLIENT_ID, YAHOO_CLIENT_SECRET: CLIENT_SECRET }, 'yahoo', true)).toMatchObject({
      displayName: 'Yahoo',
      discovery: { issuer: 'https://api.login.yahoo.com' },
      apiBaseUrl: 'https://api.login.yahoo.com',
      scope: 'openid email profile',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
    });
  });
});
