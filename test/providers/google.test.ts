import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { startGoogleEmulator, type GoogleUser } from './google.emulator.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, presetEnv, signInThrough } from './kit/provider-app.js';
import { expireAccessTokens, useProviderTest } from './kit/standard-cases.js';

const CLIENT_ID = '123456789-test.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-test-secret';

function person(sub: string, name: string): GoogleUser {
  return { sub, name, email: `${name.toLowerCase().replace(/ /g, '.')}@gmail.test`, emailVerified: true };
}

describeEachDialect('Google, against an emulator of Google', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startGoogleEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/google/callback` }),
    env: (google) => presetEnv('google', CLIENT_ID, CLIENT_SECRET, {
      GOOGLE_ISSUER: google.origin,
      GOOGLE_API_BASE_URL: google.origin,
    }),
  });

  /** Signs in (the emulator approves at once); returns the authorization request's parameters and the user id. */
  async function signIn(browser: TestBrowser, user: GoogleUser) {
    const { emulator: google } = context;
    google.signInAs(user);
    const start = await browser.get(`${APP_ORIGIN}/login/google?next=/api/me`, { followRedirects: false });
    const request = new URL(start.location!).searchParams;
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    return { request, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  }

  async function signOut(browser: TestBrowser) {
    await browser.post(`${APP_ORIGIN}/logout`, { _csrf: await csrfTokenOf(browser) });
  }

  it('a first sign-in asks for offline access with consent and stores the refresh token; the ID token names the person', async () => {
    const { database, emulator: google, app } = context;
    const ada = person('110169484474386276334', 'Ada Lovelace');
    const { request, userId } = await signIn(app.browser(), ada);
    expect(request.get('access_type')).toBe('offline');
    expect(request.get('prompt')).toBe('consent');
    expect(request.get('code_challenge_method')).toBe('S256');
    const stored = await app.runtime.tokenStore.findToken(userId, 'google');
    expect(stored!.refreshToken).toEqual(expect.any(String));
    expect(stored!.scope).toContain('https://www.googleapis.com/auth/userinfo.email');
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada.lovelace@gmail.test', name: 'Ada Lovelace' });
    expect(google.liveRefreshTokens(ada.sub)).toBe(1);
  });

  it('a returning user is not asked for consent again: Google issues no new refresh token, and the stored one is kept', async () => {
    const { emulator: google, app } = context;
    const grace = person('2001', 'Grace Hopper');
    const browser = app.browser();
    const first = await signIn(browser, grace);
    const before = await app.runtime.tokenStore.findToken(first.userId, 'google');
    await signOut(browser);
    const screens = google.consentScreens;

    const again = await signIn(browser, grace);
    expect(again.userId).toBe(first.userId);
    expect(again.request.get('prompt')).toBeNull();
    expect(google.consentScreens).toBe(screens);
    expect(google.liveRefreshTokens(grace.sub)).toBe(1);
    const after = await app.runtime.tokenStore.findToken(first.userId, 'google');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, and the refresh token (not rotated) stays', async () => {
    const { database, emulator: google, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('2002', 'Alan Turing'));
    const before = await app.runtime.tokenStore.findToken(userId, 'google');
    await expireAccessTokens(database, userId);
    const answers = await expectOneRefreshFor20Calls(google, () => browser.get(`${APP_ORIGIN}/api/providers/google/proxy/drive/v3/about`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ user: { displayName: 'Alan Turing' } });
    const after = await app.runtime.tokenStore.findToken(userId, 'google');
    expect(after!.refreshToken).toBe(before!.refreshToken);
    expect(after!.accessToken).not.toBe(before!.accessToken);
  });

  it('disconnect revokes the grant; the access token Google already dropped with it (400 invalid_token) still counts as revoked', async () => {
    const { emulator: google, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('2003', 'Barbara Liskov'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'google');
    const revocations = google.server.counts.revoke ?? 0;
    expect(await disconnectThrough(browser, 'google')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(google.server.counts.revoke).toBe(revocations + 2);
    expect(google.accepts(stored!.accessToken)).toBe(false);
    expect(google.liveRefreshTokens('2003')).toBe(0);
  });

  it('access revoked at Google: needs re-auth, then the next sign-in asks for consent and brings a new refresh token', async () => {
    const { database, emulator: google, app } = context;
    const browser = app.browser();
    const edsger = person('2004', 'Edsger Dijkstra');
    const { userId } = await signIn(browser, edsger);
    const stored = await app.runtime.tokenStore.findToken(userId, 'google');
    // The person removes the app at myaccount.google.com: the grant ends.
    await fetch(`${google.origin}/revoke`, { method: 'POST', body: new URLSearchParams({ token: stored!.refreshToken! }) });
    await expireAccessTokens(database, userId);
    const call = await browser.get(`${APP_ORIGIN}/api/providers/google/proxy/drive/v3/about`);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });

    const again = await signIn(browser, edsger);
    expect(again.request.get('prompt')).toBe('consent');
    const renewed = await app.runtime.tokenStore.findToken(userId, 'google');
    expect(renewed!.status).toBe('active');
    expect(renewed!.refreshToken).not.toBe(stored!.refreshToken);
    expect(google.liveRefreshTokens(edsger.sub)).toBe(1);
  });
});

describeEachDialect('Google refresh tokens, which end unused for six months, and the keep-alive sweep', (dialect) => {
  const DAY = 86_400;
  // Google, the app and its sweep share one clock that moves only when told.
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startGoogleEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/google/callback`, now: clock.now }),
    env: (google) => presetEnv('google', CLIENT_ID, CLIENT_SECRET, { GOOGLE_ISSUER: google.origin, GOOGLE_API_BASE_URL: google.origin }),
  }, { now: clock.now });

  it('a sign-in that brings no new refresh token is no use of the stored one: the sweep still refreshes it before six months unused', async () => {
    const { database, emulator: google, app } = context;
    const ada = person('3001', 'Ada Idle');
    const browser = app.browser();
    google.signInAs(ada);
    expect((await signInThrough(browser, 'google')).status).toBe(200);
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'google').where('subject', '=', ada.sub).executeTakeFirstOrThrow();
    const refreshes = google.server.counts.refresh_token ?? 0;
    const sweep = () => app.runtime.refreshKeepalive!.sweep();

    // The person signs in again on day 172: Google asks no consent and sends no refresh token.
    clock.advance(172 * DAY);
    expect((await signInThrough(browser, 'google')).status).toBe(200);
    expect(google.authorizationRequests.at(-1)!.get('prompt')).toBeNull();
    // The refresh token, unused since its issue, ends on day 180: its last 7 days begin on day 173.
    clock.advance(DAY - 1);
    expect(await sweep()).toMatchObject({ due: 0 });
    // Within them, another such sign-in: it is still due, and refreshed.
    clock.advance(DAY / 2);
    expect((await signInThrough(browser, 'google')).status).toBe(200);
    expect(google.authorizationRequests.at(-1)!.get('prompt')).toBeNull();
    expect(await sweep()).toMatchObject({ due: 1, refreshed: 1, failed: 0 });
    expect(google.server.counts.refresh_token).toBe(refreshes + 1);
    expect(await sweep()).toMatchObject({ due: 0 });

    // A month later, past six months from its issue, the refresh token works: the sweep's refresh was its use.
    clock.advance(30 * DAY);
    const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'google');
    expect(google.server.counts.refresh_token).toBe(refreshes + 2);
    expect(google.accepts(accessToken)).toBe(true);
  });
});
