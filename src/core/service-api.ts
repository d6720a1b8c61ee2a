import { TokenkeeperError } from '../client/errors.js';
import type { ProviderApiRequest } from '../client/provider-api.js';
import type { AccessToken, TokenManager } from '../client/token-manager.js';
import type { StoredTokenSet } from '../client/token-store.js';
import { writeAuditEventBatched } from '../db/audit-batch.js';
import { writeAuditEvent } from '../db/audit.repository.js';
import { listConnections, type ConnectionPage } from '../db/connection-listing.repository.js';
import type { TokenStatus } from '../db/schema.js';
import {
  findDirectoryUser,
  findDirectoryUsers,
  findUserTokenContext,
  listDirectoryConnections,
  setExternalId,
  type DirectoryConnection,
  type DirectoryUser,
  type UserSelector,
} from '../db/service-users.repository.js';
import { createReconnectLink } from './connect-links.js';
import { disconnectProvider } from './connections.js';
import type { ServiceKey } from './service-keys.js';
import type { Tokenkeeper } from './tokenkeeper.js';

/** The key a request was made with, and from where (for the audit log). */
export interface ServiceCaller {
  key: ServiceKey;
  ip: string | null;
}

export interface UserWithConnections extends DirectoryUser {
  /** Only the providers the key may use. */
  connections: DirectoryConnection[];
}

/** Users found by one selector, at most this many. */
const LOOKUP_LIMIT = 100;

// Messages name the user by the id the caller sent, and nothing more: an error tells nothing about another user.
const noSuchUser = () => new TokenkeeperError('not_found', 'There is no user with this id.');

function notConnected(displayName: string): TokenkeeperError {
  return new TokenkeeperError('not_connected', `This user has not connected ${displayName}.`);
}

/**
 * The connection needs a new sign-in by the user: the answer carries
 * `reconnect_url`, a connect link (valid 15 minutes, single use) to send the
 * user to, after which the tokens are fresh again.
 */
async function reauthRequired(deps: Tokenkeeper, caller: ServiceCaller, userId: string, provider: string, cause?: unknown): Promise<TokenkeeperError> {
  const { displayName } = deps.registry.get(provider).settings;
  const reconnectUrl = await createReconnectLink(deps, caller, userId, provider);
  return new TokenkeeperError('needs_reauth', `This user's ${displayName} connection needs a new sign-in: ${displayName} no longer accepts its grant. Send them to reconnect_url.`, {
    cause,
    details: { reconnect_url: reconnectUrl },
  });
}

/** The client's errors about the connection, reworded for a service (they were written for the signed-in person). */
async function forService(deps: Tokenkeeper, caller: ServiceCaller, userId: string, provider: string, error: unknown): Promise<unknown> {
  if (!(error instanceof TokenkeeperError)) return error;
  if (error.code === 'not_connected') return notConnected(deps.registry.get(provider).settings.displayName);
  if (error.code === 'needs_reauth') return reauthRequired(deps, caller, userId, provider, error);
  return error;
}

function visibleConnections(key: ServiceKey, connections: DirectoryConnection[] | undefined): DirectoryConnection[] {
  const all = connections ?? [];
  return key.providers === null ? all : all.filter((connection) => key.providers!.includes(connection.provider));
}

export async function findUsers(deps: Tokenkeeper, key: ServiceKey, selector: UserSelector): Promise<UserWithConnections[]> {
  if ('provider' in selector && key.providers !== null && !key.providers.includes(selector.provider)) {
    throw new TokenkeeperError('provider_not_allowed', `The service key "${key.name}" may use only ${key.providers.join(', ')}.`);
  }
  if ('provider' in selector) deps.registry.get(selector.provider); // unknown_provider, as on every other route naming one
  const users = await findDirectoryUsers(deps.database.db, deps.database.dialect, selector, LOOKUP_LIMIT);
  const connections = await listDirectoryConnections(deps.database.db, users.map((user) => user.id));
  return users.map((user) => ({ ...user, connections: visibleConnections(key, connections.get(user.id)) })).filter((user) => visibleUser(key, user));
}

export interface ConnectionQuery {
  provider?: string;
  status?: TokenStatus;
  cursor?: string;
  limit: number;
}

/**
 * A page of connections, of one provider or of every provider the key may
 * use, optionally of one status: for a job that visits everyone connected
 * (a nightly sync, a reminder to whoever needs to reconnect).
 */
