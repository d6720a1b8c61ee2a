/** The three people the admin tests act as, a form post as one of them, and the admin site's test app with the three signed in. */
import { beforeAll } from 'vitest';
import { setUserFlags } from '../../src/db/user.repository.js';
import type { TestDatabase, TestDialect } from './postgres.js';
import { signedInUser, type SignedInUser } from './signed-in.js';
import type { TestApp } from './test-app.js';
import { useTestApp } from './use-test-app.js';

export interface AdminUsers {
  /** alice: staff and superuser. */
  superuser: SignedInUser;
  /** bob: staff only. */
  staff: SignedInUser;
  /** mallory: neither. */
  member: SignedInUser;
}

/** Signs alice, bob and mallory in through the provider's pages, then gives alice and bob their admin flags. */
export async function signInAdminUsers(app: TestApp, database: TestDatabase): Promise<AdminUsers> {
  const superuser = await signedInUser(app, 'alice');
  await setUserFlags(database.db, superuser.userId, { isStaff: true, isSuperuser: true });
  const staff = await signedInUser(app, 'bob');
  await setUserFlags(database.db, staff.userId, { isStaff: true });
  const member = await signedInUser(app, 'mallory');
  return { superuser, staff, member };
}

/** A form post to the app as `user`, with their CSRF token unless `csrf` is false. */
export function postForm(app: TestApp, url: string, user: SignedInUser, fields: Array<[string, string]>, csrf = true) {
  return app.runtime.app.inject({
    method: 'POST',
    url,
    headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([...(csrf ? [['_csrf', user.csrfToken] as [string, string]] : []), ...fields]).toString(),
  });
}

/**
 * The test app of a describe block (useTestApp) with the three admin users
 * signed in by its beforeAll, a form post to it and its audit rows of one
 * event, oldest first. The users are filled in there, in the objects returned
 * here, so the block can name them at its top:
 *
 *   const { app, superuser, member, post } = useAdminSite(dialect);
 */
export function useAdminSite(dialect: TestDialect) {
  const { app, database } = useTestApp(dialect);
  const users: AdminUsers = { superuser: {} as SignedInUser, staff: {} as SignedInUser, member: {} as SignedInUser };
  beforeAll(async () => {
    const signedIn = await signInAdminUsers(app(), database());
    for (const role of ['superuser', 'staff', 'member'] as const) Object.assign(users[role], signedIn[role]);
  });
  return {
    app,
    database,
    ...users,
    post: (url: string, user: SignedInUser, fields: Array<[string, string]>, csrf = true) => postForm(app(), url, user, fields, csrf),
    events: (event: string) => database().db.selectFrom('audit_log').selectAll().where('event', '=', event).orderBy('id').execute(),
  };
}
