import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startIntervalsIcuEmulator, type IntervalsAthlete, type IntervalsIcuEmulator } from './intervals_icu.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = '1187';
const CLIENT_SECRET = '6u1ycp3wbyj2ov4cvfq8c7rvmeiu0tph';
const REDIRECT_URI = `${APP_ORIGIN}/auth/intervals_icu/callback`;

function athlete(id: number, name: string): IntervalsAthlete {
  return { id: String(2_049_000 + id), name };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (the disconnection moves with it). */
function intervalsEnv(intervals: IntervalsIcuEmulator): Record<string, string> {
  return presetEnv('intervals_icu', CLIENT_ID, CLIENT_SECRET, {
    INTERVALS_ICU_AUTHORIZE_URL: `${intervals.origin}/oauth/authorize`,
    INTERVALS_ICU_ACCESS_TOKEN_URL: `${intervals.origin}/api/oauth/token`,
    INTERVALS_ICU_API_BASE_URL: `${intervals.origin}/api/v1`,
  });
}

const INTERVALS: StandardProvider<IntervalsAthlete, IntervalsIcuEmulator> = {
  preset: 'intervals_icu',
  displayName: 'Intervals.icu',
  startEmulator: () => startIntervalsIcuEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: intervalsEnv,
  people: standardPeople(athlete),
  subjectOf: (person) => person.id,
};

const activities = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/intervals_icu/proxy/athlete/0/activities`);

describeEachDialect('Intervals.icu, against an emulator of Intervals.icu', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), INTERVALS);

  const signIn = (person: IntervalsAthlete) => signInAs(context, 'intervals_icu', person);

  it("signs in as the athlete id of the token answer (no profile call), with comma-joined scopes, the client in the form, no PKCE, and a token kept without an expiry or a refresh token", async () => {
    const { database, emulator: intervals, app } = context;
    const david = athlete(151, 'David (intervals.icu)');
    const { userId, request } = await signIn(david);
    expect(request.get('scope')).toBe('ACTIVITY:READ,WELLNESS:READ');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const exchange = intervals.server.requests.find((r) => r.path === '/api/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(intervals.server.requests.filter((r) => r.path.startsWith('/api/v1'))).toEqual([]);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('2049151');
    expect(JSON.parse(account.claims)).toEqual({ id: '2049151', name: 'David (intervals.icu)' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'David (intervals.icu)', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'intervals_icu');
    expect(token).toMatchObject({ scope: 'ACTIVITY:READ WELLNESS:READ', refreshToken: null, expiresAt: null });
  });

  it('keeps the scopes the athlete granted, as the token answer lists them: an ungranted WELLNESS:READ is not held', async () => {
    const { emulator: intervals, app } = context;
    intervals.untickNext(['WELLNESS:READ']);
    const { browser, userId } = await signIn(athlete(152, 'Activities Only'));
    expect((await app.runtime.tokenStore.findToken(userId, 'intervals_icu'))!.scope).toBe('ACTIVITY:READ');
    expect((await activities(browser)).status).toBe(200);
  });

  it('the proxy calls /api/v1 with the token as Bearer; 20 concurrent calls ask Intervals.icu for no token, as there is nothing to refresh', async () => {
    const { emulator: intervals, app } = context;
    const rider = athlete(153, 'Concurrent Rider');
    const { browser, userId } = await signIn(rider);
    const tokenRequests = intervals.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => activities(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ icu_athlete_id: `i${rider.id}`, name: 'Morning Ride' }]);
    const stored = await app.runtime.tokenStore.findToken(userId, 'intervals_icu');
    expect(intervals.server.requests.filter((r) => r.path === '/api/v1/athlete/0/activities').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect(intervals.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the athlete revoking the app in their settings (a 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: intervals } = context;
    const leaving = athlete(154, 'Leaving Athlete');
    const { browser, userId } = await signIn(leaving);
    expect((await activities(browser)).status).toBe(200);
    intervals.endAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'intervals_icu', userId, () => activities(browser));
  });

  it('disconnect calls DELETE /api/v1/disconnect-app with the token as Bearer: one request, and the token works no more', async () => {
    const { emulator: intervals } = context;
    const { browser, userId } = await signIn(athlete(155, 'Goodbye Athlete'));
    const stored = await expectDisconnectRevokes(context, 'intervals_icu', { browser, userId }, { counter: 'disconnect', requests: 1 });
    const call = intervals.server.requests.filter((r) => r.path === '/api/v1/disconnect-app').at(-1)!;
    expect(call.method).toBe('DELETE');
    expect(call.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(intervals.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, INTERVALS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(INTERVALS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls Intervals.icu itself: intervals.icu's authorization page, /api/oauth/token with the client in the form, and /api/v1", () => {
  const settings = presetInProduction('intervals_icu', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings).toMatchObject({
    displayName: 'Intervals.icu',
    endpoints: { authorizationEndpoint: 'https://intervals.icu/oauth/authorize', tokenEndpoint: 'https://intervals.icu/api/oauth/token' },
    scope: 'ACTIVITY:READ WELLNESS:READ',
    apiBaseUrl: 'https://intervals.icu/api/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
  });
  expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
});
