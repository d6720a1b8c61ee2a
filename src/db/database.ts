import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDialectConfig, sql } from 'kysely';
import type pg from 'pg';
import type { DatabaseSchema } from './schema.js';
import { startBackgroundCheckpoints } from './sqlite-checkpoints.js';
import { makeSqliteFilesPrivate } from './sqlite-files.js';
import { refuseForeignWal } from './sqlite-foreign-wal.js';
import { attachSqliteReader } from './sqlite-reader.js';
import { withStatementCache } from './statement-cache.js';
import { TransactionalSqliteDialect } from './transactional-sqlite-dialect.js';

export { newId } from './id.js';
export type { DatabaseSchema } from './schema.js';
export { sqliteReader, type SqliteReader } from './sqlite-reader.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DatabaseSchema>;
  dialect: Dialect;
  close(): Promise<void>;
}

export type DatabaseLocation =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; connectionString: string };

export interface OpenDatabaseOptions {
  /**
   * Called when an idle PostgreSQL connection fails in the background (e.g. the
   * server restarted; the pool replaces the connection, and without a listener
   * such an error would crash the process), or when SQLite's checkpoint worker
   * stops (the writer then checkpoints by itself).
   */
  onBackgroundError?: (error: Error) => void;
  /**
   * The folder a relative SQLite path is read in (default: the process's
   * working folder). Only the URL is checked for `~` and `$NAME`: this folder
   * is a path already, whatever characters its name holds.
   */
  relativeTo?: string;
}

const ACCEPTED_URLS =
  "expected 'sqlite:<path>' (e.g. sqlite:./data/tokenkeeper.db), 'sqlite::memory:', " +
  "or 'postgres://user:password@host:port/database' ('postgresql://' also works)";

const POOL_SIZE = 10;
const PG_INT8_OID = 20;
const SQLITE_BUSY_TIMEOUT_MS = 5000;
const PG_CONNECTION_TIMEOUT_MS = 10_000;

/**
 * Reads the dialect from the URL scheme: configuration decides the dialect,
 * nothing is guessed from a driver object.
 *
 * @example
 * parseDatabaseUrl('sqlite:./data/app.db'); // { dialect: 'sqlite', path: './data/app.db' }
 * parseDatabaseUrl('postgres://app:secret@db/app'); // { dialect: 'postgres', connectionString: 'postgres://app:secret@db/app' }
 * parseDatabaseUrl('mysql://db/app'); // throws: Unsupported database URL (a 'mysql:' URL); expected …
 * parseDatabaseUrl('sqlite:~/app.db'); // throws: the SQLite path ~/app.db holds ~, which only a shell expands …
 */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    let path = trimmed.slice('sqlite:'.length);
    // Tolerate the URL-style 'sqlite:///abs/path' and 'sqlite://./rel/path'.
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new Error(`Database URL 'sqlite:' has no path; ${ACCEPTED_URLS}`);
    // Read as it is, ~/tk.db or $HOME/tk.db would be a new, empty database in a folder named ~ or $HOME.
    const unexpanded = /^~|\$\{?[A-Za-z_]\w*\}?/.exec(path)?.[0];
    if (unexpanded !== undefined) {
      throw new Error(`the SQLite path ${path} holds ${unexpanded}, which only a shell expands (not .env, nor a service manager): write the path out in full${madeByOlderVersion(path)}`);
    }
    return { dialect: 'sqlite', path };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    // 'postgres:/user:secret@db/tk' parses, as a path on localhost: the connection then went to localhost:5432, and
    // messages naming that path showed the password.
    if (!/^[a-z]+:\/\//i.test(trimmed)) {
      throw new Error(`Database URL is not a valid PostgreSQL URL: '${scheme}:' must be followed by //; ${ACCEPTED_URLS}`);
    }
    let parsed: URL;
    try {
      parsed = postgresUrl(trimmed).url;
      // A password with an @ and then a # or ? parses too: the host is then the piece of the password after its @
      // (looked up in DNS, named in every message), and the rest is taken as a fragment or a query. A PostgreSQL URL
      // has no fragment, and no @ in its settings.
      if (trimmed.includes('#') || parsed.search.includes('@')) throw new Error('a # or an @ after the host');
    } catch (error) {
      // The likeliest cause, named without echoing the URL (it holds the password).
      throw new Error(`Database URL is not a valid PostgreSQL URL (in the password, percent-encode @ : / # ? and %, e.g. # as %23); ${ACCEPTED_URLS}`, {
        cause: error,
      });
    }
    // postgres:///user:secret@db/tk (a slash too many): the credentials would be the database's name, sent to the
    // server and named in its errors.
    if (parsed.pathname.includes('@')) {
      throw new Error(`Database URL is not a valid PostgreSQL URL: user and password come before the host, not in the database name; ${ACCEPTED_URLS}`);
    }
    return { dialect: 'postgres', connectionString: trimmed };
  }
  // The URL may hold a password: name only its scheme.
  const shown = scheme === undefined ? 'a URL without a scheme' : `a '${scheme}:' URL`;
  throw new Error(`Unsupported database URL (${shown}); ${ACCEPTED_URLS}`);
}

