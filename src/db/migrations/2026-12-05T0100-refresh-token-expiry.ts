import type { Kysely } from 'kysely';

// Frozen in time (2026-12-05): when the stored refresh token expires (epoch
// seconds), for providers that say so in the token response
// (`refresh_token_expires_in`: GitHub App user tokens, LinkedIn). Null when
// the provider did not say, and for tokens stored before.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('refresh_token_expires_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('refresh_token_expires_at').execute();
}
