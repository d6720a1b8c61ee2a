import type { ExpressionBuilder, Kysely } from 'kysely';
import { newId, type Database } from './database.js';
import type { DatabaseSchema, WebhookDeliveryRow, WebhookDeliveryStatus } from './schema.js';
import { beginsWith } from './text-search.js';

export type { WebhookDeliveryStatus } from './schema.js';

/** One webhook message for one receiver URL, as the senders and the admin site see it. */
export interface WebhookDelivery {
  id: string;
  messageId: string;
  eventType: string;
  url: string;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastError: string | null;
  /** Set while a server is sending it (until leaseExpiresAt). */
  leaseExpiresAt: number | null;
  createdAt: number;
}

export interface NewWebhookMessage {
  /** The `webhook-id`: one per event, shared by its copies to each URL. */
  messageId: string;
  eventType: string;
  payload: string;
  urls: readonly string[];
  now: number;
}

export function rowToWebhookDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    messageId: row.message_id,
    eventType: row.event_type,
    url: row.url,
    payload: row.payload,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastAttemptAt: row.last_attempt_at === null ? null : Number(row.last_attempt_at),
    lastError: row.last_error,
    leaseExpiresAt: row.lease_id === null || row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    createdAt: Number(row.created_at),
  };
}

/** Puts one message in the outbox, a row per URL, due now. `db` may be the caller's transaction. */
export async function insertWebhookMessage(db: Kysely<DatabaseSchema>, message: NewWebhookMessage): Promise<void> {
  if (message.urls.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      message.urls.map((url) => ({
        id: newId(),
        message_id: message.messageId,
        event_type: message.eventType,
        url,
        payload: message.payload,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: message.now,
        created_at: message.now,
      })),
    )
    .execute();
}

const leaseFree = (now: number) => (eb: ExpressionBuilder<DatabaseSchema, 'webhook_deliveries'>) =>
  eb.or([eb('lease_id', 'is', null), eb('lease_expires_at', '<=', now)]);

/** Whether the outbox holds any message: servers on this database send webhooks (delivered ones are kept 30 days). */
export async function hasWebhookDeliveries(db: Kysely<DatabaseSchema>): Promise<boolean> {
  return (await db.selectFrom('webhook_deliveries').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * The URLs that have due rows no server is sending (at most `limit`): the
 * delivery job claims for each URL apart, so that a receiver that hangs or
 * fails never holds up the others' messages.
 */
export async function dueWebhookUrls(db: Kysely<DatabaseSchema>, now: number, limit = 100): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select('url')
    .distinct()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where(leaseFree(now))
    .limit(limit)
    .execute();
  return rows.map((row) => row.url);
}

/**
 * Takes a lease on up to `limit` rows for `url` due by `dueBy` (default
 * `now`) in one statement, as the token rows' refresh lease does: of servers
 * claiming at once, each row goes to one (PostgreSQL re-checks the outer
 * WHERE on a row another UPDATE just changed; SQLite runs one writer at a
 * time). An expired lease is taken over.
 */
export async function claimDueWebhookDeliveries(
  db: Kysely<DatabaseSchema>,
  options: { now: number; leaseSeconds: number; limit: number; url: string; dueBy?: number },
): Promise<{ leaseId: string; deliveries: WebhookDelivery[] }> {
  const { now } = options;
  const dueBy = options.dueBy ?? now;
  const leaseId = newId();
  const due = db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', dueBy)
    .where('url', '=', options.url)
    .where(leaseFree(now))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit);
  const rows = await db
    .updateTable('webhook_deliveries')
    .set({ lease_id: leaseId, lease_expires_at: now + options.leaseSeconds })
    .where('id', 'in', due)
    .where('status', '=', 'pending')
    .where(leaseFree(now))
    .returningAll()
    .execute();
  return { leaseId, deliveries: rows.map(rowToWebhookDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : 1)) };
}

export interface WebhookAttemptOutcome {
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  at: number;
}

/**
 * Saves an attempt made under `leaseId` and releases the lease; false, saving
 * nothing, when the lease was lost (it expired and another server took the row).
 */
export async function recordWebhookAttempt(db: Kysely<DatabaseSchema>, id: string, leaseId: string, outcome: WebhookAttemptOutcome): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      attempts: outcome.attempts,
      next_attempt_at: outcome.nextAttemptAt,
      last_attempt_at: outcome.at,
      last_error: outcome.lastError,
      lease_id: null,
      lease_expires_at: null,
    })
    .where('id', '=', id)
    .where('lease_id', '=', leaseId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives back the lease on rows claimed and not sent (a shutdown): another server may send them at once. */
export async function releaseWebhookLeases(db: Kysely<DatabaseSchema>, ids: readonly string[], leaseId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('webhook_deliveries')
    .set({ lease_id: null, lease_expires_at: null })
    .where('id', 'in', ids)
    .where('lease_id', '=', leaseId)
    .execute();
}

export async function findWebhookDelivery(db: Kysely<DatabaseSchema>, id: string): Promise<WebhookDelivery | undefined> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToWebhookDelivery(row);
}