export async function listServiceConnections(deps: Tokenkeeper, key: ServiceKey, query: ConnectionQuery): Promise<ConnectionPage> {
  let providers: readonly string[];
  if (query.provider !== undefined) {
    if (key.providers !== null && !key.providers.includes(query.provider)) {
      throw new TokenkeeperError('provider_not_allowed', `The service key "${key.name}" may use only ${key.providers.join(', ')}.`);
    }
    deps.registry.get(query.provider); // unknown_provider, as on every other route naming one
    providers = [query.provider];
  } else {
    providers = deps.registry.names.filter((name) => key.providers === null || key.providers.includes(name));
    if (providers.length === 0) return { connections: [], next: null };
  }
  return listConnections(deps.database.db, { providers, status: query.status, after: query.cursor, limit: query.limit });
}

/**
 * Whether the key may see the user: any key without a provider list; a key limited to providers, a user connected
 * to one of them. Such a key (say, a GitHub sync job's) learns nothing of other users, and changes none.
 */
function visibleUser(key: ServiceKey, user: UserWithConnections): boolean {
  return key.providers === null || user.connections.length > 0;
}

/** not_found for a user `key` may not see (see visibleUser), as for no user at all: routes that name a user and a provider check this where the user has no connection to the provider. */
async function ensureVisible(deps: Tokenkeeper, key: ServiceKey, userId: string): Promise<void> {
  if (key.providers === null) return;
  const connections = await listDirectoryConnections(deps.database.db, [userId]);
  if (visibleConnections(key, connections.get(userId)).length === 0) throw noSuchUser();
}

export async function getUser(deps: Tokenkeeper, key: ServiceKey, userId: string): Promise<UserWithConnections> {
  const user = await findDirectoryUser(deps.database.db, userId);
  if (!user) throw noSuchUser();
  const connections = await listDirectoryConnections(deps.database.db, [user.id]);
  const shown = { ...user, connections: visibleConnections(key, connections.get(user.id)) };
  if (!visibleUser(key, shown)) throw noSuchUser();
  return shown;
}

/** Sets the user's id in the calling system (null clears it); unique among users. Audited. */
export async function updateExternalId(deps: Tokenkeeper, caller: ServiceCaller, userId: string, externalId: string | null): Promise<UserWithConnections> {
  await getUser(deps, caller.key, userId); // not_found for a user the key may not see
  const outcome = await setExternalId(deps.database.db, userId, externalId);
  if (outcome === 'taken') throw new TokenkeeperError('external_id_taken', 'Another user has this external_id.');
  if (!outcome) throw noSuchUser();
  await audit(deps, caller, 'service.user_updated', userId, { external_id: externalId });
  return getUser(deps, caller.key, userId);
}

/** The user's stored tokens for `provider`, checked: the user exists and is active, the provider is configured and connected. */
async function connectedToken(deps: Tokenkeeper, caller: ServiceCaller, userId: string, provider: string): Promise<StoredTokenSet> {
  const context = await findUserTokenContext(deps.database.db, userId, provider);
  if (!context) throw noSuchUser();
  const { displayName } = deps.registry.get(provider).settings;
  // Without this provider's token the user may be one the key may not see: neither their existence nor their state is told.
  if (!context.token) await ensureVisible(deps, caller.key, userId);
  if (!context.isActive) throw new TokenkeeperError('account_inactive', 'This user has been deactivated: their tokens are not handed out.');
  if (!context.token) throw notConnected(displayName);
  const token = deps.tokenStore.fromRow(context.token);
  if (token.status === 'needs_reauth') throw await reauthRequired(deps, caller, userId, provider);
  return token;
}

export interface AccessTokenOptions {
  /** The token must stay valid this long, capped at half its lifetime; else it is refreshed first. */
  minTtlSeconds: number;
  forceRefresh: boolean;
  /**
   * The access token an API call of the caller's just refused (401): refreshed unless the stored token is
   * already another one (a refresh since, here or on another server), which is then handed out instead. Never
   * handed back. Unlike forceRefresh, callers that each saw the same token refused make one refresh between them,
   * not one each, which at a provider that revokes the token it replaces (GitHub) would end the others' tokens.
   */
  rejectedAccessToken?: string;
}

/**
 * The minimum validity asked for, but never more than half the token's
 * lifetime: a provider's 5-minute tokens cannot be made to last 10, and
 * asking for it would refresh on every call.
 */
function minValidity(token: StoredTokenSet, minTtlSeconds: number): number {
  if (token.expiresAt === null || token.issuedAt === undefined || token.issuedAt === null) return minTtlSeconds;
  return Math.min(minTtlSeconds, Math.floor((token.expiresAt - token.issuedAt) / 2));
}

