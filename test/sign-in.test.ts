import { readFileSync, readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseDatabaseUrl } from '../src/db/database.js';
import { describeEachDialect } from './support/postgres.js';
import { APP_ORIGIN, signIn } from './support/test-app.js';
import { signedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

describeEachDialect('sign-in through the dev provider', (dialect) => {
  const { app, database } = useTestApp(dialect);

  it('creates the user, stores the tokens encrypted and lands on next', async () => {
    const browser = app().browser();
    const page = await signIn(browser, 'alice', 'alice', '/account');
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    expect(page.text).toContain('Alice Liddell');
    expect(page.text).toContain('alice@example.test');
    expect(page.text).toMatch(/expires in \d+ min/);
    // The provider by the name people know it by, not its configuration name.
    expect(page.text).toContain('<dt>Signed up with</dt><dd>Toolkit</dd>');

    const me = await browser.get(`${APP_ORIGIN}/api/me`);
    expect(me.status).toBe(200);
    const body = JSON.parse(me.text);
    expect(body.user).toMatchObject({ username: 'alice', name: 'Alice Liddell', email: 'alice@example.test', emailVerified: true, provider: 'toolkit', isTokenUser: true });
    expect(body.connections).toHaveLength(1);
    expect(body.connections[0]).toMatchObject({ provider: 'toolkit', status: 'active', hasRefreshToken: true });
    expect(body.connections[0].expiresIn).toBeGreaterThan(0);

    const user = await database().db.selectFrom('users').selectAll().where('username', '=', 'alice').executeTakeFirstOrThrow();
    const stored = await app().runtime.tokenStore.findToken(user.id, 'toolkit');
    expect(stored?.accessToken.length).toBeGreaterThan(10);
    expect(stored?.refreshToken).toBeTruthy();
    expect(stored?.idToken).toBeTruthy();

    // No token value anywhere the user can see, nor in the raw rows.
    const raw = await database().db.selectFrom('tokens').selectAll().execute();
    for (const value of [stored!.accessToken, stored!.refreshToken!, stored!.idToken!]) {
      expect(me.text).not.toContain(value);
      expect(page.text).not.toContain(value);
      expect(JSON.stringify(raw)).not.toContain(value);
    }
    if (dialect.name === 'sqlite') {
      // Read the database files themselves (main file and WAL) after a checkpoint-free write.
      const { path } = parseDatabaseUrl(database().url) as { path: string };
      const folder = path.slice(0, path.lastIndexOf('/'));
      const bytes = readdirSync(folder)
        .filter((name) => name.startsWith('test.db'))
        .map((name) => readFileSync(`${folder}/${name}`).toString('latin1'))
        .join('');
      expect(bytes.length).toBeGreaterThan(0);
      for (const value of [stored!.accessToken, stored!.refreshToken!, stored!.idToken!]) expect(bytes).not.toContain(value);
    }
  });

  it('passes the login_hint a sign-in is asked with on to the provider (OpenID Connect Core §3.1.2.1); a blank one is left out, a malformed one refused', async () => {
    const browser = app().browser();
    const hinted = await browser.get(`${APP_ORIGIN}/login/toolkit?login_hint=${encodeURIComponent(' alice@example.test ')}`, { followRedirects: false });
    expect(hinted.status).toBe(303);
    expect(new URL(hinted.location!).searchParams.get('login_hint')).toBe('alice@example.test');
    const blank = await browser.get(`${APP_ORIGIN}/login/toolkit?login_hint=`, { followRedirects: false });
    expect(new URL(blank.location!).searchParams.has('login_hint')).toBe(false);
    for (const query of ['login_hint=a&login_hint=b', `login_hint=${'a'.repeat(257)}`, 'login_hint=a%0Ab']) {
      const refused = await browser.get(`${APP_ORIGIN}/login/toolkit?${query}`, { followRedirects: false });
      expect(refused.status, query).toBe(400);
    }
  });

  it('a second sign-in of the same person finds the same user and issues a new session id', async () => {
    const first = app().browser();
    await signIn(first, 'bob');
    const firstMe = JSON.parse((await first.get(`${APP_ORIGIN}/api/me`)).text);

    const second = app().browser();
    const anonymous = await second.get(`${APP_ORIGIN}/login/toolkit`);
    const sessionBefore = second.cookies.get('tokenkeeper_session', APP_ORIGIN);
    expect(sessionBefore).toBeTruthy();
    const afterLogin = await second.submitForm(anonymous, { username: 'bob', password: 'bob' });
    const landed = afterLogin.url.startsWith(APP_ORIGIN) ? afterLogin : await second.submitForm(afterLogin);
    expect(landed.url).toBe(`${APP_ORIGIN}/`);
    expect(second.cookies.get('tokenkeeper_session', APP_ORIGIN)).not.toBe(sessionBefore);

    const secondMe = JSON.parse((await second.get(`${APP_ORIGIN}/api/me`)).text);
    expect(secondMe.user.id).toBe(firstMe.user.id);
    const users = await database().db.selectFrom('users').select('id').where('username', 'like', 'bob%').execute();
    expect(users).toHaveLength(1);
    const tokens = await database().db.selectFrom('tokens').select('id').where('user_id', '=', firstMe.user.id).execute();
    expect(tokens).toHaveLength(1);
  });

  it('signing out ends the session', async () => {
    const browser = app().browser();
    await signIn(browser, 'alice');
    const home = await browser.get(`${APP_ORIGIN}/`);
    const out = await browser.submitForm(home);
    expect(out.url).toBe(`${APP_ORIGIN}/`);
    expect(out.text).toContain('Sign in with Toolkit');
    expect((await browser.get(`${APP_ORIGIN}/api/me`)).status).toBe(401);
  });

  it("a form of a session that has ended since says the person was signed out, not that the form is forged", async () => {
    const alice = await signedInUser(app(), 'alice');
    await alice.browser.post(`${APP_ORIGIN}/logout`, { _csrf: alice.csrfToken });
    // The account page, still open in another tab: its Refresh now, posted after the sign-out.
    const stale = await alice.browser.post(`${APP_ORIGIN}/account/connections/toolkit/refresh`, { _csrf: alice.csrfToken });
    expect(stale.status).toBe(403);
    expect(stale.text).toContain('You have been signed out since this page was shown (your session ended), so its form no longer works: sign in again, then try again.');
    // A post without any token (another site's) is told as before.
    const forged = await app().browser().post(`${APP_ORIGIN}/logout`, {});
    expect(forged.text).toContain('This form has expired or did not come from this site.');
  });
});
