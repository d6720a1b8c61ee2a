import type { Kysely } from 'kysely';

// Frozen in time (2026-12-05): when the provider was last asked whether the
// stored access token still works (epoch seconds), for a provider that asks
// apps to check the tokens they keep (Twitch: hourly). Null until the first
// check; a token issued since is as good as checked at its issue.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('access_token_checked_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('access_token_checked_at').execute();
}
