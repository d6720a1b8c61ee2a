import type { Kysely } from 'kysely';

// Frozen in time (2026-12-04): sign-in claims, which make the library's
// sealed sign-in transactions single-use. The host application keeps such a
// transaction (a cookie, its session), so nothing of it is stored here until
// its callback comes: then its state is claimed, by the one statement that
// inserts its SHA-256, before the authorization code is exchanged. A second
// callback with the same transaction (a replay, a reload, two at once) finds
// it claimed and exchanges nothing, so the provider never sees the code
// twice (RFC 6749 §4.1.2 lets it revoke the tokens issued for a reused code).
// A claim is kept until its transaction would have expired; an index on
// expires_at serves the sweep of old ones.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sign_in_claims')
    .addColumn('state_hash', 'text', (col) => col.primaryKey())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sign_in_claims_expires_at_idx').on('sign_in_claims').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_claims').execute();
}