/** For the admin site, newest first; `search` is a prefix of the event type or of the message id. */
export async function listWebhookDeliveriesForAdmin(
  { db, dialect }: Pick<Database, 'db' | 'dialect'>,
  options: { status?: WebhookDeliveryStatus; search?: string; direction: 'asc' | 'desc'; offset: number; limit: number },
): Promise<{ rows: WebhookDelivery[]; total: number }> {
  let query = db.selectFrom('webhook_deliveries');
  if (options.status) query = query.where('status', '=', options.status);
  const search = options.search;
  if (search) query = query.where((eb) => eb.or([beginsWith(dialect, 'event_type', search), beginsWith(dialect, 'message_id', search)]));
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', options.direction).orderBy('id', options.direction).limit(options.limit).offset(options.offset).execute(),
    query.select((eb) => eb.fn.countAll<number | string | bigint>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(rowToWebhookDelivery), total: Number(count.total) };
}

/**
 * "Retry now" (admin): a pending or failed row becomes due at once. Not while
 * a server holds its lease (it is being sent): false then, and for a
 * delivered row or none.
 */
export async function retryWebhookDeliveryNow(db: Kysely<DatabaseSchema>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'failed'])
    .where(leaseFree(now))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Who a webhook is about: the user's external_id and their identity (subject)
 * at `provider` (null when there is none, e.g. for user.deleted). Undefined
 * when the user does not exist.
 */
export async function findConnectionIdentity(
  db: Kysely<DatabaseSchema>,
  userId: string,
  provider: string | null,
): Promise<{ externalId: string | null; subject: string | null } | undefined> {
  const row = await db
    .selectFrom('users')
    .leftJoin('accounts', (join) => join.onRef('accounts.user_id', '=', 'users.id').on('accounts.provider', '=', provider ?? ''))
    .select(['users.external_id', 'accounts.subject'])
    .where('users.id', '=', userId)
    .orderBy('accounts.created_at')
    .executeTakeFirst();
  return row && { externalId: row.external_id, subject: provider === null ? null : (row.subject ?? null) };
}

/** The state of a connection before a sign-in replaces its tokens: whether it existed, its status and scopes. */
export async function findConnectionState(
  db: Kysely<DatabaseSchema>,
  userId: string,
  provider: string,
): Promise<{ status: string; scope: string | null } | undefined> {
  return db.selectFrom('tokens').select(['status', 'scope']).where('user_id', '=', userId).where('provider', '=', provider).executeTakeFirst();
}

/** What waits in the outbox for one URL, for `tokenkeeper doctor`. */
export interface WebhookUrlBacklog {
  url: string;
  /** Pending rows not attempted yet. */
  unsent: number;
  /** Pending rows whose last attempt failed, waiting for a retry. */
  retrying: number;
  failed: number;
  /** The oldest pending row's creation (epoch seconds), or null. */
  oldestPendingAt: number | null;
  /** The error of the latest failed attempt among the pending and failed rows. */
  lastError: string | null;
}

/** The pending and failed rows, per URL (the senders' index: delivered rows are not read). */
export async function webhookBacklogByUrl(db: Kysely<DatabaseSchema>): Promise<WebhookUrlBacklog[]> {
  const counts = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => [
      'url',
      'status',
      eb.fn.countAll<number | string | bigint>().as('total'),
      eb.fn.sum<number | string | bigint | null>(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('attempted'),
      eb.fn.min<number | string | bigint | null>('created_at').as('oldest'),
    ])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy(['url', 'status'])
    .execute();
  const byUrl = new Map<string, WebhookUrlBacklog>();
  for (const row of counts) {
    const backlog = byUrl.get(row.url) ?? { url: row.url, unsent: 0, retrying: 0, failed: 0, oldestPendingAt: null, lastError: null };
    const total = Number(row.total);
    if (row.status === 'failed') backlog.failed += total;
    else {
      const attempted = Number(row.attempted ?? 0);
      backlog.retrying += attempted;
      backlog.unsent += total - attempted;
      backlog.oldestPendingAt = row.oldest === null ? null : Number(row.oldest);
    }
    byUrl.set(row.url, backlog);
  }
  for (const backlog of byUrl.values()) {
    const latest = await db
      .selectFrom('webhook_deliveries')
      .select('last_error')
      .where('url', '=', backlog.url)
      .where('status', 'in', ['pending', 'failed'])
      .where('last_error', 'is not', null)
      .orderBy('last_attempt_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    backlog.lastError = latest?.last_error ?? null;
  }
  return [...byUrl.values()];
}

/** Housekeeping: delivered rows older than `before` go (failed ones stay for the operator to see and retry). */
export async function deleteDeliveredWebhooks(db: Kysely<DatabaseSchema>, before: number): Promise<number> {
  const result = await db.deleteFrom('webhook_deliveries').where('status', '=', 'delivered').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
