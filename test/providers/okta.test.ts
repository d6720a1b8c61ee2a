import { afterEach, describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { expireAccessTokens, standardCases, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';
import { startOktaEmulator, type OktaEmulator, type OktaUser } from './okta.emulator.js';

const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const CLIENT_SECRET = 'okta-client-secret-0123456789abcdef';

function person(id: string, login: string, name: string): OktaUser {
  return { id, login, name, email: login };
}

const OKTA: ProviderUnderTest<OktaUser, OktaEmulator> = {
  preset: 'okta',
  displayName: 'Okta',
  people: {
    cancelled: person('00u1not2assigned3abc', 'nobody@example.com', 'No Body'),
    'refused-code': person('00u1bad2code3abcdefg', 'badcode@example.com', 'Bad Code'),
    'wrong-secret': person('00u1secret2rotated3a', 'secret@example.com', 'Se Cret'),
    'exchange-failure': person('00u1down2abcdefghijk', 'down@example.com', 'Down'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Okta (default authorization server, rotating refresh tokens), against an emulator of Okta', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startOktaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/okta/callback`, rotateRefreshTokens: true }),
    // The documented variables: the domain the preset needs, and the issuer and API base pointed at the emulator.
    env: (okta) => presetEnv('okta', CLIENT_ID, CLIENT_SECRET, {
      OKTA_DOMAIN: 'dev-12345678.okta.com',
      // The authorization server, as for one other than the org's default: its API base follows.
      OKTA_ISSUER: okta.issuer,
    }),
  });
  afterEach(() => {
    const { emulator: okta } = context;
    okta.rotateClientSecret(CLIENT_SECRET);
    okta.failTokenRequests(null);
  });

  async function signIn(browser: TestBrowser, user: OktaUser) {
    const { emulator: okta } = context;
    okta.signInAs(user);
    const start = await browser.get(`${APP_ORIGIN}/login/okta?next=/api/me`, { followRedirects: false });
    const request = new URL(start.location!).searchParams;
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    return { request, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  }

  const proxy = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/okta/proxy/v1/userinfo`);

  it('signs in as the Okta user id with offline_access (no consent prompt), Basic client authentication and a one-hour token', async () => {
    const { database, emulator: okta, app } = context;
    const { request, userId } = await signIn(app.browser(), person('00u1ada2lovelace3abc', 'ada@example.com', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('openid profile email offline_access');
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: okta.issuer, subject: '00u1ada2lovelace3abc' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    const token = await app.runtime.tokenStore.findToken(userId, 'okta');
    expect(token!.refreshToken).toEqual(expect.any(String));
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    expect(okta.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(okta.server.counts.client_secret_post).toBeUndefined();
  });

  it('the proxy reaches the authorization server (userinfo) with the token', async () => {
    const { app } = context;
    const browser = app.browser();
    await signIn(browser, person('00u1grace2hopper3abc', 'grace@example.com', 'Grace Hopper'));
    const answer = await proxy(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: '00u1grace2hopper3abc', preferred_username: 'grace@example.com' });
  });

  it('20 concurrent calls on an expired token make one refresh; the rotated refresh token is kept and works for the next refresh', async () => {
    const { database, emulator: okta, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('00u1alan2turing3abcd', 'alan@example.com', 'Alan Turing'));
    const before = await app.runtime.tokenStore.findToken(userId, 'okta');
    await expireAccessTokens(database, userId);
    const refreshes = okta.server.counts.refresh_token ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => proxy(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(okta.server.counts.refresh_token).toBe(refreshes + 1);
    const after = await app.runtime.tokenStore.findToken(userId, 'okta');
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    // The used refresh token is dead at Okta: a second refresh succeeds only with the stored rotation.
    await expireAccessTokens(database, userId);
    expect((await proxy(browser)).status).toBe(200);
    expect(okta.server.counts.refresh_token).toBe(refreshes + 2);
  });

  it('disconnect revokes at /v1/revoke (refresh token, then access token) and deletes the tokens', async () => {
    const { emulator: okta, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('00u1barbara2liskov3a', 'barbara@example.com', 'Barbara Liskov'));
    const stored = await expectDisconnectRevokes(context, 'okta', { browser, userId }, { requests: 2 });
    expect(okta.liveGrants('00u1barbara2liskov3a')).toBe(0);
    expect(okta.accepts(stored.accessToken)).toBe(false);
  });

  it('a refresh token revoked at Okta: invalid_grant marks the connection "needs re-auth"', async () => {
    const { database, emulator: okta, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('00u1edsger2dijkstra3', 'edsger@example.com', 'Edsger Dijkstra'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'okta');
    // An admin clears the user's sessions and tokens for the app.
    await fetch(`${okta.issuer}/v1/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ token: stored!.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    await expireAccessTokens(database, userId);
    const call = await proxy(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'okta'))!.status).toBe('needs_reauth');
  });

  standardCases(() => context, OKTA, {
    // A person not assigned to the app is turned away with access_denied: not the person's doing, so the message must not say only that they cancelled.
    cancelled: { sentAs: 'access_denied, for a person not assigned to the app', deny: (emulator) => emulator.unassignNextUser() },
    refusedCode: { sentAs: 'invalid_grant' },
    wrongSecret: {
      sentAs: 'invalid_client, 401, after the secret was rotated',
      rotate: (emulator) => {
        emulator.rotateClientSecret('okta-new-secret');
        return () => emulator.rotateClientSecret(CLIENT_SECRET);
      },
    },
    // Okta's 500 is E0000009.
    exchangeFailure: { fail: (emulator, status) => emulator.failTokenRequests(status), recover: (emulator) => emulator.failTokenRequests(null) },
  });
});

