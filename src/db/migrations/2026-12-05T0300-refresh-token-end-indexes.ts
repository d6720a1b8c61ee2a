import { type Kysely, sql } from 'kysely';

// Frozen in time (2026-12-05): the keep-alive sweep's listing of one
// provider's refresh tokens ending soon (SqlTokenStore.listRefreshTokensEnding)
// looks up the rows whose last issue, or whose stated end, lies within the
// window, instead of reading every active row of the provider on every page:
// on SQLite, 200,000 tokens of one provider took about 400 ms a page, during
// which the event loop waits. The expression is the one the query uses
// (`issued_at`, or `updated_at` for rows stored before it was kept).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index tokens_provider_last_issued_idx on tokens (provider, (coalesce(issued_at, updated_at)))`.execute(db);
  await db.schema.createIndex('tokens_provider_refresh_end_idx').on('tokens').columns(['provider', 'refresh_token_expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tokens_provider_refresh_end_idx').execute();
  await db.schema.dropIndex('tokens_provider_last_issued_idx').execute();
}
