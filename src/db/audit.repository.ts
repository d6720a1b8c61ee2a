import type { Kysely } from 'kysely';
import { newId } from './database.js';
import { encodeId } from './id.js';
import { type JsonObject, parseJsonObject, stringifyJsonObject } from './json-column.js';
import type { AuditLogRow, DatabaseSchema } from './schema.js';

export interface AuditEvent {
  id: string;
  at: number;
  /** e.g. 'user.signed_in', 'admin.token_revoked'. */
  event: string;
  actorUserId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  detail: JsonObject | null;
}

export interface NewAuditEvent {
  event: string;
  actorUserId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  /** Never put token values or secrets here. */
  detail?: JsonObject | null;
  at: number;
}

export function rowToAuditEvent(row: AuditLogRow): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    event: row.event,
    actorUserId: row.actor_user_id,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    detail: row.detail === null ? null : parseJsonObject(row.detail, `audit_log.detail of ${row.id}`),
  };
}

/** The audit_log row of a new event, with a new id: for one INSERT here, or many in db/audit-batch.ts. */
export function newAuditRow(input: NewAuditEvent): DatabaseSchema['audit_log'] {
  return {
    id: newId(),
    at: input.at,
    event: input.event,
    actor_user_id: input.actorUserId ?? null,
    target_type: input.targetType ?? null,
    target_id: input.targetId ?? null,
    ip: input.ip ?? null,
    detail: input.detail == null ? null : stringifyJsonObject(input.detail),
  };
}

export async function writeAuditEvent(db: Kysely<DatabaseSchema>, input: NewAuditEvent): Promise<AuditEvent> {
  const row = await db.insertInto('audit_log').values(newAuditRow(input)).returningAll().executeTakeFirstOrThrow();
  return rowToAuditEvent(row);
}

/** Newest first. `beforeId` pages backwards: pass the last id of the previous page. */
export async function listAuditEvents(
  db: Kysely<DatabaseSchema>,
  options: { limit: number; event?: string; beforeId?: string },
): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (options.event !== undefined) query = query.where('event', '=', options.event);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  // Ids are time-ordered, so id order is creation order (and unique, unlike `at`).
  const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(rowToAuditEvent);
}

/**
 * Deletes up to `limit` entries written before `beforeMillis` (epoch
 * milliseconds), oldest first, in one statement; returns how many. Ids begin
 * with the time they were made (db/id.ts), so the smallest id of that
 * millisecond is the cut-off and the primary key finds the entries: the log
 * has no index on `at` (each would make every insert dearer).
 */
export async function deleteAuditEventsBefore(db: Kysely<DatabaseSchema>, beforeMillis: number, limit: number): Promise<number> {
  const result = await deleteAuditEventsQuery(db, beforeMillis, limit).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** deleteAuditEventsBefore's DELETE, whose query plan a test checks. */
export function deleteAuditEventsQuery(db: Kysely<DatabaseSchema>, beforeMillis: number, limit: number) {
  const cutoff = encodeId(beforeMillis, 0, 0);
  return db.deleteFrom('audit_log').where('id', 'in', (eb) => eb.selectFrom('audit_log').select('id').where('id', '<', cutoff).orderBy('id').limit(limit));
}
