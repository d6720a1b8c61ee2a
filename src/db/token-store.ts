import { type Kysely, sql } from 'kysely';
import { newId } from './database.js';
import { DecryptionMemo } from './decryption-memo.js';
import { type PreparedQuery, prepareQuery } from './prepared-query.js';
import type { DatabaseSchema, TokenRow, TokenStatus } from './schema.js';
import { oncePerKeptRow } from './sqlite-reader.js';
import { type ColumnDecrypter, DecryptedToken } from './stored-token.js';
import { type TokenCipher, type TokenColumn, tokenAssociatedData } from './token-cipher.js';

export type { TokenStatus } from './schema.js';

/**
 * The values one token set holds. The same shape as client/'s TokenSet, which
 * db/ may not import (the layer rules in README); src/core/tokenkeeper.ts,
 * where the two meet, fails to compile unless each is assignable to the other.
 */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  tokenType: string;
  scope: string | null;
  /** Epoch seconds; null when the provider gave no expiry. */
  expiresAt: number | null;
  /** When the access token was issued (epoch seconds), if known: with expiresAt, its lifetime. */
  issuedAt?: number | null;
  /** This connection's own API origin, when the provider names one (Salesforce's instance_url). */
  apiBaseUrl?: string | null;
  /**
   * The regional server this connection was made at, when it is not the configured one (Zoho's accounts-server,
   * one per data centre): where it is refreshed and revoked. Null or absent: the configured server.
   */
  authorizationServerUrl?: string | null;
  /** The `redirect_uri` the grant was made with, for a provider that wants it again in every refresh. Null or absent: not known. */
  redirectUri?: string | null;
  /**
   * Parameters of the authorization response the provider wants again in every refresh (callbackParametersResent:
   * VK ID's `device_id`). Null or absent: none; a refresh keeps the stored ones.
   */
  callbackParameters?: Readonly<Record<string, string>> | null;
  /**
   * The private key the tokens are bound to by DPoP (RFC 9449), as a JWK in JSON, for a provider configured with
   * DPoP: every token request and API call with these tokens is signed with it. Null or absent: bearer tokens.
   * Secret as the tokens are (stored encrypted); a refresh keeps it, a new sign-in brings its own.
   */
  dpopKey?: string | null;
  /** When the refresh token expires (epoch seconds), when the provider said (`refresh_token_expires_in`). */
  refreshTokenExpiresAt?: number | null;
}

export interface StoredToken extends TokenSet {
  id: string;
  userId: string;
  provider: string;
  status: TokenStatus;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  lastRefreshedAt: number | null;
  /**
   * When the provider last issued or accepted the refresh token (a refresh), epoch seconds: what keeps it alive
   * where it ends unused. Null when not known (tokens stored before this was kept; issuedAt stands in).
   */
  refreshTokenUsedAt: number | null;
}

/** A stored token set without its values: safe for pages, JSON and logs. */
export type TokenSummary = Omit<StoredToken, 'accessToken' | 'refreshToken' | 'idToken'> & {
  hasRefreshToken: boolean;
  hasIdToken: boolean;
};

export interface ListTokenSummariesOptions {
  limit: number;
  offset?: number;
  status?: TokenStatus;
  provider?: string;
  /** Only tokens of these providers. */
  providers?: readonly string[];
  /** Only tokens expiring at or before this time (epoch seconds); tokens without expiry are left out. */
  expiringBefore?: number;
  /** Only tokens still valid after this time (epoch seconds). */
  expiringAfter?: number;
  /** Only tokens that have a refresh token. */
  refreshable?: boolean;
  /** Only tokens without a refresh token. */
  withoutRefreshToken?: boolean;
  /**
   * Only tokens at least half through their lifetime at this time (epoch seconds), as TokenManager's leeway counts
   * it: one whose issue time is not known is taken as past it.
   */
  pastHalfLifeAt?: number;
}

/** What the keep-alive sweep asks of one provider's connections (all times epoch seconds). */
export interface RefreshTokenEndsOptions {
  provider: string;
  /** The provider's idle lifetime: a refresh token ends this long after it was issued; null: only ends the provider stated count. */
  idleSeconds: number | null;
  /** How long before an end counted from the idle lifetime the refresh token is due. */
  windowSeconds: number;
  /**
   * How long before a stated end it is due: a quarter of the lifetime stated from its issue, at most this
   * (default `windowSeconds`, the one window before any end that callers from before this option gave).
   */
  maxWindowSeconds?: number;
  now: number;
  limit: number;
  /** The last one of the previous page: only those after it (by end, then id). */
  after?: { endsAt: number; id: string };
}

