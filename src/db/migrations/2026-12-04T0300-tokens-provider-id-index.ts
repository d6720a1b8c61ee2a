import type { Kysely } from 'kysely';

// Frozen in time (2026-12-04): an index on (provider, id) for the service
// API's listing of connections, which pages through one provider's token rows
// in id order: each page starts in the index where the last one ended,
// instead of reading every earlier row of every provider.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('tokens_provider_id_idx').on('tokens').columns(['provider', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tokens_provider_id_idx').execute();
}
