import type { Kysely } from 'kysely';

// Frozen in time (2026-12-07): parameters of the authorization response that a
// provider wants again in the code exchange and every refresh (VK ID's
// device_id), as a JSON object of names and values. Null: none kept.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('callback_parameters', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('callback_parameters').execute();
}
