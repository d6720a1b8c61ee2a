// The admin site with the keyboard alone, in Chromium: the first Tab reaches
// a visible "Skip to main content" link, which passes over the bar's links
// (WCAG 2.4.1 Bypass Blocks, 2.4.7 Focus Visible).
import { expect, it } from 'vitest';
import { findUserByUsername, setUserFlags } from '../../src/db/user.repository.js';
import { describeBrowser, saveScreenshot } from '../support/chromium.js';
import { signInAs } from '../support/chromium-pages.js';
import { useLiveAppInChromium } from '../support/live-app-in-chromium.js';

describeBrowser('the admin site with the keyboard, in Chromium', () => {
  const live = useLiveAppInChromium();

  it('the first Tab shows "Skip to main content"; Enter on it puts the next Tab in the page, past the bar', async () => {
    const page = await live.chromium().newPage();
    await signInAs(page, live.app(), 'alice');
    const alice = await findUserByUsername(live.app().runtime.database.db, 'alice');
    await setUserFlags(live.app().runtime.database.db, alice!.id, { isStaff: true });
    await page.goto(`${live.app().origin}/admin/users`);

    await page.keyboard.press('Tab');
    const focused = () => page.evaluate<{ text: string; inMain: boolean }>("({ text: document.activeElement.textContent.trim(), inMain: document.activeElement.closest('main') !== null })");
    expect((await focused()).text).toBe('Skip to main content');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    const box = await skip.boundingBox();
    // Shown in the window while focused.
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.height).toBeGreaterThan(10);
    await saveScreenshot(page, 'admin-skip-link');

    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    // The search box, the list's first control: none of the bar's links nor its Sign out.
    expect(await focused()).toEqual({ text: '', inMain: true });
    expect(await page.evaluate<string>('document.activeElement.name')).toBe('q');
  });
});