/** A connection whose refresh token ends soon, without any token value. */
export interface RefreshTokenEnd {
  id: string;
  userId: string;
  provider: string;
  /** When the refresh token ends. */
  endsAt: number;
  /** When its window opened: a refresh since then renewed it (TokenManager.keepAlive's `since`). */
  windowOpensAt: number;
  /** When the provider last issued or accepted it (refresh_token_used_at; issued_at, or else updated_at, for rows stored before it was kept). */
  issuedAt: number;
}

/** What the access-token check asks of one provider's connections (all times epoch seconds). */
export interface AccessTokenChecksOptions {
  provider: string;
  now: number;
  /** Due: neither asked about nor issued after this time. */
  checkedBefore: number;
  limit: number;
  /** The id of the last one of the previous page: only those after it. */
  afterId?: string;
}

/** A connection whose access token is due a check at the provider, without any token value. */
export interface AccessTokenCheck {
  id: string;
  userId: string;
  provider: string;
}

type Executor = Kysely<DatabaseSchema>;

export function rowToTokenSummary(row: TokenRow): TokenSummary {
  return {
    ...rowToTokenSummaryFields(row),
    tokenType: row.token_type,
    scope: row.scope,
    expiresAt: row.expires_at,
    refreshTokenExpiresAt: row.refresh_token_expires_at,
    hasRefreshToken: row.refresh_token !== null,
    hasIdToken: row.id_token !== null,
  };
}

/**
 * The encrypted token store: one token set per (user, provider). Token values
 * are encrypted with the row's identity as associated data, so a value moved
 * to another row or column does not decrypt. Summaries never decrypt.
 *
 * Methods taking `trx` run inside the caller's transaction when given.
 *
 * @example
 * // The TokenStore of createClient, over the database and keys `tokenkeeper serve` uses:
 * const database = await openDatabase(process.env.DATABASE_URL!);
 * const store = new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(process.env.TOKEN_ENCRYPTION_KEYS!)));
 * const client = createClient({ providers, store });
 * const summary = await store.findTokenSummary(userId, 'github'); // status, scope, expiry: no token values
 */
export class SqlTokenStore {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #cipher: TokenCipher;
  /** Access tokens are decrypted on every proxied call; the memo spares repeating it for an unchanged value. */
  readonly #accessTokens: DecryptionMemo;
  readonly #decryptColumn: ColumnDecrypter;
  readonly #findToken: PreparedQuery<TokenRow>;
  /** A row the SQLite read connection keeps makes the same token every time: made once, frozen, and shared. */
  readonly #storedTokenOf = oncePerKeptRow<TokenRow, StoredToken>((row) => new DecryptedToken(row, this.#decryptColumn), Object.freeze);

