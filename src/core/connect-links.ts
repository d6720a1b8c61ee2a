import { createHash, randomBytes } from 'node:crypto';
import type { CompletedAuthorization } from '../client/authorization.js';
import type { ErrorCode } from '../client/error-codes.js';
import { TokenkeeperError } from '../client/errors.js';
import { parseScope, unionScope } from '../client/scope.js';
import { findAccount, listAccountsForUser, signInIdentities } from '../db/account.repository.js';
import { writeAuditEvent } from '../db/audit.repository.js';
import { claimConnectLink, findConnectLink, findConnectLinkBySecretHash, insertConnectLink, type ConnectLink } from '../db/connect-link.repository.js';
import { newId } from '../db/database.js';
import { findDirectoryUser, findDirectoryUsers } from '../db/service-users.repository.js';
import type { User } from '../db/user.repository.js';
import type { ServiceCaller } from './service-api.js';
import { authorizeServiceKey } from './service-auth.js';
import { claimExternalId, completeConnectOnlyByExternalId } from './external-users.js';
import { completeLink, completeSignIn, type SignInContext } from './sign-in.js';
import type { Tokenkeeper } from './tokenkeeper.js';

/** How long a connect link can be opened: long enough to pass it on to a person at once, short enough to be no standing credential. */
export const CONNECT_LINK_TTL_SECONDS = 15 * 60;

/**
 * An opened link's row is read again at the end of its sign-in (where to go
 * back to): up to two sign-in transactions of 10 minutes each after it was
 * opened. Housekeeping deletes links this long after they expired.
 */
export const CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS = 3600;

/** 32 random bytes, base64url: the secret in /connect/<secret>. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function hashLinkSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface ConnectLinkRequest {
  provider: string;
  userId?: string | undefined;
  externalId?: string | undefined;
  /** Extra scope, space-separated. */
  scope?: string | undefined;
  returnTo: string;
}

/** The scope tokens of `text`, space-separated, or null for none; invalid_scope when a token breaks RFC 6749 §3.3. */
export function checkScope(text: string | undefined): string | null {
  const tokens = parseScope(text ?? '');
  if (!tokens) throw new TokenkeeperError('invalid_scope', 'The scope must be scope tokens separated by spaces: printable ASCII characters other than space, " and \\ (RFC 6749 §3.3).');
  return tokens.length > 0 ? tokens.join(' ') : null;
}

/** `returnTo` when it is an absolute http(s) URL whose origin is exactly one of `origins`; return_to_not_allowed otherwise. */
export function checkReturnTo(origins: readonly string[], returnTo: string): string {
  let url: URL | undefined;
  try {
    url = new URL(returnTo);
  } catch {
    url = undefined;
  }
  // The whole origin is compared, never a prefix: https://app.example.com.evil.test is another origin.
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '' || !origins.includes(url.origin)) {
    throw new TokenkeeperError('return_to_not_allowed', `return_to must be an absolute URL on one of the origins CONNECT_RETURN_ORIGINS allows (${origins.join(', ')}).`);
  }
  return url.href;
}

/**
 * Makes a single-use connect link for a service (POST /api/v1/connect-links):
 * a 256-bit secret of which only the SHA-256 is stored, valid
 * CONNECT_LINK_TTL_SECONDS. Audited with the service's name.
 */
export async function createConnectLink(deps: Tokenkeeper, caller: ServiceCaller, request: ConnectLinkRequest): Promise<{ url: string; expiresAt: number }> {
  if ((request.userId === undefined) === (request.externalId === undefined)) {
    throw new TokenkeeperError('bad_request', 'Give exactly one of user_id (a user of Tokenkeeper) and external_id (your id for the person, given to whoever signs in if no user has it).');
  }
  authorizeServiceKey(caller.key, 'connections:write', request.provider);
  deps.registry.get(request.provider); // unknown_provider
  const scope = checkScope(request.scope);
  const returnTo = checkReturnTo(deps.config.connectReturnOrigins, request.returnTo);
  if (request.userId !== undefined) {
    const user = await findDirectoryUser(deps.database.db, request.userId);
    if (!user) throw new TokenkeeperError('not_found', 'There is no user with this id.');
    if (!user.isActive) throw new TokenkeeperError('account_inactive', 'This user has been deactivated.');
  } else {
    // The user who has it is meant as by user_id: a link for one deactivated could only end in account_inactive.
    const [user] = await findDirectoryUsers(deps.database.db, deps.database.dialect, { externalId: request.externalId! }, 1);
    if (user && !user.isActive) throw new TokenkeeperError('account_inactive', 'The user with this external_id has been deactivated.');
  }
  return storeConnectLink(deps, caller, { provider: request.provider, userId: request.userId ?? null, externalId: request.externalId ?? null, scope, returnTo }, null);
}

