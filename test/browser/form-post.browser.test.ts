// A sign-in answered with response_mode=form_post, in Debian's Chromium, with the provider on another site than the
// app (http://127.0.0.1:<port> against http://localhost:<port>): the provider's page POSTs the answer across sites,
// so Chromium leaves out the app's SameSite=Lax session cookie, and the app's relay page posts it again from the app's
// own site, cookie included. Sign in with Apple answers every sign-in that asks for the name or e-mail this way.
import type { Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchChromium } from '../support/chromium.js';
import { startLiveApp, type LiveApp } from '../support/live-app.js';
import { DIALECTS, type TestDatabase } from '../support/postgres.js';

describeBrowser('a form_post sign-in from another site, in Chromium', () => {
  let database: TestDatabase;
  let app: LiveApp;

  beforeAll(async () => {
    database = await DIALECTS.find((dialect) => dialect.name === 'sqlite')!.openTestDatabase({ migrate: false });
    app = await startLiveApp({ databaseUrl: database.url, env: { TOOLKIT_AUTHORIZATION_PARAMS: 'response_mode=form_post' }, providerOnAnotherSite: true });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('alice signs in: the cross-site POST comes without the session cookie, the relayed one with it', async () => {
    const chromium = await launchChromium();
    try {
      const callbacks: Promise<{ origin: string | undefined; session: boolean }>[] = [];
      chromium.context.on('request', (request: Request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/auth/toolkit/callback') {
          callbacks.push(request.allHeaders().then((headers) => ({ origin: headers.origin, session: /tokenkeeper_session=/.test(headers.cookie ?? '') })));
        }
      });
      const page = await chromium.newPage();
      await page.goto(`${app.origin}/account`);
      await page.getByRole('link', { name: 'Sign in with Toolkit' }).click();
      await page.waitForURL((url) => url.origin === app.provider.issuer);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${app.origin}/account`);
      expect(new URL(app.provider.issuer).hostname).toBe('127.0.0.1');
      expect(await page.locator('.profile-name').textContent()).toBe('Alice Liddell');
      expect(await Promise.all(callbacks)).toEqual([
        { origin: app.provider.issuer, session: false },
        { origin: app.origin, session: true },
      ]);
    } finally {
      await chromium.close();
    }
  });
});
