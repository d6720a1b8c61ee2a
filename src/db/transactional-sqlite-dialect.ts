import { CompiledQuery, type DatabaseConnection, type DialectAdapter, type Driver, SqliteAdapter, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

/**
 * Kysely's SQLite adapter says SQLite has no transactional DDL, so its
 * Migrator runs SQLite migrations statement by statement: one that failed
 * or was killed part-way (a full disk, a restart during a long index build)
 * left its first statements applied and itself unrecorded, and every later
 * run failed on them ("table … already exists") until the schema was
 * repaired by hand. SQLite does run CREATE, ALTER and DROP inside a
 * transaction (https://www.sqlite.org/lang_transaction.html), so each run
 * of pending migrations is one transaction, as on PostgreSQL: all of it, or
 * nothing. Kysely reads this flag only in its Migrator.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Every transaction on the SQLite connection writes (a sign-in, a user's
 * deletion, a run of migrations), and each reads first. Kysely's `begin` is
 * deferred: such a transaction takes the write lock only at its first
 * write, and when another process committed since its first read, SQLite
 * fails that write at once with SQLITE_BUSY, without the busy_timeout wait
 * (https://www.sqlite.org/lang_transaction.html, "BEGIN IMMEDIATE"): two
 * processes opening a new database at the same moment, a web server and a
 * worker, had one of them fail its migrations. `begin immediate` takes the
 * write lock first, waiting for it up to busy_timeout, so the transaction
 * reads what the other process committed and goes on. In one process it
 * changes nothing: Kysely runs one transaction at a time on the connection.
 */
class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Kysely's SQLite dialect, whose migrations run in a transaction, and whose transactions begin immediate. */
export class TransactionalSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
