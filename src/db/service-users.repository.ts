import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { isUniqueViolation, type Dialect } from './database.js';
import { preparedPerDatabase } from './prepared-query.js';
import type { DatabaseSchema, TokenRow, TokenStatus } from './schema.js';
import { lowerKey } from './text-search.js';
import { nullableFlag } from './user.repository.js';

/** A user as the service API shows them. */
export interface DirectoryUser {
  id: string;
  externalId: string | null;
  username: string;
  email: string | null;
  emailVerified: boolean | null;
  name: string | null;
  isActive: boolean;
}

/** One connected provider of a user: the token row's metadata, never a token value. */
export interface DirectoryConnection {
  provider: string;
  /** The user's id at the provider (their identity there); null when the identity link is gone. */
  subject: string | null;
  status: TokenStatus;
  scope: string | null;
  expiresAt: number | null;
  lastRefreshedAt: number | null;
  hasRefreshToken: boolean;
  /** When the refresh token expires, when the provider said. */
  refreshTokenExpiresAt: number | null;
}

export type UserSelector = { externalId: string } | { email: string } | { provider: string; subject: string };

const USER_COLUMNS = ['users.id', 'users.external_id', 'users.username', 'users.email', 'users.email_verified', 'users.name', 'users.is_active'] as const;

interface DirectoryUserRow {
  id: string;
  external_id: string | null;
  username: string;
  email: string | null;
  email_verified: number | null;
  name: string | null;
  is_active: number;
}

function toDirectoryUser(row: DirectoryUserRow): DirectoryUser {
  return {
    id: row.id,
    externalId: row.external_id,
    username: row.username,
    email: row.email,
    emailVerified: nullableFlag(row.email_verified),
    name: row.name,
    isActive: row.is_active === 1,
  };
}

export async function findDirectoryUser(db: Kysely<DatabaseSchema>, id: string): Promise<DirectoryUser | undefined> {
  const row = await db.selectFrom('users').select(USER_COLUMNS).where('users.id', '=', id).executeTakeFirst();
  return row && toDirectoryUser(row);
}

/**
 * Users matching one selector: the external id, the e-mail address (without
 * regard to case, through the same lower-case index as the admin search), or
 * an identity at a provider. Oldest first, at most `limit`.
 */
export async function findDirectoryUsers(db: Kysely<DatabaseSchema>, dialect: Dialect, selector: UserSelector, limit: number): Promise<DirectoryUser[]> {
  let query = db.selectFrom('users').select(USER_COLUMNS);
  if ('externalId' in selector) query = query.where('users.external_id', '=', selector.externalId);
  else if ('email' in selector) query = query.where(lowerKey(dialect, 'users.email'), '=', sql<string>`lower(${selector.email})`);
  else {
    query = query
      .innerJoin('accounts', 'accounts.user_id', 'users.id')
      .where('accounts.provider', '=', selector.provider)
      .where('accounts.subject', '=', selector.subject);
  }
  const rows = await query.orderBy('users.date_joined').orderBy('users.id').limit(limit).execute();
  return rows.map(toDirectoryUser);
}

/** Each user's connections (token rows, with the identity's subject), by provider name; users without any are left out. */
export async function listDirectoryConnections(db: Kysely<DatabaseSchema>, userIds: readonly string[]): Promise<Map<string, DirectoryConnection[]>> {
  const byUser = new Map<string, DirectoryConnection[]>();
  if (userIds.length === 0) return byUser;
  const [tokens, accounts] = await Promise.all([
    db
      .selectFrom('tokens')
      .select([
        'user_id',
        'provider',
        'status',
        'scope',
        'expires_at',
        'last_refreshed_at',
        'refresh_token_expires_at',
        sql<number>`case when refresh_token is null then 0 else 1 end`.as('has_refresh_token'),
      ])
      .where('user_id', 'in', userIds)
      .orderBy('provider')
      .execute(),
    db.selectFrom('accounts').select(['user_id', 'provider', 'subject']).where('user_id', 'in', userIds).orderBy('created_at').execute(),
  ]);
  const subjects = new Map<string, string>();
  for (const account of accounts) {
    const key = `${account.user_id}\u0000${account.provider}`;
    if (!subjects.has(key)) subjects.set(key, account.subject);
  }
  for (const token of tokens) {
    const connections = byUser.get(token.user_id) ?? [];
    connections.push(toDirectoryConnection(token, subjects.get(`${token.user_id}\u0000${token.provider}`) ?? null));
    byUser.set(token.user_id, connections);
  }
  return byUser;
}

