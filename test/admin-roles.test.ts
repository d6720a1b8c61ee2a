import { beforeAll, expect, it } from 'vitest';
import { createUser, findUserById, setUserFlags } from '../src/db/user.repository.js';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

/** Staff may look after members; only superusers manage admins (staff and superuser flags, other admins' accounts). */
describeEachDialect('admin roles', (dialect) => {
  const { app, database } = useTestApp(dialect);
  /** Staff, not superuser. */
  let staff: SignedInUser;
  /** Staff and superuser. */
  let superuser: SignedInUser;
  /** Neither. */
  let member: SignedInUser;

  beforeAll(async () => {
    staff = await signedInUser(app(), 'alice');
    await setUserFlags(database().db, staff.userId, { isStaff: true });
    superuser = await signedInUser(app(), 'bob');
    await setUserFlags(database().db, superuser.userId, { isStaff: true, isSuperuser: true });
    member = await signedInUser(app(), 'mallory');
  });

  const get = (url: string, user: SignedInUser) => app().runtime.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } });
  /** Posts an action, confirmed as from the confirmation page (test/admin-site.test.ts covers that page): these tests are about who may act. */
  const act = (user: SignedInUser, url: string) =>
    app().runtime.app.inject({
      method: 'POST',
      url,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: user.csrfToken, confirmed: 'yes' }).toString(),
    });
  const flagsOf = async (id: string) => {
    const user = await findUserById(database().db, id);
    return user && { isStaff: user.isStaff, isSuperuser: user.isSuperuser, isActive: user.isActive };
  };
  let created = 0;
  const createTarget = async (flags: { isStaff?: boolean; isSuperuser?: boolean }) =>
    (await createUser(database().db, { username: `target-${(created += 1)}`, dateJoined: 0, isActive: true, ...flags })).id;

  it("a staff user cannot remove a superuser's staff, deactivate or delete them, or revoke their tokens: 403, audited, and the superuser keeps the admin site", async () => {
    const [token] = await app().runtime.tokenStore.listTokenSummariesForUser(superuser.userId);
    for (const url of [
      `/admin/users/${superuser.userId}/remove-staff`,
      `/admin/users/${superuser.userId}/deactivate`,
      `/admin/users/${superuser.userId}/delete`,
      `/admin/tokens/${token!.id}/revoke`,
    ]) {
      const answer = await act(staff, url);
      expect(answer.statusCode, url).toBe(403);
      expect(answer.body, url).toContain('Only a superuser may use');
    }
    expect(await flagsOf(superuser.userId)).toEqual({ isStaff: true, isSuperuser: true, isActive: true });
    expect(await app().runtime.tokenStore.findTokenSummary(superuser.userId, 'toolkit')).toBeDefined();
    expect((await get('/admin', superuser)).statusCode).toBe(200);
    const denied = await database().db.selectFrom('audit_log').select(['event', 'actor_user_id', 'detail']).where('event', 'like', 'admin.%_denied').orderBy('id').execute();
    expect(denied.map((entry) => entry.event)).toEqual(['admin.users.remove-staff_denied', 'admin.users.deactivate_denied', 'admin.users.delete_denied', 'admin.tokens.revoke_denied']);
    for (const entry of denied) expect(entry).toMatchObject({ actor_user_id: staff.userId, detail: JSON.stringify({ code: 'superuser_only' }) });
  });

  it('a staff user cannot manage staff flags or change another staff account, and is not shown those buttons', async () => {
    const otherStaff = await createTarget({ isStaff: true });
    for (const url of [`/admin/users/${member.userId}/make-staff`, `/admin/users/${otherStaff}/remove-staff`, `/admin/users/${otherStaff}/deactivate`, `/admin/users/${otherStaff}/delete`]) {
      expect((await act(staff, url)).statusCode, url).toBe(403);
    }
    expect(await flagsOf(member.userId)).toEqual({ isStaff: false, isSuperuser: false, isActive: true });
    expect(await flagsOf(otherStaff)).toEqual({ isStaff: true, isSuperuser: false, isActive: true });

    const memberPage = await get(`/admin/users/${member.userId}`, staff);
    expect(memberPage.body).toContain('data-action="deactivate"');
    expect(memberPage.body).not.toContain('data-action="make-staff"');
    const staffPage = await get(`/admin/users/${otherStaff}`, staff);
    for (const action of ['remove-staff', 'deactivate', 'delete']) expect(staffPage.body, action).not.toContain(`data-action="${action}"`);
  });

  it('no admin changes their own flags or deletes themself; the refusal says it is because the account is theirs', async () => {
    expect((await act(staff, `/admin/users/${staff.userId}/remove-staff`)).statusCode).toBe(403);
    for (const [user, action, message] of [
      [staff, 'deactivate', 'You cannot deactivate yourself: another superuser must.'],
      [superuser, 'deactivate', 'You cannot deactivate yourself: another superuser must.'],
      [superuser, 'remove-staff', 'You cannot remove your own staff status: another superuser must.'],
      [superuser, 'delete', 'You cannot delete yourself: another superuser must.'],
    ] as const) {
      const refused = await act(user, `/admin/users/${user.userId}/${action}`);
      expect(refused.statusCode, action).toBe(409);
      expect(refused.body, action).toContain(message);
    }
    expect(await flagsOf(staff.userId)).toEqual({ isStaff: true, isSuperuser: false, isActive: true });
    expect(await flagsOf(superuser.userId)).toEqual({ isStaff: true, isSuperuser: true, isActive: true });
  });

  it('a staff user still looks after members: deactivate, activate and delete', async () => {
    const someone = await createTarget({});
    expect((await act(staff, `/admin/users/${someone}/deactivate`)).statusCode).toBe(303);
    expect((await act(staff, `/admin/users/${someone}/activate`)).statusCode).toBe(303);
    expect(await flagsOf(someone)).toEqual({ isStaff: false, isSuperuser: false, isActive: true });
    expect((await act(staff, `/admin/users/${someone}/delete`)).statusCode).toBe(303);
    expect(await findUserById(database().db, someone)).toBeUndefined();
  });

  it('a superuser makes and removes staff, and changes or deletes other admins', async () => {
    const promoted = await createTarget({});
    expect((await act(superuser, `/admin/users/${promoted}/make-staff`)).statusCode).toBe(303);
    expect(await flagsOf(promoted)).toEqual({ isStaff: true, isSuperuser: false, isActive: true });
    expect((await get(`/admin/users/${promoted}`, superuser)).body).toContain('data-action="remove-staff"');
    expect((await act(superuser, `/admin/users/${promoted}/deactivate`)).statusCode).toBe(303);
    expect((await act(superuser, `/admin/users/${promoted}/activate`)).statusCode).toBe(303);
    expect((await act(superuser, `/admin/users/${promoted}/remove-staff`)).statusCode).toBe(303);
    expect(await flagsOf(promoted)).toEqual({ isStaff: false, isSuperuser: false, isActive: true });
    const otherSuperuser = await createTarget({ isStaff: true, isSuperuser: true });
    expect((await act(superuser, `/admin/users/${otherSuperuser}/delete`)).statusCode).toBe(303);
    expect(await findUserById(database().db, otherSuperuser)).toBeUndefined();
  });
});