/**
 * A version from before such paths were refused read them as written, relative
 * to the working folder, and kept its database there: naming the path meant
 * instead would start on a new, empty database, everyone signed out and
 * every token gone.
 */
function madeByOlderVersion(path: string): string {
  const found = resolve(path);
  if (!existsSync(found)) return '';
  return `. A database is there as written, though: ${found}, made by an older version that read the path so. To keep its users and tokens, stop every server and move it, with the -wal and -shm files beside it, to the path you write`;
}

/**
 * Opens the database the URL names (see parseDatabaseUrl), loading only that
 * dialect's driver: a SQLite file (WAL, foreign keys on) or a PostgreSQL
 * pool, whose first query runs at once so a wrong URL fails here. Apply
 * the migrations with migrateToLatest before use; `close()` when done.
 *
 * @example
 * const database = await openDatabase(process.env.DATABASE_URL ?? 'sqlite:./data/tokenkeeper.db', {
 *   onBackgroundError: (error) => console.error('database connection lost', error),
 * });
 * await migrateToLatest(database);
 * // … database.db is a Kysely instance
 * await database.close();
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const location = parseDatabaseUrl(url);
  // Each driver is loaded only when its dialect is configured: a SQLite app never loads pg, nor a PostgreSQL one the native SQLite module.
  return location.dialect === 'sqlite'
    ? openSqlite((await import('better-sqlite3')).default, location.path === ':memory:' || options.relativeTo === undefined ? location.path : resolve(options.relativeTo, location.path), options)
    : openPostgres((await import('pg')).default, location.connectionString, options);
}

function openSqlite(Driver: typeof SqliteDatabase, path: string, options: OpenDatabaseOptions): Database {
  const inMemory = path === ':memory:';
  let connection: SqliteDatabase.Database | undefined;
  try {
    if (!inMemory) {
      // SQLite would say only "unable to open database file".
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`it is a folder; the URL names the database file, e.g. sqlite:${join(path, 'tokenkeeper.db')}`);
      makeSqliteFilesPrivate(path);
      refuseForeignWal(path);
    }
    connection = new Driver(path);
    // WAL lets readers proceed during a write; busy_timeout makes a second
    // process wait for the write lock instead of failing with SQLITE_BUSY.
    connection.pragma('journal_mode = WAL');
    connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    // SQLite leaves foreign keys (and so ON DELETE CASCADE) off unless asked, per connection.
    connection.pragma('foreign_keys = ON');
  } catch (error) {
    connection?.close();
    throw new Error(`Could not open SQLite database at ${path}: ${messageOf(error)}`, { cause: error });
  }
  const db = new Kysely<DatabaseSchema>({ dialect: new TransactionalSqliteDialect({ database: withStatementCache(connection) as unknown as SqliteDialectConfig['database'] }) });
  // An in-memory database has no read connection: another connection could not see it.
  const reader = inMemory ? undefined : attachSqliteReader(db, Driver, path, SQLITE_BUSY_TIMEOUT_MS);
  // WAL checkpoints on a worker thread once the WAL grows, not during a commit on this one.
  const checkpoints = inMemory ? undefined : startBackgroundCheckpoints(path, connection, { onError: (error) => options.onBackgroundError?.(error) });
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      await checkpoints?.close();
      reader?.close();
      await db.destroy();
    },
  };
}

function withoutPoolClient(error: Error): Error {
  if ('client' in error) delete (error as Error & { client?: unknown }).client;
  return error;
}

async function openPostgres(driver: typeof pg, connectionString: string, options: OpenDatabaseOptions): Promise<Database> {
  const types = driver.types;
  const pool = new driver.Pool({
    connectionString,
    max: POOL_SIZE,
    // Waiting for a connection (a new one, or one of the pool's) ends in an error after this, answered 503 with
    // Retry-After (isDatabaseUnavailable), where pg's default waits as long as the network does.
    connectionTimeoutMillis: PG_CONNECTION_TIMEOUT_MS,
    // Per pool, not pg.types.setTypeParser: a global parser would change every
    // other pg user in the process.
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => typeParser(types, oid, format)) as typeof pg.types.getTypeParser },
  });
  // pg-pool hangs the lost client on the error (error.client): a logger would write out its whole state, the
  // backend's cancel key among it, kilobytes a line for each idle connection a restart ends. The error alone says it.
  pool.on('error', (error) => options.onBackgroundError?.(withoutPoolClient(error)));
  // A client lent out (by Kysely, for a query or a transaction) has no listener of the pool's: a connection lost
  // then (PostgreSQL restarting, a failover) would be an 'error' event nobody listens to, which ends the process.
  // Lent out, its loss is the running or the next query's error (a 503, see isDatabaseUnavailable), and pg-pool
  // drops the broken client when it comes back; idle, the pool's own listener above reports it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    // Fail at start-up with a clear message rather than at the first request.
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new Error(
      `Could not connect to PostgreSQL at ${describePostgresUrl(connectionString)}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

function typeParser(types: typeof pg.types, oid: number, format?: 'text' | 'binary'): unknown {
  // Epoch-second timestamps and counts are bigint (int8); pg returns those as
  // strings by default. They fit in a double, so parse them to numbers.
  if (oid === PG_INT8_OID && format !== 'binary') return parseInt8;
  return types.getTypeParser(oid, format);
}

function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`bigint value ${value} is outside JavaScript's safe integer range`);
  }
  return parsed;
}

/** host:port/database, without user or password, for error messages. */
/**
 * The URL as the WHATWG parser reads it. node-postgres, like libpq, also
 * takes credentials with no host before the path, the host (a Unix socket's
 * folder) being in `host=` (`postgres://app:secret@/app?host=/run/postgresql`),
 * which that parser refuses: it is read here with a stand-in host, and
 * `socket` says so.
 */
function postgresUrl(connectionString: string): { url: URL; socket: boolean } {
  if (!/^[a-z]+:\/\/[^/?#]*@\//i.test(connectionString)) return { url: new URL(connectionString), socket: false };
  return { url: new URL(connectionString.replace('@/', '@socket/')), socket: true };
}

export function describePostgresUrl(connectionString: string): string {
  try {
    const { url, socket } = postgresUrl(connectionString);
    const host = url.host === '' || socket ? (url.searchParams.get('host') ?? 'localhost') : url.host;
    return `${host}${url.pathname}`;
  } catch {
    return 'the configured URL';
  }
}

/**
 * True when a query failed on a UNIQUE or PRIMARY KEY constraint, in either dialect
 * (PostgreSQL SQLSTATE 23505; better-sqlite3 SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY).
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
