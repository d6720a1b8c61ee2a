import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWithingsEmulator, type WithingsEmulator, type WithingsUser } from './withings.emulator.js';

// A client id and secret of the length Withings' partner dashboard shows (64 hex digits).
const CLIENT_ID = '6f1c0b9d2e7a4c3f8b5d0e1a9c7f3b2d4e6a8c0f1b3d5e7a9c2f4b6d8e0a1c3e';
const CLIENT_SECRET = '0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e';
const REDIRECT_URI = `${APP_ORIGIN}/auth/withings/callback`;

const person = (id: number): WithingsUser => ({ id: 36_000_000 + id });

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function withingsEnv(withings: WithingsEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('withings', CLIENT_ID, CLIENT_SECRET, {
    WITHINGS_AUTHORIZE_URL: `${withings.origin}/oauth2_user/authorize2`,
    WITHINGS_ACCESS_TOKEN_URL: `${withings.origin}/v2/oauth2`,
    WITHINGS_API_BASE_URL: withings.origin,
    ...extra,
  });
}

/** A refresh at Withings itself, as another copy of the token would make it: Withings' answer, unwrapped of nothing. */
async function refreshAtWithings(withings: WithingsEmulator, refreshToken: string): Promise<{ status: number; body?: Record<string, unknown>; error?: string }> {
  const response = await refreshAtProvider(`${withings.origin}/v2/oauth2`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', extra: { action: 'requesttoken' } });
  expect(response.status).toBe(200);
  return (await response.json()) as { status: number };
}

const startEmulator = (now?: () => number) => startWithingsEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const WITHINGS: StandardProvider<WithingsUser, WithingsEmulator> = {
  preset: 'withings',
  displayName: 'Withings',
  startEmulator: () => startEmulator(),
  env: withingsEnv,
  people: { cancelled: person(108), 'refused-code': person(109), 'wrong-secret': person(301), 'exchange-failure': person(302) },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Withings, against an emulator of Withings', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WITHINGS);

  const signIn = (user: WithingsUser) => signInAs(context, 'withings', user);

  const measures = (browser: TestBrowser) => browser.request(`${APP_ORIGIN}/api/providers/withings/proxy/measure?action=getmeas&meastype=1`, { method: 'GET' });

  it('signs in as the userid of the token answer with no user call; scopes comma-joined, no PKCE, action=requesttoken and the client in the form, 3-hour tokens with a refresh token', async () => {
    const { database, emulator: withings, app } = context;
    const ada = person(101);
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user.info,user.metrics,user.activity');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'withings');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'user.info user.metrics user.activity' });
    expectAccessTokenLifetime(token, 10_700, 10_800);
    const exchange = withings.server.requests.filter((r) => r.path === '/v2/oauth2').at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(withings.server.requests.some((r) => r.path.startsWith('/measure'))).toBe(false);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the old one ends once the new access token is used', async () => {
    const { emulator: withings } = context;
    const { browser, userId } = await signIn(person(102));
    const { before, answers } = await expectRotatedAfterStorm(context, 'withings', userId, () => measures(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ status: 0, body: { measuregrps: [{ measures: [{ type: 1 }] }] } });
    const sent = withings.server.requests.filter((r) => r.path === '/v2/oauth2').at(-1)!;
    expect(sent.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(await refreshAtWithings(withings, before.refreshToken!)).toMatchObject({ status: 503, error: 'Invalid Params: invalid refresh_token' });
  });

  it("the app unlinked by the person: the refresh Withings refuses (HTTP 200, status 503) marks the connection 'needs re-auth', with one refused refresh", async () => {
    const { database, emulator: withings, app } = context;
    const user = person(103);
    const { browser, userId } = await signIn(user);
    withings.unlink(user);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: withings }, 'withings', userId, () => measures(browser));
  });

  it('an access token Withings stopped taking before its expiry (HTTP 200, status 401) is refreshed once and the call sent again', async () => {
    const { emulator: withings, app } = context;
    const { browser, userId } = await signIn(person(105));
    const before = await app.runtime.tokenStore.findToken(userId, 'withings');
    withings.endAccessToken(before!.accessToken);
    const refreshes = withings.server.counts.refresh_token ?? 0;
    const calls = withings.server.counts.measure ?? 0;
    const call = await measures(browser);
    expect(call.status).toBe(200);
    expect(JSON.parse(call.text)).toMatchObject({ status: 0, body: { measuregrps: [{ measures: [{ type: 1 }] }] } });
    expect(withings.server.counts.refresh_token).toBe(refreshes + 1);
    expect(withings.server.counts.measure).toBe(calls + 2);
    const after = await app.runtime.tokenStore.findToken(userId, 'withings');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(withings.accepts(after!.accessToken)).toBe(true);
  });

  it("the app unlinked while its access token is still within its expiry: the call's status 401 and the refused refresh mark the connection 'needs re-auth'", async () => {
    const { emulator: withings, app } = context;
    const user = person(106);
    const { browser, userId } = await signIn(user);
    withings.unlink(user);
    const refreshes = withings.server.counts.refresh_token ?? 0;
    const call = await measures(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(withings.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'withings'))!.status).toBe('needs_reauth');
  });

  it('disconnect deletes the tokens here and asks Withings nothing: a partner cannot unlink a person', async () => {
    const { emulator: withings, app } = context;
    const { browser, userId } = await signIn(person(104));
    await expectDisconnectAsksNothing(context, 'withings', { browser, userId });
  });

  it('too many requests (HTTP 200, status 601) at the code exchange is a 503, and nothing is stored', async () => {
    const { database, emulator: withings, app } = context;
    const before = await rowCounts(database);
    withings.refuseNextTokenRequest(601, 'Too Many Requests');
    withings.signInAs(person(110));
    const page = await signInThrough(app.browser(), 'withings');
    expect(page.status).toBe(503);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, WITHINGS, { cancelled: {}, refusedCode: { sentAs: 'HTTP 200, status 503 "invalid code"' } });
});

describeKeepAlive(WITHINGS, {
  title: 'Withings refresh tokens (a year) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its year, and the rotated refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startEmulator(now),
  person: person(201),
  dueAfterDays: 358,
  // 368 days after sign-in: the first refresh token is past its year (and was rotated out); the sweep's works.
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (withings, refreshToken) => {
    expect(await refreshAtWithings(withings, refreshToken)).toMatchObject({ status: 503 });
  },
});

describeClientFailures(WITHINGS, { wrongSecret: { sentAs: 'HTTP 200, status 503 "invalid client_secret"' }, exchangeFailure: {} });
