/** The three people the admin tests act as, and a form post as one of them. */
import { setUserFlags } from '../../src/db/user.repository.js';
import type { TestDatabase } from './postgres.js';
import { signedInUser, type SignedInUser } from './signed-in.js';
import type { TestApp } from './test-app.js';

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
