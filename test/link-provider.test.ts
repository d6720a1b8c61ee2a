import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, startTestApp, type TestApp } from './support/test-app.js';

/** The same dev provider registered a second time as "second": an identity there is (second, sub), a different account. */
describe('linking another provider (POST /account/connections/:provider)', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    app = await startTestApp({
      databaseUrl: database.url,
      configure: (issuer) => ({
        OAUTH_PROVIDERS: 'toolkit,second',
        SECOND_ISSUER: issuer,
        SECOND_CLIENT_ID: CLIENT_ID,
        SECOND_CLIENT_SECRET: CLIENT_SECRET,
        SECOND_SCOPE: 'openid profile email notes:read',
        SECOND_DISPLAY_NAME: 'Second',
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const accountsOf = (userId: string) => database.db.selectFrom('accounts').select(['provider']).where('user_id', '=', userId).orderBy('provider').execute();

  it('adds the identity and its tokens to the signed-in user, without a second user', async () => {
    const alice = await signedInUser(app, 'alice');
    const account = await alice.browser.get(`${APP_ORIGIN}/account`);
    expect(account.text).toContain('Connect Second');
    const users = (await database.db.selectFrom('users').select('id').execute()).length;

    const linked = await alice.browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: alice.csrfToken });
    expect(linked.url).toBe(`${APP_ORIGIN}/account`);
    expect(linked.text).not.toContain('Connect Second');
    expect(await accountsOf(alice.userId)).toEqual([{ provider: 'second' }, { provider: 'toolkit' }]);
    expect(await app.runtime.tokenStore.findToken(alice.userId, 'second')).toBeDefined();
    expect((await database.db.selectFrom('users').select('id').execute()).length).toBe(users);
    const me = JSON.parse((await alice.browser.get(`${APP_ORIGIN}/api/me`)).text);
    expect(me.user.id).toBe(alice.userId);
    expect(me.connections.map((c: { provider: string }) => c.provider).sort()).toEqual(['second', 'toolkit']);
  });

  it('refuses an identity already linked to another user, and stores nothing', async () => {
    // mallory signs up with "second" first: (second, mallory) belongs to that user.
    const first = app.browser();
    await first.get(`${APP_ORIGIN}/login/second`).then((page) => first.submitForm(page, { username: 'mallory', password: 'mallory' })).then((page) => (page.url.startsWith(APP_ORIGIN) ? page : first.submitForm(page)));
    // Then signs in with "toolkit": (toolkit, mallory) is another user, and tries to link "second".
    const other = await signedInUser(app, 'mallory');
    const tokensBefore = await database.db.selectFrom('tokens').select(['id', 'user_id', 'provider', 'updated_at']).orderBy('id').execute();
    const refused = await other.browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: other.csrfToken });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('already connected to another user');
    expect(await accountsOf(other.userId)).toEqual([{ provider: 'toolkit' }]);
    expect(await database.db.selectFrom('tokens').select(['id', 'user_id', 'provider', 'updated_at']).orderBy('id').execute()).toEqual(tokensBefore);
  });

  it('needs the CSRF token', async () => {
    const bob = await signedInUser(app, 'bob');
    expect((await app.runtime.app.inject({ method: 'POST', url: '/account/connections/second', headers: { cookie: bob.cookie } })).statusCode).toBe(403);
    expect(await accountsOf(bob.userId)).toEqual([{ provider: 'toolkit' }]);
  });
});
