import { beforeAll, expect, it } from 'vitest';
import { setUserFlags } from '../src/db/user.repository.js';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { throughDevProvider } from './support/dev-provider-pages.js';

/** The dev provider is registered twice ("toolkit" and "second"), so a user can have two identities. */
describeEachDialect('unlinking an identity from the admin site', (dialect) => {
  const { app, database } = useTestApp(dialect, {
    configure: (issuer) => ({
      OAUTH_PROVIDERS: 'toolkit,second',
      SECOND_ISSUER: issuer,
      SECOND_CLIENT_ID: CLIENT_ID,
      SECOND_CLIENT_SECRET: CLIENT_SECRET,
      SECOND_SCOPE: 'openid profile email offline_access notes:read',
    }),
  });
  let staff: SignedInUser;
  let alice: SignedInUser;

  beforeAll(async () => {
    staff = await signedInUser(app(), 'bob');
    await setUserFlags(database().db, staff.userId, { isStaff: true });
    alice = await signedInUser(app(), 'alice');
  });

  const accountsOf = (userId: string) => database().db.selectFrom('accounts').select(['id', 'provider', 'subject']).where('user_id', '=', userId).orderBy('provider').execute();
  /** Posts the unlink as confirmed (from its confirmation page) unless `confirmed` is false. */
  const unlink = (user: SignedInUser, userId: string, accountId: string, csrf: string | null = user.csrfToken, confirmed = true) =>
    app().runtime.app.inject({
      method: 'POST',
      url: `/admin/users/${userId}/identities/${accountId}/unlink`,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...(csrf === null ? {} : { _csrf: csrf }), ...(confirmed ? { confirmed: 'yes' } : {}) }).toString(),
    });
  const userPage = (userId: string) => app().runtime.app.inject({ method: 'GET', url: `/admin/users/${userId}`, headers: { cookie: staff.cookie } });
  /** Links "second" to `user` through the provider's pages (login, consent) as they come. */
  async function linkSecond(user: SignedInUser, username: string): Promise<void> {
    const page = await throughDevProvider(user.browser, await user.browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: user.csrfToken }), username);
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
  }
  const auditOf = (event: string) => database().db.selectFrom('audit_log').select(['actor_user_id', 'target_id', 'detail']).where('event', '=', event).orderBy('id').execute();

  it('unlinks an identity whose tokens were already revoked', async () => {
    await linkSecond(alice, 'alice');
    // As the admin's "Revoke" on the token page does: the tokens go, the identity's link stays.
    await app().runtime.tokens.revoke(alice.userId, 'second');
    expect(await app().runtime.tokenStore.findTokenSummary(alice.userId, 'second')).toBeUndefined();
    const second = (await accountsOf(alice.userId)).find((account) => account.provider === 'second')!;
    expect((await unlink(staff, alice.userId, second.id)).statusCode).toBe(303);
    expect((await accountsOf(alice.userId)).map((account) => account.provider)).toEqual(['toolkit']);
    expect(JSON.parse((await auditOf('admin.users.unlink'))[0]!.detail!)).toEqual({ provider: 'second', subject: second.subject, revokedAtProvider: null });
  });

  it("revokes that provider's tokens at the provider, deletes them, removes the link, and audits it; the identity then signs in as someone else", async () => {
    await linkSecond(alice, 'alice');
    const before = await accountsOf(alice.userId);
    const second = before.find((account) => account.provider === 'second')!;
    const page = await userPage(alice.userId);
    expect(page.body.match(/data-action="unlink"/g)).toHaveLength(2);
    const revocations = app().provider.stats.revocations;

    expect((await unlink(staff, alice.userId, second.id, null)).statusCode).toBe(403);
    expect(await accountsOf(alice.userId)).toEqual(before);
    // The first post redirects to the question (POST, 303, GET: going back to it asks again instead of offering to
    // send the form again); it revokes nothing and writes nothing in the audit log.
    const path = `/admin/users/${alice.userId}/identities/${second.id}/unlink`;
    const redirected = await unlink(staff, alice.userId, second.id, staff.csrfToken, false);
    expect(redirected.statusCode).toBe(303);
    expect(redirected.headers.location).toBe(path);
    const asked = await app().runtime.app.inject({ method: 'GET', url: path, headers: { cookie: staff.cookie } });
    expect(asked.statusCode).toBe(200);
    // A link from another site lands on the user's page, not on the question.
    const linked = await app().runtime.app.inject({ method: 'GET', url: path, headers: { cookie: staff.cookie, 'sec-fetch-site': 'cross-site' } });
    expect(linked.statusCode).toBe(303);
    expect(linked.headers.location).toBe(`/admin/users/${alice.userId}`);
    expect(asked.body).toContain(
      `<p class="consequence">The second identity ${second.subject} will be unlinked from alice: its tokens revoked at second and deleted, and alice can no longer sign in with it.</p>`,
    );
    expect(asked.body).toContain(`<form method="post" action="/admin/users/${alice.userId}/identities/${second.id}/unlink">`);
    expect(asked.body).toContain('Yes, unlink</button>');
    expect(asked.body).toContain(`<a class="button secondary" href="/admin/users/${alice.userId}">No, go back</a>`);
    expect(await accountsOf(alice.userId)).toEqual(before);
    expect(app().provider.stats.revocations).toBe(revocations);
    expect(await auditOf('admin.users.unlink')).toHaveLength(1);

    const answer = await unlink(staff, alice.userId, second.id);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe(`/admin/users/${alice.userId}`);
    expect((await accountsOf(alice.userId)).map((account) => account.provider)).toEqual(['toolkit']);
    expect(await app().runtime.tokenStore.findToken(alice.userId, 'second')).toBeUndefined();
    expect(await app().runtime.tokenStore.findToken(alice.userId, 'toolkit')).toBeDefined();
    expect(app().provider.stats.revocations).toBeGreaterThan(revocations);
    expect((await userPage(alice.userId)).body).toContain(`second identity ${second.subject} unlinked from alice; its tokens were revoked and deleted.`);
    expect((await auditOf('admin.users.unlink')).slice(1)).toEqual([
      { actor_user_id: staff.userId, target_id: alice.userId, detail: JSON.stringify({ provider: 'second', subject: second.subject, revokedAtProvider: true }) },
    ]);
    expect((await auditOf('account.unlinked')).slice(1)).toEqual([{ actor_user_id: staff.userId, target_id: alice.userId, detail: JSON.stringify({ provider: 'second' }) }]);

    const elsewhere = app().browser();
    let me = await elsewhere.get(`${APP_ORIGIN}/login/second?next=/api/me`);
    for (let step = 0; !me.url.startsWith(APP_ORIGIN) && step < 3; step += 1) {
      me = await elsewhere.submitForm(me, /name="password"/.test(me.text) ? { username: 'alice', password: 'alice' } : {});
    }
    expect((JSON.parse(me.text) as { user: { id: string } }).user.id).not.toBe(alice.userId);
  });

  it("refuses to unlink a user's only identity with 409, and revokes nothing", async () => {
    const [only] = await accountsOf(alice.userId);
    const revocations = app().provider.stats.revocations;
    expect((await userPage(alice.userId)).body).not.toContain('data-action="unlink"');
    const answer = await unlink(staff, alice.userId, only!.id);
    expect(answer.statusCode).toBe(409);
    expect(answer.body).toContain("This is alice&#39;s only identity: it is how they sign in, so it cannot be unlinked. Delete the user instead.");
    expect(await accountsOf(alice.userId)).toEqual([only]);
    expect(await app().runtime.tokenStore.findToken(alice.userId, 'toolkit')).toBeDefined();
    expect(app().provider.stats.revocations).toBe(revocations);
    expect((await auditOf('admin.users.unlink_failed')).map((entry) => JSON.parse(entry.detail!))).toEqual([{ code: 'last_identity', provider: 'toolkit' }]);
  });

  it("answers 404 for an identity that is not this user's, 403 for non-staff, and leaves another admin's identities to superusers", async () => {
    const mallory = await signedInUser(app(), 'mallory');
    await linkSecond(mallory, 'mallory');
    const mallorys = await accountsOf(mallory.userId);
    expect((await unlink(staff, alice.userId, mallorys[0]!.id)).statusCode).toBe(404);
    expect((await unlink(staff, alice.userId, 'no-such-account')).statusCode).toBe(404);
    expect((await unlink(staff, 'no-such-user', mallorys[0]!.id)).statusCode).toBe(404);
    expect((await unlink(alice, mallory.userId, mallorys[0]!.id)).statusCode).toBe(403);

    await setUserFlags(database().db, mallory.userId, { isStaff: true });
    expect((await userPage(mallory.userId)).body).not.toContain('data-action="unlink"');
    const denied = await unlink(staff, mallory.userId, mallorys[0]!.id);
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toContain('Only a superuser may unlink the identities of another admin.');
    expect(await accountsOf(mallory.userId)).toEqual(mallorys);

    await setUserFlags(database().db, staff.userId, { isSuperuser: true });
    expect((await unlink(staff, mallory.userId, mallorys[0]!.id)).statusCode).toBe(303);
    expect(await accountsOf(mallory.userId)).toHaveLength(1);
  });
});
