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
  /** The provider whose sign-in made this session, and its own session there; null when none did. */
  signedInWith: SignedInWith | null;
}

export interface NewSession {
  id: string;
  userId: string | null;
  csrfToken: string;
  data: JsonObject;
  now: number;
  absoluteExpiresAt: number;
  /** For a session a provider's sign-in made: that provider, and its own session's `sid` when the ID token named one. */
  signedInWith?: SignedInWith;
}

/** How a session signed in, for ending it when the provider ends the person's session there. */
export interface SignedInWith {
  provider: string;
  providerSid: string | null;
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
    signedInWith: row.signed_in_with === null ? null : { provider: row.signed_in_with, providerSid: row.provider_sid },
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
      signed_in_with: input.signedInWith?.provider ?? null,
      provider_sid: input.signedInWith?.providerSid ?? null,
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

/**
 * Deletes the sessions a provider's sign-in made, for that provider's own
 * session (its `sid`), or for every sign-in of one user through it; returns
 * the users whose sessions ended, each once.
 */
export async function deleteProviderSessions(
  db: Kysely<DatabaseSchema>,
  provider: string,
  which: { providerSid: string } | { userId: string },
): Promise<string[]> {
  const rows = await db
    .deleteFrom('sessions')
    .where('signed_in_with', '=', provider)
    .where((eb) => ('providerSid' in which ? eb('provider_sid', '=', which.providerSid) : eb('user_id', '=', which.userId)))
    .returning('user_id')
    .execute();
  return [...new Set(rows.map((row) => row.user_id).filter((userId) => userId !== null))];
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
