// The admin site at 200% zoom (a 1280-pixel window shows 640 CSS pixels):
// no page scrolls sideways, and the bar keeps its buttons on one line
// (WCAG 1.4.10 Reflow).
import { expect, it } from 'vitest';
import { newId } from '../../src/db/id.js';
import { findUserByUsername } from '../../src/db/user.repository.js';
import { describeBrowser, saveScreenshot } from '../support/chromium.js';
import { signInAs } from '../support/chromium-pages.js';
import { useLiveAppInChromium } from '../support/live-app-in-chromium.js';

describeBrowser('the admin site at 200% zoom, in Chromium', () => {
  const live = useLiveAppInChromium();

  it('a webhook message, whose body is one long line of JSON, fits the window; so does the bar', async () => {
    const page = await live.chromium().newPage();
    await signInAs(page, live.app(), 'alice');
    const alice = await findUserByUsername(live.app().runtime.database.db, 'alice');
    // A staff user who signed in through a provider gets into the admin site (README, Admin site).
    await live.app().runtime.database.db.updateTable('users').set({ is_staff: 1 }).where('id', '=', alice!.id).execute();
    const now = Math.floor(Date.now() / 1000);
    const payload = JSON.stringify({ type: 'connection.revoked', timestamp: now, data: { user_id: alice!.id, external_id: null, provider: 'toolkit', subject: 'f0162afdb7a70b3a067d78170360faeb', status: 'revoked' } });
    const id = newId();
    await live.app().runtime.database.db
      .insertInto('webhook_deliveries')
      .values({ id, message_id: `msg_${newId()}`, event_type: 'connection.revoked', url: 'https://hooks.example.test/tokenkeeper', payload, next_attempt_at: now + 300, created_at: now })
      .execute();

    await page.setViewportSize({ width: 640, height: 450 });
    await page.goto(`${live.app().origin}/admin/webhooks/${id}`);
    expect(await page.locator('pre').textContent()).toBe(payload);
    await saveScreenshot(page, 'admin-webhook-200-percent');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(640);
    // "Sign out" on one line of text, not squeezed into two beside the menu.
    const signOut = page.getByRole('button', { name: 'Sign out' });
    const lineHeight = await page.evaluate<number>("parseFloat(getComputedStyle(document.querySelector('.who button')).lineHeight)");
    expect((await signOut.boundingBox())!.height).toBeLessThan(2 * lineHeight);
  });
});
