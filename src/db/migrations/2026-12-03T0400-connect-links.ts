import type { Kysely } from 'kysely';

// Frozen in time (2026-12-03): connect links, single-use links a service
// makes (POST /api/v1/connect-links) for a person to open in a browser and
// connect or reconnect a provider, asking for more scope.
//
// Only the SHA-256 of a link's secret is stored (as for sessions and service
// keys). A link is for a user (user_id) or for whoever signs in and gets the
// service's external_id; used_at is set by the one statement that claims it.
// service_key_id has no foreign key: the audit trail keeps it after the key
// is revoked. An index on expires_at serves housekeeping's sweep.
//
// login_transactions gain what an incremental sign-in needs at its callback:
// the scope it asked for (RFC 6749 §5.1 lets the token response leave out a
// scope equal to it), why it was started (purpose), and the connect link it
// serves (no foreign key either: SQLite cannot drop a column that has one).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('connect_links')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('secret_hash', 'text', (col) => col.notNull().unique())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('external_id', 'text')
    .addColumn('scope', 'text')
    .addColumn('return_to', 'text', (col) => col.notNull())
    .addColumn('service_key_id', 'text', (col) => col.notNull())
    .addColumn('service_name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('connect_links_expires_at_idx').on('connect_links').column('expires_at').execute();

  await db.schema.alterTable('login_transactions').addColumn('scope', 'text').execute();
  await db.schema.alterTable('login_transactions').addColumn('purpose', 'text').execute();
  await db.schema.alterTable('login_transactions').addColumn('connect_link_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_transactions').dropColumn('connect_link_id').execute();
  await db.schema.alterTable('login_transactions').dropColumn('purpose').execute();
  await db.schema.alterTable('login_transactions').dropColumn('scope').execute();
  await db.schema.dropTable('connect_links').execute();
}
