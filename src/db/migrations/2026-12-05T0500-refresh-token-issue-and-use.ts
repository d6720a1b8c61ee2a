import { type Kysely, sql } from 'kysely';

// Frozen in time (2026-12-05): when the stored refresh token was issued, and
// when the provider last issued or accepted it (epoch seconds). issued_at is
// the access token's: a refresh that keeps the refresh token moves it, and so
// does a sign-in that brings no new refresh token, which is no use of the
// stored one at the provider. The keep-alive counts an idle lifetime from the
// last use, and the window before a stated end from the refresh token's own
// issue. Null for tokens stored before (issued_at or updated_at stands in).
// The index serves the keep-alive's listing by last use, as
// tokens_provider_last_issued_idx served it by issued_at; that one stays for
// the previous version, which still lists by it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('refresh_token_issued_at', 'bigint').execute();
  await db.schema.alterTable('tokens').addColumn('refresh_token_used_at', 'bigint').execute();
  await sql`create index tokens_provider_refresh_used_idx on tokens (provider, (coalesce(refresh_token_used_at, issued_at, updated_at)))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tokens_provider_refresh_used_idx').execute();
  await db.schema.alterTable('tokens').dropColumn('refresh_token_used_at').execute();
  await db.schema.alterTable('tokens').dropColumn('refresh_token_issued_at').execute();
}
