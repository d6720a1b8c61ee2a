import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startHighLevelEmulator, type HighLevelEmulator, type HighLevelInstall } from './highlevel.emulator.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the forms the marketplace shows (the id is the app's id, a dash, then a suffix).
const CLIENT_ID = '65f0c1a2b3d4e5f6a7b8c9d0-lt1x2y3z';
const CLIENT_SECRET = '3f9c2a71-8b4d-4e6f-a1c2-d3e4f5a6b7c8';
const REDIRECT_URI = `${APP_ORIGIN}/auth/highlevel/callback`;

function install(userId: string, locationName: string, locationId = `loc${userId}`): HighLevelInstall {
  return { userId, companyId: 'UAXssdawIWAWD', locationId, locationName };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function highLevelEnv(emulator: HighLevelEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('highlevel', CLIENT_ID, CLIENT_SECRET, {
    HIGHLEVEL_AUTHORIZE_URL: `${emulator.origin}/oauth/chooselocation`,
    HIGHLEVEL_ACCESS_TOKEN_URL: `${emulator.origin}/oauth/token`,
    HIGHLEVEL_API_BASE_URL: emulator.origin,
    ...extra,
  });
}

/** A refresh at HighLevel itself, as another copy of the token would make it. */
function refreshThere(emulator: HighLevelEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${emulator.origin}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken, user_type: 'Location' }),
  });
}

const HIGHLEVEL: StandardProvider<HighLevelInstall, HighLevelEmulator> = {
  preset: 'highlevel',
  displayName: 'HighLevel',
  startEmulator: () => startHighLevelEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: highLevelEnv,
  people: {
    'refused-code': install('RefusedCodeUser0001', 'Refused Code Dental'),
    'wrong-secret': install('WrongSecretUser0001', 'Wrong Secret Dental'),
    'exchange-failure': install('OutagePersonUser001', 'Outage Dental'),
  },
  subjectOf: (user) => user.userId,
};

