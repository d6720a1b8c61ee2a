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

/**
 * Values of `column` that begin with `term`, exactly (case as typed): a range
 * an index in the column's own collation can serve, and on PostgreSQL
 * `starts_with` as well, which compares characters, not collation weights. A
 * collation that ignores punctuation or folds case at its first level
 * (ICU's, glibc's en_US) puts `token_x` and `TOKEN` inside the range of
 * `token.`; SQLite's BINARY collation is exact by itself.
 */
export function beginsWith(dialect: Dialect, column: string, term: string): RawBuilder<boolean> {
  const ref = sql.ref(column);
  const range = sql<boolean>`${ref} >= ${term} and ${ref} < ${`${term}\u{10FFFF}`}`;
  return dialect === 'postgres' ? sql<boolean>`(${range} and starts_with(${ref}, ${term}))` : sql<boolean>`(${range})`;
}
