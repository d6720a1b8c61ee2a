import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { GRAPH_VERSION, startInstagramEmulator, type InstagramEmulator, type InstagramUser } from './instagram.emulator.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { APP_ORIGIN, csrfTokenOf, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An Instagram App ID and secret of the form the App Dashboard shows.
const CLIENT_ID = '990602627938098';
const CLIENT_SECRET = '6f1c2e9a0b7d4c3e8f5a1b2c3d4e5f60';
const REDIRECT_URI = `${APP_ORIGIN}/auth/instagram/callback`;
const DAY = 86_400;
const SIXTY_DAYS = 60 * DAY;

function person(n: number, username: string, name = ''): InstagramUser {
  return { appScopedId: `2640000000000${String(n).padStart(4, '0')}`, accountId: `1784140000000${String(n).padStart(4, '0')}`, username, name };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/me and the renewals follow the API base). */
function instagramEnv(instagram: InstagramEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'instagram',
    INSTAGRAM_PRESET: 'instagram',
    INSTAGRAM_CLIENT_ID: CLIENT_ID,
    INSTAGRAM_CLIENT_SECRET: CLIENT_SECRET,
    INSTAGRAM_AUTHORIZE_URL: `${instagram.origin}/oauth/authorize`,
    INSTAGRAM_ACCESS_TOKEN_URL: `${instagram.origin}/oauth/access_token`,
    INSTAGRAM_API_BASE_URL: `${instagram.origin}/${GRAPH_VERSION}`,
  };
}

const INSTAGRAM: StandardProvider<InstagramUser, InstagramEmulator> = {
  preset: 'instagram',
  displayName: 'Instagram',
  startEmulator: () => startInstagramEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: instagramEnv,
  people: {
    cancelled: person(108, 'changed.mind'),
    'refused-code': person(109, 'refused.code'),
    'wrong-secret': person(301, 'wrong.secret'),
    'exchange-failure': person(302, 'outage.person'),
  },
  subjectOf: (user) => user.accountId,
};