/**
 * A connect link for a connection that needs a new sign-in, handed out with
 * the service API's 409 `needs_reauth` as `reconnect_url`: the user signs in
 * again with the same scope, then lands on their account page (the app's own
 * origin, so no CONNECT_RETURN_ORIGINS entry is needed). Each answer makes its
 * own link: only the hash of a link's secret is stored, so an earlier one cannot be shown again.
 */
export async function createReconnectLink(deps: Tokenkeeper, caller: ServiceCaller, userId: string, provider: string): Promise<string> {
  // A service that keeps asking for a broken connection's token gets the same link while it is unused and has
  // RECONNECT_LINK_REUSE_MIN_SECONDS left, instead of a new row (and audit entry) per answer.
  const recent = reconnectLinks(deps);
  const key = `${caller.key.id}\0${userId}\0${provider}`;
  const known = recent.get(key);
  if (known && known.expiresAt - deps.now() >= RECONNECT_LINK_REUSE_MIN_SECONDS) {
    const stored = await findConnectLink(deps.database.db, known.id);
    if (stored && stored.usedAt === null) return known.url;
  }
  const returnTo = new URL('/account', deps.config.baseUrl).href;
  const link = await storeConnectLink(deps, caller, { provider, userId, externalId: null, scope: null, returnTo }, 'needs_reauth');
  recent.delete(key);
  recent.set(key, link);
  // The oldest go first; a link that falls out is only made again.
  if (recent.size > RECONNECT_LINKS_KEPT) recent.delete(recent.keys().next().value!);
  return link.url;
}

/** A reconnect link is handed out again only while it has at least this long left, so the person has time to open it. */
const RECONNECT_LINK_REUSE_MIN_SECONDS = 5 * 60;
const RECONNECT_LINKS_KEPT = 10_000;
/** Per application: the reconnect links made lately, by service key, user and provider (their secrets only in memory, as when they are answered). */
const reconnectLinksOf = new WeakMap<Tokenkeeper, Map<string, { id: string; url: string; expiresAt: number }>>();

function reconnectLinks(deps: Tokenkeeper): Map<string, { id: string; url: string; expiresAt: number }> {
  let links = reconnectLinksOf.get(deps);
  if (!links) reconnectLinksOf.set(deps, (links = new Map()));
  return links;
}

async function storeConnectLink(
  deps: Tokenkeeper,
  caller: ServiceCaller,
  target: { provider: string; userId: string | null; externalId: string | null; scope: string | null; returnTo: string },
  reason: 'needs_reauth' | null,
): Promise<{ id: string; url: string; expiresAt: number }> {
  const secret = randomBytes(32).toString('base64url');
  const now = deps.now();
  const link = { id: newId(), ...target, serviceKeyId: caller.key.id, serviceName: caller.key.name, createdAt: now, expiresAt: now + CONNECT_LINK_TTL_SECONDS };
  await insertConnectLink(deps.database.db, { ...link, secretHash: hashLinkSecret(secret) });
  await writeAuditEvent(deps.database.db, {
    event: 'service.connect_link_created',
    actorUserId: null,
    targetType: link.userId !== null ? 'user' : 'external_id',
    targetId: link.userId ?? link.externalId,
    ip: caller.ip,
    detail: { service: caller.key.name, service_key_id: caller.key.id, connect_link_id: link.id, provider: link.provider, scope: link.scope, return_to: link.returnTo, ...(reason ? { reason } : {}) },
    at: now,
  });
  return { id: link.id, url: new URL(`/connect/${secret}`, deps.config.baseUrl).href, expiresAt: link.expiresAt };
}

/** Claims the link of this secret (marks it used): not_found, connect_link_used or connect_link_expired otherwise. */
export async function openConnectLink(deps: Tokenkeeper, secret: string): Promise<ConnectLink> {
  const claimed = SECRET_PATTERN.test(secret) ? await claimConnectLink(deps.database.db, hashLinkSecret(secret), deps.now()) : ({ refused: 'unknown' } as const);
  if ('link' in claimed) return claimed.link;
  switch (claimed.refused) {
    case 'used':
      throw new TokenkeeperError('connect_link_used', 'This link was opened already: each connect link works once. Ask for a new one.');
    case 'expired':
      throw new TokenkeeperError('connect_link_expired', 'This link has expired. Ask for a new one.');
    default:
      throw new TokenkeeperError('not_found', 'There is no connect link at this address.');
  }
}

/** What a link preview may show of a link: the provider and the service that asks, and whether the link can still be opened. */
export interface ConnectLinkPreview {
  providerDisplayName: string | null;
  serviceName: string | null;
  state: 'open' | 'used' | 'expired' | 'unknown';
}

