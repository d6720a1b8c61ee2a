// Sign-in as a person does it, in Debian's Chromium: the app over real HTTP
// on localhost, the dev provider's real login and consent pages, the account
// page, "Call the API" and "Sign out".
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchChromium, saveScreenshot, type LaunchedChromium } from '../support/chromium.js';
import { callTheApi, signInAs } from '../support/chromium-pages.js';
import { startLiveApp, type LiveApp } from '../support/live-app.js';
import { DIALECTS, type TestDatabase } from '../support/postgres.js';

const MALLORY_NAME = '<img src=x onerror=alert(1)>';

describeBrowser('sign-in in Chromium', () => {
  let database: TestDatabase;
  let app: LiveApp;
  // Each person gets a browser of their own: the provider remembers who signed in there.
  let chromium: LaunchedChromium | undefined;
  let requests: URL[];
  let dialogs: string[];

  beforeAll(async () => {
    const sqlite = DIALECTS.find((dialect) => dialect.name === 'sqlite');
    database = await sqlite!.openTestDatabase({ migrate: false });
    app = await startLiveApp({ databaseUrl: database.url });
  });
  afterEach(async () => {
    await chromium?.close();
    chromium = undefined;
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  /** A fresh Chromium that records every request and every dialog of its pages. */
  async function openBrowser(): Promise<Page> {
    chromium = await launchChromium();
    requests = [];
    dialogs = [];
    chromium.context.on('request', (request) => requests.push(new URL(request.url())));
    const page = await chromium.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return page;
  }

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${app.origin}/`);
    await expect(page.getByRole('link', { name: 'Sign in with Toolkit' }).isVisible()).resolves.toBe(true);
    await page.goto(`${app.origin}/account`);
    expect(page.url()).toBe(`${app.origin}/?next=%2Faccount`);
  }

  function expectOnlyLocalRequests(): void {
    expect(requests.length).toBeGreaterThan(5);
    const elsewhere = requests.filter((url) => !['localhost', '127.0.0.1'].includes(url.hostname)).map(String);
    expect(elsewhere).toEqual([]);
  }

  it('alice signs in through the provider, sees her account, calls the API and signs out', async () => {
    const page = await openBrowser();
    await signInAs(page, app, 'alice');

    expect(await page.locator('.profile-name').textContent()).toBe('Alice Liddell');
    expect(await page.locator('.profile-email').textContent()).toBe('alice@example.test');
    expect(await page.locator('.connection .token-expiry').innerText()).toMatch(/expires in \d+ min/);
    await saveScreenshot(page, 'browser-account-alice');

    const answer = await callTheApi(page);
    expect(answer).toMatchObject({ notes: [{ id: 'alice-1', title: 'Tea party' }, { id: 'alice-2' }] });
    await saveScreenshot(page, 'browser-api-alice');
    await page.getByRole('link', { name: 'Back to your account' }).click();
    await page.waitForURL(`${app.origin}/account`);

    await signOut(page);
    expect(dialogs).toEqual([]);
    expectOnlyLocalRequests();
  });

  it("mallory's name and notes are shown as text: no element, no script, no dialog", async () => {
    const page = await openBrowser();
    await signInAs(page, app, 'mallory');

    const name = page.locator('.profile-name');
    expect(await name.textContent()).toBe(MALLORY_NAME);
    expect(await name.isVisible()).toBe(true);
    expect(await page.getByRole('navigation').getByText(MALLORY_NAME, { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('.profile-email').textContent()).toBe('mallory@example.test');
    expect(await page.locator('img').count()).toBe(0);
    await saveScreenshot(page, 'browser-account-mallory');

    const answer = await callTheApi(page);
    expect(answer).toMatchObject({ notes: [{ title: '<script>alert("note")</script>', body: '<b>bold</b> & "quoted"' }] });
    expect(await page.locator('script, b, img').count()).toBe(0);

    await signOut(page);
    expect(dialogs).toEqual([]);
    // Had her name become an <img>, the browser would have fetched /x.
    expect(requests.filter((url) => url.pathname === '/x').map(String)).toEqual([]);
    expectOnlyLocalRequests();
  });
});
