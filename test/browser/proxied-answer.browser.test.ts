// A provider API's answer served through the proxy cannot take the page
// anywhere: Chromium honours `Refresh: 0;url=…` even on a document with a
// sandboxed CSP, so the proxy must not pass that header back. A redirect of
// the API's (a download link on another host) does take it there, with
// neither the access token nor this site's cookies.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchChromium, saveScreenshot, type LaunchedChromium } from '../support/chromium.js';
import { signInAs } from '../support/chromium-pages.js';
import { startEchoApi, type EchoApi } from '../support/echo-api.js';
import { startLiveApp, type LiveApp } from '../support/live-app.js';
import { DIALECTS, type TestDatabase } from '../support/postgres.js';

describeBrowser('a proxied answer in Chromium', () => {
  let database: TestDatabase;
  let api: EchoApi;
  /** Where the API's Refresh and Location headers point: it records any visit. */
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

  /** A tab signed in as alice: the first signs in, the others share its cookies. */
  async function signedInPage(): Promise<Page> {
    if (chromium) return chromium.newPage();
    chromium = await launchChromium();
    const page = await chromium.newPage();
    await signInAs(page, app, 'alice');
    return page;
  }

  it('with `Refresh: 0;url=…` stays on the app', async () => {
    const page = await signedInPage();

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

  it('follows a redirect off the API to the other host itself, with neither the access token nor the app\'s cookies', async () => {
    const page = await signedInPage();
    const download = `${elsewhere.origin}/archive.tar.gz?token=t1`;
    const query = new URLSearchParams([['status', '302'], ['set', `location: ${download}`]]);
    const response = await page.goto(`${app.origin}/api/providers/toolkit/proxy/with-headers?${query}`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(download);
    const visits = elsewhere.requests.filter((request) => request.url === '/archive.tar.gz?token=t1');
    expect(visits).toHaveLength(1);
    expect(visits[0]!.headers.authorization).toBeUndefined();
    expect(visits[0]!.headers.cookie).toBeUndefined();
    expect(api.requests.some((request) => request.url.startsWith('/archive'))).toBe(false);
  });
});