const media = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/instagram/proxy/me/media`);

describeEachDialect('Instagram, against an emulator of the Instagram API with Instagram Login', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startInstagramEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: clock.now }), env: instagramEnv },
    { now: clock.now },
  );
  const signIn = (user: InstagramUser) => signInAs(context, 'instagram', user);
  const stored = (userId: string) => context.app.runtime.tokenStore.findToken(userId, 'instagram');
  /** A call through the library once the clock has moved past the browser's session: the status, or the error code thrown. */
  const mediaOf = async (userId: string): Promise<number | string> => {
    try {
      const answer = await context.app.runtime.providerApi.fetch(userId, 'instagram', '/me/media');
      await answer.body?.cancel();
      return answer.status;
    } catch (error) {
      return String((error as { code?: unknown }).code);
    }
  };

  it("signs in as the professional account's user_id with its name, stores the 60-day token of one exchange at sign-in, and no refresh token", async () => {
    const { database, emulator: instagram } = context;
    const exchanges = instagram.server.counts.ig_exchange_token ?? 0;
    const { userId, request } = await signIn(person(101, 'ada.codes', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('instagram_business_basic');
    expect(request.get('response_type')).toBe('code');
    expect(instagram.server.counts.ig_exchange_token).toBe(exchanges + 1);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('17841400000000101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '26400000000000101', username: 'ada.codes' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await stored(userId);
    expect(token).toMatchObject({ refreshToken: null, scope: 'instagram_business_basic', status: 'active' });
    expect(instagram.isLongLived(token!.accessToken)).toBe(true);
    expect(token!.expiresAt! - clock.now()).toBe(SIXTY_DAYS);
    const exchange = instagram.server.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(exchange.method).toBe('POST');
    // The exchange for the long-lived token sent the app secret in its query, as documented.
    const renewal = new URL(instagram.server.requests.findLast((r) => r.path.startsWith('/access_token?'))!.path, instagram.origin);
    expect(renewal.searchParams.get('client_secret')).toBe(CLIENT_SECRET);
  });

  it('an account without a name is named by its username', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'no.name.here'));
    expect(await database.db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'no.name.here' });
  });

  it('the proxy calls the Graph API with the stored token; a token younger than 24 hours is not renewed: a forced refresh is refused by Instagram and the call goes on with the live token', async () => {
    const { emulator: instagram, app } = context;
    const { browser, userId } = await signIn(person(103, 'young.token', 'Young Token'));
    const before = await stored(userId);
    const renewals = instagram.server.counts.ig_refresh_token ?? 0;
    const call = await media(browser);
    expect(call.status).toBe(200);
    expect(JSON.parse(call.text)).toMatchObject({ data: [{ caption: 'by young.token' }] });
    clock.advance(12 * 3_600);
    expect(await mediaOf(userId)).toBe(200);
    expect(instagram.server.counts.ig_refresh_token ?? 0).toBe(renewals);
    await expect(app.runtime.tokens.refresh(userId, 'instagram')).rejects.toMatchObject({ name: 'ProviderUnavailableError' });
    expect(instagram.server.counts.ig_refresh_token).toBe(renewals + 1);
    expect(await stored(userId)).toMatchObject({ accessToken: before!.accessToken, expiresAt: before!.expiresAt, status: 'active' });
    expect(await mediaOf(userId)).toBe(200);
    expect(instagram.server.counts.ig_refresh_token).toBe(renewals + 1);
  });

  it('20 concurrent calls on a token near its end make one renewal (ig_refresh_token), and the renewed token lives 60 days from then', async () => {
    const { emulator: instagram } = context;
    const { userId } = await signIn(person(104, 'storm.person', 'Storm Person'));
    const before = await stored(userId);
    clock.advance(SIXTY_DAYS - 30);
    const renewals = instagram.server.counts.ig_refresh_token ?? 0;
    expect(await Promise.all(Array.from({ length: 20 }, () => mediaOf(userId)))).toEqual(Array(20).fill(200));
    expect(instagram.server.counts.ig_refresh_token).toBe(renewals + 1);
    const after = await stored(userId);
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.expiresAt! - clock.now()).toBe(SIXTY_DAYS);
    expect(after).toMatchObject({ refreshToken: null, scope: 'instagram_business_basic', status: 'active' });
    expect(instagram.isLongLived(after!.accessToken)).toBe(true);
  });

  it('a renewal Instagram fails (HTTP 503) leaves the live token in use, and a later call renews it', async () => {
    const { emulator: instagram } = context;
    const { userId } = await signIn(person(105, 'outage.later', 'Outage Later'));
    const before = await stored(userId);
    clock.advance(SIXTY_DAYS - 30);
    instagram.failNextRenewal(503);
    const renewals = instagram.server.counts.ig_refresh_token ?? 0;
    expect(await mediaOf(userId)).toBe(200);
    expect(instagram.server.counts.ig_refresh_token).toBe(renewals + 1);
    expect(await stored(userId)).toMatchObject({ accessToken: before!.accessToken, status: 'active' });
    clock.advance(10);
    expect(await mediaOf(userId)).toBe(200);
    expect(instagram.server.counts.ig_refresh_token).toBe(renewals + 2);
    expect((await stored(userId))!.accessToken).not.toBe(before!.accessToken);
  });

  it("the app removed from the person's account: the renewal is refused with code 190, the connection needs re-auth, and Instagram is asked once", async () => {
    const { emulator: instagram } = context;
    const leaving = person(106, 'leaving.soon', 'Leaving Soon');
    const { userId } = await signIn(leaving);
    instagram.removeApp(leaving);
    clock.advance(SIXTY_DAYS - 30);
    const renewals = instagram.server.counts.ig_refresh_token ?? 0;
    expect(await mediaOf(userId)).toBe('needs_reauth');
    expect(await mediaOf(userId)).toBe('needs_reauth');
    expect(instagram.server.counts.ig_refresh_token).toBe(renewals + 1);
    expect((await stored(userId))!.status).toBe('needs_reauth');
  });

  it('a token the API says ended (code 190, HTTP 400) is renewed once, refused, and the connection needs re-auth', async () => {
    const { emulator: instagram } = context;
    const removed = person(107, 'removed.app', 'Removed App');
    const { browser, userId } = await signIn(removed);
    clock.advance(3_600);
    instagram.removeApp(removed);
    const renewals = instagram.server.counts.ig_refresh_token ?? 0;
    const call = await media(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(instagram.server.counts.ig_refresh_token).toBe(renewals + 1);
    expect((await stored(userId))!.status).toBe('needs_reauth');
  });

  it('the exchange for a long-lived token failing at sign-in fails the sign-in (502), and nothing is stored', async () => {
    const { database, emulator: instagram, app } = context;
    const before = await database.db.selectFrom('tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    instagram.signInAs(person(110, 'exchange.fails'));
    instagram.failNextRenewal(500);
    const page = await signInThrough(app.browser(), 'instagram');
    expect(page.status).toBe(502);
    const after = await database.db.selectFrom('tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await database.db.selectFrom('accounts').select('id').where('subject', '=', '17841400000000110').execute()).toEqual([]);
  });

  it('disconnect deletes the tokens here and says they were not revoked at Instagram, which documents no way to: no request is sent', async () => {
    const { emulator: instagram, app } = context;
    const { browser, userId } = await signIn(person(111, 'goodbye.person', 'Goodbye Person'));
    const requests = instagram.server.requests.length;
    const answer = await browser.request(`${APP_ORIGIN}/account/connections/instagram`, { method: 'DELETE', headers: { 'x-csrf-token': await csrfTokenOf(browser) } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(instagram.server.requests.length).toBe(requests);
    expect(await app.runtime.tokenStore.findToken(userId, 'instagram')).toBeUndefined();
  });

  standardCases(() => context, INSTAGRAM, { cancelled: {}, refusedCode: { sentAs: 'OAuthException "Invalid authorization code"' } });
});

describeEachDialect('Instagram answering the code exchange as its docs show it, wrapped in data', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startInstagramEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, wrappedCodeAnswer: true }),
    env: (instagram) => ({ ...instagramEnv(instagram), INSTAGRAM_SCOPE: 'instagram_business_basic instagram_business_manage_comments' }),
  });

  it('reads the token and the comma-separated permissions (as the scope) out of data, asks for the scopes comma-separated, and exchanges the token once', async () => {
    const { emulator: instagram, app } = context;
    const { userId, request } = await signInAs(context, 'instagram', person(120, 'wrapped.answer', 'Wrapped Answer'));
    expect(request.get('scope')).toBe('instagram_business_basic,instagram_business_manage_comments');
    expect(instagram.server.counts.ig_exchange_token).toBe(1);
    const token = await app.runtime.tokenStore.findToken(userId, 'instagram');
    expect(token).toMatchObject({ refreshToken: null, scope: 'instagram_business_basic instagram_business_manage_comments' });
    expect(instagram.isLongLived(token!.accessToken)).toBe(true);
  });
});

describeKeepAlive(INSTAGRAM, {
  title: 'Instagram connections left unused, against an emulator on a shared clock',
  name: 'the keep-alive sweep renews the 60-day token in its last week; the renewed one is renewed again on use near its own end, past the first one',
  startEmulator: (now) => startInstagramEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(130, 'idle.person', 'Idle Person'),
  dueAfterDays: 53,
  rotates: false,
  // 30 s before the renewed token's end, within the leeway: the use renews it.
  usedAgainAfterDays: (SIXTY_DAYS - 30) / DAY,
});

describeClientFailures(INSTAGRAM, { wrongSecret: { sentAs: 'OAuthException "Error validating client secret"' }, exchangeFailure: {} });
