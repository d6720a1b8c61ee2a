// <NAME>_SIGN_OUT_AT_PROVIDER=on: signing out also ends the person's session
// at the provider whose sign-in made this one (OpenID Connect RP-Initiated
// Logout 1.0), proved with oidc-provider (the dev provider): after it, the
// provider asks for the password again. Without it, or where the provider
// names no end_session_endpoint, signing out ends this site's session only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseForm, TestBrowser } from './support/browser.js';
import { startHostileProvider, type HostileProvider } from './support/hostile-provider.js';
import { startLiveApp, type LiveApp } from './support/live-app.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** A live app and its dev provider, with the provider's sign-out on or off. */
function useLiveApp(signOutAtProvider: 'on' | 'off') {
  let database: TestDatabase;
  let live: LiveApp;
  beforeAll(async () => {
    database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    live = await startLiveApp({ databaseUrl: database.url, env: { TOOLKIT_SIGN_OUT_AT_PROVIDER: signOutAtProvider } });
  });
  afterAll(async () => {
    await live?.close();
    await database?.close();
  });
  return () => live;
}

/** Signs in through the provider's login page (and consent the first time); the app's home page. */
async function signIn(live: LiveApp, browser: TestBrowser, username: string) {
  const login = await browser.get(`${live.origin}/login/toolkit`);
  expect(login.text).toContain('name="password"');
  const afterLogin = await browser.submitForm(login, { username, password: username });
  const home = afterLogin.url.startsWith(live.origin) ? afterLogin : await browser.submitForm(afterLogin);
  expect(home.url).toBe(`${live.origin}/`);
  return home;
}

/** The sign-out form every signed-in page has, posted; the answer is not followed. */
async function signOut(live: LiveApp, browser: TestBrowser) {
  const home = await browser.get(`${live.origin}/`);
  const form = parseForm(home.text, home.url);
  expect(form.action).toBe(`${live.origin}/logout`);
  return browser.post(form.action, form.fields, { followRedirects: false });
}

describe('signing out at the provider too (on)', () => {
  const live = useLiveApp('on');

  it("goes on to the provider's end_session_endpoint with the ID token as hint, and back home: the provider then asks for the password again", async () => {
    const browser = new TestBrowser();
    await signIn(live(), browser, 'alice');
    const answer = await signOut(live(), browser);
    expect(answer.status).toBe(303);
    const endSession = new URL(answer.location!);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${live().provider.issuer}/session/end`);
    expect(endSession.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${live().origin}/`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // Signed out here already, whatever the person does at the provider.
    expect((await browser.get(`${live().origin}/api/me`)).status).toBe(401);

    const confirm = await browser.get(endSession.href);
    expect(confirm.text).toContain('<title>Sign out</title>');
    const back = await browser.submitForm(confirm, { logout: 'yes' });
    expect(back.url).toBe(`${live().origin}/`);
    // The provider's session is over: signing in again needs the password.
    await signIn(live(), browser, 'alice');
  });
});

describe('signing out at the provider too (off, the default)', () => {
  const live = useLiveApp('off');

  it('ends this site\'s session only: home, and the provider signs the person straight back in', async () => {
    const browser = new TestBrowser();
    await signIn(live(), browser, 'alice');
    const answer = await signOut(live(), browser);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${live().origin}/`);
    expect((await browser.get(`${live().origin}/api/me`)).status).toBe(401);
    const again = await browser.get(`${live().origin}/login/toolkit`);
    expect(again.url).toBe(`${live().origin}/`);
  });
});

describe('signing out at a provider that names no end_session_endpoint', () => {
  let hostile: HostileProvider;
  beforeAll(async () => {
    hostile = await startHostileProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterAll(() => hostile?.close());
  const { app } = useTestApp(DIALECTS[0]!, () => ({
    env: { TOOLKIT_ISSUER: hostile.issuer, TOOLKIT_CLIENT_ID: CLIENT_ID, TOOLKIT_CLIENT_SECRET: CLIENT_SECRET, TOOLKIT_SIGN_OUT_AT_PROVIDER: 'on' },
  }));

  it('signs out here and lands home', async () => {
    hostile.signInAs({ sub: 'no-end-session' });
    const browser = app().browser();
    expect((await browser.get(`${APP_ORIGIN}/login/toolkit`)).url).toBe(`${APP_ORIGIN}/`);
    const home = await browser.get(`${APP_ORIGIN}/`);
    const form = parseForm(home.text, home.url);
    const answer = await browser.post(form.action, form.fields, { followRedirects: false });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${APP_ORIGIN}/`);
    expect((await browser.get(`${APP_ORIGIN}/api/me`)).status).toBe(401);
  });
});
