import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { APP_ORIGIN, disconnectThrough, presetEnv } from './kit/provider-app.js';
import { useProviderTest } from './kit/standard-cases.js';
import { startSalesforceEmulator, type SalesforceUser } from './salesforce.emulator.js';

const CLIENT_ID = '3MVG9test.consumer.key';
const CLIENT_SECRET = 'salesforce-consumer-secret';
const ACCOUNT_PATH = 'services/data/v62.0/sobjects/Account/001D000000IRFmaIAH';

function person(n: number, name: string): SalesforceUser {
  return { orgId: '00D5e000000Test', userId: `0055e00000Test${n}`, name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test` };
}

describeEachDialect('Salesforce, against an emulator of Salesforce', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startSalesforceEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/salesforce/callback` }),
    // Only the login host (My Domain): each connection's API host comes from its instance_url.
    env: (salesforce) => presetEnv('salesforce', CLIENT_ID, CLIENT_SECRET, { SALESFORCE_BASE_URL: salesforce.origin }),
  });

  async function signIn(browser: TestBrowser, user: SalesforceUser) {
    const { emulator: salesforce } = context;
    salesforce.signInAs(user);
    const page = await browser.get(`${APP_ORIGIN}/login/salesforce?next=/api/me`);
    return { page, userId: page.status === 200 ? (JSON.parse(page.text) as { user: { id: string } }).user.id : null };
  }

  it('signs in as the identity URL and keeps the org’s instance_url as this connection’s API origin; no expiry is stated', async () => {
    const { database, emulator: salesforce, app } = context;
    const marc = person(1, 'Marc Benioff');
    const { userId } = await signIn(app.browser(), marc);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId!).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`${salesforce.origin}/id/${marc.orgId}/${marc.userId}`);
    const row = await database.db.selectFrom('tokens').select(['api_base_url', 'expires_at']).where('user_id', '=', userId!).executeTakeFirstOrThrow();
    expect(row).toEqual({ api_base_url: salesforce.origin, expires_at: null });
    expect((await app.runtime.tokenStore.findToken(userId!, 'salesforce'))!.refreshToken).toEqual(expect.any(String));
  });

  it('the proxy calls the org’s instance; an ended session is refreshed once for 20 concurrent calls', async () => {
    const { emulator: salesforce, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person(2, 'Parker Harris'));
    const first = await browser.get(`${APP_ORIGIN}/api/providers/salesforce/proxy/${ACCOUNT_PATH}`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ Name: 'Edge Communications' });

    const before = await app.runtime.tokenStore.findToken(userId!, 'salesforce');
    salesforce.expireSession(before!.accessToken);
    await expectOneRefreshFor20Calls(salesforce, () => browser.get(`${APP_ORIGIN}/api/providers/salesforce/proxy/${ACCOUNT_PATH}`));
    const after = await app.runtime.tokenStore.findToken(userId!, 'salesforce');
    expect(after!.refreshToken).toBe(before!.refreshToken);
    expect(after!.apiBaseUrl).toBe(salesforce.origin);
  });

  it('an instance_url outside Salesforce’s domains is refused: 502, no token sent there, nothing stored', async () => {
    const { database, emulator: salesforce, app } = context;
    const users = (await database.db.selectFrom('users').select('id').execute()).length;
    salesforce.setInstanceUrl('https://collector.example.net');
    try {
      const { page } = await signIn(app.browser(), person(3, 'Eve Mallory'));
      expect(page.status).toBe(502);
      expect(page.text).toContain('named an API origin (instance_url) outside its own domains');
    } finally {
      salesforce.setInstanceUrl(salesforce.origin);
    }
    expect((await database.db.selectFrom('users').select('id').execute()).length).toBe(users);
  });

  it('disconnect revokes at Salesforce (RFC 7009), the access token already gone with the refresh token counting as revoked', async () => {
    const { emulator: salesforce, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person(4, 'Sarah Franklin'));
    const stored = await app.runtime.tokenStore.findToken(userId!, 'salesforce');
    expect(await disconnectThrough(browser, 'salesforce')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(salesforce.accepts(stored!.accessToken)).toBe(false);
  });
});
