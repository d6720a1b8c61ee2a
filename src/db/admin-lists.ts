import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from './database.js';
import type { DatabaseSchema } from './schema.js';
import { lowerKey, prefixRange } from './text-search.js';
import { tokenAssociatedData, type TokenCipher } from './token-cipher.js';
import { rowToTokenSummary, type TokenSummary } from './token-store.js';
import { rowToUser, type User } from './user.repository.js';

export type SortDirection = 'asc' | 'desc';

export interface Page<Row> {
  rows: Row[];
  total: number;
  /** Counting stopped at `total`: more rows match (db/audit-list.ts). */
  totalIsLowerBound?: boolean;
}

interface Paging {
  offset: number;
  limit: number;
  direction: SortDirection;
}

export interface UserListOptions extends Paging {
  /** Prefix of the username or e-mail, case-insensitive. */
  search?: string;
  provider?: string;
  isStaff?: boolean;
  isActive?: boolean;
  sort: 'date_joined' | 'username' | 'last_login';
}

export interface TokenListOptions extends Paging {
  /** Prefix of the user's username or e-mail, or a provider name. */
  search?: string;
  provider?: string;
  state?: 'expiring' | 'expired' | 'needs_reauth';
  now: number;
  /** "Expiring" means within this many seconds (default 600). */
  expiringWithinSeconds?: number;
  sort: 'expires_at' | 'updated_at' | 'last_refreshed_at';
}

export interface AdminTokenRow extends TokenSummary {
  username: string;
  email: string | null;
  /** A short prefix and the length, e.g. "Xk3q… (43 chars)": enough to tell tokens apart, never the value. */
  maskedAccessToken: string;
  /** The token's user is staff or a superuser: another admin's tokens are revoked by superusers only. */
  ownerIsAdmin: boolean;
}

export interface AdminCounts {
  users: number;
  connectedTokens: number;
  expiringSoon: number;
  needsReauth: number;
}

async function countOf<T extends keyof DatabaseSchema>(query: SelectQueryBuilder<DatabaseSchema, T, object>): Promise<number> {
  const row = await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number((row as { n: number | string }).n);
}

function matchingUserIds(database: Database, search: string) {
  const { from, to } = prefixRange(search);
  const username = lowerKey(database.dialect, 'username');
  const email = lowerKey(database.dialect, 'email');
  // Two index range scans joined by UNION: an OR across two expressions would not use both indexes.
  return database.db
    .selectFrom('users')
    .select('id')
    .where(username, '>=', from)
    .where(username, '<', to)
    .union(database.db.selectFrom('users').select('id').where(email, '>=', from).where(email, '<', to));
}

export async function listUsersForAdmin(database: Database, options: UserListOptions): Promise<Page<User>> {
  let query = database.db.selectFrom('users');
  if (options.search) query = query.where('id', 'in', matchingUserIds(database, options.search));
  if (options.provider !== undefined) query = query.where('provider', '=', options.provider);
  if (options.isStaff !== undefined) query = query.where('is_staff', '=', options.isStaff ? 1 : 0);
  if (options.isActive !== undefined) query = query.where('is_active', '=', options.isActive ? 1 : 0);
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy(options.sort, options.direction).orderBy('id', options.direction).limit(options.limit).offset(options.offset).execute(),
    countOf(query),
  ]);
  return { rows: rows.map(rowToUser), total };
}

function maskToken(cipher: TokenCipher, userId: string, provider: string, ciphertext: string): string {
  try {
    const value = cipher.decrypt(ciphertext, tokenAssociatedData(userId, provider, 'access_token'));
    return `${value.slice(0, 4)}… (${value.length} chars)`;
  } catch {
    return 'unreadable (wrong key?)';
  }
}

export async function listTokensForAdmin(database: Database, cipher: TokenCipher, options: TokenListOptions): Promise<Page<AdminTokenRow>> {
  // Filter and count on tokens alone (the user search is a subquery of ids); join users only for the page shown.
  let filtered = database.db.selectFrom('tokens');
  if (options.search) {
    const search = options.search;
    const provider = search.toLowerCase();
    // "user_id in (…) or provider = …" makes PostgreSQL scan every token (120 ms at 100,000): ask for the
    // provider only when the term names one that has tokens (one index lookup), else search by user alone.
    const namesProvider = await database.db.selectFrom('tokens').select('id').where('provider', '=', provider).limit(1).executeTakeFirst();
    const byUser = matchingUserIds(database, search);
    filtered = namesProvider
      ? filtered.where((eb) => eb.or([eb('tokens.user_id', 'in', byUser), eb('tokens.provider', '=', provider)]))
      : filtered.where('tokens.user_id', 'in', byUser);
  }
  if (options.provider !== undefined) filtered = filtered.where('tokens.provider', '=', options.provider);
  const within = options.expiringWithinSeconds ?? 600;
  if (options.state === 'expiring') filtered = filtered.where('tokens.expires_at', '>', options.now).where('tokens.expires_at', '<=', options.now + within);
  if (options.state === 'expired') filtered = filtered.where('tokens.expires_at', '<=', options.now);
  if (options.state === 'needs_reauth') filtered = filtered.where('tokens.status', '=', 'needs_reauth');
  const [rows, total] = await Promise.all([
    filtered
      .innerJoin('users', 'users.id', 'tokens.user_id')
      .selectAll('tokens')
      .select(['users.username', 'users.email', 'users.is_staff', 'users.is_superuser'])
      .orderBy(`tokens.${options.sort}`, options.direction)
      .orderBy('tokens.id', options.direction)
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    countOf(filtered),
  ]);
  return {
    rows: rows.map((row) => ({
      ...rowToTokenSummary(row),
      username: row.username,
      email: row.email,
      maskedAccessToken: maskToken(cipher, row.user_id, row.provider, row.access_token),
      ownerIsAdmin: row.is_staff === 1 || row.is_superuser === 1,
    })),
    total,
  };
}

export async function findTokenForAdmin(database: Database, cipher: TokenCipher, id: string): Promise<AdminTokenRow | undefined> {
  const row = await database.db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .selectAll('tokens')
    .select(['users.username', 'users.email', 'users.is_staff', 'users.is_superuser'])
    .where('tokens.id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      ...rowToTokenSummary(row),
      username: row.username,
      email: row.email,
      maskedAccessToken: maskToken(cipher, row.user_id, row.provider, row.access_token),
      ownerIsAdmin: row.is_staff === 1 || row.is_superuser === 1,
    }
  );
}

export async function adminCounts(db: Kysely<DatabaseSchema>, now: number, expiringWithinSeconds = 600): Promise<AdminCounts> {
  const [users, connectedTokens, expiringSoon, needsReauth] = await Promise.all([
    countOf(db.selectFrom('users')),
    countOf(db.selectFrom('tokens').where('status', '=', 'active')),
    countOf(db.selectFrom('tokens').where('status', '=', 'active').where('expires_at', '>', now).where('expires_at', '<=', now + expiringWithinSeconds)),
    countOf(db.selectFrom('tokens').where('status', '=', 'needs_reauth')),
  ]);
  return { users, connectedTokens, expiringSoon, needsReauth };
}
