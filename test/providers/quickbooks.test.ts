import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { countRows, describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { realmIdFor, startQuickBooksEmulator, type QuickBooksEmulator, type QuickBooksUser } from './quickbooks.emulator.js';

const CLIENT_ID = 'ABcd1234efGH5678ijKL9012mnOP3456qrST7890uvWX1234yz';
const CLIENT_SECRET = 'q8Z0x7Y6w5V4u3T2s1R0q9P8o7N6m5L4k3J2i1H0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/quickbooks/callback`;
const DAY = 86_400;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, givenName: string, familyName: string): QuickBooksUser {
  return { sub: `a1b2c3d4-0000-4000-8000-${String(n).padStart(12, '0')}`, realmId: realmIdFor(n), givenName, familyName, email: `${givenName.toLowerCase()}@books.test`, emailVerified: true };
}

/** Only the documented variables: the preset, the client, the discovery document (as for Intuit's sandbox) and the API base (as for sandbox companies). */
function quickbooksEnv(quickbooks: QuickBooksEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('quickbooks', CLIENT_ID, CLIENT_SECRET, {
    QUICKBOOKS_SERVER_METADATA_URL: quickbooks.metadataUrl,
    QUICKBOOKS_API_BASE_URL: `${quickbooks.origin}/v3/company`,
    ...extra,
  });
}

const QUICKBOOKS: StandardProvider<QuickBooksUser, QuickBooksEmulator> = {
  preset: 'quickbooks',
  displayName: 'QuickBooks',
  startEmulator: () => startQuickBooksEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: quickbooksEnv,
  people: {
    cancelled: person(7, 'Changed', 'Mind'),
    'refused-code': person(8, 'Refused', 'Code'),
    'wrong-secret': person(30, 'Wrong', 'Secret'),
    'exchange-failure': person(31, 'Outage', 'Person'),
  },
  subjectOf: (user) => user.sub,
};

describeEachDialect('QuickBooks, against an emulator of Intuit', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), QUICKBOOKS);

  const signIn = (user: QuickBooksUser) => signInAs(context, 'quickbooks', user);

  const companyInfo = (realmId: string) => `${APP_ORIGIN}/api/providers/quickbooks/proxy/companyinfo/${realmId}`;

  it('signs in as the ID token’s sub with userinfo’s camelCase name and verified e-mail, and keeps the callback’s realmId as the company this connection calls', async () => {
    const { database, emulator: quickbooks, app } = context;
    const ada = person(1, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('com.intuit.quickbooks.accounting openid profile email');
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.sub);
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@books.test', email_verified: 1, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'quickbooks');
    expect(token!.apiBaseUrl).toBe(`${quickbooks.origin}/v3/company/${ada.realmId}`);
    // Intuit's x_refresh_token_expires_in (100 days) is kept as the refresh token's end.
    const refreshLeft = token!.refreshTokenExpiresAt! - Math.floor(Date.now() / 1000);
    expect(refreshLeft).toBeGreaterThan(100 * DAY - 60);
    expect(refreshLeft).toBeLessThanOrEqual(100 * DAY);
    expect(quickbooks.server.requests.find((r) => r.path === '/oauth2/v1/tokens/bearer')!.headers.authorization).toBe(basic);
  });

  it('the proxy calls the company’s API; 20 concurrent calls on an expired token make one refresh, the latest refresh token is kept, and the company stays', async () => {
    const { database, emulator: quickbooks, app } = context;
    const grace = person(2, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await browser.get(companyInfo(grace.realmId));
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ CompanyInfo: { Id: grace.realmId, CompanyName: `Company ${grace.realmId}` } });

    const before = await app.runtime.tokenStore.findToken(userId, 'quickbooks');
    await expireAccessTokens(database, userId);
    await expectOneRefreshFor20Calls(quickbooks, () => browser.get(companyInfo(grace.realmId)));
    const after = await app.runtime.tokenStore.findToken(userId, 'quickbooks');
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.apiBaseUrl).toBe(`${quickbooks.origin}/v3/company/${grace.realmId}`);
    const replay = await fetch(`${quickbooks.origin}/oauth2/v1/tokens/bearer`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before!.refreshToken! }) });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'invalid_grant' });
  });

  it('a realmId changed on its way through the browser (not the ID token’s realmid) is refused: 400, nothing stored', async () => {
    const { database, emulator: quickbooks, app } = context;
    const users = await countRows(database, 'users');
    quickbooks.signInAs(person(3, 'Eve', 'Mallory'));
    const pages: Array<{ status: number; text: string }> = [];
    for (const realmId of [realmIdFor(4), `${realmIdFor(3)}/../../other`]) {
      const browser = app.browser();
      const stopped = await browser.get(`${APP_ORIGIN}/login/quickbooks`, { stopAt: REDIRECT_URI });
      const callback = new URL(stopped.location!);
      callback.searchParams.set('realmId', realmId);
      pages.push(await browser.get(callback));
    }
    expect(pages.map((page) => page.status)).toEqual([400, 400]);
    expect(pages[0]!.text).toContain('named another realmId than QuickBooks&#39;s ID token');
    expect(pages[1]!.text).toContain('did not name the realmId the connection is for');
    expect(await countRows(database, 'users')).toBe(users);
  });

  it("a refresh token Intuit refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: quickbooks, app } = context;
    const barbara = person(5, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(barbara);
    const stored = await app.runtime.tokenStore.findToken(userId, 'quickbooks');
    // Rotated behind the app's back (another copy of the token used it): Intuit no longer takes the stored one.
    const elsewhere = await fetch(`${quickbooks.origin}/oauth2/v1/tokens/bearer`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored!.refreshToken! }) });
    expect(elsewhere.status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: quickbooks }, 'quickbooks', userId, () => browser.get(companyInfo(barbara.realmId)));
  });

  it('disconnect revokes at Intuit (Basic credentials, the refresh token in a JSON body), which ends the grant', async () => {
    const { emulator: quickbooks, app } = context;
    const { browser, userId } = await signIn(person(6, 'Edsger', 'Dijkstra'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'quickbooks');
    expect(await disconnectThrough(browser, 'quickbooks')).toEqual({ disconnected: true, revokedAtProvider: true });
    const revocation = quickbooks.server.requests.filter((r) => r.path === '/v2/oauth2/tokens/revoke').at(-1)!;
    expect(revocation.headers).toMatchObject({ authorization: basic, 'content-type': 'application/json' });
    expect(quickbooks.accepts(stored!.accessToken)).toBe(false);
    expect(await app.runtime.tokenStore.findToken(userId, 'quickbooks')).toBeUndefined();
  });

  standardCases(() => context, QUICKBOOKS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(QUICKBOOKS, {
  title: 'QuickBooks refresh tokens (100 days unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 100, keeps the rotated refresh token, and the connection outlives the first one',
  startEmulator: (now) => startQuickBooksEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(20, 'Idle', 'Person'),
  dueAfterDays: 93,
  usedAgainAfterDays: 10,
});

describeClientFailures(QUICKBOOKS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} }, { title: 'Intuit refusing the client or failing' });
