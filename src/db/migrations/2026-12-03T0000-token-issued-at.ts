import type { Kysely } from 'kysely';

// Frozen in time (2026-12-03): when each stored access token was issued
// (epoch seconds), so its lifetime is known and the refresh leeway can stay
// below half of it. Null for tokens stored before.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('issued_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('issued_at').execute();
}
