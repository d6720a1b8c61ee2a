import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startStravaEmulator, type StravaAthlete, type StravaEmulator } from './strava.emulator.js';

// Strava's client ids are integers; its secrets 40 hexadecimal digits.
const CLIENT_ID = '98765';
const CLIENT_SECRET = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
const REDIRECT_URI = `${APP_ORIGIN}/auth/strava/callback`;
const HOUR = 3600;

function athlete(id: number, firstname: string, lastname: string): StravaAthlete {
  return { id, username: `${firstname.toLowerCase()}_${id}`, firstname, lastname };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function stravaEnv(strava: StravaEmulator): Record<string, string> {
  return presetEnv('strava', CLIENT_ID, CLIENT_SECRET, {
    STRAVA_AUTHORIZE_URL: `${strava.origin}/oauth/authorize`,
    STRAVA_ACCESS_TOKEN_URL: `${strava.origin}/oauth/token`,
    STRAVA_REVOCATION_URL: `${strava.origin}/oauth/deauthorize`,
    STRAVA_API_BASE_URL: `${strava.origin}/api/v3`,
  });
}

/** A refresh by hand, as another copy of the token would make it. */
function refreshElsewhere(strava: StravaEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${strava.origin}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const STRAVA: StandardProvider<StravaAthlete, StravaEmulator> = {
  preset: 'strava',
  displayName: 'Strava',
  startEmulator: () => startStravaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: stravaEnv,
  people: {
    cancelled: athlete(900_009, 'Changed', 'Mind'),
    'refused-code': athlete(700_007, 'Refused', 'Code'),
    'wrong-secret': athlete(800_008, 'Wrong', 'Secret'),
    'exchange-failure': athlete(900_009, 'Outage', 'Athlete'),
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Strava, against an emulator of Strava', (dialect) => {
  // Strava and the app share one clock that moves only when told: a refresh depends on how long the held token has left.
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startStravaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: clock.now }), env: stravaEnv }, { now: clock.now });

  const signIn = (person: StravaAthlete) => signInAs(context, 'strava', person);

  const expire = (userId: string) => context.database.db.updateTable('tokens').set({ expires_at: clock.now() - 10 }).where('user_id', '=', userId).execute();
  const proxied = (browser: TestBrowser, path: string) => browser.get(`${APP_ORIGIN}/api/providers/strava/proxy/${path}`);

  it('signs in as the athlete id from the token answer, with comma-joined scopes, the client in the body, no PKCE, and a six-hour token', async () => {
    const { database, emulator: strava, app } = context;
    const { userId, request } = await signIn(athlete(134_815, 'Marianne', 'Teutenberg'));
    expect(request.get('scope')).toBe('read,activity:read_all');
    expect(request.has('code_challenge')).toBe(false);
    const exchange = strava.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    // The person is read from the token answer's athlete: the API is not asked.
    expect(strava.server.counts.athlete ?? 0).toBe(0);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('134815');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 134_815, username: 'marianne_134815', name: 'Marianne Teutenberg' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Marianne Teutenberg', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'strava');
    expect(token).toMatchObject({ scope: 'read activity:read_all', refreshToken: expect.any(String) });
    expect(token!.expiresAt! - clock.now()).toBe(6 * HOUR);
  });

  it('keeps the scopes the person accepted, as the redirect back says: an unticked activity:read_all is not held', async () => {
    const { emulator: strava, app } = context;
    strava.untickNext(['activity:read_all']);
    const { browser, userId } = await signIn(athlete(200_002, 'Read', 'Only'));
    expect((await app.runtime.tokenStore.findToken(userId, 'strava'))!.scope).toBe('read');
    expect((await proxied(browser, 'athlete')).status).toBe(200);
  });

  it('20 concurrent calls on a token with under an hour left make one refresh, and the new refresh token replaces the old, which Strava then refuses', async () => {
    const { emulator: strava, app } = context;
    const { userId } = await signIn(athlete(300_003, 'Storm', 'Rotating'));
    const before = await app.runtime.tokenStore.findToken(userId, 'strava');
    // The library's calls: five hours on, the browser's session has ended.
    clock.advance(5 * HOUR + 1);
    await expire(userId);
    const refreshes = strava.server.counts.refresh_token ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.runtime.providerApi.fetch(userId, 'strava', '/athlete/activities')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(await answers[0]!.json()).toMatchObject([{ name: 'Morning Run', athlete: { id: 300_003 } }]);
    expect(strava.server.counts.refresh_token).toBe(refreshes + 1);
    const after = await app.runtime.tokenStore.findToken(userId, 'strava');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.scope).toBe('read activity:read_all');
    expect(strava.accepts(after!.accessToken)).toBe(true);
    const replay = await refreshElsewhere(strava, before!.refreshToken!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ message: 'Bad Request', errors: [{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }] });
  });

  it('a refresh while the held token has over an hour left is answered with that same token, which is kept with its own expiry', async () => {
    const { emulator: strava, app } = context;
    const { browser, userId } = await signIn(athlete(400_004, 'Same', 'Token'));
    const before = await app.runtime.tokenStore.findToken(userId, 'strava');
    clock.advance(HOUR);
    await expire(userId);
    const refreshes = strava.server.counts.refresh_token ?? 0;
    expect((await proxied(browser, 'athlete')).status).toBe(200);
    expect(strava.server.counts.refresh_token).toBe(refreshes + 1);
    const after = await app.runtime.tokenStore.findToken(userId, 'strava');
    expect(after).toMatchObject({ accessToken: before!.accessToken, refreshToken: before!.refreshToken, expiresAt: before!.expiresAt });
  });

  it("a refresh token Strava refuses (400, resource RefreshToken) marks the connection 'needs re-auth', with one attempt", async () => {
    const { emulator: strava, app } = context;
    const { userId } = await signIn(athlete(500_005, 'Refused', 'Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'strava');
    clock.advance(5 * HOUR + 1);
    // Refreshed behind the app's back: Strava returned a new refresh token, and no longer takes the stored one.
    expect((await refreshElsewhere(strava, stored!.refreshToken!)).status).toBe(200);
    await expire(userId);
    const refreshes = strava.server.counts.refresh_token ?? 0;
    const call = () => app.runtime.providerApi.fetch(userId, 'strava', '/athlete');
    await expect(call()).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(call()).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(strava.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'strava'))!.status).toBe('needs_reauth');
  });

  it('disconnect deauthorizes at Strava with the access token: one request, and neither token works after', async () => {
    const { emulator: strava } = context;
    const { browser, userId } = await signIn(athlete(600_006, 'Leaving', 'Athlete'));
    const stored = await expectDisconnectRevokes(context, 'strava', { browser, userId }, { counter: 'deauthorize', requests: 1 });
    expect(strava.accepts(stored.accessToken)).toBe(false);
    expect((await refreshElsewhere(strava, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, STRAVA, { cancelled: {}, refusedCode: { sentAs: '400, resource AuthorizationCode' } });
});

describeClientFailures(STRAVA, { wrongSecret: { sentAs: '401, resource Application', secret: 'ffffffffffffffffffffffffffffffffffffffff' }, exchangeFailure: {} });
