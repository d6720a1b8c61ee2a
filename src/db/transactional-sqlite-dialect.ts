import { type DialectAdapter, SqliteAdapter, SqliteDialect } from 'kysely';

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

/** Kysely's SQLite dialect, whose migrations run in a transaction. */
export class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
