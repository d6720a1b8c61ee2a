import type { Kysely } from 'kysely';
import { type JsonObject, parseJsonObject, stringifyJsonObject } from './json-column.js';
import { preparedPerDatabase } from './prepared-query.js';
import type { DatabaseSchema, SessionRow } from './schema.js';
import { rowToUser, type User } from './user.repository.js';

export interface Session {
  /** SHA-256 hex of the cookie's secret; the cookie value is never stored. */
  id: string;
  /** null while signing in (anonymous session). */
  userId: string | null;
  csrfToken: string;
  data: JsonObject;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute expiry (epoch seconds). */
  expiresAt: number;
}

export interface NewSession {
  id: string;
  userId: string | null;
  csrfToken: string;
  data: JsonObject;
  now: number;
  absoluteExpiresAt: number;
}

export function rowToSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    data: parseJsonObject(row.data, 'sessions.data'),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export async function createSession(db: Kysely<DatabaseSchema>, input: NewSession): Promise<Session> {
  const row = await db
    .insertInto('sessions')
    .values({
      id: input.id,
      user_id: input.userId,
      csrf_token: input.csrfToken,
      data: stringifyJsonObject(input.data),
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: input.absoluteExpiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToSession(row);
}

/**
 * The stored session, expired or not: the caller applies the idle and
 * absolute timeouts (it knows the idle timeout and the clock).
 */
export async function findSession(db: Kysely<DatabaseSchema>, id: string): Promise<Session | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToSession(row);
}

const sessionWithUser = preparedPerDatabase((db: Kysely<DatabaseSchema>, param) =>
  db
    .selectFrom('sessions')
    .leftJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select([
      'users.username',
      'users.email',
      'users.name',
      'users.is_token_user',
      'users.provider',
      'users.is_staff',
      'users.is_superuser',
      'users.is_active',
      'users.date_joined',
      'users.last_login',
    ])
    .where('sessions.id', '=', param(0)),
);

/**
 * The session and its user in one query (the user is null for an anonymous
 * session): a signed-in request needs both, and this is on every request.
 */
export async function findSessionWithUser(db: Kysely<DatabaseSchema>, id: string): Promise<{ session: Session; user: User | null } | undefined> {
  const row = await sessionWithUser(db).first([id]);
  if (!row) return undefined;
  const user =
    row.user_id !== null && row.username !== null
      ? rowToUser({
          id: row.user_id,
          username: row.username,
          email: row.email,
          name: row.name,
          is_token_user: row.is_token_user ?? 0,
          provider: row.provider,
          is_staff: row.is_staff ?? 0,
          is_superuser: row.is_superuser ?? 0,
          is_active: row.is_active ?? 0,
          password_hash: null,
          date_joined: row.date_joined ?? 0,
          last_login: row.last_login,
        })
      : null;
  return { session: rowToSession(row), user };
}

export async function touchSession(db: Kysely<DatabaseSchema>, id: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function updateSessionData(db: Kysely<DatabaseSchema>, id: string, data: JsonObject): Promise<void> {
  await db.updateTable('sessions').set({ data: stringifyJsonObject(data) }).where('id', '=', id).execute();
}

/** Deleting a session also deletes its pending sign-ins (ON DELETE CASCADE). */
export async function deleteSession(db: Kysely<DatabaseSchema>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteSessionsForUser(db: Kysely<DatabaseSchema>, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes sessions past their absolute expiry or idle for `idleTimeoutSeconds`; returns how many. */
export async function deleteExpiredSessions(
  db: Kysely<DatabaseSchema>,
  now: number,
  idleTimeoutSeconds: number,
): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleTimeoutSeconds)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
