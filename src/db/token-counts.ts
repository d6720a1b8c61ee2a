import type { Kysely } from 'kysely';
import type { DatabaseSchema, TokenStatus } from './schema.js';

export interface TokenCountRow {
  provider: string;
  status: TokenStatus;
  count: number;
}

/** The grouped COUNT; tokens_provider_status_idx covers it, so it reads no token row. */
export function countQuery(db: Kysely<DatabaseSchema>) {
  return db
    .selectFrom('tokens')
    .select(['provider', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['provider', 'status'])
    .orderBy('provider')
    .orderBy('status');
}

/** Stored token sets per (provider, status), in one query. */
export async function countTokensByProviderAndStatus(db: Kysely<DatabaseSchema>): Promise<TokenCountRow[]> {
  const rows = await countQuery(db).execute();
  // PostgreSQL's count is a bigint, which pg returns as a string.
  return rows.map((row) => ({ provider: row.provider, status: row.status, count: Number(row.n) }));
}
