import { sql } from 'kysely';
import type { Database } from './database.js';

/** Rows counted one by one at most; a larger log is estimated instead, which reads no row. */
export const AUDIT_LOG_COUNTED_ROWS = 100_000;

export interface AuditLogSize {
  /** The number of entries: exact when `estimated` is false; an estimate otherwise, null when none can be made cheaply. */
  entries: number | null;
  estimated: boolean;
  /** When the oldest entry was written (epoch seconds, its `at`); null: the log is empty. */
  oldestAt: number | null;
}

/**
 * How big the audit log is, read cheaply however big it grows: the oldest
 * entry is the first by id (the primary key, ids being time-ordered), and
 * the entries are counted only up to `countedRows`. Past that, PostgreSQL's
 * estimate (pg_class.reltuples, kept by ANALYZE and autovacuum) or, on
 * SQLite, the span of rowids (new rows take the largest rowid plus one, and
 * retention deletes from the oldest, so the span is the count unless entries
 * were deleted in between) stands for the count.
 */
export async function auditLogSize(database: Database, countedRows = AUDIT_LOG_COUNTED_ROWS): Promise<AuditLogSize> {
  const { db } = database;
  const oldest = await db.selectFrom('audit_log').select('at').orderBy('id').limit(1).executeTakeFirst();
  if (oldest === undefined) return { entries: 0, estimated: false, oldestAt: null };
  const oldestAt = Number(oldest.at);
  const counted = await db
    .selectFrom((eb) => eb.selectFrom('audit_log').select('id').limit(countedRows + 1).as('first'))
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const count = Number(counted.n);
  if (count <= countedRows) return { entries: count, estimated: false, oldestAt };
  let estimate: number | null;
  if (database.dialect === 'postgres') {
    const row = await sql<{ n: number | string }>`select reltuples::bigint as n from pg_class where oid = 'audit_log'::regclass`.execute(db);
    estimate = row.rows[0] === undefined ? null : Number(row.rows[0].n);
  } else {
    // Each in a query of its own: SQLite answers a lone min() or max() from the end of the table's b-tree, both in one by a scan.
    const row = await sql<{ n: number | string }>`select (select max(rowid) from audit_log) - (select min(rowid) from audit_log) + 1 as n`.execute(db);
    estimate = row.rows[0] === undefined ? null : Number(row.rows[0].n);
  }
  // Statistics never gathered (-1), or older than the rows just counted: all that is known is the count so far.
  return { entries: estimate !== null && estimate > countedRows ? estimate : null, estimated: true, oldestAt };
}
