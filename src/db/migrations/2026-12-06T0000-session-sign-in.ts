import type { Kysely } from 'kysely';

// Frozen in time (2026-12-06): how each signed-in session signed in, so that a
// provider can end it (OpenID Connect Back-Channel Logout 1.0): the provider
// whose sign-in made it, and the `sid` of the provider's own session that its
// ID token named, if any. Null for sessions made before, by an administrator's
// password, or anonymous ones.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('signed_in_with', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('provider_sid', 'text').execute();
  await db.schema.createIndex('sessions_provider_sid_idx').on('sessions').columns(['signed_in_with', 'provider_sid']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_provider_sid_idx').execute();
  await db.schema.alterTable('sessions').dropColumn('provider_sid').execute();
  await db.schema.alterTable('sessions').dropColumn('signed_in_with').execute();
}