describeEachDialect('HighLevel, against an emulator of HighLevel', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), HIGHLEVEL);

  const signIn = (user: HighLevelInstall) => signInAs(context, 'highlevel', user);
  const location = (browser: TestBrowser, locationId: string, headers: Record<string, string> = {}) =>
    browser.get(`${APP_ORIGIN}/api/providers/highlevel/proxy/locations/${locationId}`, { headers });

  it("signs in as the token answer's userId, with its company, location and user type kept and no name or e-mail; no PKCE; the client and user_type=Location in the form; 1-day tokens with a refresh token", async () => {
    const { database, emulator, app } = context;
    const { userId, request } = await signIn(install('yk6SmkyTA8HwMKyaWqI9', 'Smile Dental', 've9EPM428h8vShlRW1KT'));
    expect(Object.fromEntries(request)).toEqual({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'locations.readonly', state: expect.any(String) });
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('yk6SmkyTA8HwMKyaWqI9');
    expect(JSON.parse(account.claims)).toEqual({ userId: 'yk6SmkyTA8HwMKyaWqI9', companyId: 'UAXssdawIWAWD', locationId: 've9EPM428h8vShlRW1KT', userType: 'Location' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: null });
    expect(emulator.userTypes).toEqual(['Location']);
    expect(emulator.server.requests.some((r) => r.path.startsWith('/users') || r.path.startsWith('/locations'))).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'highlevel');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'locations.readonly' });
    expectAccessTokenLifetime(token, 86_300, 86_399);
  });

  it("the proxy reaches the API with HighLevel's Version header; 20 concurrent calls on an expired token make one refresh with user_type, the new refresh token is kept, and HighLevel refuses the old one", async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(install('StormRotatingUser01', 'Storm Dental'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'highlevel', userId, () => location(browser, 'locStormRotatingUser01'));
    expect(JSON.parse(answers[0]!.text)).toEqual({ location: { id: 'locStormRotatingUser01', companyId: 'UAXssdawIWAWD', name: 'Storm Dental', timezone: 'US/Central', country: 'US' } });
    const calls = emulator.server.requests.filter((r) => r.path === '/locations/locStormRotatingUser01');
    expect(calls.length).toBe(20);
    expect(calls.every((r) => r.headers.version === '2021-07-28')).toBe(true);
    expect(emulator.userTypes.slice(-2)).toEqual(['Location', 'Location']);
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshThere(emulator, before.refreshToken!))).toEqual({ status: 400, body: { statusCode: 400, message: 'Invalid grant: refresh token is invalid' } });
  });

  it("a caller's own Version goes through in place of the preset's, for endpoints of another API version", async () => {
    const { emulator } = context;
    const { browser } = await signIn(install('VersionCallerUser01', 'Version Dental'));
    expect((await location(browser, 'locVersionCallerUser01', { version: '2021-04-15' })).status).toBe(200);
    expect(emulator.server.requests.at(-1)!.headers.version).toBe('2021-04-15');
  });

  it("a refresh token HighLevel refuses (400 'Invalid grant: …', read as invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator, app } = context;
    const { browser, userId } = await signIn(install('RefusedRefreshUser1', 'Refused Dental'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'highlevel');
    // Rotated behind the app's back (another copy of the token used it): HighLevel no longer takes the stored one.
    expect((await refreshThere(emulator, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator }, 'highlevel', userId, () => location(browser, 'locRefusedRefreshUser1'));
  });

  it('disconnect deletes the tokens here and asks HighLevel nothing: it documents no revocation', async () => {
    const { emulator, app } = context;
    const { browser, userId } = await signIn(install('LeavingPersonUser01', 'Leaving Dental'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'highlevel'))!;
    const requests = emulator.server.requests.length;
    expect(await disconnectThrough(browser, 'highlevel')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(emulator.server.requests.length).toBe(requests);
    expect(await app.runtime.tokenStore.findToken(userId, 'highlevel')).toBeUndefined();
    expect(emulator.accepts(accessToken)).toBe(true);
  });

  standardCases(() => context, HIGHLEVEL, { refusedCode: { sentAs: "400 { statusCode, message: 'Invalid grant: …' }" } });
});

describeEachDialect('HighLevel with HIGHLEVEL_USER_TYPE=Company', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: HIGHLEVEL.startEmulator, env: (emulator) => highLevelEnv(emulator, { HIGHLEVEL_USER_TYPE: 'Company' }) });

  it('asks for an agency token at the exchange and at each refresh: the answer names the company and its approved locations, no location', async () => {
    const { database, emulator } = context;
    const { userId, browser } = await signInAs(context, 'highlevel', install('AgencyAdminUser0001', 'Agency Dental'));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('AgencyAdminUser0001');
    expect(JSON.parse(account.claims)).toEqual({ userId: 'AgencyAdminUser0001', companyId: 'UAXssdawIWAWD', userType: 'Company', approvedLocations: ['locAgencyAdminUser0001'] });
    await expireAccessTokens(database, userId);
    const refreshes = emulator.server.counts.refresh_token ?? 0;
    expect((await browser.get(`${APP_ORIGIN}/api/providers/highlevel/proxy/locations/locAgencyAdminUser0001`)).status).toBe(200);
    expect(emulator.server.counts.refresh_token).toBe(refreshes + 1);
    expect(emulator.userTypes).toEqual(['Company', 'Company']);
  });
});

describeKeepAlive(HIGHLEVEL, {
  title: 'HighLevel refresh tokens (1 year) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 365, and the connection outlives that refresh token',
  startEmulator: (now) => startHighLevelEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: install('IdlePersonUser00001', 'Idle Dental'),
  dueAfterDays: 358,
  // Past the first refresh token's year, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(HIGHLEVEL, { wrongSecret: { sentAs: "401 { statusCode, message: 'Invalid client: …' }" }, exchangeFailure: {} });
