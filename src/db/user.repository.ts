import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isUniqueViolation, newId } from './database.js';
import type { DatabaseSchema, UserRow } from './schema.js';

/** A user, without the password hash (so it can't leak into a page or JSON by accident). */
export interface User {
  id: string;
  username: string;
  email: string | null;
  /** Whether the provider that gave `email` said it verified it; null when it did not say (or the address was typed here). */
  emailVerified: boolean | null;
  name: string | null;
  isTokenUser: boolean;
  provider: string | null;
  isStaff: boolean;
  isSuperuser: boolean;
  isActive: boolean;
  dateJoined: number;
  lastLogin: number | null;
}

export interface NewUser {
  /** The id to make the user with, when it was chosen first (a connect-only connection's subject); default a new one. */
  id?: string;
  username: string;
  email?: string | null;
  emailVerified?: boolean | null;
  name?: string | null;
  isTokenUser?: boolean;
  provider?: string | null;
  isStaff?: boolean;
  isSuperuser?: boolean;
  isActive?: boolean;
  passwordHash?: string | null;
  /** Epoch seconds. */
  dateJoined: number;
}

/** external_id is left out: the service API reads it with its own queries (see service-users.repository.ts). */
export function rowToUser(row: Omit<UserRow, 'external_id'>): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: nullableFlag(row.email_verified),
    name: row.name,
    isTokenUser: row.is_token_user === 1,
    provider: row.provider,
    isStaff: row.is_staff === 1,
    isSuperuser: row.is_superuser === 1,
    isActive: row.is_active === 1,
    dateJoined: row.date_joined,
    lastLogin: row.last_login,
  };
}

export async function findUserById(db: Kysely<DatabaseSchema>, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToUser(row);
}

export async function findUserByUsername(db: Kysely<DatabaseSchema>, username: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && rowToUser(row);
}

/** For password sign-in (admin): the user with their hash, or undefined. */
export async function findUserCredentials(
  db: Kysely<DatabaseSchema>,
  username: string,
): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && { user: rowToUser(row), passwordHash: row.password_hash };
}

