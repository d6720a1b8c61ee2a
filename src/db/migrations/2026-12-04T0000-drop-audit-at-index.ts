import type { Kysely } from 'kysely';

// Frozen in time (2026-12-04): audit_log's index on `at` goes. No query
// filters or sorts the log by `at` (ids are time-ordered, so the admin list
// sorts by id), while every entry written paid for keeping it up to date
// (on SQLite, in batches of 15 rows, the table's three secondary indexes
// together doubled the CPU of an insert), and the service API writes an
// entry for every token it hands out.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_at_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
}
