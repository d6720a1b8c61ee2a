import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startRedditEmulator, type RedditAccount, type RedditEmulator } from './reddit.emulator.js';

// Reddit's client ids and secrets hold `-` and `_`: form-encoded (RFC 6749 §2.3.1), they would reach it as `%2D` and `%5F`.
const CLIENT_ID = 'p-jcoLKBynTLew';
const CLIENT_SECRET = 'gko_LXELoV07ZBNUXrvWZfzE3aI-x';
const REDIRECT_URI = `${APP_ORIGIN}/auth/reddit/callback`;

function account(id: string, name: string): RedditAccount {
  return { id, name };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function redditEnv(reddit: RedditEmulator): Record<string, string> {
  return presetEnv('reddit', CLIENT_ID, CLIENT_SECRET, {
    REDDIT_AUTHORIZE_URL: `${reddit.origin}/api/v1/authorize`,
    REDDIT_ACCESS_TOKEN_URL: `${reddit.origin}/api/v1/access_token`,
    REDDIT_REVOCATION_URL: `${reddit.origin}/api/v1/revoke_token`,
    REDDIT_API_BASE_URL: reddit.origin,
  });
}

const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const userAgent = 'test:tokenkeeper-tests:v1 (by /u/tokenkeeper)';

const REDDIT: StandardProvider<RedditAccount, RedditEmulator> = {
  preset: 'reddit',
  displayName: 'Reddit',
  startEmulator: () => startRedditEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: redditEnv,
  people: {
    cancelled: account('8pqr', 'changed_mind'),
    'refused-code': account('5ghi', 'refused_code'),
    'wrong-secret': account('6jkl', 'wrong_secret'),
    'exchange-failure': account('7mno', 'outage_account'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Reddit, against an emulator of Reddit', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), REDDIT);

  const signIn = (person: RedditAccount) => signInAs(context, 'reddit', person);

  const proxied = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/reddit/proxy/api/v1/me`);

  it('signs in as the account id with duration=permanent, plain Basic credentials and a descriptive User-Agent on every request; a one-hour token and a refresh token', async () => {
    const { database, emulator: reddit, app } = context;
    const { userId, request } = await signIn(account('1w72', 'spez'));
    expect(request.get('duration')).toBe('permanent');
    expect(request.get('scope')).toBe('identity');
    const exchange = reddit.server.requests.find((r) => r.path === '/api/v1/access_token')!;
    expect(exchange.headers.authorization).toBe(basic);
    // The app named by its own client id, as no other app's is.
    expect(exchange.headers['user-agent']).toBe(`server:${CLIENT_ID}:v1 (Tokenkeeper OAuth token service)`);
    expect(reddit.server.requests.find((r) => r.path === '/api/v1/me')!.headers['user-agent']).toBe(exchange.headers['user-agent']);
    expect(reddit.server.counts.throttled ?? 0).toBe(0);
    const account_ = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account_.subject).toBe('1w72');
    expect(JSON.parse(account_.claims)).toMatchObject({ id: '1w72', name: 'spez' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'spez', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'reddit');
    expect(token).toMatchObject({ scope: 'identity', refreshToken: expect.any(String) });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(3600);
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, and the refresh token Reddit did not replace is kept', async () => {
    const { emulator: reddit } = context;
    const { browser, userId } = await signIn(account('2x9k', 'storm_account'));
    const { answers } = await expectKeptAfterStorm(context, 'reddit', userId, () => proxied(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ id: '2x9k', name: 'storm_account' });
    expect(reddit.server.counts.throttled ?? 0).toBe(0);
  });

  it("a refresh token Reddit no longer knows (400 invalid_request) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: reddit, app } = context;
    const { browser, userId } = await signIn(account('3abc', 'revoked_elsewhere'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'reddit');
    // The person removed the app in their Reddit preferences: its refresh token ends.
    const revoked = await fetch(`${reddit.origin}/api/v1/revoke_token`, {
      method: 'POST',
      headers: { authorization: basic, 'user-agent': userAgent },
      body: new URLSearchParams({ token: stored!.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoked.status).toBe(204);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: reddit }, 'reddit', userId, () => proxied(browser));
  });

  it('disconnect revokes the refresh token at Reddit: one request, and its access token ends with it', async () => {
    const { emulator: reddit } = context;
    const { browser, userId } = await signIn(account('4def', 'leaving_account'));
    const stored = await expectDisconnectRevokes(context, 'reddit', { browser, userId }, { requests: 1 });
    expect(reddit.server.counts.throttled ?? 0).toBe(0);
    expect(reddit.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, REDDIT, { cancelled: {}, refusedCode: { sentAs: '{"error": "invalid_grant"} with HTTP 200' } });
});

describeClientFailures(REDDIT, { wrongSecret: { sentAs: 'a bare 401' }, exchangeFailure: {} });

describe('REDDIT_USER_AGENT: the User-Agent with the contact Reddit asks for', () => {
  const configured = 'server:acme-reports:v2.1 (by /u/acme_ops)';
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), { startEmulator: REDDIT.startEmulator, env: (reddit) => ({ ...redditEnv(reddit), REDDIT_USER_AGENT: configured }) });

  it('goes on every request to Reddit in place of the preset’s: the code exchange, the user API, the proxied calls (whatever the caller sends) and the revocation', async () => {
    const { emulator: reddit, app } = context;
    reddit.signInAs(account('9stu', 'ops_person'));
    const browser = app.browser();
    expect((await browser.get(`${APP_ORIGIN}/login/reddit?next=/api/me`)).status).toBe(200);
    expect((await browser.get(`${APP_ORIGIN}/api/providers/reddit/proxy/api/v1/me`, { headers: { 'user-agent': 'Mozilla/5.0' } })).status).toBe(200);
    await disconnectThrough(browser, 'reddit');
    const paths = reddit.server.requests.map((request) => request.path.split('?')[0]);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/access_token', '/api/v1/me', '/api/v1/revoke_token']));
    expect(new Set(reddit.server.requests.filter((request) => request.path !== '/api/v1/authorize' && !request.path.startsWith('/api/v1/authorize?')).map((request) => request.headers['user-agent']))).toEqual(new Set([configured]));
  });
});