/** Throws (a unique violation, see isUniqueViolation) when the username is taken. */
export async function createUser(db: Kysely<DatabaseSchema>, input: NewUser): Promise<User> {
  const row = await db
    .insertInto('users')
    .values({
      id: input.id ?? newId(),
      username: input.username,
      email: input.email ?? null,
      email_verified: flagOrNull(input.emailVerified),
      name: input.name ?? null,
      is_token_user: input.isTokenUser ? 1 : 0,
      provider: input.provider ?? null,
      is_staff: input.isStaff ? 1 : 0,
      is_superuser: input.isSuperuser ? 1 : 0,
      is_active: input.isActive === false ? 0 : 1,
      password_hash: input.passwordHash ?? null,
      date_joined: input.dateJoined,
      last_login: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToUser(row);
}

/**
 * Creates a user named `input.username`, or `-2`, `-3`… when taken. When a
 * concurrent sign-in takes the chosen name between check and insert, it looks
 * again; after a few such collisions it adds a random suffix instead, so a
 * crowd of sign-ins wanting one name doesn't retry in lockstep.
 * Not for use inside a PostgreSQL transaction: there the first failed insert
 * aborts the transaction, so retry the whole transaction instead.
 */
export async function createUserWithUniqueUsername(db: Kysely<DatabaseSchema>, input: NewUser): Promise<User> {
  const sequentialAttempts = 3;
  const totalAttempts = 8;
  for (let attempt = 1; ; attempt += 1) {
    const username =
      attempt <= sequentialAttempts
        ? await uniqueUsername(db, input.username)
        : `${input.username}-${randomBytes(4).toString('hex')}`;
    try {
      return await createUser(db, { ...input, username });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= totalAttempts) throw error;
    }
  }
}

/**
 * Sets the e-mail address, whether its provider verified it (null: not said),
 * and the name, of `user` as stored. A changed address is set by a statement
 * of its own: an UPDATE that changes the address and leaves the flag as it was
 * has the flag forgotten by the database (migration
 * 2026-12-05T0400-email-verified-follows-email, for versions that knew no
 * flag), and an address changed for another that is verified too would be
 * such an UPDATE. An unchanged address is not set, and the flag and name go
 * in one statement (a returning person's sign-in). An address another write
 * changed since `user` was read is set again, so the flag stays with the
 * address it was said of.
 */
export async function updateUserProfile(
  db: Kysely<DatabaseSchema>,
  user: Pick<User, 'id' | 'email'>,
  profile: { email: string | null; emailVerified: boolean | null; name: string | null },
): Promise<void> {
  const setAddress = () => db.updateTable('users').set({ email: profile.email }).where('id', '=', user.id).execute();
  const setFlagAndName = () => db.updateTable('users').set({ email_verified: flagOrNull(profile.emailVerified), name: profile.name }).where('id', '=', user.id);
  if (profile.email !== user.email) await setAddress();
  // The flag is said of this address: set only where the address is still it. `user` may have been read before
  // another sign-in of the same person changed it (PostgreSQL's read committed: that UPDATE waited for the other's
  // commit, then finds another address), and the flag would then be stored as said of that one.
  const sameAddress = await setFlagAndName()
    .where((eb) => (profile.email === null ? eb('email', 'is', null) : eb('email', '=', profile.email)))
    .executeTakeFirst();
  if (sameAddress.numUpdatedRows > 0n) return;
  await setAddress();
  await setFlagAndName().execute();
}

function flagOrNull(value: boolean | null | undefined): number | null {
  return value === undefined || value === null ? null : value ? 1 : 0;
}

/** A stored 0/1 flag that may be unknown (null), as a boolean or null. */
export function nullableFlag(value: number | null): boolean | null {
  return value === null ? null : value === 1;
}

export async function recordLogin(db: Kysely<DatabaseSchema>, id: string, at: number): Promise<void> {
  await db.updateTable('users').set({ last_login: at }).where('id', '=', id).execute();
}

export async function setPassword(db: Kysely<DatabaseSchema>, id: string, passwordHash: string | null): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

export async function setUserFlags(
  db: Kysely<DatabaseSchema>,
  id: string,
  flags: { isStaff?: boolean; isSuperuser?: boolean; isActive?: boolean },
): Promise<void> {
  const set: { is_staff?: number; is_superuser?: number; is_active?: number } = {};
  if (flags.isStaff !== undefined) set.is_staff = flags.isStaff ? 1 : 0;
  if (flags.isSuperuser !== undefined) set.is_superuser = flags.isSuperuser ? 1 : 0;
  if (flags.isActive !== undefined) set.is_active = flags.isActive ? 1 : 0;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('users').set(set).where('id', '=', id).execute();
}

/** Deletes the user; accounts, tokens, sessions and pending sign-ins go with it (ON DELETE CASCADE). */
export async function deleteUser(db: Kysely<DatabaseSchema>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * `wanted` when free, else the first free of `wanted-2`, `wanted-3`…
 * (Another writer may take it before you insert: see createUserWithUniqueUsername.)
 */
/** Names tried per query: `wanted`, then `wanted-2`, `wanted-3`… */
const USERNAME_BATCH = 20;

/**
 * The first of `wanted`, `wanted-2`, `wanted-3`… that no user has. Each
 * query looks up a batch of exact names, which the unique index answers on
 * both databases and under any collation; a prefix search (LIKE) would scan
 * every username (SQLite's LIKE ignores case, so its index is no use).
 */
export async function uniqueUsername(db: Kysely<DatabaseSchema>, wanted: string): Promise<string> {
  for (let first = 1; ; first += USERNAME_BATCH) {
    const candidates = Array.from({ length: USERNAME_BATCH }, (_, i) => (first + i === 1 ? wanted : `${wanted}-${first + i}`));
    const rows = await db.selectFrom('users').select('username').where('username', 'in', candidates).execute();
    const taken = new Set(rows.map((row) => row.username));
    const free = candidates.find((candidate) => !taken.has(candidate));
    if (free !== undefined) return free;
  }
}
