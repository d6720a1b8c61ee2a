// The browser helper itself: every launch runs on a new, empty profile that
// is gone after close(), so no cookie or session leaks between tests.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchChromium } from '../support/chromium.js';

describeBrowser('launchChromium', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    // Sets a long-lived cookie on the first visit and reports whether the browser sent one.
    server = createServer((request, response) => {
      response.setHeader('content-type', 'text/plain');
      if (request.headers.cookie === undefined) response.setHeader('set-cookie', 'seen=1; Max-Age=3600; Path=/');
      response.end(request.headers.cookie ?? 'no cookie');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `http://localhost:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('starts each browser on a fresh profile folder and deletes it on close', async () => {
    const first = await launchChromium();
    const second = await launchChromium();
    try {
      expect(first.userDataDir.startsWith(tmpdir())).toBe(true);
      expect(second.userDataDir).not.toBe(first.userDataDir);
      // Chromium really uses the folder: its default profile is created there.
      expect(existsSync(`${first.userDataDir}/Default`)).toBe(true);

      const page = await first.newPage();
      await page.goto(origin);
      await page.reload();
      expect(await page.locator('body').innerText()).toBe('seen=1');

      const other = await second.newPage();
      await other.goto(origin);
      expect(await other.locator('body').innerText()).toBe('no cookie');
    } finally {
      await first.close();
      await second.close();
    }
    expect(existsSync(first.userDataDir)).toBe(false);
    expect(existsSync(second.userDataDir)).toBe(false);
  });
});