/** The link at `secret` as a preview sees it, leaving it as it is (unused links stay usable). */
export async function previewConnectLink(deps: Tokenkeeper, secret: string): Promise<ConnectLinkPreview> {
  const link = SECRET_PATTERN.test(secret) ? await findConnectLinkBySecretHash(deps.database.db, hashLinkSecret(secret)) : undefined;
  if (!link) return { providerDisplayName: null, serviceName: null, state: 'unknown' };
  const state = link.usedAt !== null ? 'used' : link.expiresAt <= deps.now() ? 'expired' : 'open';
  const provider = deps.registry.list().find((settings) => settings.name === link.provider);
  return { providerDisplayName: provider?.displayName ?? link.provider, serviceName: link.serviceName, state };
}

/** An opened link, for the later steps of its sign-in; connect_link_expired once housekeeping has deleted it. */
export async function openedConnectLink(deps: Tokenkeeper, id: string): Promise<ConnectLink> {
  const link = await findConnectLink(deps.database.db, id);
  if (!link || link.usedAt === null) throw new TokenkeeperError('connect_link_expired', 'This connect link has expired. Ask for a new one.');
  return link;
}

/** Whether the user has a way to sign in: an identity other than connect-only connections (isConnectionOnly). */
export async function userSignsIn(deps: Tokenkeeper, userId: string): Promise<boolean> {
  return signInIdentities(await listAccountsForUser(deps.database.db, userId)).length > 0;
}

/** The user the link is for: its user_id, or the user who has its external_id; null when no user has it yet (whoever signs in gets it). */
export async function connectLinkUserId(deps: Tokenkeeper, link: ConnectLink): Promise<string | null> {
  if (link.userId !== null) return link.userId;
  const [user] = await findDirectoryUsers(deps.database.db, deps.database.dialect, { externalId: link.externalId! }, 1);
  return user?.id ?? null;
}

/**
 * What an incremental authorization asks for: the scope the user's
 * connection was granted, the provider's configured scope and the extra
 * scope, so the new grant is never narrower than the old one.
 */
export async function incrementalScope(deps: Tokenkeeper, userId: string | null, provider: string, extra: string | null): Promise<string> {
  const granted = userId === null ? null : ((await deps.tokenStore.listTokenSummariesForUser(userId)).find((token) => token.provider === provider)?.scope ?? null);
  return unionScope(granted, deps.registry.get(provider).settings.scope, extra);
}

/** The user id whose identity just signed in at the provider, if any user has it. */
export async function identityOwner(deps: Tokenkeeper, completed: CompletedAuthorization): Promise<string | undefined> {
  return (await findAccount(deps.database.db, completed.identity.provider, completed.identity.subject))?.userId;
}

/** return_to with the outcome appended to its query: `status=connected`, or `status=error&error=<code>`. */
export function returnUrl(link: ConnectLink, error?: ErrorCode): string {
  const url = new URL(link.returnTo);
  url.searchParams.delete('error');
  url.searchParams.set('status', error === undefined ? 'connected' : 'error');
  if (error !== undefined) url.searchParams.set('error', error);
  return url.href;
}

async function auditConnected(context: SignInContext, link: ConnectLink, userId: string, completed: CompletedAuthorization, created: boolean): Promise<void> {
  await writeAuditEvent(context.db, {
    event: 'connect_link.connected',
    actorUserId: userId,
    targetType: 'user',
    targetId: userId,
    ip: context.ip,
    detail: { provider: link.provider, service: link.serviceName, connect_link_id: link.id, scope: completed.tokens.scope, created },
    at: context.now,
  });
}

/** The link's user connected the provider (linked, or reconnected with more scope): stored as a link of the signed-in user. */
export async function completeConnectForUser(context: SignInContext, completed: CompletedAuthorization, link: ConnectLink, userId: string): Promise<void> {
  await completeLink(context, completed, userId);
  await auditConnected(context, link, userId, completed, false);
}

/**
 * A link for an external_id no user had: the identity that signed in
 * decides the user (found by (provider, subject), or new), who gets the
 * external_id — unless they have another one (external_id_conflict), or
 * another user took it meanwhile (external_id_taken). A refusal stores nothing.
 */
export async function completeConnectByExternalId(context: SignInContext, completed: CompletedAuthorization, link: ConnectLink): Promise<{ user: User; created: boolean }> {
  const result = await completeSignIn(context, completed, { within: claimExternalId(link.externalId!, context.displayName) });
  await auditConnected(context, link, result.user.id, completed, result.created);
  return result;
}

/**
 * A connect-only provider's link for an external_id no user had: the provider identifies no one, so the external_id
 * is the person, made a user with the connection (completeConnectOnlyByExternalId). The browser is not signed in:
 * such a user has no way to sign in.
 */
export async function completeConnectOnlyForExternalId(context: SignInContext, completed: CompletedAuthorization, link: ConnectLink): Promise<{ userId: string; created: boolean }> {
  const result = await completeConnectOnlyByExternalId(context, completed, link.externalId!);
  await auditConnected(context, link, result.userId, completed, result.created);
  return result;
}
