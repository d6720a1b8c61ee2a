/**
 * The provider's profile request failing at sign-in, checked the same way at
 * every provider: whatever the app reads the person from after the code
 * exchange (a userinfo endpoint, a `/me`, an account or metadata call)
 * answering HTTP 500 makes the sign-in a 502 whose page says that
 * `<provider> failed the userinfo request (HTTP 500)`, and no user, account
 * or token is stored. Which request that is, and how its emulator is told
 * to fail it, stay in the provider's own test.
 */
import { expect } from 'vitest';
import type { TestDatabase } from '../../support/postgres.js';
import { signInThrough, type ProviderTestApp } from './provider-app.js';
import { rowCounts } from './standard-cases.js';

/** Signs `user` in at `provider` after `failNext` has queued the HTTP 500 at the emulator, and checks the outcome above. */
export async function expectProfileFailureStoresNothing<User, Emulator extends { signInAs(user: User): void }>(
  context: { readonly database: TestDatabase; readonly emulator: Emulator; readonly app: ProviderTestApp },
  provider: { readonly preset: string; readonly displayName: string },
  user: User,
  failNext: (emulator: Emulator) => void,
): Promise<void> {
  const { database, emulator, app } = context;
  const before = await rowCounts(database);
  emulator.signInAs(user);
  failNext(emulator);
  const page = await signInThrough(app.browser(), provider.preset);
  expect(page.status).toBe(502);
  expect(page.text).toContain(`${provider.displayName} failed the userinfo request (HTTP 500)`);
  expect(await rowCounts(database)).toEqual(before);
}
