// Tokens staying fresh, as a person tries it in Chromium: sign in on the
// demo, come back after the access token's lifetime, press "Call the API".
// It works, and the account page then shows a later expiry and when the
// token was refreshed. The app's clock is moved past the lifetime instead of
// waiting it out: the app decides from its own clock that the token has
// expired and must be refreshed (the provider would still accept it).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchChromium, saveScreenshot, type LaunchedChromium } from '../support/chromium.js';
import { testClock, type TestClock } from '../support/clock.js';
import { callTheApi, signInAs } from '../support/chromium-pages.js';
import { startLiveApp, type LiveApp } from '../support/live-app.js';
import { DIALECTS, type TestDatabase } from '../support/postgres.js';

/** The access tokens' lifetime at the dev provider; the app's clock is moved past it. */
const ACCESS_TOKEN_SECONDS = 300;

describeBrowser('an expired access token, in Chromium', () => {
  let database: TestDatabase;
  let app: LiveApp;
  let clock: TestClock;
  let chromium: LaunchedChromium | undefined;

  beforeAll(async () => {
    const sqlite = DIALECTS.find((dialect) => dialect.name === 'sqlite');
    database = await sqlite!.openTestDatabase({ migrate: false });
    clock = testClock();
    app = await startLiveApp({ databaseUrl: database.url, provider: { accessTokenTtl: ACCESS_TOKEN_SECONDS }, now: () => clock.now() });
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
    await database?.close();
  });

  /** The access token's expiry as the account page shows it (its title: the absolute time). */
  async function shownExpiry(page: Page): Promise<{ at: string; text: string; expired: boolean }> {
    const expiry = page.locator('.connection .token-expiry span[title]');
    return {
      at: (await expiry.getAttribute('title')) ?? '',
      text: await expiry.innerText(),
      expired: ((await expiry.getAttribute('class')) ?? '').includes('status-expired'),
    };
  }

  const lastRefreshed = (page: Page) => page.locator('.connection dt:text-is("Last refreshed") + dd').innerText();

  it('is refreshed by "Call the API", which answers; the account page shows the later expiry and the refresh time', async () => {
    chromium = await launchChromium();
    const page = await chromium.newPage();
    await signInAs(page, app, 'alice');
    const signedIn = await shownExpiry(page);
    expect(signedIn.expired).toBe(false);
    expect(await lastRefreshed(page)).toBe('never');

    // A second before the end of its lifetime the token is still shown as valid; at the end, as expired.
    clock.advance(ACCESS_TOKEN_SECONDS - 1);
    await page.reload();
    expect(await shownExpiry(page)).toEqual({ at: signedIn.at, text: 'expires in a few seconds', expired: false });
    clock.advance(1);
    await page.reload();
    const now = await shownExpiry(page);
    expect(now.expired).toBe(true);
    expect(now.text).toMatch(/^expired /);
    expect(now.at).toBe(signedIn.at);
    await saveScreenshot(page, 'browser-token-expired');

    const refreshesBefore = app.provider.stats.refreshTokenGrants;
    const answer = await callTheApi(page);
    expect(answer).toMatchObject({ notes: [{ id: 'alice-1', title: 'Tea party' }, { id: 'alice-2' }] });
    expect(app.provider.stats.refreshTokenGrants).toBe(refreshesBefore + 1);

    await page.getByRole('link', { name: 'Back to your account' }).click();
    await page.waitForURL(`${app.origin}/account`);
    const refreshed = await shownExpiry(page);
    expect(refreshed.expired).toBe(false);
    // The titles are ISO-like UTC times ("2026-11-28 10:15:03 UTC"), so they compare as strings.
    expect(refreshed.at > signedIn.at).toBe(true);
    expect(await lastRefreshed(page)).toMatch(/^(just now|\d+ s ago) \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/);
    await expect(page.locator('.connection .status').innerText()).resolves.toBe('connected');
    await saveScreenshot(page, 'browser-token-refreshed');
  });
});
