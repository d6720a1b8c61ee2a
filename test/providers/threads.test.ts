import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startThreadsEmulator, type ThreadsEmulator, type ThreadsUser } from './threads.emulator.js';

// A Threads app id and secret of the form the App Dashboard shows.
const CLIENT_ID = '990602627938098';
const CLIENT_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const REDIRECT_URI = `${APP_ORIGIN}/auth/threads/callback`;
const DAY = 86_400;
const SIXTY_DAYS = 60 * DAY;

function person(n: number, username: string, name = ''): ThreadsUser {
  return { userId: `72945000000${String(n).padStart(4, '0')}`, username, name };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/me and the renewals follow the API base). */
function threadsEnv(threads: ThreadsEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'threads',
    THREADS_PRESET: 'threads',
    THREADS_CLIENT_ID: CLIENT_ID,
    THREADS_CLIENT_SECRET: CLIENT_SECRET,
    THREADS_AUTHORIZE_URL: `${threads.origin}/oauth/authorize`,
    THREADS_ACCESS_TOKEN_URL: `${threads.origin}/oauth/access_token`,
    THREADS_API_BASE_URL: `${threads.origin}/v1.0`,
  };
}

const start = (now?: () => number) => startThreadsEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const THREADS: StandardProvider<ThreadsUser, ThreadsEmulator> = {
  preset: 'threads',
  displayName: 'Threads',
  startEmulator: () => start(),
  env: threadsEnv,
  people: {
    cancelled: person(108, 'changed.mind'),
    'refused-code': person(109, 'refused.code'),
    'wrong-secret': person(301, 'wrong.secret'),
    'exchange-failure': person(302, 'outage.person'),
  },
  subjectOf: (user) => user.userId,
};

const posts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/threads/proxy/me/threads`);

describeEachDialect('Threads, against an emulator of the Threads API', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start(clock.now), env: threadsEnv }, { now: clock.now });
  const signIn = (user: ThreadsUser) => signInAs(context, 'threads', user);
  const stored = (userId: string) => context.app.runtime.tokenStore.findToken(userId, 'threads');
  /** A call through the library once the clock has moved past the browser's session: the status, or the error code thrown. */
  const postsOf = async (userId: string): Promise<number | string> => {
    try {
      const answer = await context.app.runtime.providerApi.fetch(userId, 'threads', '/me/threads');
      await answer.body?.cancel();
      return answer.status;
    } catch (error) {
      return String((error as { code?: unknown }).code);
    }
  };

  it('signs in as the Threads user id of /me with the name and picture, no e-mail; stores the 60-day token of one exchange at sign-in (the app secret in its query), and no refresh token', async () => {
    const { database, emulator: threads } = context;
    const exchanges = threads.server.counts.th_exchange_token ?? 0;
    const { userId, request } = await signIn(person(101, 'ada.posts', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('threads_basic');
    expect(threads.server.counts.th_exchange_token).toBe(exchanges + 1);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('729450000000101');
    expect(JSON.parse(account.claims)).toMatchObject({ username: 'ada.posts', picture: 'https://scontent.cdninstagram.com/v/t51.2885-19/729450000000101.jpg' });
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await stored(userId);
    expect(token).toMatchObject({ refreshToken: null, scope: 'threads_basic', status: 'active' });
    expect(threads.isLongLived(token!.accessToken)).toBe(true);
    expect(token!.expiresAt! - clock.now()).toBe(SIXTY_DAYS);
    const renewal = new URL(threads.server.requests.findLast((r) => r.path.startsWith('/access_token?'))!.path, threads.origin);
    expect(Object.fromEntries(renewal.searchParams)).toMatchObject({ grant_type: 'th_exchange_token', client_secret: CLIENT_SECRET });
  });

  it('a person without a name is named by the username', async () => {
    const { userId } = await signIn(person(102, 'no.name.here'));
    expect(await context.database.db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'no.name.here' });
  });

  it('the proxy calls the Threads API; 20 concurrent calls on a token near its end make one renewal (th_refresh_token), and the renewed token lives 60 days from then', async () => {
    const { emulator: threads } = context;
    const { browser, userId } = await signIn(person(103, 'storm.person', 'Storm Person'));
    const call = await posts(browser);
    expect(call.status).toBe(200);
    expect(JSON.parse(call.text)).toMatchObject({ data: [{ text: 'by storm.person' }] });
    const before = await stored(userId);
    clock.advance(SIXTY_DAYS - 30);
    const renewals = threads.server.counts.th_refresh_token ?? 0;
    expect(await Promise.all(Array.from({ length: 20 }, () => postsOf(userId)))).toEqual(Array(20).fill(200));
    expect(threads.server.counts.th_refresh_token).toBe(renewals + 1);
    const after = await stored(userId);
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.expiresAt! - clock.now()).toBe(SIXTY_DAYS);
    expect(threads.isLongLived(after!.accessToken)).toBe(true);
  });

  it("a token the API says ended (code 190: the app removed in Threads' settings) is renewed once, refused, and the connection needs re-auth", async () => {
    const { emulator: threads } = context;
    const removed = person(107, 'removed.app', 'Removed App');
    const { browser, userId } = await signIn(removed);
    clock.advance(3_600);
    threads.removeApp(removed);
    const renewals = threads.server.counts.th_refresh_token ?? 0;
    const call = await posts(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(threads.server.counts.th_refresh_token).toBe(renewals + 1);
    expect((await stored(userId))!.status).toBe('needs_reauth');
  });

  it('disconnect deletes the tokens here and says they were not revoked at Threads, which documents no way to: no request is sent', async () => {
    const { emulator: threads, app } = context;
    const { browser, userId } = await signIn(person(111, 'goodbye.person', 'Goodbye Person'));
    const requests = threads.server.requests.length;
    expect(await disconnectThrough(browser, 'threads')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(threads.server.requests.length).toBe(requests);
    expect(await app.runtime.tokenStore.findToken(userId, 'threads')).toBeUndefined();
  });

  standardCases(() => context, THREADS, { cancelled: {}, refusedCode: { sentAs: 'OAuthException "Invalid authorization code"' } });
});

describeKeepAlive(THREADS, {
  title: 'Threads connections left unused, against an emulator on a shared clock',
  name: 'the keep-alive sweep renews the 60-day token in its last week; the renewed one is renewed again on use near its own end, past the first one',
  startEmulator: (now) => start(now),
  person: person(130, 'idle.person', 'Idle Person'),
  dueAfterDays: 53,
  rotates: false,
  // 30 s before the renewed token's end, within the leeway: the use renews it.
  usedAgainAfterDays: (SIXTY_DAYS - 30) / DAY,
});

describeClientFailures(THREADS, { wrongSecret: { sentAs: 'OAuthException "Error validating client secret"' }, exchangeFailure: {} });
