import type { Kysely } from 'kysely';

// Frozen in time (2026-12-06): the regional server one connection was made
// at, for a provider with an authorization server per region (Zoho's
// accounts-server, one per data centre), where that connection is refreshed
// and revoked. Null: the provider's configured server.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('authorization_server_url', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('authorization_server_url').execute();
}
