import type { Kysely } from 'kysely';

// Frozen in time (2026-12-06): the redirect_uri a connection's grant was made
// with, for a provider that wants it again in every refresh (Trakt). Null: a
// connection made before it was kept.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('redirect_uri', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('redirect_uri').execute();
}
