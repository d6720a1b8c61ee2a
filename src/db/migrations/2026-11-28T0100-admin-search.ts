import { type Kysely, type Migration, sql } from 'kysely';

// Frozen in time (2026-11-28): indexes for the admin site's lists and
// searches at 100,000 users and tokens. The expressions must stay identical
// to src/db/text-search.ts's lowerKey for the planner to use them, and they
// differ by dialect: PostgreSQL compares in the "C" collation so that prefix
// ranges are exact under any locale. The dialect comes from DATABASE_URL.

export function adminSearchIndexes(dialect: 'sqlite' | 'postgres'): Migration {
  const lower = (column: string) => (dialect === 'postgres' ? sql.raw(`(lower(${column}) collate "C")`) : sql.raw(`lower(${column})`));
  return {
    async up(db: Kysely<any>): Promise<void> {
      await sql`create index users_username_lower_idx on users (${lower('username')})`.execute(db);
      await sql`create index users_email_lower_idx on users (${lower('email')})`.execute(db);
      await db.schema.createIndex('users_date_joined_idx').on('users').column('date_joined').execute();
      await db.schema.createIndex('users_last_login_idx').on('users').column('last_login').execute();
      await db.schema.createIndex('tokens_updated_at_idx').on('tokens').column('updated_at').execute();
      await db.schema.createIndex('tokens_provider_idx').on('tokens').columns(['provider', 'expires_at']).execute();
      await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target_type', 'target_id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const index of [
        'audit_log_target_idx',
        'tokens_provider_idx',
        'tokens_updated_at_idx',
        'users_last_login_idx',
        'users_date_joined_idx',
        'users_email_lower_idx',
        'users_username_lower_idx',
      ]) {
        await db.schema.dropIndex(index).execute();
      }
    },
  };
}