/**
 * The access token of `current` (the user's stored set, just read; null:
 * none), refreshed first through the token manager's single flight when it
 * would expire within `minTtlSeconds` (see minValidity) or when forced;
 * without `minTtlSeconds`, within the manager's leeway. The service API's
 * hand-out and the library's getAccessToken both ask this way.
 */
export async function accessTokenWithin(
  tokens: TokenManager,
  userId: string,
  provider: string,
  current: StoredTokenSet | null,
  options: Partial<AccessTokenOptions>,
): Promise<AccessToken> {
  const minValiditySeconds = current && options.minTtlSeconds !== undefined ? minValidity(current, options.minTtlSeconds) : undefined;
  const within = minValiditySeconds === undefined ? {} : { minValiditySeconds };
  const { rejectedAccessToken } = options;
  const refused = rejectedAccessToken !== undefined && current?.accessToken === rejectedAccessToken;
  const usable = options.forceRefresh || refused ? undefined : tokens.usableAccessToken(provider, current, within);
  return usable ?? tokens.refresh(userId, provider, { ...within, force: options.forceRefresh === true, ...(rejectedAccessToken === undefined ? {} : { rejectedAccessToken }) });
}

/**
 * Hands out the user's access token for `provider`, refreshed first (through
 * the token manager's single flight) when it would expire within
 * `minTtlSeconds` or when asked. Every token handed out is audited: which
 * service, which user, which provider (never the value).
 */
export async function issueAccessToken(deps: Tokenkeeper, caller: ServiceCaller, userId: string, provider: string, options: AccessTokenOptions): Promise<AccessToken> {
  try {
    const token = await handOut(deps, caller, userId, provider, options);
    deps.metrics.serviceTokenRead(caller.key.name, provider, 'ok');
    return token;
  } catch (error) {
    deps.metrics.serviceTokenRead(caller.key.name, provider, error instanceof TokenkeeperError ? error.code : 'internal_error');
    throw error;
  }
}

async function handOut(deps: Tokenkeeper, caller: ServiceCaller, userId: string, provider: string, options: AccessTokenOptions): Promise<AccessToken> {
  const current = await connectedToken(deps, caller, userId, provider);
  let token: AccessToken;
  try {
    token = await accessTokenWithin(deps.tokens, userId, provider, current, options);
  } catch (error) {
    throw await forService(deps, caller, userId, provider, error);
  }
  // Answered only once the entry is committed; concurrent hand-outs share the commit.
  await writeAuditEventBatched(deps.database.db, auditEntry(deps, caller, 'service.token_issued', userId, { provider, expires_at: token.expiresAt }));
  return token;
}

/** Calls the provider's API as the user (refresh and 401-retry as for the browser's proxy). */
export async function callProviderApi(deps: Tokenkeeper, caller: ServiceCaller, userId: string, provider: string, path: string, request: ProviderApiRequest): Promise<Response> {
  const current = await connectedToken(deps, caller, userId, provider);
  try {
    return await deps.providerApi.fetch(userId, provider, path, request, current);
  } catch (error) {
    throw await forService(deps, caller, userId, provider, error);
  }
}

/** Revokes the user's tokens at the provider (when it can), deletes them and the identity link, as the user's own disconnect does. Audited. */
export async function disconnectUser(deps: Tokenkeeper, caller: ServiceCaller, userId: string, provider: string): Promise<{ revoked: boolean }> {
  if (!(await findDirectoryUser(deps.database.db, userId))) throw noSuchUser();
  deps.registry.get(provider); // unknown_provider, before anything is done
  await ensureVisible(deps, caller.key, userId);
  let revoked: boolean;
  try {
    ({ revokedAtProvider: revoked } = await disconnectProvider({ db: deps.database.db, tokens: deps.tokens, now: deps.now, ip: caller.ip }, userId, provider));
  } catch (error) {
    throw await forService(deps, caller, userId, provider, error);
  }
  await audit(deps, caller, 'service.connection_deleted', userId, { provider, revoked });
  return { revoked };
}

function auditEntry(deps: Tokenkeeper, caller: ServiceCaller, event: string, userId: string, detail: Record<string, string | number | boolean | null>) {
  return {
    event,
    actorUserId: null,
    targetType: 'user',
    targetId: userId,
    ip: caller.ip,
    detail: { service: caller.key.name, service_key_id: caller.key.id, ...detail },
    at: deps.now(),
  };
}

async function audit(deps: Tokenkeeper, caller: ServiceCaller, event: string, userId: string, detail: Record<string, string | number | boolean | null>): Promise<void> {
  await writeAuditEvent(deps.database.db, auditEntry(deps, caller, event, userId, detail));
}
