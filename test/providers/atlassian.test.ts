import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAtlassianEmulator, type AtlassianEmulator, type AtlassianUser } from './atlassian.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'aTlAsSiAnClIeNtId0123456789';
const CLIENT_SECRET = 'ATOA-atlassian-test-secret';
const REDIRECT_URI = `${APP_ORIGIN}/auth/atlassian/callback`;

function person(accountId: string, name: string, nickname: string): AtlassianUser {
  return { accountId, name, nickname, email: `${nickname}@atlassian.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints pointed at the emulator. */
function atlassianEnv(atlassian: AtlassianEmulator): Record<string, string> {
  return presetEnv('atlassian', CLIENT_ID, CLIENT_SECRET, {
    ATLASSIAN_AUTHORIZE_URL: `${atlassian.origin}/authorize`,
    ATLASSIAN_ACCESS_TOKEN_URL: `${atlassian.origin}/oauth/token`,
    ATLASSIAN_USERINFO_URL: `${atlassian.origin}/me`,
    ATLASSIAN_API_BASE_URL: atlassian.origin,
  });
}

const ATLASSIAN: StandardProvider<AtlassianUser, AtlassianEmulator> = {
  preset: 'atlassian',
  displayName: 'Atlassian',
  startEmulator: () => startAtlassianEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: atlassianEnv,
  people: {
    'refused-code': person('557058:refused', 'Refused Code', 'refused'),
    'wrong-secret': person('557058:wrong', 'Wrong Secret', 'wrong'),
    'exchange-failure': person('557058:outage', 'Outage', 'outage'),
  },
  subjectOf: (user) => user.accountId,
};

describeEachDialect('Atlassian (3LO), against an emulator of Atlassian', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ATLASSIAN);

  const signIn = (user: AtlassianUser) => signInAs(context, 'atlassian', user);

  it('asks for the api.atlassian.com audience with consent, and signs in as the account_id with name and e-mail', async () => {
    const { database, emulator: atlassian, app } = context;
    const { userId, request } = await signIn(person('557058:f58131cb-b67d-43c7-b30d-6b58d40bd077', 'Mia Krystof', 'mkrystof'));
    expect(request.get('audience')).toBe('api.atlassian.com');
    expect(request.get('prompt')).toBe('consent');
    expect(request.get('scope')).toBe('read:me offline_access');
    const account = await database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('557058:f58131cb-b67d-43c7-b30d-6b58d40bd077');
    const user = await database.db.selectFrom('users').select(['username', 'name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ username: 'mkrystof', name: 'Mia Krystof', email: 'mkrystof@atlassian.test' });
    const token = await app.runtime.tokenStore.findToken(userId, 'atlassian');
    expect(token).toMatchObject({ scope: 'read:me offline_access', refreshToken: expect.any(String) });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    // The client's credentials went in the body, as Atlassian documents.
    const exchange = atlassian.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('a returning person is asked for consent again (part of every request Atlassian documents)', async () => {
    const grace = person('557058:0000-returning', 'Grace Returning', 'grace');
    const first = await signIn(grace);
    await first.browser.post(`${APP_ORIGIN}/logout`, { _csrf: await csrfTokenOf(first.browser) });
    const start = await first.browser.get(`${APP_ORIGIN}/login/atlassian`, { followRedirects: false });
    expect(new URL(start.location!).searchParams.get('prompt')).toBe('consent');
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, and the rotated refresh token is kept', async () => {
    const { emulator: atlassian } = context;
    const { browser, userId } = await signIn(person('557058:storm', 'Storm Rotating', 'storm'));
    const { answers } = await expectRotatedAfterStorm(context, 'atlassian', userId, () => browser.get(`${APP_ORIGIN}/api/providers/atlassian/proxy/oauth/token/accessible-resources`));
    expect(JSON.parse(answers[0]!.text)).toEqual([expect.objectContaining({ url: 'https://example.atlassian.net', scopes: ['read:me'] })]);
  });

  /** A refresh made with this refresh token outside the app, as another copy of it would. */
  const refreshElsewhere = (refreshToken: string) =>
    fetch(`${context.emulator.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken }),
    });

  /** With the access token expired, a call answers 401 needs_reauth after one refresh at Atlassian, and the next fails fast without another. */
  async function expectNeedsReauthAfterOneRefresh(browser: TestBrowser, userId: string): Promise<void> {
    const { database, emulator: atlassian, app } = context;
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: atlassian }, 'atlassian', userId, () => browser.get(`${APP_ORIGIN}/api/providers/atlassian/proxy/me`));
  }

  it("a refresh token Atlassian refuses (403 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, app } = context;
    const { browser, userId } = await signIn(person('557058:reused', 'Reused Token', 'reused'));
    const first = await app.runtime.tokenStore.findToken(userId, 'atlassian');
    await expireAccessTokens(database, userId);
    expect((await browser.get(`${APP_ORIGIN}/api/providers/atlassian/proxy/me`)).status).toBe(200);
    // The refresh token rotated out is used again elsewhere: Atlassian invalidates every refresh token of the grant.
    expect((await refreshElsewhere(first!.refreshToken!)).status).toBe(403);
    await expectNeedsReauthAfterOneRefresh(browser, userId);
  });

  it("a refresh token Atlassian no longer knows (403 unauthorized_client 'refresh_token is invalid') marks the connection 'needs re-auth', with one attempt", async () => {
    const { app } = context;
    const { browser, userId } = await signIn(person('557058:rotated-elsewhere', 'Rotated Elsewhere', 'rotated'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'atlassian');
    // The stored refresh token is rotated out behind the app's back (a restored backup, a copy of the database):
    // Atlassian disables it, and answers it with its undocumented unauthorized_client, not invalid_grant.
    expect((await refreshElsewhere(stored!.refreshToken!)).status).toBe(200);
    await expectNeedsReauthAfterOneRefresh(browser, userId);
  });

  it('disconnect deletes the tokens; Atlassian has no revocation endpoint, and the answer says it was not revoked there', async () => {
    const { browser, userId } = await signIn(person('557058:leaving', 'Leaving Person', 'leaving'));
    await expectDisconnectAsksNothing(context, 'atlassian', { browser, userId });
  });

  standardCases(() => context, ATLASSIAN, { refusedCode: { sentAs: '403 invalid_grant' } });
});

describeClientFailures(ATLASSIAN, { wrongSecret: { sentAs: '401 access_denied "Unauthorized"', error: 'access_denied' }, exchangeFailure: {} });
