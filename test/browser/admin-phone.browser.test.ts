// The admin site in a phone's 375-pixel window: no page scrolls sideways
// (WCAG 1.4.10 Reflow), whatever the names in it: a username with no spaces,
// a user's connections table (whose last header is read, not shown), a search
// with its "clear" link. In a wide window, such a name does not push the
// list's columns out of sight either.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { createUser, findUserByUsername, setUserFlags } from '../../src/db/user.repository.js';
import { describeBrowser, saveScreenshot } from '../support/chromium.js';
import { signInAs } from '../support/chromium-pages.js';
import { useLiveAppInChromium } from '../support/live-app-in-chromium.js';

const PHONE = { width: 375, height: 812 };
const LONG_USERNAME = 'averyveryverylongusernamewithoutanyspacesthatgoesonandonforeverandever';

describeBrowser('the admin site on a phone, in Chromium', () => {
  const live = useLiveAppInChromium({ viewport: PHONE });
  let page: Page;
  beforeAll(async () => {
    page = await live.chromium().newPage();
    await signInAs(page, live.app(), 'alice');
    const alice = await findUserByUsername(live.app().runtime.database.db, 'alice');
    await setUserFlags(live.app().runtime.database.db, alice!.id, { isStaff: true, isSuperuser: true });
  });

  const pageWidth = () => page.evaluate<number>('document.documentElement.scrollWidth');

  it('a user whose username has no spaces: the heading wraps', async () => {
    const user = await createUser(live.app().runtime.database.db, { username: LONG_USERNAME, email: `${LONG_USERNAME}@example.test`, dateJoined: Math.floor(Date.now() / 1000) });
    await page.goto(`${live.app().origin}/admin/users/${encodeURIComponent(user.id)}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(LONG_USERNAME);
    await saveScreenshot(page, 'admin-long-username-phone');
    expect(await pageWidth()).toBeLessThanOrEqual(PHONE.width);
  });

  it("a user's page with a connection: the table scrolls in its box, the page does not", async () => {
    const alice = await findUserByUsername(live.app().runtime.database.db, 'alice');
    await page.goto(`${live.app().origin}/admin/users/${encodeURIComponent(alice!.id)}`);
    expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(1);
    await saveScreenshot(page, 'admin-user-connections-phone');
    expect(await pageWidth()).toBeLessThanOrEqual(PHONE.width);
  });

  it('a search, with its "clear" link', async () => {
    await page.goto(`${live.app().origin}/admin/users?q=alice`);
    const clear = page.getByRole('link', { name: 'clear' });
    expect(await clear.count()).toBe(1);
    expect(await pageWidth()).toBeLessThanOrEqual(PHONE.width);
    const box = await clear.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  });

  it('in a wide window, the users list with that long username and e-mail shows every column without scrolling', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await page.goto(`${live.app().origin}/admin/users`);
      expect(await page.getByRole('link', { name: LONG_USERNAME }).count()).toBe(1);
      await saveScreenshot(page, 'admin-users-long-username-wide');
      const widths = await page.evaluate<{ table: number; box: number }>("({ table: document.querySelector('table.list').scrollWidth, box: document.querySelector('.table-wrap').clientWidth })");
      expect(widths.table).toBeLessThanOrEqual(widths.box);
      const lastColumn = await page.getByRole('columnheader', { name: 'Last login' }).boundingBox();
      expect(lastColumn!.x + lastColumn!.width).toBeLessThanOrEqual(1280);
    } finally {
      await page.setViewportSize(PHONE);
    }
  });
});
