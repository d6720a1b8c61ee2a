import type { Kysely } from 'kysely';
import { type JsonObject, parseJsonObject, stringifyJsonObject } from './json-column.js';
import type { DatabaseSchema, SessionRow } from './schema.js';

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
