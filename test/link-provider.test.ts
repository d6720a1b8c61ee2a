import { describe, expect, it } from 'vitest';
import { DIALECTS } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { throughDevProvider } from './support/dev-provider-pages.js';

/** The same dev provider registered a second time as "second": an identity there is (second, sub), a different account. */
describe('linking another provider (POST /account/connections/:provider)', () => {
  const { app, database } = useTestApp(DIALECTS[0]!, {
    configure: (issuer) => ({
      OAUTH_PROVIDERS: 'toolkit,second',
      SECOND_ISSUER: issuer,
      SECOND_CLIENT_ID: CLIENT_ID,
      SECOND_CLIENT_SECRET: CLIENT_SECRET,
      SECOND_SCOPE: 'openid profile email notes:read',
      SECOND_DISPLAY_NAME: 'Second',
    }),
  });

  const accountsOf = (userId: string) => database().db.selectFrom('accounts').select(['provider']).where('user_id', '=', userId).orderBy('provider').execute();

  it('adds the identity and its tokens to the signed-in user, without a second user', async () => {
    const alice = await signedInUser(app(), 'alice');
    const account = await alice.browser.get(`${APP_ORIGIN}/account`);
    expect(account.text).toContain('Connect Second');
    const users = (await database().db.selectFrom('users').select('id').execute()).length;

    const linked = await alice.browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: alice.csrfToken });
    expect(linked.url).toBe(`${APP_ORIGIN}/account`);
    expect(linked.text).not.toContain('Connect Second');
    expect(await accountsOf(alice.userId)).toEqual([{ provider: 'second' }, { provider: 'toolkit' }]);
    expect(await app().runtime.tokenStore.findToken(alice.userId, 'second')).toBeDefined();
    expect((await database().db.selectFrom('users').select('id').execute()).length).toBe(users);
    const me = JSON.parse((await alice.browser.get(`${APP_ORIGIN}/api/me`)).text);
    expect(me.user.id).toBe(alice.userId);
    expect(me.connections.map((c: { provider: string }) => c.provider).sort()).toEqual(['second', 'toolkit']);

    // Two cards of alike controls: each control's accessible name says which provider it acts on (WCAG 2.4.6).
    const hidden = (name: string) => `<span class="visually-hidden"> (${name})</span>`;
    const controls = ['>Disconnect', '>Refresh now', '>Ask for more access', '<label>More scopes'];
    // "second" has no API (no SECOND_API_BASE_URL), so no "Call the API" form.
    for (const [name, extra] of [['Toolkit', ['>Call the API', '<label>API path']], ['Second', []]] as const) {
      for (const control of [...controls, ...extra]) {
        expect(linked.text, `${control} ${name}`).toContain(`${control}${hidden(name)}`);
      }
    }
  });

  it('refuses an identity already linked to another user, and stores nothing', async () => {
    // mallory signs up with "second" first: (second, mallory) belongs to that user.
    const first = app().browser();
    await first.get(`${APP_ORIGIN}/login/second`).then((page) => first.submitForm(page, { username: 'mallory', password: 'mallory' })).then((page) => (page.url.startsWith(APP_ORIGIN) ? page : first.submitForm(page)));
    // Then signs in with "toolkit": (toolkit, mallory) is another user, and tries to link "second".
    const other = await signedInUser(app(), 'mallory');
    const tokensBefore = await database().db.selectFrom('tokens').select(['id', 'user_id', 'provider', 'updated_at']).orderBy('id').execute();
    const refused = await other.browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: other.csrfToken });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('already connected to another user');
    expect(await accountsOf(other.userId)).toEqual([{ provider: 'toolkit' }]);
    expect(await database().db.selectFrom('tokens').select(['id', 'user_id', 'provider', 'updated_at']).orderBy('id').execute()).toEqual(tokensBefore);
  });

  it('needs the CSRF token', async () => {
    const bob = await signedInUser(app(), 'bob');
    expect((await app().runtime.app.inject({ method: 'POST', url: '/account/connections/second', headers: { cookie: bob.cookie } })).statusCode).toBe(403);
    expect(await accountsOf(bob.userId)).toEqual([{ provider: 'toolkit' }]);
  });

  /** A browser with only `cookie` (the app session), none of the provider's: the provider asks who signs in. */
  function withAppSessionOnly(cookie: string) {
    const browser = app().browser();
    for (const pair of cookie.split('; ')) browser.cookies.setCookie(`${pair}; Path=/`, new URL(APP_ORIGIN));
    return browser;
  }


  it('refuses a second identity at a provider already connected with another, and shows every identity', async () => {
    // alice linked "second" in the first test.
    const alice = await signedInUser(app(), 'alice');
    const linked = await database().db.selectFrom('accounts').select(['provider', 'subject']).where('user_id', '=', alice.userId).orderBy('provider').execute();
    expect(linked.map((account) => account.provider)).toEqual(['second', 'toolkit']);

    // alice's session, but at the provider someone else (bob) signs in for the link.
    const browser = withAppSessionOnly(alice.cookie);
    const tokensBefore = await database().db.selectFrom('tokens').select(['id', 'updated_at']).where('user_id', '=', alice.userId).orderBy('id').execute();
    const start = await browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: alice.csrfToken });
    const refused = await throughDevProvider(browser, start, 'bob');
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Another Second account is already connected to you; disconnect it first.');
    expect(await database().db.selectFrom('accounts').select(['provider', 'subject']).where('user_id', '=', alice.userId).orderBy('provider').execute()).toEqual(linked);
    expect(await database().db.selectFrom('tokens').select(['id', 'updated_at']).where('user_id', '=', alice.userId).orderBy('id').execute()).toEqual(tokensBefore);

    const page = await alice.browser.get(`${APP_ORIGIN}/account`);
    for (const account of linked) expect(page.text).toContain(`<code>${account.subject}</code>`);
  });

  it('disconnect removes the identity link, so that identity no longer signs in as the user; the only identity stays', async () => {
    const alice2 = await signedInUser(app(), 'alice');
    expect(await accountsOf(alice2.userId)).toEqual([{ provider: 'second' }, { provider: 'toolkit' }]);
    await alice2.browser.post(`${APP_ORIGIN}/account/connections/second/disconnect`, { _csrf: alice2.csrfToken });
    expect(await accountsOf(alice2.userId)).toEqual([{ provider: 'toolkit' }]);
    const audit = await database().db.selectFrom('audit_log').select('event').where('event', '=', 'account.unlinked').where('target_id', '=', alice2.userId).execute();
    expect(audit).toHaveLength(1);

    // Signing in with that identity now makes a new user, not alice.
    const elsewhere = app().browser();
    const page = await throughDevProvider(elsewhere, await elsewhere.get(`${APP_ORIGIN}/login/second?next=/api/me`), 'alice');
    expect((JSON.parse(page.text) as { user: { id: string } }).user.id).not.toBe(alice2.userId);

    // The last identity stays linked: disconnecting it revokes the tokens, and signing in again finds the same user.
    await alice2.browser.post(`${APP_ORIGIN}/account/connections/toolkit/disconnect`, { _csrf: alice2.csrfToken });
    expect(await accountsOf(alice2.userId)).toEqual([{ provider: 'toolkit' }]);
    expect(await app().runtime.tokenStore.findToken(alice2.userId, 'toolkit')).toBeUndefined();
    const again = await signedInUser(app(), 'alice');
    expect(again.userId).toBe(alice2.userId);
  });
});