  constructor(db: Kysely<DatabaseSchema>, cipher: TokenCipher) {
    this.#db = db;
    this.#cipher = cipher;
    this.#accessTokens = new DecryptionMemo(cipher);
    this.#decryptColumn = (column, value, associatedData) =>
      column === 'access_token' ? this.#accessTokens.decrypt(value, associatedData) : cipher.decrypt(value, associatedData);
    this.#findToken = prepareQuery(db, (param) =>
      db.selectFrom('tokens').selectAll().where('user_id', '=', param(0)).where('provider', '=', param(1)),
    );
  }

  /**
   * Saves the token set from a sign-in: inserts, or replaces every value of the
   * existing (user, provider) row in the same statement (INSERT … ON CONFLICT),
   * so racing sign-ins leave one row. Status goes back to 'active', the error
   * is cleared, and any refresh in flight loses its lease (its result would be
   * older than this one).
   */
  async saveTokenSet(userId: string, provider: string, set: TokenSet, now: number, trx?: Executor): Promise<StoredToken> {
    const encrypted = this.#encryptSet(userId, provider, set);
    // An expiry belongs to the refresh token it came with, and so does the time it was issued.
    const refreshTokenExpiresAt = set.refreshToken === null ? null : (set.refreshTokenExpiresAt ?? null);
    const refreshTokenIssuedAt = set.refreshToken === null ? null : (set.issuedAt ?? now);
    const row = await (trx ?? this.#db)
      .insertInto('tokens')
      .values({
        id: newId(),
        user_id: userId,
        provider,
        token_type: set.tokenType,
        scope: set.scope,
        ...encrypted,
        expires_at: set.expiresAt,
        issued_at: set.issuedAt ?? null,
        api_base_url: set.apiBaseUrl ?? null,
        authorization_server_url: set.authorizationServerUrl ?? null,
        redirect_uri: set.redirectUri ?? null,
        callback_parameters: callbackParametersColumn(set),
        refresh_token_expires_at: refreshTokenExpiresAt,
        refresh_token_issued_at: refreshTokenIssuedAt,
        refresh_token_used_at: refreshTokenIssuedAt,
        status: 'active',
        last_error: null,
        created_at: now,
        updated_at: now,
        last_refreshed_at: null,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'provider']).doUpdateSet((eb) => ({
          token_type: set.tokenType,
          scope: set.scope,
          ...encrypted,
          // A sign-in without a refresh token (a provider sends one only on first consent) keeps the one
          // stored, unless that one was already refused: the grant it belongs to is still the person's.
          refresh_token:
            encrypted.refresh_token ?? eb.case().when('tokens.status', '=', 'active').then(eb.ref('tokens.refresh_token')).else(null).end(),
          refresh_token_expires_at:
            encrypted.refresh_token === null
              ? eb.case().when('tokens.status', '=', 'active').then(eb.ref('tokens.refresh_token_expires_at')).else(null).end()
              : refreshTokenExpiresAt,
          // Nor is such a sign-in a use of the refresh token kept: its idle lifetime goes on from its last use. A row
          // stored before these were kept counts them from issued_at or updated_at, which this update moves: the
          // time they stood for is kept.
          refresh_token_issued_at:
            encrypted.refresh_token === null
              ? eb.case().when('tokens.status', '=', 'active').then(eb.fn.coalesce('tokens.refresh_token_issued_at', 'tokens.issued_at', 'tokens.updated_at')).else(null).end()
              : refreshTokenIssuedAt,
          refresh_token_used_at:
            encrypted.refresh_token === null
              ? eb.case().when('tokens.status', '=', 'active').then(eb.fn.coalesce('tokens.refresh_token_used_at', 'tokens.issued_at', 'tokens.updated_at')).else(null).end()
              : refreshTokenIssuedAt,
          expires_at: set.expiresAt,
          issued_at: set.issuedAt ?? null,
          api_base_url: set.apiBaseUrl ?? null,
          authorization_server_url: set.authorizationServerUrl ?? null,
          redirect_uri: set.redirectUri ?? null,
          callback_parameters: callbackParametersColumn(set),
          status: 'active',
          last_error: null,
          updated_at: now,
          refresh_lease_id: null,
          refresh_lease_expires_at: null,
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return set.refreshToken === null && row.refresh_token !== null
      ? this.#storedTokenOf(row)
      : {
          ...rowToTokenSummaryFields(row),
          ...set,
          issuedAt: set.issuedAt ?? null,
          apiBaseUrl: set.apiBaseUrl ?? null,
          authorizationServerUrl: set.authorizationServerUrl ?? null,
          redirectUri: set.redirectUri ?? null,
          callbackParameters: set.callbackParameters ?? null,
          dpopKey: set.dpopKey ?? null,
          refreshTokenExpiresAt,
          refreshTokenUsedAt: refreshTokenIssuedAt,
        };
  }

  /**
   * Whether the user's connection to `provider` holds a refresh token the
   * provider has not refused: sign-in need not ask for offline consent again.
   */
  async hasLiveRefreshToken(userId: string, provider: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('tokens')
      .select('id')
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .where('status', '=', 'active')
      .where('refresh_token', 'is not', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Takes the right to refresh this token set for `leaseSeconds`, atomically:
   * of concurrent callers in any process, one gets a lease id, the others
   * undefined (they should wait and re-read the token). An expired lease
   * (a crashed refresher) can be taken over.
   */
  async acquireRefreshLease(
    userId: string,
    provider: string,
    now: number,
    leaseSeconds: number,
  ): Promise<string | undefined> {
    const leaseId = newId();
    const result = await this.#db
      .updateTable('tokens')
      .set({ refresh_lease_id: leaseId, refresh_lease_expires_at: now + leaseSeconds })
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .where((eb) => eb.or([eb('refresh_lease_id', 'is', null), eb('refresh_lease_expires_at', '<=', now)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n ? leaseId : undefined;
  }

  /**
   * Saves the result of a refresh made under `leaseId` and releases the lease.
   * A null refresh or ID token keeps the stored one (providers that don't
   * rotate send none, or the same one back). Returns undefined, saving nothing, when the lease was
   * lost (expired and taken over, a new sign-in, or the token was deleted).
   */
  async saveRefreshedTokenSet(
    userId: string,
    provider: string,
    leaseId: string,
    set: TokenSet,
    now: number,
  ): Promise<StoredToken | undefined> {
    const encrypted = this.#encryptSet(userId, provider, set);
    const row = await this.#db
      .updateTable('tokens')
      .set((eb) => ({
        token_type: set.tokenType,
        scope: set.scope,
        access_token: encrypted.access_token,
        refresh_token: encrypted.refresh_token ?? eb.ref('refresh_token'),
        // The refresh token kept keeps its issue (a row stored before that was kept counts it from issued_at or
        // updated_at, which this update moves: the time it stood for is kept), and its expiry unless the provider
        // stated it anew; a new one has its own, or none said.
        refresh_token_expires_at:
          encrypted.refresh_token === null ? (set.refreshTokenExpiresAt ?? eb.ref('refresh_token_expires_at')) : (set.refreshTokenExpiresAt ?? null),
        refresh_token_issued_at: encrypted.refresh_token === null ? eb.fn.coalesce('refresh_token_issued_at', 'issued_at', 'updated_at') : (set.issuedAt ?? now),
        // Used, or issued: either way its idle lifetime starts again.
        refresh_token_used_at: set.issuedAt ?? now,
        id_token: encrypted.id_token ?? eb.ref('id_token'),
        expires_at: set.expiresAt,
        issued_at: set.issuedAt ?? null,
        // A refresh answer that names no API origin keeps the one the sign-in named.
        api_base_url: set.apiBaseUrl ?? eb.ref('api_base_url'),
        status: 'active',
        last_error: null,
        updated_at: now,
        last_refreshed_at: now,
        refresh_lease_id: null,
        refresh_lease_expires_at: null,
      }))
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .where('refresh_lease_id', '=', leaseId)
      .returningAll()
      .executeTakeFirst();
    return row && this.#storedTokenOf(row);
  }

  /**
   * Records a failed refresh made under `leaseId` and releases the lease. With
   * `needsReauth` (the provider said invalid_grant) the status becomes
   * 'needs_reauth'; the old tokens stay for the admin to see.
   */
  async recordRefreshFailure(
    userId: string,
    provider: string,
    leaseId: string,
    failure: { error: string; needsReauth: boolean },
    now: number,
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('tokens')
      .set((eb) => ({
        ...(failure.needsReauth ? { status: 'needs_reauth' as const } : {}),
        last_error: failure.error,
        // A row stored before issued_at was kept counts its last issue from updated_at (listRefreshTokensEnding),
        // which this update moves: the time it stood for is kept, or a failed refresh would push the refresh
        // token's end out of the keep-alive's window although the provider still ends it at the old time.
        issued_at: eb.fn.coalesce('issued_at', 'updated_at'),
        updated_at: now,
        refresh_lease_id: null,
        refresh_lease_expires_at: null,
      }))
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .where('refresh_lease_id', '=', leaseId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Gives the lease back without saving (e.g. the token turned out to be fresh). */
  async releaseRefreshLease(userId: string, provider: string, leaseId: string): Promise<void> {
    await this.#db
      .updateTable('tokens')
      .set({ refresh_lease_id: null, refresh_lease_expires_at: null })
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .where('refresh_lease_id', '=', leaseId)
      .execute();
  }

  /** Marks the token set as needing a new sign-in, outside any refresh (e.g. an admin action). */
  async markNeedsReauth(userId: string, provider: string, error: string, now: number, trx?: Executor): Promise<boolean> {
    const result = await (trx ?? this.#db)
      .updateTable('tokens')
      .set({ status: 'needs_reauth', last_error: error, updated_at: now })
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The token set with its values decrypted; throws TokenDecryptionError when a value doesn't decrypt. */
  async findToken(userId: string, provider: string, trx?: Executor): Promise<StoredToken | undefined> {
    const row = await this.#findToken.first([userId, provider], trx);
    return row && this.#storedTokenOf(row);
  }

  async findTokenSummary(userId: string, provider: string, trx?: Executor): Promise<TokenSummary | undefined> {
    const row = await (trx ?? this.#db)
      .selectFrom('tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return row && rowToTokenSummary(row);
  }

  async findTokenSummaryById(id: string): Promise<TokenSummary | undefined> {
    const row = await this.#db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row && rowToTokenSummary(row);
  }

  async listTokenSummariesForUser(userId: string): Promise<TokenSummary[]> {
    const rows = await this.#db
      .selectFrom('tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('provider')
      .execute();
    return rows.map(rowToTokenSummary);
  }

  /** For the admin site and `tokens list`: newest first. */
  async listTokenSummaries(options: ListTokenSummariesOptions): Promise<TokenSummary[]> {
    let query = this.#db.selectFrom('tokens').selectAll();
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    if (options.provider !== undefined) query = query.where('provider', '=', options.provider);
    if (options.providers !== undefined) {
      if (options.providers.length === 0) return [];
      query = query.where('provider', 'in', options.providers);
    }
    if (options.expiringBefore !== undefined) query = query.where('expires_at', '<=', options.expiringBefore);
    if (options.expiringAfter !== undefined) query = query.where('expires_at', '>', options.expiringAfter);
    if (options.refreshable) query = query.where('refresh_token', 'is not', null);
    if (options.withoutRefreshToken) query = query.where('refresh_token', 'is', null);
    if (options.pastHalfLifeAt !== undefined) {
      // expires_at - at <= (expires_at - issued_at) / 2, in whole numbers.
      const at = options.pastHalfLifeAt;
      query = query.where((eb) => eb.or([eb('issued_at', 'is', null), eb(sql<number>`2 * (expires_at - ${at})`, '<=', sql<number>`expires_at - issued_at`)]));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit)
      .offset(options.offset ?? 0)
      .execute();
    return rows.map(rowToTokenSummary);
  }

  /**
   * Active connections of one provider whose refresh token ends within its
   * window, and that no refresh renewed since the window opened: the end is
   * `refresh_token_expires_at`, or the last issue or use plus `idleSeconds`,
   * whichever comes first; the window is `windowSeconds` before an idle end,
   * and a quarter of the stated lifetime (from the refresh token's issue), at
   * most `maxWindowSeconds`, before a stated one. One with neither end, one
   * already past its end, and one without a refresh token are never listed.
   * Soonest end first.
   */
  async listRefreshTokensEnding(options: RefreshTokenEndsOptions): Promise<RefreshTokenEnd[]> {
    const rows = await refreshTokensEndingQuery(this.#db, options).execute();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      provider: row.provider,
      endsAt: Number(row.ends_at),
      windowOpensAt: Number(row.window_opens_at),
      issuedAt: Number(row.last_used_at),
    }));
  }

  /**
   * Active connections of one provider whose access token has not expired and that no check and no issue has
   * vouched for since `checkedBefore`: a token issued after it worked then. By id.
   */
  async listAccessTokensToCheck(options: AccessTokenChecksOptions): Promise<AccessTokenCheck[]> {
    let query = this.#db
      .selectFrom('tokens')
      .select(['id', 'user_id', 'provider'])
      .where('provider', '=', options.provider)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', options.now)]))
      .where((eb) => eb.or([eb('access_token_checked_at', 'is', null), eb('access_token_checked_at', '<=', options.checkedBefore)]))
      .where((eb) => eb.or([eb('issued_at', 'is', null), eb('issued_at', '<=', options.checkedBefore)]));
    if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
    const rows = await query.orderBy('id').limit(options.limit).execute();
    return rows.map((row) => ({ id: row.id, userId: row.user_id, provider: row.provider }));
  }

  /**
   * Takes this connection's access-token check, atomically, when it is still due (see listAccessTokensToCheck):
   * of servers sweeping at once, one asks the provider. True for the caller that took it.
   */
  async claimAccessTokenCheck(id: string, now: number, checkedBefore: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('tokens')
      .set({ access_token_checked_at: now })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('access_token_checked_at', 'is', null), eb('access_token_checked_at', '<=', checkedBefore)]))
      .where((eb) => eb.or([eb('issued_at', 'is', null), eb('issued_at', '<=', checkedBefore)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deleteToken(userId: string, provider: string, trx?: Executor): Promise<boolean> {
    const result = await (trx ?? this.#db)
      .deleteFrom('tokens')
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  #encryptSet(
    userId: string,
    provider: string,
    set: TokenSet,
  ): { access_token: string; refresh_token: string | null; id_token: string | null; dpop_key: string | null } {
    const encrypt = (column: TokenColumn, value: string) =>
      this.#cipher.encrypt(value, tokenAssociatedData(userId, provider, column));
    return {
      access_token: encrypt('access_token', set.accessToken),
      refresh_token: set.refreshToken === null ? null : encrypt('refresh_token', set.refreshToken),
      id_token: set.idToken === null ? null : encrypt('id_token', set.idToken),
      dpop_key: set.dpopKey ? encrypt('dpop_key', set.dpopKey) : null,
    };
  }

  /** A token row read elsewhere (e.g. with the session, see findSessionContext), decrypted as findToken would. */
  fromRow(row: TokenRow): StoredToken {
    return this.#storedTokenOf(row);
  }
}

/** The callback parameters of a sign-in's token set as the column keeps them: a JSON object, or null when there are none. */
function callbackParametersColumn(set: TokenSet): string | null {
  const parameters = set.callbackParameters;
  return parameters && Object.keys(parameters).length > 0 ? JSON.stringify(parameters) : null;
}

function rowToTokenSummaryFields(row: TokenRow): Omit<StoredToken, keyof TokenSet> {
  return {
    id: row.id,
    userId: row.user_id,
    provider: row.provider,
    status: row.status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastRefreshedAt: row.last_refreshed_at,
    refreshTokenUsedAt: row.refresh_token_used_at,
  };
}

/**
 * listRefreshTokensEnding's SELECT, whose query plan a test checks. The rows
 * are looked up in two indexes, each through one arm of an OR that names the
 * provider itself (SQLite weighs each arm of an OR on its own): those whose
 * last use plus the idle lifetime falls within the idle window, and those
 * whose stated end falls within the longest window. The earlier of the two
 * ends is within its window only when one of them is, so no row due is
 * missed; the conditions after the lookup decide.
 */
export function refreshTokensEndingQuery(db: Kysely<DatabaseSchema>, options: RefreshTokenEndsOptions) {
  const { idleSeconds, windowSeconds, maxWindowSeconds = windowSeconds, now, after } = options;
  // The expression of the index tokens_provider_refresh_used_idx, written the same way. Rows stored before the
  // refresh token's own times were kept count from the access token's issue, or their last update.
  const used = sql<number>`coalesce(refresh_token_used_at, issued_at, updated_at)`;
  const issued = sql<number>`coalesce(refresh_token_issued_at, issued_at, updated_at)`;
  // keepaliveWindowSeconds (core/refresh-keepalive.ts) of the lifetime stated, in whole seconds.
  const quarter = sql<number>`(refresh_token_expires_at - ${issued}) / 4`;
  const statedOpens = sql<number>`refresh_token_expires_at - case when ${quarter} < ${maxWindowSeconds} then ${quarter} else ${maxWindowSeconds} end`;
  const statedFirst = sql<boolean>`refresh_token_expires_at < ${used} + ${idleSeconds}`;
  const ends = idleSeconds === null ? sql<number>`refresh_token_expires_at` : sql<number>`case when ${statedFirst} then refresh_token_expires_at else ${used} + ${idleSeconds} end`;
  const opens = idleSeconds === null ? statedOpens : sql<number>`case when ${statedFirst} then ${statedOpens} else ${used} + ${idleSeconds - windowSeconds} end`;
  let query = db
    .selectFrom('tokens')
    .select(['id', 'user_id', 'provider', ends.as('ends_at'), opens.as('window_opens_at'), used.as('last_used_at')])
    .where((eb) =>
      eb.or([
        ...(idleSeconds === null ? [] : [eb.and([eb('provider', '=', options.provider), eb(used, '>', now - idleSeconds), eb(used, '<=', now + windowSeconds - idleSeconds)])]),
        eb.and([eb('provider', '=', options.provider), eb('refresh_token_expires_at', '>', now), eb('refresh_token_expires_at', '<=', now + maxWindowSeconds)]),
      ]),
    )
    .where('status', '=', 'active')
    .where('refresh_token', 'is not', null)
    .where(ends, '>', now)
    .where(opens, '<=', now)
    // Renewed within the window already (a refresh that did not move a stated end): once per window, not every sweep.
    .where(used, '<', opens);
  if (after) query = query.where((eb) => eb.or([eb(ends, '>', after.endsAt), eb.and([eb(ends, '=', after.endsAt), eb('id', '>', after.id)])]));
  return query.orderBy(ends).orderBy('id').limit(options.limit);
}
