import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from './database.js';

/**
 * Case-insensitive prefix search that an index can serve on both dialects:
 * `lower(column)` between the term and the term followed by the highest code
 * point, compared byte by byte — SQLite's BINARY collation, PostgreSQL's
 * "C" collation — so the range is exact whatever the database's locale.
 * The matching indexes are created by the admin-search migration.
 *
 * SQLite's lower() folds ASCII letters only; PostgreSQL's folds all.
 */
export function lowerKey(dialect: Dialect, column: string): RawBuilder<string> {
  return dialect === 'postgres' ? sql<string>`lower(${sql.ref(column)}) collate "C"` : sql<string>`lower(${sql.ref(column)})`;
}

export function prefixRange(term: string): { from: string; to: string } {
  const from = term.toLowerCase();
  return { from, to: `${from}\u{10FFFF}` };
}
