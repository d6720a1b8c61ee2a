// The admin site as staff use it, in Debian's Chromium: bob signs in through
// the dev provider's real pages in one browser; in another (its own cookies)
// a superuser made with `tokenkeeper createsuperuser` signs in at /admin,
// finds bob by search, opens his token, refreshes it and revokes it (once
// confirmed). No
// admin page ever contains one of bob's token values.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCreateSuperuser } from '../../src/cli/createsuperuser.command.js';
import { writeAuditEvent } from '../../src/db/audit.repository.js';
import { findUserByUsername } from '../../src/db/user.repository.js';
import { describeBrowser, launchChromium, saveScreenshot, type LaunchedChromium } from '../support/chromium.js';
import { testClock, type TestClock } from '../support/clock.js';
import { startLiveApp, type LiveApp } from '../support/live-app.js';
import { DIALECTS, type TestDatabase } from '../support/postgres.js';
import { testAppEnv } from '../support/test-app.js';

const ADMIN_PASSWORD = 'correct horse battery staple';

describeBrowser('the admin site in Chromium', () => {
  let database: TestDatabase;
  let app: LiveApp;
  /** The app's clock, moved on where the test needs time to pass. */
  let clock: TestClock;
  let cwd: string;
  const browsers: LaunchedChromium[] = [];
  const requests: URL[] = [];
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    const sqlite = DIALECTS.find((dialect) => dialect.name === 'sqlite');
    database = await sqlite!.openTestDatabase({ migrate: false });
    clock = testClock();
    app = await startLiveApp({ databaseUrl: database.url, now: () => clock.now() });
    // A working folder without .env: the CLI sees only the environment given to it.
    cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-admin-browser-'));
  });
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await app?.close();
    await database?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  /** A Chromium of its own (own profile, own cookies) whose requests, console errors and dialogs are recorded. */
  async function openBrowser(): Promise<Page> {
    const chromium = await launchChromium();
    browsers.push(chromium);
    chromium.context.on('request', (request) => requests.push(new URL(request.url())));
    const page = await chromium.newPage();
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      consoleErrors.push(`${message.text()} at ${message.location().url}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return page;
  }

  async function createSuperuserWithTheCli(): Promise<void> {
    let stdout = '';
    let stderr = '';
    const env = testAppEnv({ baseUrl: app.origin, databaseUrl: database.url, issuer: app.provider.issuer });
    const code = await runCreateSuperuser(['--username', 'admin', '--email', 'admin@example.test', '--password-stdin'], {
      env,
      cwd,
      stdin: Readable.from([`${ADMIN_PASSWORD}\n`]),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(`Superuser "admin" created. Sign in at ${app.origin}/admin/login\n`);
  }

  it('a superuser finds bob, refreshes his token and revokes it; no page shows a token value', async () => {
    // Bob signs in through the provider's real login and consent pages.
    const bobPage = await openBrowser();
    await bobPage.goto(`${app.origin}/account`);
    await bobPage.getByRole('link', { name: 'Sign in with Toolkit' }).click();
    await bobPage.waitForURL((url) => url.origin === app.provider.issuer);
    await bobPage.getByLabel('Username').fill('bob');
    await bobPage.getByLabel('Password').fill('bob');
    await bobPage.getByRole('button', { name: 'Sign in' }).click();
    await bobPage.getByRole('button', { name: 'Allow' }).click();
    await bobPage.waitForURL(`${app.origin}/account`);

    const bob = await findUserByUsername(app.runtime.database.db, 'bob');
    expect(bob).toBeDefined();
    const bobId = bob!.id;
    const stored = await app.runtime.tokenStore.findToken(bobId, 'toolkit');
    expect(stored).toBeDefined();
    // Every token value bob has had; an admin page must contain none of them.
    const secrets = new Set<string>();
    const remember = (set: { accessToken: string; refreshToken: string | null; idToken: string | null }) => {
      for (const value of [set.accessToken, set.refreshToken, set.idToken]) if (value) secrets.add(value);
    };
    remember(stored!);
    expect(stored!.refreshToken).not.toBeNull();
    expect(stored!.idToken).not.toBeNull();
    expect(secrets.size).toBe(3);

    await createSuperuserWithTheCli();

    // The admin, in a second browser: /admin sends them to the staff sign-in.
    const page = await openBrowser();
    let pagesChecked = 0;
    const expectNoSecrets = async () => {
      const content = await page.content();
      for (const secret of secrets) expect(content.includes(secret), `a token value in the HTML of ${page.url()}`).toBe(false);
      pagesChecked += 1;
    };
    const tile = (label: string) => page.locator('.tile', { hasText: label }).locator('.tile-value').textContent();

    await page.goto(`${app.origin}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await expectNoSecrets();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.origin}/admin`);
    await expectNoSecrets();

    // The dashboard counts bob and the admin, and bob's one token.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    expect(await tile('Users')).toBe('2');
    expect(await tile('Connected tokens')).toBe('1');
    expect(await tile('Need re-auth')).toBe('0');
    await saveScreenshot(page, 'admin-dashboard');

    // Users → search "bob" → bob.
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(`${app.origin}/admin/users`);
    await expectNoSecrets();
    await page.locator('input[name="q"]').fill('bob');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/users' && url.searchParams.get('q') === 'bob');
    await expectNoSecrets();
    const userRows = page.locator('table.list tbody tr');
    expect(await userRows.count()).toBe(1);
    await userRows.getByRole('link', { name: 'bob', exact: true }).click();
    await page.waitForURL(`${app.origin}/admin/users/${encodeURIComponent(bobId)}`);
    await expectNoSecrets();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('bob');

    // His token, from the connected providers table.
    const connection = page.locator('table.list tr', { hasText: 'toolkit' });
    await connection.getByRole('link', { name: 'open' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/admin/tokens/'));
    const tokenUrl = page.url();
    await expectNoSecrets();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('toolkit token of bob');
    expect(await page.locator('code.masked').textContent()).toBe(`${stored!.accessToken.slice(0, 4)}… (${stored!.accessToken.length} chars)`);

    // "Refresh now": a later expiry, on the page and in the database.
    const shownExpiry = async () => Date.parse(((await page.locator('.token-expiry .muted').textContent()) ?? '').replace(' UTC', 'Z').replace(' ', 'T'));
    const expiryBefore = await shownExpiry();
    expect(expiryBefore).toBe(stored!.expiresAt! * 1000);
    clock.advance(60); // a minute on, so the refreshed token's expiry is later than the first one's
    await page.locator('button[data-action="refresh"]').click();
    await page.waitForURL(tokenUrl);
    await expectNoSecrets();
    expect(await page.locator('.flash').textContent()).toMatch(/^Refreshed: expires \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/);
    const refreshed = await app.runtime.tokenStore.findToken(bobId, 'toolkit');
    remember(refreshed!);
    await expectNoSecrets();
    expect(refreshed!.expiresAt!).toBeGreaterThan(stored!.expiresAt!);
    expect(refreshed!.accessToken).not.toBe(stored!.accessToken);
    const expiryAfter = await shownExpiry();
    expect(expiryAfter).toBe(refreshed!.expiresAt! * 1000);
    expect(expiryAfter).toBeGreaterThan(expiryBefore);
    expect(await page.locator('.token-expiry').innerText()).toMatch(/in \d+ min/);
    await saveScreenshot(page, 'admin-token-detail');

    // The token list, wide and on a phone.
    await page.getByRole('navigation').getByRole('link', { name: 'Tokens' }).click();
    await page.waitForURL(`${app.origin}/admin/tokens`);
    await expectNoSecrets();
    const tokenRows = page.locator('table.list tbody tr');
    expect(await tokenRows.count()).toBe(1);
    // The first cell is the row's checkbox, for the actions on ticked rows, named after the row for assistive technology.
    expect(await tokenRows.first().getByRole('checkbox', { name: 'Select toolkit token of bob' }).count()).toBe(1);
    expect(await tokenRows.first().locator('td').nth(1).textContent()).toBe('bob');
    await saveScreenshot(page, 'admin-token-list');
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, 'admin-token-list-phone');
    // On the phone the page itself does not scroll sideways (only the table's wrapper may).
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    // "Revoke" asks first: "No, go back" leaves the token as it was.
    await tokenRows.getByRole('link', { name: 'bob', exact: true }).click();
    await page.waitForURL(tokenUrl);
    await expectNoSecrets();
    await page.locator('button[data-action="revoke"]').click();
    await page.waitForURL(`${tokenUrl}/revoke`);
    await expectNoSecrets();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Are you sure?');
    expect(await page.locator('.consequence').textContent()).toBe('The toolkit token of bob will be revoked at toolkit and deleted: bob is no longer connected to toolkit until they sign in with it again.');
    await saveScreenshot(page, 'admin-confirm-revoke');
    await page.getByRole('link', { name: 'No, go back' }).click();
    await page.waitForURL(tokenUrl);
    expect(await app.runtime.tokenStore.findToken(bobId, 'toolkit')).toBeDefined();
    // The browser's Back shows "Are you sure?" again by a GET, without offering to send the form again: the page is
    // the answer to the redirect after the post (POST, 303, GET), not to the post.
    const posted: string[] = [];
    const recordPost = (request: Request) => void (request.method() === 'POST' && posted.push(request.url()));
    page.on('request', recordPost);
    await page.goBack();
    expect(page.url()).toBe(`${tokenUrl}/revoke`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Are you sure?');
    page.off('request', recordPost);
    expect(posted).toEqual([]);
    await page.goForward();
    await page.waitForURL(tokenUrl);

    // "Yes, revoke": back to the list, which no longer has bob's token.
    await page.locator('button[data-action="revoke"]').click();
    await page.waitForURL(`${tokenUrl}/revoke`);
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.waitForURL(`${app.origin}/admin/tokens`);
    await expectNoSecrets();
    expect(await page.locator('.flash').textContent()).toBe('Revoked at toolkit and deleted.');
    expect(await page.locator('table.list tbody tr').count()).toBe(0);
    expect(await page.locator('p.count').textContent()).toBe('No tokens stored.');
    expect(await app.runtime.tokenStore.findToken(bobId, 'toolkit')).toBeUndefined();

    // Bob's page says disconnected; the dashboard counts no token.
    await page.goto(`${app.origin}/admin/users/${encodeURIComponent(bobId)}`);
    await expectNoSecrets();
    expect(await page.locator('table.list tr', { hasText: 'toolkit' }).locator('td').nth(2).textContent()).toBe('disconnected');
    // The token's page is gone (asked outside the page: a 404 would be a console error).
    expect((await page.request.get(tokenUrl, { maxRedirects: 0 })).status()).toBe(404);
    await page.goto(`${app.origin}/admin`);
    await expectNoSecrets();
    expect(await tile('Connected tokens')).toBe('0');

    // The audit log with as many kinds of event as a deployment has (about 30): its filter fits the window.
    for (let n = 0; n < 30; n += 1) await writeAuditEvent(app.runtime.database.db, { event: `connection.example_event_${n}`, at: clock.now() });
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(`${app.origin}/admin/audit`);
    await expectNoSecrets();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    await saveScreenshot(page, 'admin-audit-log');
    await page.getByLabel('Event:').selectOption('admin.tokens.revoke');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/audit' && url.searchParams.get('event') === 'admin.tokens.revoke');
    expect(await page.locator('table.list tbody tr').count()).toBe(1);
    expect(pagesChecked).toBeGreaterThanOrEqual(14);

    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((url) => !['localhost', '127.0.0.1'].includes(url.hostname)).map(String)).toEqual([]);
  });
});
