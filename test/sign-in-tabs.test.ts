// Sign-ins started in two tabs of one browser: the session is replaced at
// each sign-in (a fixed session is worth nothing after it), and the other
// tab's plain sign-in goes on in the new session; a link to the user signed
// in before (more access) does not, once someone else has signed in.
import { expect, it } from 'vitest';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describeEachDialect('sign-ins in two tabs', (dialect) => {
  const { app } = useTestApp(dialect, { env: { TOOLKIT_SCOPE: 'openid profile email offline_access' } });

  type Browser = ReturnType<ReturnType<typeof app>['browser']>;
  type Page = Awaited<ReturnType<Browser['get']>>;
  /** The provider's pages from its login form on: sign in, then allow (as often as it asks), back to the app. */
  const finishAtProvider = async (browser: Browser, login: Page, username: string): Promise<Page> => {
    let page = await browser.submitForm(login, { username, password: username });
    for (let step = 0; step < 3 && !page.url.startsWith(APP_ORIGIN); step += 1) page = await browser.submitForm(page);
    return page;
  };

  const whoIsSignedIn = async (browser: Browser) => {
    const me = await browser.get(`${APP_ORIGIN}/api/me`);
    return me.status === 200 ? (JSON.parse(me.text) as { user: { username: string } }).user.username : null;
  };

  it('both finish: the tab finished last is who is signed in, and the first session is gone', async () => {
    const browser = app().browser();
    const tabA = await browser.get(`${APP_ORIGIN}/login/toolkit`);
    const tabB = await browser.get(`${APP_ORIGIN}/login/toolkit`);
    const cookieBefore = browser.cookies.cookieHeader(new URL(APP_ORIGIN));

    const finishedA = await finishAtProvider(browser, tabA, 'alice');
    expect(finishedA.url).toBe(`${APP_ORIGIN}/`);
    expect(await whoIsSignedIn(browser)).toBe('alice');
    expect(browser.cookies.cookieHeader(new URL(APP_ORIGIN))).not.toBe(cookieBefore);

    const finishedB = await finishAtProvider(browser, tabB, 'bob');
    expect(finishedB.status).toBe(200);
    expect(finishedB.url).toBe(`${APP_ORIGIN}/`);
    expect(await whoIsSignedIn(browser)).toBe('bob');
  });

  it("a pending link for the user signed in before (more access) does not follow when someone else signs in", async () => {
    const alice = await signedInUser(app(), 'alice');
    const consent = await alice.browser.post(`${APP_ORIGIN}/account/connections/toolkit/scope`, { _csrf: alice.csrfToken, scope: 'notes:read' });
    const callback = await alice.browser.submitForm(consent, {}, { stopAt: `${APP_ORIGIN}/auth/` });
    expect(callback.location).toContain('/auth/toolkit/callback');

    // Another tab: bob signs in in the same browser.
    const login = await alice.browser.get(`${APP_ORIGIN}/login/toolkit`);
    const finished = login.url.startsWith(APP_ORIGIN) ? login : await finishAtProvider(alice.browser, login, 'bob');
    expect(finished.url).toBe(`${APP_ORIGIN}/`);
    const signedIn = await whoIsSignedIn(alice.browser);

    const late = await alice.browser.get(callback.location!);
    expect(late.status).toBe(400);
    expect(late.text).toContain('not valid in this browser');
    expect(await whoIsSignedIn(alice.browser)).toBe(signedIn);
  });
});
