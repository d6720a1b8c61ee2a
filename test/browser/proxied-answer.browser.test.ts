// A provider API's answer served through the proxy cannot take the page
// anywhere: Chromium honours `Refresh: 0;url=…` even on a document with a
// sandboxed CSP, so the proxy must not pass that header back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchChromium, saveScreenshot, type LaunchedChromium } from '../support/chromium.js';
import { signInAs } from '../support/chromium-pages.js';
import { startEchoApi, type EchoApi } from '../support/echo-api.js';
import { startLiveApp, type LiveApp } from '../support/live-app.js';
import { DIALECTS, type TestDatabase } from '../support/postgres.js';

describeBrowser('a proxied answer in Chromium', () => {
  let database: TestDatabase;
  let api: EchoApi;
  /** Where the API's Refresh header points: it records any visit. */
  let elsewhere: EchoApi;
  let app: LiveApp;
  let chromium: LaunchedChromium | undefined;

  beforeAll(async () => {
    const sqlite = DIALECTS.find((dialect) => dialect.name === 'sqlite');
    database = await sqlite!.openTestDatabase({ migrate: false });
    api = await startEchoApi();
    elsewhere = await startEchoApi();
    app = await startLiveApp({ databaseUrl: database.url, env: { TOOLKIT_API_BASE_URL: `${api.origin}/v1` } });
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
    await elsewhere?.close();
    await api?.close();
    await database?.close();
  });

  it('with `Refresh: 0;url=…` stays on the app', async () => {
    chromium = await launchChromium();
    const page = await chromium.newPage();
    await signInAs(page, app, 'alice');

    const query = new URLSearchParams([
      ['set', 'content-type: text/html; charset=utf-8'],
      ['set', `refresh: 0;url=${elsewhere.origin}/landed`],
    ]);
    const proxied = `${app.origin}/api/providers/toolkit/proxy/with-headers?${query}`;
    const response = await page.goto(proxied);
    expect(response?.status()).toBe(200);
    // A refresh due at once would be under way before the network goes quiet.
    await page.waitForLoadState('networkidle');
    expect(page.url()).toBe(proxied);
    expect(await page.locator('#proxied').textContent()).toBe('proxied answer');
    expect(elsewhere.requests).toEqual([]);
    expect(await response?.headerValue('refresh')).toBeNull();
    await saveScreenshot(page, 'browser-proxied-refresh');
  });
});
