import type { Kysely } from 'kysely';

// Frozen in time (2026-12-03): the API origin of one connection, for a
// provider whose token response names it (Salesforce's `instance_url`: each
// organisation's API lives on its own host). Null: the provider's configured
// API base applies.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('api_base_url', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('api_base_url').execute();
}
