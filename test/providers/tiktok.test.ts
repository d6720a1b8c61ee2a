import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTikTokEmulator, type TikTokEmulator, type TikTokUser } from './tiktok.emulator.js';

const CLIENT_KEY = 'awk7q2m9x4c8v1b3';
const CLIENT_SECRET = 'Xy3kP9qL2mN8vB5cR7tW1zA4sD6fG0hJ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/tiktok/callback`;
const DAY = 86_400;
const USER_INFO = '/v2/user/info/?fields=open_id,union_id,avatar_url,display_name';

function person(openId: string, displayName: string): TikTokUser {
  return { openId, unionId: `union-${openId}`, displayName };
}

/** Only the documented variables: the preset, the client key as the client id, and each endpoint pointed at the emulator (user info moves with the API base). */
function tiktokEnv(tiktok: TikTokEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('tiktok', CLIENT_KEY, CLIENT_SECRET, {
    TIKTOK_AUTHORIZE_URL: `${tiktok.origin}/v2/auth/authorize/`,
    TIKTOK_ACCESS_TOKEN_URL: `${tiktok.origin}/v2/oauth/token/`,
    TIKTOK_REVOCATION_URL: `${tiktok.origin}/v2/oauth/revoke/`,
    TIKTOK_API_BASE_URL: tiktok.origin,
    ...extra,
  });
}

