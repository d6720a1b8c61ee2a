import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Dialect } from '../../src/db/database.js';

/**
 * The plan the database picks for `query`, one line per step: SQLite's
 * `explain query plan` details, or PostgreSQL's `explain` lines with
 * sequential scans made dear (in a table as small as a test's, PostgreSQL
 * would scan; so the plan shows whether an index can serve). With
 * `sortsDear`, PostgreSQL's sorts are made dear too: a sort left in the plan
 * is one no index can spare (in a test's table, sorting would be cheapest).
 */
export async function queryPlan<DB>(db: Kysely<DB>, dialect: Dialect, query: CompiledQuery, options: { sortsDear?: boolean } = {}): Promise<string[]> {
  if (dialect === 'sqlite') {
    const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
    return plan.rows.map((row) => row.detail);
  }
  const plan = await db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    if (options.sortsDear) await sql`set local enable_sort = off`.execute(trx);
    return trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
  });
  return plan.rows.map((row) => row['QUERY PLAN']);
}
