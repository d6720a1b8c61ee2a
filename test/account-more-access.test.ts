// "Ask for more access" on the account page: an incremental authorization
// for the signed-in person, through the dev provider's real consent page.
import { beforeAll, expect, it } from 'vitest';
import type { BrowserResponse, TestBrowser } from './support/browser.js';
import { describeEachDialect } from './support/postgres.js';
import { withSecondProvider } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const SCOPE_URL = `${APP_ORIGIN}/account/connections/toolkit/scope`;

/** Submits the provider's login or consent pages until the browser is back on the app. */
async function throughProvider(browser: TestBrowser, page: BrowserResponse, username: string): Promise<BrowserResponse> {
  for (let step = 0; step < 4 && !page.url.startsWith(APP_ORIGIN); step += 1) {
    page = await browser.submitForm(page, page.text.includes('name="password"') ? { username, password: username } : {});
  }
  return page;
}

describeEachDialect('account page: ask for more access', (dialect) => {
  // The configured scope leaves out notes:read, so that the person can ask for it.
  const { app, database } = useTestApp(dialect, { env: { TOOLKIT_SCOPE: 'openid profile email offline_access' }, configure: withSecondProvider });
  let alice: SignedInUser;

  beforeAll(async () => {
    alice = await signedInUser(app(), 'alice');
  });

  const storedScope = async () => (await app().runtime.tokenStore.findToken(alice.userId, 'toolkit'))!.scope!.split(' ').sort();
  const pendingSignIns = async () => (await database().db.selectFrom('login_transactions').select('state').execute()).length;

  it('each connection offers the form; asking for notes:read asks the provider for the union, and the account page says what was granted', async () => {
    const account = await alice.browser.get(`${APP_ORIGIN}/account`);
    expect(account.text).toContain('action="/account/connections/toolkit/scope"');
    expect(account.text).toContain('Ask for more access');
    // An empty field is refused by the browser itself, without a round trip to an error page.
    expect(account.text).toMatch(/<input name="scope"[^>]* required/);
    expect(await storedScope()).toEqual(['email', 'offline_access', 'openid', 'profile']);

    const start = await alice.browser.post(SCOPE_URL, { _csrf: alice.csrfToken, scope: '  notes:read ' }, { followRedirects: false });
    expect(start.status).toBe(303);
    const request = new URL(start.location!).searchParams;
    expect(request.get('scope')!.split(' ').sort()).toEqual(['email', 'notes:read', 'offline_access', 'openid', 'profile']);
    expect(request.get('prompt')).toBe('consent');

    const back = await throughProvider(alice.browser, await alice.browser.get(start.location!), 'alice');
    expect(back.url).toBe(`${APP_ORIGIN}/account`);
    expect(back.text).toContain('Toolkit now grants:');
    expect(back.text).toContain('notes:read');
    expect(await storedScope()).toEqual(['email', 'notes:read', 'offline_access', 'openid', 'profile']);
    // The notice shows once.
    expect((await alice.browser.get(`${APP_ORIGIN}/account`)).text).not.toContain('now grants:');
  });

  it('asking for a scope the provider does not grant says which was not granted', async () => {
    const start = await alice.browser.post(SCOPE_URL, { _csrf: alice.csrfToken, scope: 'notes:write' }, { followRedirects: false });
    const back = await throughProvider(alice.browser, await alice.browser.get(start.location!), 'alice');
    expect(back.url).toBe(`${APP_ORIGIN}/account`);
    expect(back.text).toMatch(/Toolkit now grants: [^<]*notes:read[^<]*\. Not granted: notes:write\./);
  });

  it('refuses a missing or wrong CSRF token with 403, starting nothing', async () => {
    const before = await pendingSignIns();
    for (const form of [{ scope: 'notes:read' }, { scope: 'notes:read', _csrf: 'wrong' }]) {
      const answer = await app().runtime.app.inject({ method: 'POST', url: '/account/connections/toolkit/scope', headers: { cookie: alice.cookie, accept: 'application/json' }, payload: form });
      expect([answer.statusCode, answer.json().error]).toEqual([403, 'csrf_failed']);
    }
    expect(await pendingSignIns()).toBe(before);
  });

  it('a scope that is not RFC 6749 scope tokens, or none, is a 400 with a clear message; a provider not connected is 409', async () => {
    for (const scope of ['notes:read "admin"', 'back\\slash', 'tab\there', 'é', '', '   ']) {
      const answer = await alice.browser.post(SCOPE_URL, { _csrf: alice.csrfToken, scope }, { followRedirects: false });
      expect(answer.status, JSON.stringify(scope)).toBe(400);
      expect(answer.text).toMatch(/scope/i);
    }
    const json = await app().runtime.app.inject({
      method: 'POST',
      url: '/account/connections/toolkit/scope',
      headers: { cookie: alice.cookie, accept: 'application/json' },
      payload: { _csrf: alice.csrfToken, scope: 'a"b' },
    });
    expect(json.json()).toMatchObject({ error: 'invalid_scope', message: expect.stringContaining('RFC 6749 §3.3') });
    const second = await alice.browser.post(`${APP_ORIGIN}/account/connections/second/scope`, { _csrf: alice.csrfToken, scope: 'notes:read' }, { followRedirects: false });
    expect(second.status).toBe(409);
    const signedOut = await app().runtime.app.inject({ method: 'POST', url: '/account/connections/toolkit/scope', headers: { accept: 'application/json' }, payload: { scope: 'notes:read' } });
    expect(signedOut.statusCode).toBe(403);
  });
});
