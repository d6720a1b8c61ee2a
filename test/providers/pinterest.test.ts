import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPinterestEmulator, type PinterestEmulator, type PinterestUser } from './pinterest.emulator.js';

const CLIENT_ID = '1504827';
const CLIENT_SECRET = '4d9c1f7e2b8a60d35e1f9c2a7b4d8e06f3a5c9b1';
const REDIRECT_URI = `${APP_ORIGIN}/auth/pinterest/callback`;
const DAY = 86_400;

function person(id: string, username: string): PinterestUser {
  return { id, username };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user account moves with the API base). */
function pinterestEnv(pinterest: PinterestEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('pinterest', CLIENT_ID, CLIENT_SECRET, {
    PINTEREST_AUTHORIZE_URL: `${pinterest.origin}/oauth/`,
    PINTEREST_ACCESS_TOKEN_URL: `${pinterest.origin}/v5/oauth/token`,
    PINTEREST_API_BASE_URL: `${pinterest.origin}/v5`,
    ...extra,
  });
}

/** A refresh at Pinterest itself, as another copy of the token would make it. */
function refreshAtPinterest(pinterest: PinterestEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${pinterest.origin}/v5/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

// An app created before September 25, 2025: its code exchange must ask for a continuous refresh token.
const startEmulator = (now?: () => number) =>
  startPinterestEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, createdBeforeSeptember2025: true, ...(now ? { now } : {}) });

const PINTEREST: StandardProvider<PinterestUser, PinterestEmulator> = {
  preset: 'pinterest',
  displayName: 'Pinterest',
  startEmulator: () => startEmulator(),
  env: pinterestEnv,
  people: {
    cancelled: person('1125899906842001', 'changedmind'),
    'refused-code': person('1125899906842002', 'refusedcode'),
    'wrong-secret': person('1125899906842003', 'wrongsecret'),
    'exchange-failure': person('1125899906842004', 'outageperson'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Pinterest, against an emulator of Pinterest', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: PINTEREST.startEmulator, env: (pinterest) => pinterestEnv(pinterest, { PINTEREST_SCOPE: 'user_accounts:read boards:read' }) });

  const signIn = (user: PinterestUser) => signInAs(context, 'pinterest', user);

  const boards = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/pinterest/proxy/boards`);

  it('signs in as the id of /v5/user_account with its username and no e-mail; comma-joined scopes, no PKCE, Basic credentials, a continuous refresh token asked for, 30-day access tokens', async () => {
    const { database, emulator: pinterest, app } = context;
    const counted = pinterest.server.counts.continuous_refresh ?? 0;
    const { userId, request } = await signIn(person('2783136121146311751', 'pinnerperson'));
    expect(request.get('scope')).toBe('user_accounts:read,boards:read');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('2783136121146311751');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '2783136121146311751', username: 'pinnerperson', account_type: 'PINNER' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'pinnerperson', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'pinterest');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^pinr_/), scope: 'user_accounts:read boards:read' });
    const now = Math.floor(Date.now() / 1000);
    expect(token!.expiresAt! - now).toBeGreaterThan(30 * DAY - 100);
    expect(token!.expiresAt! - now).toBeLessThanOrEqual(30 * DAY);
    expect(token!.refreshTokenExpiresAt! - now).toBeGreaterThan(60 * DAY - 100);
    expect(token!.refreshTokenExpiresAt! - now).toBeLessThanOrEqual(60 * DAY);
    expect(pinterest.server.counts.continuous_refresh).toBe(counted + 1);
    const exchange = pinterest.server.requests.filter((r) => r.path === '/v5/oauth/token').at(-1)!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(pinterest.server.requests.filter((r) => r.path === '/v5/user_account').at(-1)).toMatchObject({ method: 'GET', headers: { authorization: expect.stringMatching(/^Bearer pina_/) } });
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, whose new continuous refresh token is kept, and Pinterest refuses the used one', async () => {
    const { emulator: pinterest } = context;
    const { browser, userId } = await signIn(person('2783136121146311752', 'stormrotating'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'pinterest', userId, () => boards(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ items: [{ name: 'Summer Recipes', owner: { username: 'stormrotating' } }], bookmark: null });
    expect(after.scope).toBe('user_accounts:read boards:read');
    expect(await statusAndBody(refreshAtPinterest(pinterest, before.refreshToken!))).toEqual({ status: 401, body: { code: 283, message: 'The authorization grant is invalid' } });
  });

  it("a refresh token Pinterest refuses (401 code 283) marks the connection 'needs re-auth', with one attempt", async () => {
    const { app, emulator: pinterest } = context;
    const { browser, userId } = await signIn(person('2783136121146311753', 'refusedrefresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'pinterest');
    // Used behind the app's back (another copy of the token): Pinterest no longer takes the stored one.
    expect((await refreshAtPinterest(pinterest, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(context.database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'pinterest', userId, () => boards(browser));
  });

  it("disconnect deletes the tokens here and asks Pinterest nothing: its revocation takes only system users' tokens", async () => {
    const { browser, userId } = await signIn(person('2783136121146311754', 'leavingperson'));
    await expectDisconnectAsksNothing(context, 'pinterest', { browser, userId });
  });

  standardCases(() => context, PINTEREST, { cancelled: {}, refusedCode: { sentAs: '401 code 283' } });
});

describeKeepAlive(PINTEREST, {
  title: 'Pinterest continuous refresh tokens (60 days, as each answer states) and the keep-alive sweep',
  name: 'refreshes an unused connection once before its refresh token’s stated end, and the connection outlives that refresh token',
  startEmulator,
  person: person('2783136121146311755', 'idleperson'),
  dueAfterDays: 53,
  // Past the first refresh token's 60 days, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 40,
});

describeClientFailures(PINTEREST, { wrongSecret: { sentAs: '401 code 2' }, exchangeFailure: {} });
