import type { Kysely } from 'kysely';
import { sameScope } from '../client/scope.js';
import type { TokenEvent } from '../client/token-events.js';
import type { DatabaseSchema } from '../db/schema.js';
import { findConnectionIdentity, findConnectionState } from '../db/webhook-delivery.repository.js';
import type { WebhookEventData, WebhookEventType, WebhookOutbox } from './webhook-outbox.js';

// Where each webhook comes from. A sign-in or link (connection.created,
// connection.updated) and a user's deletion (user.deleted) write their
// message in the same transaction as the change. The others follow token
// events, which the token manager emits right after it has stored the change
// (a refresh's failure, a revocation): their message is written then, in a
// statement of its own, so a crash between the two loses that one message.

async function connectionData(db: Kysely<DatabaseSchema>, userId: string, provider: string, status: WebhookEventData['status'], reason?: string): Promise<WebhookEventData | undefined> {
  const identity = await findConnectionIdentity(db, userId, provider);
  if (!identity) return undefined;
  return { user_id: userId, external_id: identity.externalId, provider, subject: identity.subject, status, ...(reason === undefined ? {} : { reason }) };
}

/**
 * Token events as webhooks: a refresh that brought other scopes than the
 * stored ones (connection.updated, scope_changed), a failed refresh (a provider fault; the token
 * manager makes at most one attempt per back-off period, so at most one such
 * message per period and server), a refresh the provider refused
 * (needs re-auth), and a disconnect from anywhere (account page, admin, CLI,
 * service API, a user's deletion), which all go through TokenManager.revoke.
 */
export function webhookTokenEvents(outbox: WebhookOutbox, db: Kysely<DatabaseSchema>) {
  return async (event: TokenEvent): Promise<void> => {
    if (!outbox.enabled) return;
    const message = webhookOfTokenEvent(event);
    if (!message) return;
    const data = await connectionData(db, event.userId, event.provider, message.status, message.reason);
    if (data) await outbox.enqueue(message.type, data);
  };
}

/** The webhook a token event makes, with the connection's status and reason; undefined for one that makes none. */
export function webhookOfTokenEvent(event: TokenEvent): { type: WebhookEventType; status: WebhookEventData['status']; reason?: string } | undefined {
  switch (event.type) {
    case 'token.refresh_failed':
      return { type: 'connection.refresh_failed', status: 'active', reason: event.code };
    case 'token.needs_reauth':
      return { type: 'connection.needs_reauth', status: 'needs_reauth', reason: event.code };
    case 'token.refreshed':
      return event.scopeChanged ? { type: 'connection.updated', status: 'active', reason: 'scope_changed' } : undefined;
    case 'token.revoked':
      return { type: 'connection.revoked', status: 'revoked' };
    default:
      return undefined;
  }
}

/**
 * For a sign-in's or link's transaction: reads the connection before its new
 * tokens are saved, then `enqueueChange` (after the save) writes
 * connection.created when the user had no tokens of this provider (a first
 * connection, or one after a disconnect), connection.updated when it needed
 * re-auth (`reconnected`) or now has other scopes (`scope_changed`), and
 * nothing for a sign-in that changes neither. Reads nothing when webhooks are off.
 */
export async function trackConnectionChange(
  outbox: WebhookOutbox | undefined,
  trx: Kysely<DatabaseSchema>,
  userId: string,
  provider: string,
): Promise<{ enqueueChange(scope: string | null): Promise<void> }> {
  if (!outbox?.enabled) return { enqueueChange: async () => {} };
  const before = await findConnectionState(trx, userId, provider);
  return {
    async enqueueChange(scope) {
      let type: WebhookEventType;
      let reason: string | undefined;
      if (before === undefined) type = 'connection.created';
      else if (before.status !== 'active') [type, reason] = ['connection.updated', 'reconnected'];
      else if (!sameScope(before.scope, scope)) [type, reason] = ['connection.updated', 'scope_changed'];
      else return;
      const data = await connectionData(trx, userId, provider, 'active', reason);
      if (data) await outbox.enqueue(type, data, trx);
    },
  };
}

/** In a user's deletion transaction, before the user row goes: user.deleted with their external_id. */
export async function enqueueUserDeleted(outbox: WebhookOutbox, trx: Kysely<DatabaseSchema>, userId: string): Promise<boolean> {
  if (!outbox.enabled) return false;
  const identity = await findConnectionIdentity(trx, userId, null);
  if (!identity) return false;
  await outbox.enqueue('user.deleted', { user_id: userId, external_id: identity.externalId, provider: null, subject: null, status: 'deleted' }, trx);
  return true;
}