/** A token row's metadata as a connection (`has_refresh_token`: 1 or 0, as the queries select it; a driver may give it as text). */
export function toDirectoryConnection(
  row: Pick<TokenRow, 'provider' | 'status' | 'scope' | 'expires_at' | 'last_refreshed_at' | 'refresh_token_expires_at'> & { has_refresh_token: number | string },
  subject: string | null,
): DirectoryConnection {
  return {
    provider: row.provider,
    subject,
    status: row.status,
    scope: row.scope,
    expiresAt: row.expires_at,
    lastRefreshedAt: row.last_refreshed_at,
    hasRefreshToken: Number(row.has_refresh_token) === 1,
    refreshTokenExpiresAt: row.refresh_token_expires_at,
  };
}

/** The id of the user who has this external id, if any. */
export async function findUserIdByExternalId(db: Kysely<DatabaseSchema>, externalId: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('id').where('external_id', '=', externalId).executeTakeFirst())?.id;
}

/** Sets (or, with null, clears) the user's external id: false when there is no such user; 'taken' when another user has it. */
export async function setExternalId(db: Kysely<DatabaseSchema>, id: string, externalId: string | null): Promise<boolean | 'taken'> {
  try {
    const result = await db.updateTable('users').set({ external_id: externalId }).where('id', '=', id).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  } catch (error) {
    if (isUniqueViolation(error)) return 'taken';
    throw error;
  }
}

/** What handing out a token needs to know, in one read: whether the user exists and is active, and their token row for the provider. */
export interface UserTokenContext {
  isActive: boolean;
  /** Still encrypted; null when the user has not connected the provider. */
  token: TokenRow | null;
}

const userWithToken = preparedPerDatabase((db: Kysely<DatabaseSchema>, param) =>
  db
    .selectFrom('users')
    .leftJoin('tokens', (join) => join.onRef('tokens.user_id', '=', 'users.id').on('tokens.provider', '=', param(1)))
    .select([
      'users.is_active as user_is_active',
      'tokens.id',
      'tokens.user_id',
      'tokens.provider',
      'tokens.token_type',
      'tokens.scope',
      'tokens.access_token',
      'tokens.refresh_token',
      'tokens.id_token',
      'tokens.expires_at',
      'tokens.issued_at',
      'tokens.api_base_url',
      'tokens.authorization_server_url',
      'tokens.redirect_uri',
      'tokens.callback_parameters',
      'tokens.dpop_key',
      'tokens.refresh_token_expires_at',
      'tokens.refresh_token_issued_at',
      'tokens.refresh_token_used_at',
      'tokens.access_token_checked_at',
      'tokens.status',
      'tokens.last_error',
      'tokens.created_at',
      'tokens.updated_at',
      'tokens.last_refreshed_at',
      'tokens.refresh_lease_id',
      'tokens.refresh_lease_expires_at',
    ])
    .where('users.id', '=', param(0)),
);

/**
 * The user (undefined when there is none) and their token row for
 * `provider`, in one query: the service API's token and proxy calls read
 * this on every request, so on a SQLite file it answers synchronously.
 */
export function findUserTokenContext(db: Kysely<DatabaseSchema>, userId: string, provider: string): UserTokenContext | undefined | Promise<UserTokenContext | undefined> {
  const row = userWithToken(db).firstNow([userId, provider]);
  return row instanceof Promise ? row.then(toUserTokenContext) : toUserTokenContext(row);
}

type UserWithTokenRow = NonNullable<Awaited<ReturnType<ReturnType<typeof userWithToken>['first']>>>;

function toUserTokenContext(row: UserWithTokenRow | undefined): UserTokenContext | undefined {
  if (row === undefined) return undefined;
  const { user_is_active: isActive, ...token } = row;
  return { isActive: isActive === 1, token: token.id === null ? null : (token as TokenRow) };
}
