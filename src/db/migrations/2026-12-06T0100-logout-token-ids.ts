import type { Kysely } from 'kysely';

// Frozen in time (2026-12-06): the logout tokens taken (OpenID Connect
// Back-Channel Logout 1.0), so that one posted again is refused, as §2.6
// asks: the SHA-256 of the provider's name and the token's jti, inserted by
// the one statement that takes it, on whichever server. Kept until the token
// would be refused as too old anyway; an index on expires_at serves the
// sweep of old ones.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('logout_token_ids')
    .addColumn('id_hash', 'text', (col) => col.primaryKey())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('logout_token_ids_expires_at_idx').on('logout_token_ids').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('logout_token_ids').execute();
}
