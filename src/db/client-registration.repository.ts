import type { Kysely } from 'kysely';
import { newId, type Database } from './database.js';
import type { DatabaseSchema, RegisteredClientRow } from './schema.js';
import { beginsWith } from './text-search.js';
import type { TokenCipher } from './token-cipher.js';

// The same shape as client/'s RegisteredClient, which db/ may not import (the
// layer rules in README); src/core/tokenkeeper.ts, where the two meet, fails
// to compile unless each is assignable to the other.
/** A client the app registered for itself at one server: what its token, revocation and API requests authenticate with. */
export interface RegisteredClient {
  clientId: string;
  /** Null for a client registered without a secret (a public client). */
  clientSecret: string | null;
  /** The callback it was registered with. */
  redirectUri: string;
  /** The scopes it was registered with (space-separated). */
  scope: string;
}

/**
 * Associated data for a client secret: binds it to its (provider, server) and
 * column, so a secret copied to another server's row does not decrypt.
 * Provider names hold no colon, so the server after it is unambiguous.
 */
export function registeredClientAssociatedData(provider: string, server: string): string {
  return `registered_clients:${provider}:${server}:client_secret`;
}

/**
 * How often keepClient inserts again when the client it found kept was
 * forgotten before it could read it (another process learnt that the server
 * no longer knows it): then its own client is kept.
 */
const KEEP_ATTEMPTS = 3;

/**
 * The clients the app registered for itself, one per (provider, server), for
 * a provider whose every server is its own authorization server (Mastodon's
 * instances). The first kept at a server is the one every process sharing
 * the database uses; its secret is encrypted with its (provider, server) as
 * associated data. The ClientRegistrationStore of the client.
 *
 * @example
 * const store = new SqlClientRegistrationStore(database.db, new TokenCipher(parseEncryptionKeys(process.env.TOKEN_ENCRYPTION_KEYS!)));
 * // What the server's app registration endpoint answered, and what it was asked to register:
 * const registered = { clientId: 'abc', clientSecret: 'shh', redirectUri: 'https://app.example.com/auth/mastodon/callback', scope: 'profile' };
 * const kept = await store.keepClient('mastodon', 'https://mastodon.example', registered, Math.floor(Date.now() / 1000));
 * // kept is the client registered there first: `registered`, or another process's when it was quicker.
 * await store.findClient('mastodon', 'https://mastodon.example'); // the same
 */
export class SqlClientRegistrationStore {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #cipher: TokenCipher;

  constructor(db: Kysely<DatabaseSchema>, cipher: TokenCipher) {
    this.#db = db;
    this.#cipher = cipher;
  }

  /** The client kept for (provider, server), its secret decrypted; throws TokenDecryptionError when no configured key decrypts it. */
  async findClient(provider: string, server: string): Promise<RegisteredClient | undefined> {
    const row = await this.#db
      .selectFrom('registered_clients')
      .selectAll()
      .where('provider', '=', provider)
      .where('server', '=', server)
      .executeTakeFirst();
    return row && this.#clientOf(row);
  }

  /**
   * Keeps `client` for (provider, server) unless one is kept already (INSERT …
   * ON CONFLICT DO NOTHING: of two processes registering at once, one is
   * kept), then reads back the one kept, which is the earlier one when there
   * was one.
   */
  async keepClient(provider: string, server: string, client: RegisteredClient, now: number): Promise<RegisteredClient> {
    const clientSecret = client.clientSecret === null ? null : this.#cipher.encrypt(client.clientSecret, registeredClientAssociatedData(provider, server));
    for (let attempt = 0; attempt < KEEP_ATTEMPTS; attempt += 1) {
      await this.#db
        .insertInto('registered_clients')
        .values({ id: newId(), provider, server, client_id: client.clientId, client_secret: clientSecret, redirect_uri: client.redirectUri, scope: client.scope, created_at: now })
        .onConflict((conflict) => conflict.columns(['provider', 'server']).doNothing())
        .execute();
      const kept = await this.findClient(provider, server);
      if (kept !== undefined) return kept;
    }
    throw new Error(`the client kept for ${provider} at ${server} was forgotten as often as it was kept; try again`);
  }

  /** Forgets the client kept for (provider, server) if it is still `clientId` (one registered since stays); true when one was forgotten. */
  async forgetClient(provider: string, server: string, clientId: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('registered_clients')
      .where('provider', '=', provider)
      .where('server', '=', server)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  #clientOf(row: RegisteredClientRow): RegisteredClient {
    const clientSecret = row.client_secret === null ? null : this.#cipher.decrypt(row.client_secret, registeredClientAssociatedData(row.provider, row.server));
    return { clientId: row.client_id, clientSecret, redirectUri: row.redirect_uri, scope: row.scope };
  }
}

/** A registered client as the admin site lists it: where and for what it was registered, never its secret. */
export interface RegisteredClientListing {
  id: string;
  provider: string;
  server: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  /** Whether a secret is kept (encrypted); null for a public client. */
  hasSecret: boolean;
  createdAt: number;
}

function listingOf(row: Omit<RegisteredClientRow, 'client_secret'> & { has_secret: unknown }): RegisteredClientListing {
  return {
    id: row.id,
    provider: row.provider,
    server: row.server,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    hasSecret: row.has_secret === true || row.has_secret === 1 || row.has_secret === '1',
    createdAt: Number(row.created_at),
  };
}

/** The registered clients for the admin site, a page at a time, newest first (or oldest), searched by the server's URL or the provider's name. */
export async function listRegisteredClientsForAdmin(
  { db, dialect }: Pick<Database, 'db' | 'dialect'>,
  options: { search?: string; direction: 'asc' | 'desc'; offset: number; limit: number },
): Promise<{ rows: RegisteredClientListing[]; total: number }> {
  let query = db.selectFrom('registered_clients');
  const search = options.search;
  if (search) query = query.where((eb) => eb.or([beginsWith(dialect, 'server', search), beginsWith(dialect, 'provider', search)]));
  const columns = ['id', 'provider', 'server', 'client_id', 'redirect_uri', 'scope', 'created_at'] as const;
  const [rows, count] = await Promise.all([
    query
      .select(columns)
      .select((eb) => eb.case().when('client_secret', 'is not', null).then(1).else(0).end().as('has_secret'))
      .orderBy('created_at', options.direction)
      .orderBy('id', options.direction)
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number | string | bigint>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(listingOf), total: Number(count.total) };
}

/** One registered client for the admin site, by its row id; never its secret. */
export async function findRegisteredClientForAdmin(db: Kysely<DatabaseSchema>, id: string): Promise<RegisteredClientListing | undefined> {
  const row = await db
    .selectFrom('registered_clients')
    .select(['id', 'provider', 'server', 'client_id', 'redirect_uri', 'scope', 'created_at'])
    .select((eb) => eb.case().when('client_secret', 'is not', null).then(1).else(0).end().as('has_secret'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row && listingOf(row);
}
