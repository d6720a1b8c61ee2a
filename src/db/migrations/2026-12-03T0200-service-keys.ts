import type { Kysely } from 'kysely';

// Frozen in time (2026-12-03): keys for backend services calling the service
// API (/api/v1), and each user's id in the calling system (external_id).
//
// A key is `tks_<id>_<secret>`: only the SHA-256 of the secret is stored.
// Rotation keeps the previous hash until previous_secret_expires_at (the
// grace period), so services can switch without a gap. permissions and
// providers are JSON arrays as text; providers null means every provider.
// users.external_id is unique where set (both dialects let a unique index
// hold any number of NULLs).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_keys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('previous_secret_hash', 'text')
    .addColumn('previous_secret_expires_at', 'bigint')
    .addColumn('permissions', 'text', (col) => col.notNull())
    .addColumn('providers', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('rotated_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();

  await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
  await db.schema.createIndex('users_external_id_key').on('users').column('external_id').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_external_id_key').execute();
  await db.schema.alterTable('users').dropColumn('external_id').execute();
  await db.schema.dropTable('service_keys').execute();
}