describeEachDialect('Okta refresh tokens that expire if not used every 7 days (persistent ones, the default), against an emulator of Okta', (dialect) => {
  const DAY = 86_400;
  // Okta, the app and its keep-alive sweep share one clock that moves only when told.
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startOktaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/okta/callback`, now: clock.now }),
    env: (okta) => presetEnv('okta', CLIENT_ID, CLIENT_SECRET, { OKTA_DOMAIN: 'dev-12345678.okta.com', OKTA_ISSUER: okta.issuer }),
  }, { now: clock.now });

  async function signIn(user: OktaUser): Promise<string> {
    const { emulator: okta, app } = context;
    okta.signInAs(user);
    const page = await app.browser().get(`${APP_ORIGIN}/login/okta?next=/api/me`);
    expect(page.status).toBe(200);
    return (JSON.parse(page.text) as { user: { id: string } }).user.id;
  }

  it('an unused connection: the sweep on day 6 refreshes it once, and it still works on day 10', async () => {
    const { emulator: okta, app } = context;
    const userId = await signIn(person('00u1keep2alive3abcde', 'keep@example.com', 'Keep Alive'));
    const refreshes = okta.server.counts.refresh_token ?? 0;
    clock.advance(6 * DAY);
    // serve's sweep (on by default): the okta preset's refresh tokens idle out after 7 days, so the last 1.75 are due.
    expect(await app.runtime.refreshKeepalive!.sweep()).toMatchObject({ due: 1, refreshed: 1, failed: 0 });
    expect(okta.server.counts.refresh_token).toBe(refreshes + 1);
    expect(await app.runtime.refreshKeepalive!.sweep()).toMatchObject({ due: 0, refreshed: 0 });

    clock.advance(4 * DAY);
    const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'okta');
    expect(okta.server.counts.refresh_token).toBe(refreshes + 2);
    expect(okta.accepts(accessToken)).toBe(true);
    expect((await app.runtime.tokenStore.findToken(userId, 'okta'))!.status).toBe('active');
  });

  it('without the sweep, the refresh on day 8 is refused (invalid_grant) and the connection needs re-auth', async () => {
    const { emulator: okta, app } = context;
    const userId = await signIn(person('00u1left2unused3abcd', 'unused@example.com', 'Left Unused'));
    const refreshes = okta.server.counts.refresh_token ?? 0;
    clock.advance(8 * DAY);
    await expect(app.runtime.tokens.getAccessToken(userId, 'okta')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(okta.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'okta'))!.status).toBe('needs_reauth');
  });
});

describe('the okta preset in production', () => {
  const env = { OKTA_PRESET: 'okta', OKTA_CLIENT_ID: CLIENT_ID, OKTA_CLIENT_SECRET: CLIENT_SECRET };

  it('takes the default custom authorization server of OKTA_DOMAIN, offline_access without a consent prompt, and needs the domain', () => {
    expect(providerSettings({ ...env, OKTA_DOMAIN: 'dev-12345678.okta.com' }, 'okta', true)).toMatchObject({
      displayName: 'Okta',
      discovery: { issuer: 'https://dev-12345678.okta.com/oauth2/default' },
      scope: 'openid profile email offline_access',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(() => providerSettings(env, 'okta', true)).toThrow('OKTA_DOMAIN is missing');
    expect(() => providerSettings({ ...env, OKTA_DOMAIN: 'https://dev-1.okta.com' }, 'okta', true)).toThrow('OKTA_DOMAIN is not a valid domain');
  });
});
