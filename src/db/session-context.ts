import type { Kysely } from 'kysely';
import { preparedPerDatabase } from './prepared-query.js';
import type { DatabaseSchema, TokenRow } from './schema.js';
import { rowToSession, type Session } from './session.repository.js';
import { oncePerKeptRow } from './sqlite-reader.js';
import { rowToUser, type User } from './user.repository.js';

/** What a request needs to know about its session: the session, its user, and maybe one of the user's tokens. */
export interface SessionContext {
  /** Read-only: a context may be shared between requests (see oncePerKeptRow). */
  session: Session;
  /** Null for an anonymous session (a sign-in in progress). */
  user: User | null;
  /** The user's token row for the provider asked for, still encrypted; null when there is none (or none was asked for). */
  token: TokenRow | null;
}

const USER_COLUMNS = [
  'users.username',
  'users.email',
  'users.email_verified',
  'users.name',
  'users.is_token_user',
  'users.provider',
  'users.is_staff',
  'users.is_superuser',
  'users.is_active',
  'users.date_joined',
  'users.last_login',
] as const;

const sessionWithUserQuery = (db: Kysely<DatabaseSchema>) =>
  db.selectFrom('sessions').leftJoin('users', 'users.id', 'sessions.user_id').selectAll('sessions').select(USER_COLUMNS);

const sessionWithUser = preparedPerDatabase((db: Kysely<DatabaseSchema>, param) => sessionWithUserQuery(db).where('sessions.id', '=', param(0)));

const sessionWithUserAndToken = preparedPerDatabase((db: Kysely<DatabaseSchema>, param) =>
  sessionWithUserQuery(db)
    .leftJoin('tokens', (join) => join.onRef('tokens.user_id', '=', 'sessions.user_id').on('tokens.provider', '=', param(1)))
    .select([
      'tokens.id as token_id',
      'tokens.provider as token_provider',
      'tokens.token_type as token_token_type',
      'tokens.scope as token_scope',
      'tokens.access_token as token_access_token',
      'tokens.refresh_token as token_refresh_token',
      'tokens.id_token as token_id_token',
      'tokens.expires_at as token_expires_at',
      'tokens.issued_at as token_issued_at',
      'tokens.api_base_url as token_api_base_url',
      'tokens.authorization_server_url as token_authorization_server_url',
      'tokens.redirect_uri as token_redirect_uri',
      'tokens.callback_parameters as token_callback_parameters',
      'tokens.dpop_key as token_dpop_key',
      'tokens.refresh_token_expires_at as token_refresh_token_expires_at',
      'tokens.refresh_token_issued_at as token_refresh_token_issued_at',
      'tokens.refresh_token_used_at as token_refresh_token_used_at',
      'tokens.access_token_checked_at as token_access_token_checked_at',
      'tokens.status as token_status',
      'tokens.last_error as token_last_error',
      'tokens.created_at as token_created_at',
      'tokens.updated_at as token_updated_at',
      'tokens.last_refreshed_at as token_last_refreshed_at',
      'tokens.refresh_lease_id as token_refresh_lease_id',
      'tokens.refresh_lease_expires_at as token_refresh_lease_expires_at',
    ])
    .where('sessions.id', '=', param(0)),
);

type SessionWithUserRow = NonNullable<Awaited<ReturnType<ReturnType<typeof sessionWithUser>['first']>>>;
type SessionWithUserAndTokenRow = NonNullable<Awaited<ReturnType<ReturnType<typeof sessionWithUserAndToken>['first']>>>;

function userOf(row: SessionWithUserRow): User | null {
  if (row.user_id === null || row.username === null) return null;
  return rowToUser({
    id: row.user_id,
    username: row.username,
    email: row.email,
    email_verified: row.email_verified,
    name: row.name,
    is_token_user: row.is_token_user ?? 0,
    provider: row.provider,
    is_staff: row.is_staff ?? 0,
    is_superuser: row.is_superuser ?? 0,
    is_active: row.is_active ?? 0,
    password_hash: null,
    date_joined: row.date_joined ?? 0,
    last_login: row.last_login,
  });
}

function tokenOf(row: SessionWithUserAndTokenRow): TokenRow | null {
  if (row.token_id === null || row.user_id === null) return null;
  return {
    id: row.token_id,
    user_id: row.user_id,
    provider: row.token_provider!,
    token_type: row.token_token_type!,
    scope: row.token_scope,
    access_token: row.token_access_token!,
    refresh_token: row.token_refresh_token,
    id_token: row.token_id_token,
    expires_at: row.token_expires_at,
    issued_at: row.token_issued_at,
    api_base_url: row.token_api_base_url,
    authorization_server_url: row.token_authorization_server_url,
    redirect_uri: row.token_redirect_uri,
    callback_parameters: row.token_callback_parameters,
    dpop_key: row.token_dpop_key,
    refresh_token_expires_at: row.token_refresh_token_expires_at,
    refresh_token_issued_at: row.token_refresh_token_issued_at,
    refresh_token_used_at: row.token_refresh_token_used_at,
    access_token_checked_at: row.token_access_token_checked_at,
    status: row.token_status!,
    last_error: row.token_last_error,
    created_at: row.token_created_at!,
    updated_at: row.token_updated_at!,
    last_refreshed_at: row.token_last_refreshed_at,
    refresh_lease_id: row.token_refresh_lease_id,
    refresh_lease_expires_at: row.token_refresh_lease_expires_at,
  };
}

/**
 * The session and its user in one query (the user is null for an anonymous
 * session), and with `tokenProvider` also the user's token row for that
 * provider: a proxied API call needs all three, and it is the hot path, so
 * one read instead of two.
 *
 * Every request runs this, so on a SQLite file it answers synchronously
 * (see PreparedQuery.firstNow); otherwise it gives a promise. `await` takes
 * either.
 */
export function findSessionContext(db: Kysely<DatabaseSchema>, id: string, tokenProvider?: string): SessionContext | undefined | Promise<SessionContext | undefined> {
  if (tokenProvider === undefined) {
    const row = sessionWithUser(db).firstNow([id]);
    return row instanceof Promise ? row.then(withUser) : withUser(row);
  }
  const row = sessionWithUserAndToken(db).firstNow([id, tokenProvider]);
  return row instanceof Promise ? row.then(withUserAndToken) : withUserAndToken(row);
}

/** A context shared between requests (made from a kept row): it and its parts are frozen. */
function frozenContext(context: SessionContext): SessionContext {
  Object.freeze(context.session.data);
  for (const part of [context.session, context.user, context.token]) if (part) Object.freeze(part);
  return Object.freeze(context);
}

const contextWithUser = oncePerKeptRow((row: SessionWithUserRow): SessionContext => ({ session: rowToSession(row), user: userOf(row), token: null }), frozenContext);
const contextWithUserAndToken = oncePerKeptRow(
  (row: SessionWithUserAndTokenRow): SessionContext => ({ session: rowToSession(row), user: userOf(row), token: tokenOf(row) }),
  frozenContext,
);

function withUser(row: SessionWithUserRow | undefined): SessionContext | undefined {
  return row && contextWithUser(row);
}

function withUserAndToken(row: SessionWithUserAndTokenRow | undefined): SessionContext | undefined {
  return row && contextWithUserAndToken(row);
}
