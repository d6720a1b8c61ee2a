import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DatabaseSchema, TokenStatus } from './schema.js';
import { toDirectoryConnection, type DirectoryConnection } from './service-users.repository.js';

/** One connection in a listing: whose it is, and the token row's metadata (as a user's own list has it), never a token value. */
export interface ListedConnection extends DirectoryConnection {
  userId: string;
  externalId: string | null;
  userIsActive: boolean;
}

export interface ConnectionListing {
  /** Of these providers only (at least one). */
  providers: readonly string[];
  status?: TokenStatus;
  /** The `next` of the page before: connections after it. */
  after?: string;
  limit: number;
}

export interface ConnectionPage {
  connections: ListedConnection[];
  /** Where the next page starts; null on the last page. */
  next: string | null;
}

/**
 * A page of connections (token rows) in the order of their ids, which never
 * change: paging on with `next` visits every connection that exists
 * throughout exactly once, whatever is added or removed meanwhile. Each
 * provider's page is read through the (provider, id) index, from where the
 * last page ended; several providers' pages are merged here. One query for
 * all of them sorts every row after the cursor: on SQLite, at 100,000 tokens
 * of three providers, 27 ms a page against 1.6 ms for the three this way.
 */
export async function listConnections(db: Kysely<DatabaseSchema>, listing: ConnectionListing): Promise<ConnectionPage> {
  const perProvider = await Promise.all(listing.providers.map((provider) => providerPage(db, provider, listing)));
  const rows = perProvider.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = rows.slice(0, listing.limit);
  return {
    connections: page.map((row) => ({
      userId: row.user_id,
      externalId: row.external_id,
      userIsActive: row.is_active === 1,
      ...toDirectoryConnection(row, row.subject ?? null),
    })),
    next: rows.length > listing.limit ? page.at(-1)!.id : null,
  };
}

/** One provider's connections after the cursor, one more than a page. */
function providerPage(db: Kysely<DatabaseSchema>, provider: string, listing: ConnectionListing) {
  let query = db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .select([
      'tokens.id',
      'tokens.user_id',
      'users.external_id',
      'users.is_active',
      'tokens.provider',
      'tokens.status',
      'tokens.scope',
      'tokens.expires_at',
      'tokens.last_refreshed_at',
      'tokens.refresh_token_expires_at',
      sql<number>`case when tokens.refresh_token is null then 0 else 1 end`.as('has_refresh_token'),
      // The identity linked first, as GET /users shows it (one per provider is linked at most).
      (eb) =>
        eb
          .selectFrom('accounts')
          .select('accounts.subject')
          .whereRef('accounts.user_id', '=', 'tokens.user_id')
          .whereRef('accounts.provider', '=', 'tokens.provider')
          .orderBy('accounts.created_at')
          .limit(1)
          .as('subject'),
    ])
    .where('tokens.provider', '=', provider);
  if (listing.status !== undefined) query = query.where('tokens.status', '=', listing.status);
  if (listing.after !== undefined) query = query.where('tokens.id', '>', listing.after);
  return query.orderBy('tokens.id').limit(listing.limit + 1).execute();
}