/** A refresh at TikTok itself, as another copy of the token would make it. */
function refreshAtTikTok(tiktok: TikTokEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${tiktok.origin}/v2/oauth/token/`, {
    method: 'POST',
    body: new URLSearchParams({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const startEmulator = (now?: () => number) => startTikTokEmulator({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const TIKTOK: StandardProvider<TikTokUser, TikTokEmulator> = {
  preset: 'tiktok',
  displayName: 'TikTok',
  startEmulator: () => startEmulator(),
  env: tiktokEnv,
  people: {
    cancelled: person('-000ChangedMind', 'Changed Mind'),
    'refused-code': person('-000RefusedCode', 'Refused Code'),
    'wrong-secret': person('-000WrongSecret', 'Wrong Secret'),
    'exchange-failure': person('-000OutagePerson', 'Outage Person'),
  },
  subjectOf: (user) => user.openId,
};

describeEachDialect('TikTok, against an emulator of TikTok', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: TIKTOK.startEmulator, env: (tiktok) => tiktokEnv(tiktok, { TIKTOK_SCOPE: 'user.info.basic video.list' }) });

  const signIn = (user: TikTokUser) => signInAs(context, 'tiktok', user);

  const userInfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/tiktok/proxy/v2/user/info/?fields=open_id,display_name`);

  it('signs in as the open_id of /v2/user/info/ (data.user) with its display name and no e-mail; the client key as client_key, comma-joined scopes, no PKCE, the client in the form', async () => {
    const { database, emulator: tiktok, app } = context;
    const { userId, request } = await signIn(person('-000Oq7rB3kXhZ', 'Tik Toker'));
    expect(request.get('client_key')).toBe(CLIENT_KEY);
    expect(request.get('scope')).toBe('user.info.basic,video.list');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('-000Oq7rB3kXhZ');
    expect(JSON.parse(account.claims)).toMatchObject({ open_id: '-000Oq7rB3kXhZ', union_id: 'union--000Oq7rB3kXhZ', display_name: 'Tik Toker', avatar_url: expect.stringMatching(/^https:\/\//) });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Tik Toker', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'tiktok');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^rft\./), scope: 'user.info.basic video.list' });
    const now = Math.floor(Date.now() / 1000);
    expect(token!.expiresAt! - now).toBeGreaterThan(7000);
    expect(token!.expiresAt! - now).toBeLessThanOrEqual(7200);
    expect(token!.refreshTokenExpiresAt! - now).toBeGreaterThan(180 * DAY - 100);
    expect(token!.refreshTokenExpiresAt! - now).toBeLessThanOrEqual(180 * DAY);
    const exchange = tiktok.server.requests.find((r) => r.path === '/v2/oauth/token/')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(tiktok.server.requests.find((r) => r.path.startsWith('/v2/user/info/'))).toMatchObject({ method: 'GET', path: USER_INFO, headers: { authorization: expect.stringMatching(/^Bearer act\./) } });
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and TikTok refuses the used one', async () => {
    const { emulator: tiktok } = context;
    const { browser, userId } = await signIn(person('-000StormRotating', 'Storm Rotating'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'tiktok', userId, () => userInfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: { user: { open_id: '-000StormRotating', display_name: 'Storm Rotating' } }, error: { code: 'ok' } });
    expect(after.scope).toBe('user.info.basic video.list');
    expect(await statusAndBody(refreshAtTikTok(tiktok, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant', log_id: expect.any(String) } });
  });

  it("a refresh token TikTok refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { app, emulator: tiktok } = context;
    const { browser, userId } = await signIn(person('-000RefusedRefresh', 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'tiktok');
    // Used behind the app's back (another copy of the token): TikTok no longer takes the stored one.
    expect((await refreshAtTikTok(tiktok, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(context.database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'tiktok', userId, () => userInfo(browser));
  });

  it('errors TikTok sends with HTTP 200 are the refusals they are: a refused code is a clear 400 with nothing stored, a refused refresh token needs re-auth', async () => {
    const { database, app, emulator: tiktok } = context;
    const { browser, userId } = await signIn(person('-000OkRefresh', 'Ok Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'tiktok');
    expect((await refreshAtTikTok(tiktok, stored!.refreshToken!)).status).toBe(200);
    tiktok.answerErrorsWithOk(true);
    try {
      const replay = await refreshAtTikTok(tiktok, stored!.refreshToken!);
      expect(replay.status).toBe(200);
      expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
      await expireAccessTokens(context.database, userId);
      const call = await userInfo(browser);
      expect(call.status).toBe(401);
      expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });

      const before = await rowCounts(database);
      tiktok.signInAs(person('-000OkRefusedCode', 'Ok Refused Code'));
      const other = app.browser();
      const stopped = await other.get(`${APP_ORIGIN}/login/tiktok`, { stopAt: `${APP_ORIGIN}/auth/tiktok/callback` });
      const callback = new URL(stopped.location!);
      callback.searchParams.set('code', 'not-a-code-tiktok-issued');
      const page = await other.get(callback);
      expect(page.status).toBe(400);
      expect(page.text).toContain('TikTok did not accept this sign-in');
      expect(await rowCounts(database)).toEqual(before);
    } finally {
      tiktok.answerErrorsWithOk(false);
    }
  });

  it('disconnect revokes the access token at /v2/oauth/revoke/ (client_key and client_secret in the form), and the grant ends', async () => {
    const { emulator: tiktok } = context;
    const { browser, userId } = await signIn(person('-000LeavingPerson', 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'tiktok', { browser, userId }, { requests: 1 });
    expect(tiktok.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtTikTok(tiktok, stored.refreshToken!)).status).toBe(400);
  });

  it('disconnect after the person removed the app at TikTok: its 400 for the token counts as revoked', async () => {
    const { app, emulator: tiktok } = context;
    const { browser, userId } = await signIn(person('-000AlreadyGone', 'Already Gone'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'tiktok');
    const removed = await fetch(`${tiktok.origin}/v2/oauth/revoke/`, { method: 'POST', body: new URLSearchParams({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, token: stored!.accessToken }) });
    expect(removed.status).toBe(200);
    expect(await disconnectThrough(browser, 'tiktok')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'tiktok')).toBeUndefined();
  });

  standardCases(() => context, TIKTOK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(TIKTOK, {
  title: 'TikTok refresh tokens (180 days, as each answer states) and the keep-alive sweep',
  name: 'refreshes an unused connection once before its refresh token’s stated end, and the connection outlives that refresh token',
  startEmulator,
  person: person('-000IdlePerson', 'Idle Person'),
  dueAfterDays: 173,
  // Past the first refresh token's 180 days, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(TIKTOK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
