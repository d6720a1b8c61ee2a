import type SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';
import { SqliteChangeWatch, UNKNOWN_GENERATION } from './sqlite-change-watch.js';
import { withStatementCache } from './statement-cache.js';

/** Results kept at most, over all statements. */
const RESULT_CAPACITY = 5_000;

/** Runs a read on its own SQLite connection, synchronously. */
export interface SqliteReader {
  /**
   * The rows of a SELECT, frozen: kept ones are shared between callers.
   * Always what the database holds now (see attachSqliteReader).
   */
  all(sqlText: string, parameters: readonly unknown[]): readonly unknown[];
  /** How many reads went to SQLite; the rest were answered from results kept while nothing changed. */
  readonly reads: number;
  close(): void;
}

const sqliteReaders = new WeakMap<Kysely<DatabaseSchema>, SqliteReader>();

/**
 * The read-only connection beside a SQLite database's Kysely instance (none
 * for an in-memory database, which another connection cannot see).
 *
 * Kysely runs every SQLite query through one connection behind a mutex, a
 * chain of promises that costs more than the read itself. The reads on every
 * request (session, token) use this connection instead. In WAL mode it sees
 * what is committed, like a second server process would: never a
 * transaction's uncommitted writes, which Kysely's connection would show to
 * a read made while the transaction is open.
 */
export function sqliteReader(db: Kysely<DatabaseSchema>): SqliteReader | undefined {
  return sqliteReaders.get(db);
}

/**
 * Opens the read connection for the SQLite file at `path` (whose writer is
 * open in WAL mode) with `Driver` (better-sqlite3's Database, loaded by the
 * caller only when a SQLite URL is configured) and attaches it to `db`.
 *
 * A result is kept and given again while the database has not changed since
 * just before it was read, which the -shm file's header tells for the cost of
 * one 96-byte read (SqliteChangeWatch). Any commit, by any connection of any
 * process (another server, the CLI), changes the header, and everything kept
 * is dropped on the next read: a signed-out session or a disconnected token
 * is gone for the very next request, as if every read went to SQLite. What
 * decides freshness by time (expiries, idle timeouts) is the caller's and
 * runs on every call. Empty results are not kept, so unknown ids cannot fill
 * the memory.
 */
export function attachSqliteReader(
  db: Kysely<DatabaseSchema>,
  Driver: typeof SqliteDatabase,
  path: string,
  busyTimeoutMs: number,
  capacity = RESULT_CAPACITY,
): SqliteReader {
  const connection = new Driver(path, { readonly: true });
  connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const statements = withStatementCache(connection);
  // A first read in WAL mode makes the -shm file if no connection has yet.
  connection.prepare('select 1 from sqlite_schema limit 1').all();
  const watch = SqliteChangeWatch.open(path);

  const kept = new Map<string, Map<string, readonly unknown[]>>();
  let keptCount = 0;
  let keptGeneration = UNKNOWN_GENERATION;
  let reads = 0;
  let open = true;
  const read = (sqlText: string, parameters: readonly unknown[]) => {
    reads += 1;
    const rows = statements.prepare(sqlText).all(...parameters);
    for (const row of rows) Object.freeze(row);
    return Object.freeze(rows);
  };

  const reader: SqliteReader = {
    all(sqlText, parameters) {
      // The same error better-sqlite3 gives; the watch's file descriptor may already belong to another file.
      if (!open) throw new TypeError('The database connection is not open');
      const key = watch ? keyOf(parameters) : undefined;
      if (watch === null || key === undefined) return read(sqlText, parameters);
      const generation = watch.generation();
      if (generation !== keptGeneration) {
        kept.clear();
        keptCount = 0;
        keptGeneration = generation;
      }
      let results = kept.get(sqlText);
      const known = results?.get(key);
      if (known !== undefined) return known;
      const rows = read(sqlText, parameters);
      if (generation === UNKNOWN_GENERATION || rows.length === 0) return rows;
      if (keptCount >= capacity) {
        kept.clear();
        keptCount = 0;
        results = undefined;
      }
      if (results === undefined) kept.set(sqlText, (results = new Map()));
      results.set(key, rows);
      keptCount += 1;
      return rows;
    },
    get reads() {
      return reads;
    },
    close() {
      open = false;
      kept.clear();
      watch?.close();
      statements.close();
    },
  };
  sqliteReaders.set(db, reader);
  return reader;
}

/**
 * `make` for rows, made once per row the read connection keeps: a kept row
 * is frozen and given again while the database is unchanged, so the same
 * row makes the same result, which is then shared (and `seal`ed, e.g.
 * frozen). Any other row (PostgreSQL, a transaction) is made anew each time.
 */
export function oncePerKeptRow<Row extends object, Made>(make: (row: Row) => Made, seal: (made: Made) => Made): (row: Row) => Made {
  const madeOf = new WeakMap<Row, Made>();
  return (row) => {
    if (!Object.isFrozen(row)) return make(row);
    let made = madeOf.get(row);
    if (made === undefined) madeOf.set(row, (made = seal(make(row))));
    return made;
  };
}

/** A key for parameter values that are strings or numbers (what the hot reads use); undefined for anything else. */
function keyOf(parameters: readonly unknown[]): string | undefined {
  let key = '';
  for (const value of parameters) {
    if (typeof value === 'string') key += `s${value.length}:${value}`;
    else if (typeof value === 'number') key += `n${value};`;
    else return undefined;
  }
  return key;
}
