import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { testClock, type TestClock } from '../support/clock.js';
import { describeEachDialect, type TestDatabase, type TestDialect } from '../support/postgres.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, rowCounts, standardCases, useProviderTest, type StandardContext, type StandardProvider } from './kit/standard-cases.js';
import { startSpotifyEmulator, type SpotifyEmulator, type SpotifyUser } from './spotify.emulator.js';

const CLIENT_ID = '5fe01282e44241328a84e7c5cc169165';
const CLIENT_SECRET = '9c7a1e0b3d5f4a6e8b2c4d6e8f0a1b3c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/spotify/callback`;

function person(id: string, displayName: string | null): SpotifyUser {
  return { id, displayName, email: `${id}@spotify.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function spotifyEnv(spotify: SpotifyEmulator): Record<string, string> {
  return presetEnv('spotify', CLIENT_ID, CLIENT_SECRET, {
    SPOTIFY_AUTHORIZE_URL: `${spotify.origin}/authorize`,
    SPOTIFY_ACCESS_TOKEN_URL: `${spotify.origin}/api/token`,
    SPOTIFY_USERINFO_URL: `${spotify.origin}/v1/me`,
    SPOTIFY_API_BASE_URL: `${spotify.origin}/v1`,
  });
}

const SPOTIFY: StandardProvider<SpotifyUser, SpotifyEmulator> = {
  preset: 'spotify',
  displayName: 'Spotify',
  startEmulator: () => startSpotifyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, rotateRefreshTokens: false }),
  env: spotifyEnv,
  people: {
    cancelled: person('changedmind', 'Changed Mind'),
    'refused-code': person('refused', 'Refused'),
    'wrong-secret': person('wrongsecret', 'Wrong'),
    'exchange-failure': person('outage', 'Outage'),
  },
  subjectOf: (user) => user.id,
};

type Context = StandardContext<SpotifyEmulator>;

function started(dialect: TestDialect, rotateRefreshTokens: boolean, options: { clock?: TestClock } = {}): Context {
  const now = options.clock ? { now: options.clock.now } : {};
  return useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startSpotifyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, rotateRefreshTokens, ...now }), env: spotifyEnv }, now);
}

const signIn = (context: Context, user: SpotifyUser) => signInAs(context, 'spotify', user);

const expire = (database: TestDatabase, userId: string, now = Math.floor(Date.now() / 1000)) =>
  database.db.updateTable('tokens').set({ expires_at: now - 10 }).where('user_id', '=', userId).execute();

/** 20 concurrent proxied calls on an expired token: all answered, with exactly one refresh at Spotify. */
async function concurrentCallsAfterExpiry({ emulator: spotify, database }: Context, browser: TestBrowser, userId: string): Promise<void> {
  await expire(database, userId);
  await expectOneRefreshFor20Calls(spotify, () => browser.get(`${APP_ORIGIN}/api/providers/spotify/proxy/me`));
}

describeEachDialect('Spotify (refreshes without a new refresh token), against an emulator of Spotify', (dialect) => {
  const context = started(dialect, false);

  it('signs in with PKCE and Basic client credentials as the user id, with the display name and an e-mail marked unverified; a 1-hour token and a refresh token', async () => {
    const { userId, request } = await signIn(context, person('wizzler', 'Wizzler'));
    const { emulator: spotify, database, app } = context;
    expect(request.get('scope')).toBe('user-read-email');
    expect(request.get('code_challenge_method')).toBe('S256');
    const exchange = spotify.server.requests.find((r) => r.path === '/api/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('wizzler');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 'wizzler', email_verified: false });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ name: 'Wizzler', email: 'wizzler@spotify.test', email_verified: false });
    const token = await app.runtime.tokenStore.findToken(userId, 'spotify');
    expect(token).toMatchObject({ scope: 'user-read-email', refreshToken: expect.any(String) });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
  });

  it('a person without a display name gets none', async () => {
    const { userId } = await signIn(context, person('31l77fd2zwrewtadq7cb2rq4jxyi', null));
    const user = await context.database.db.selectFrom('users').select(['name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.name).toBeNull();
  });

  it('the proxy reaches the Web API; 20 concurrent calls on an expired token make one refresh, and the refresh token Spotify did not replace is kept', async () => {
    const { browser, userId } = await signIn(context, person('storm', 'Storm'));
    const before = await context.app.runtime.tokenStore.findToken(userId, 'spotify');
    await concurrentCallsAfterExpiry(context, browser, userId);
    const after = await context.app.runtime.tokenStore.findToken(userId, 'spotify');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
    expect(context.emulator.accepts(after!.accessToken)).toBe(true);
    expect(JSON.parse((await browser.get(`${APP_ORIGIN}/api/providers/spotify/proxy/me`)).text)).toMatchObject({ id: 'storm', type: 'user' });
  });

  it('disconnect deletes the tokens and says Spotify revoked nothing (it has no revocation endpoint)', async () => {
    const { browser, userId } = await signIn(context, person('leaving', 'Leaving'));
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'spotify');
    expect(await disconnectThrough(browser, 'spotify')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(await context.app.runtime.tokenStore.findToken(userId, 'spotify')).toBeUndefined();
    expect(context.emulator.accepts(stored!.accessToken)).toBe(true);
  });

  standardCases(() => context, SPOTIFY, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' }, exchangeFailure: {} });

  it("an app in development mode refusing a person not on its allowlist (403 'User not registered in the Developer Dashboard') is a 502 in Spotify's words, and nothing is stored", async () => {
    context.emulator.signInAs(person('notlisted', 'Not Listed'));
    context.emulator.allowOnly(['someone-else']);
    try {
      const before = await rowCounts(context.database);
      const page = await signInThrough(context.app.browser(), 'spotify');
      expect(page.status).toBe(502);
      expect(page.text).toContain('Spotify refused the userinfo request (HTTP 403: User not registered in the Developer Dashboard).');
      expect(await rowCounts(context.database)).toEqual(before);
    } finally {
      context.emulator.allowOnly(null);
    }
  });
});

describeEachDialect('Spotify (refreshes with a new refresh token), against an emulator of Spotify', (dialect) => {
  const context = started(dialect, true);

  it('20 concurrent calls on an expired token make one refresh, and the new refresh token replaces the old one', async () => {
    const { browser, userId } = await signIn(context, person('rotating', 'Rotating'));
    const before = await context.app.runtime.tokenStore.findToken(userId, 'spotify');
    await concurrentCallsAfterExpiry(context, browser, userId);
    const after = await context.app.runtime.tokenStore.findToken(userId, 'spotify');
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(context.emulator.accepts(after!.accessToken)).toBe(true);
  });
});

describeEachDialect('Spotify refresh tokens, which end six months after the authorization', (dialect) => {
  const DAY = 86_400;
  // Spotify and the app share one clock that moves only when told.
  const clock = testClock();
  const context = started(dialect, false, { clock });

  it('refreshes within the six months; after them the refused refresh (invalid_grant) asks the person to connect again, with one attempt', async () => {
    const { userId } = await signIn(context, person('sixmonths', 'Six Months'));
    // The library's call: months later, no browser is still signed in.
    const call = () => context.app.runtime.providerApi.fetch(userId, 'spotify', '/me');
    clock.advance(180 * DAY);
    const refreshes = context.emulator.server.counts.refresh_token ?? 0;
    expect((await call()).status).toBe(200);
    clock.advance(4 * DAY);
    await expect(call()).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(call()).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(context.emulator.server.counts.refresh_token).toBe(refreshes + 2);
    expect((await context.app.runtime.tokenStore.findToken(userId, 'spotify'))!.status).toBe('needs_reauth');
  });
});

describeClientFailures(SPOTIFY, { wrongSecret: { sentAs: 'invalid_client', secret: 'ffffffffffffffffffffffffffffffff' } }, { title: 'Spotify with a wrong client secret' });
