import { APP_ORIGIN } from './test-app.js';
import type { BrowserResponse, TestBrowser } from './browser.js';

/**
 * Through the dev provider's pages until the browser is back at the app: its login as `username` (whose password
 * is the same), then its consent, each when it is asked, straight through when not (a session there already, a
 * grant already given). At most three pages: a provider that keeps asking is left where it stopped.
 */
export async function throughDevProvider(browser: TestBrowser, page: BrowserResponse, username = 'alice'): Promise<BrowserResponse> {
  for (let step = 0; !page.url.startsWith(APP_ORIGIN) && step < 3; step += 1) {
    page = await browser.submitForm(page, /name="password"/.test(page.text) ? { username, password: username } : {});
  }
  return page;
}
