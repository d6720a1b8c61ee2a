import { type Kysely, sql } from 'kysely';

// Frozen in time: this file describes the schema as it was on 2026-11-28 and
// must not import table types or helpers that may change later.
//
// Only types both dialects accept: text, integer, bigint. Timestamps are
// epoch seconds (bigint), booleans 0/1 (integer), JSON is text.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('username', 'text', (col) => col.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('is_token_user', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('provider', 'text')
    .addColumn('is_staff', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('is_superuser', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('password_hash', 'text')
    .addColumn('date_joined', 'bigint', (col) => col.notNull())
    .addColumn('last_login', 'bigint')
    .execute();
  // username is indexed by its UNIQUE constraint.
  await db.schema.createIndex('users_email_idx').on('users').column('email').execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('claims', 'text', (col) => col.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('accounts_provider_subject_key', ['provider', 'subject'])
    .execute();
  await db.schema.createIndex('accounts_user_id_idx').on('accounts').column('user_id').execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('token_type', 'text', (col) => col.notNull())
    .addColumn('scope', 'text')
    .addColumn('access_token', 'text', (col) => col.notNull())
    .addColumn('refresh_token', 'text')
    .addColumn('id_token', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('active'))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addColumn('last_refreshed_at', 'bigint')
    // A lease makes one process the refresher of this token set; the others wait for its result.
    .addColumn('refresh_lease_id', 'text')
    .addColumn('refresh_lease_expires_at', 'bigint')
    .addUniqueConstraint('tokens_user_id_provider_key', ['user_id', 'provider'])
    .addCheckConstraint('tokens_status_check', sql`status in ('active', 'needs_reauth')`)
    .execute();
  await db.schema.createIndex('tokens_expires_at_idx').on('tokens').column('expires_at').execute();
  await db.schema.createIndex('tokens_status_idx').on('tokens').column('status').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (col) => col.notNull())
    .addColumn('data', 'text', (col) => col.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();
  await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_transactions')
    .addColumn('state', 'text', (col) => col.primaryKey())
    .addColumn('session_id', 'text', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('redirect_uri', 'text', (col) => col.notNull())
    .addColumn('code_verifier', 'text', (col) => col.notNull())
    // null for plain OAuth 2.0 providers (no ID token, so no nonce).
    .addColumn('nonce', 'text')
    .addColumn('next_path', 'text', (col) => col.notNull().defaultTo('/'))
    .addColumn('link_user_id', 'text', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('login_transactions_session_id_idx')
    .on('login_transactions')
    .column('session_id')
    .execute();
  await db.schema
    .createIndex('login_transactions_expires_at_idx')
    .on('login_transactions')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('event', 'text', (col) => col.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_event_idx').on('audit_log').column('event').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Reverse order of creation: children before the tables they reference.
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('login_transactions').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('tokens').execute();
  await db.schema.dropTable('accounts').execute();
  await db.schema.dropTable('users').execute();
}
