import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDialectConfig, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from './schema.js';

export { newId } from './id.js';
export type { DatabaseSchema } from './schema.js';

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
   * server restarted). The pool replaces the connection; without a listener
   * such an error would crash the process.
   */
  onBackgroundError?: (error: Error) => void;
}

const ACCEPTED_URLS =
  "expected 'sqlite:<path>' (e.g. sqlite:./data/tokenkeeper.db), 'sqlite::memory:', " +
  "or 'postgres://user:password@host:port/database' ('postgresql://' also works)";

const POOL_SIZE = 10;
const PG_INT8_OID = 20;
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Reads the dialect from the URL scheme: configuration decides the dialect,
 * nothing is guessed from a driver object.
 */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    let path = trimmed.slice('sqlite:'.length);
    // Tolerate the URL-style 'sqlite:///abs/path' and 'sqlite://./rel/path'.
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new Error(`Database URL 'sqlite:' has no path; ${ACCEPTED_URLS}`);
    return { dialect: 'sqlite', path };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    try {
      new URL(trimmed);
    } catch (error) {
      throw new Error(`Database URL is not a valid PostgreSQL URL; ${ACCEPTED_URLS}`, { cause: error });
    }
    return { dialect: 'postgres', connectionString: trimmed };
  }
  // The URL may hold a password: name only its scheme.
  const shown = scheme === undefined ? 'a URL without a scheme' : `a '${scheme}:' URL`;
  throw new Error(`Unsupported database URL (${shown}); ${ACCEPTED_URLS}`);
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const location = parseDatabaseUrl(url);
  return location.dialect === 'sqlite'
    ? openSqlite(location.path)
    : openPostgres(location.connectionString, options);
}

function openSqlite(path: string): Database {
  const inMemory = path === ':memory:';
  let connection: SqliteDatabase.Database | undefined;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    connection = new SqliteDatabase(path);
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
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: withStatementCache(connection) as unknown as SqliteDialectConfig['database'] }) });
  const reader = inMemory ? undefined : openSqliteReader(path);
  if (reader) sqliteReaders.set(db, reader);
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      reader?.close();
      await db.destroy();
    },
  };
}

/** Runs a read on its own SQLite connection, synchronously. */
export interface SqliteReader {
  all(sqlText: string, parameters: readonly unknown[]): unknown[];
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

function openSqliteReader(path: string): SqliteReader {
  const connection = new SqliteDatabase(path, { readonly: true });
  connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const statements = withStatementCache(connection);
  return {
    all: (sqlText, parameters) => statements.prepare(sqlText).all(...parameters),
    close: () => statements.close(),
  };
}

async function openPostgres(connectionString: string, options: OpenDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: POOL_SIZE,
    // Per pool, not pg.types.setTypeParser: a global parser would change every
    // other pg user in the process.
    types: { getTypeParser: getTypeParser as typeof pg.types.getTypeParser },
  });
  pool.on('error', (error) => options.onBackgroundError?.(error));
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

function getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
  // Epoch-second timestamps and counts are bigint (int8); pg returns those as
  // strings by default. They fit in a double, so parse them to numbers.
  if (oid === PG_INT8_OID && format !== 'binary') return parseInt8;
  return pg.types.getTypeParser(oid, format);
}

function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`bigint value ${value} is outside JavaScript's safe integer range`);
  }
  return parsed;
}

/** host:port/database, without user or password, for error messages. */
export function describePostgresUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const host = url.host === '' ? (url.searchParams.get('host') ?? 'localhost') : url.host;
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

const STATEMENT_CACHE_SIZE = 500;

interface CachedStatements {
  prepare(sqlText: string): SqliteDatabase.Statement;
  close(): void;
}

/**
 * Kysely prepares every query anew; with better-sqlite3, preparing costs
 * about as much as running a small query. The app sends a few hundred
 * distinct statements, so keep them prepared (least recently used out
 * first). Kysely runs them synchronously with all()/run(), never leaving
 * one busy, so sharing a statement between calls is safe.
 */
function withStatementCache(connection: SqliteDatabase.Database): CachedStatements {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      connection.close();
    },
    prepare: (sqlText: string) => {
      let statement = cache.get(sqlText);
      if (statement) {
        cache.delete(sqlText);
      } else {
        statement = connection.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sqlText, statement);
      return statement;
    },
  };
}
