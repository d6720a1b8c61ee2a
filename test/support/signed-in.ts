import type { TestBrowser } from './browser.js';
import type { TestDatabase } from './postgres.js';
import { APP_ORIGIN, signIn, type TestApp } from './test-app.js';

export interface SignedInUser {
  browser: TestBrowser;
  userId: string;
  /** The session cookie header, for app.inject() calls. */
  cookie: string;
  csrfToken: string;
}

/** Signs `username` in through the provider's pages and returns what tests need to act as them. */
export async function signedInUser(app: TestApp, username: string): Promise<SignedInUser> {
  const browser = app.browser();
  await signIn(browser, username);
  const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { user: { id: string } };
  const account = await browser.get(`${APP_ORIGIN}/account`);
  const csrfToken = /name="_csrf" value="([^"]+)"/.exec(account.text)?.[1];
  if (!csrfToken) throw new Error('no CSRF token on the account page');
  return { browser, userId: me.user.id, cookie: browser.cookies.cookieHeader(new URL(APP_ORIGIN)) ?? '', csrfToken };
}

/** Makes the stored access token look expired to the app (the provider still accepts it); `now` is the app's clock. */
export async function expireStoredAccessToken(database: TestDatabase, userId: string, provider = 'toolkit', now = Math.floor(Date.now() / 1000)): Promise<void> {
  const past = now - 10;
  await database.db.updateTable('tokens').set({ expires_at: past }).where('user_id', '=', userId).where('provider', '=', provider).execute();
}
