import type { Kysely } from 'kysely';
import { TokenkeeperError } from '../../../client/errors.js';
import { displayWebhookUrl } from '../../../core/webhook-delivery.js';
import type { DatabaseSchema } from '../../../db/schema.js';
import {
  findWebhookDelivery,
  listWebhookDeliveriesForAdmin,
  retryWebhookDeliveryNow,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
} from '../../../db/webhook-delivery.repository.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import { findKnownObjects } from '../../../db/known-objects.js';
import type { AdminContext, AdminResource } from '../resource.js';
import { shown, shownUser, type ShownObject } from '../views/shown-object.js';

const when = (at: number | null, context: AdminContext) => (at === null ? '—' : html`<span title="${absoluteTime(at)}">${relativeTime(at, context.now)}</span>`);
/** An attempt's time in words and as a date: an operator reads it against a receiver's own logs. */
const attemptAt = (at: number | null, context: AdminContext) => (at === null ? '—' : html`${when(at, context)} <span class="muted">${absoluteTime(at)}</span>`);
// The stylesheet's colours: failed in red, delivered in green, pending plain.
const status = (delivery: WebhookDelivery) =>
  html`<span class="${delivery.status === 'failed' ? 'status-needs_reauth' : delivery.status === 'delivered' ? 'status-active' : ''}">${delivery.status}</span>`;
const nextAttempt = (delivery: WebhookDelivery, context: AdminContext) => (delivery.status === 'pending' ? attemptAt(delivery.nextAttemptAt, context) : '—');

/** A delivery with the user its message is about, by username (their id once deleted); null for a message about no user. */
interface AdminWebhookDelivery extends WebhookDelivery {
  user: ShownObject | null;
}

/** The user a message is about: `data.user_id` of the body the outbox wrote (see WebhookPayload), or null. */
function userIdOf(delivery: WebhookDelivery): string | null {
  try {
    const userId = (JSON.parse(delivery.payload) as { data?: { user_id?: unknown } } | null)?.data?.user_id;
    return typeof userId === 'string' ? userId : null;
  } catch {
    return null;
  }
}

/** The deliveries with their users, named in one query. */
async function withUsers(db: Kysely<DatabaseSchema>, deliveries: readonly WebhookDelivery[]): Promise<AdminWebhookDelivery[]> {
  const userIds = deliveries.map(userIdOf);
  const known = await findKnownObjects(db, { user: userIds.filter((id) => id !== null) });
  return deliveries.map((delivery, index) => {
    const userId = userIds[index] ?? null;
    return { ...delivery, user: userId === null ? null : shownUser(userId, known) };
  });
}

const user = (delivery: AdminWebhookDelivery) => (delivery.user === null ? '—' : shown(delivery.user));

/** Whether the message's URL is still one WEBHOOK_URLS names: a message for one taken out is never sent again. */
function configuredUrl(delivery: { url: string }, context: AdminContext): boolean {
  return context.deps.config.webhooks?.urls.includes(delivery.url) ?? false;
}

/**
 * The webhook outbox: one row per message and URL. Staff may "Retry now": it
 * sends again, to a URL the operator configured, a message already signed
 * for it, which receivers drop as a duplicate by its webhook-id if they had
 * it; it shows or grants nothing more, so it is not kept for superusers.
 */
export const webhooksResource: AdminResource<AdminWebhookDelivery> = {
  name: 'webhooks',
  label: 'Webhooks',
  singular: 'webhook delivery',
  searchHelp: 'event type or message id starts with…',
  noneYet: 'No webhook deliveries yet.',
  auditTargetType: 'webhook_delivery',
  columns: [
    { label: 'Event', render: (delivery) => delivery.eventType },
    { label: 'User', render: user },
    { label: 'URL', render: (delivery) => displayWebhookUrl(delivery.url) },
    { label: 'Status', render: status },
    { label: 'Attempts', render: (delivery) => delivery.attempts },
    { label: 'Next attempt', render: nextAttempt },
    { label: 'Last error', render: (delivery) => delivery.lastError ?? '' },
    { label: 'Created', render: (delivery, context) => when(delivery.createdAt, context), sortKey: 'created_at' },
  ],
  filters: [
    {
      key: 'status',
      label: 'Show',
      options: [
        { value: 'pending', label: 'pending' },
        { value: 'failed', label: 'failed' },
        { value: 'delivered', label: 'delivered' },
      ],
    },
  ],
  sortKeys: ['created_at'],
  defaultSort: { key: 'created_at', direction: 'desc' },
  list: async (query, context) => {
    const { rows, total } = await listWebhookDeliveriesForAdmin(context.deps.database, {
      ...(query.filters.status ? { status: query.filters.status as WebhookDeliveryStatus } : {}),
      ...(query.search ? { search: query.search } : {}),
      direction: query.direction,
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    });
    return { rows: await withUsers(context.deps.database.db, rows), total };
  },
  find: async (id, context) => {
    const delivery = await findWebhookDelivery(context.deps.database.db, id);
    return delivery && (await withUsers(context.deps.database.db, [delivery]))[0];
  },
  idOf: (delivery) => delivery.id,
  titleOf: (delivery) => `Webhook ${delivery.eventType} to ${displayWebhookUrl(delivery.url)}`,
  detail: [
    { label: 'Event', render: (delivery) => delivery.eventType },
    { label: 'Message id (webhook-id)', render: (delivery) => html`<code>${delivery.messageId}</code>` },
    { label: 'User', render: user },
    { label: 'URL', render: (delivery) => displayWebhookUrl(delivery.url) },
    { label: 'Status', render: status },
    { label: 'Attempts', render: (delivery) => delivery.attempts },
    { label: 'Next attempt', render: nextAttempt },
    { label: 'Last attempt', render: (delivery, context) => attemptAt(delivery.lastAttemptAt, context) },
    { label: 'Last error', render: (delivery) => delivery.lastError ?? '—' },
    { label: 'Being sent', render: (delivery, context) => (delivery.leaseExpiresAt !== null && delivery.leaseExpiresAt > context.now ? `yes, by a server holding it until ${absoluteTime(delivery.leaseExpiresAt)}` : 'no') },
    { label: 'Created', render: (delivery) => absoluteTime(delivery.createdAt) },
    { label: 'Body', render: (delivery) => html`<pre>${delivery.payload}</pre>` },
    { label: 'Id', render: (delivery) => html`<code>${delivery.id}</code>` },
  ],
  actions: [
    {
      name: 'retry',
      bulk: true,
      label: 'Retry now',
      appliesTo: (delivery, context) => delivery.status !== 'delivered' && configuredUrl(delivery, context),
      refusal: (delivery, context) =>
        configuredUrl(delivery, context) ? undefined : 'Its URL is no longer in WEBHOOK_URLS: this message is not sent there any more (it is marked failed once it has been due for an hour and no server with that URL has sent it).',
      run: async (delivery, context) => {
        if (!(await retryWebhookDeliveryNow(context.deps.database.db, delivery.id, context.now))) {
          throw new TokenkeeperError('action_not_applicable', 'This message is being sent right now, or was delivered meanwhile.');
        }
        context.deps.webhooks.notify();
        return `The ${delivery.eventType} message to ${displayWebhookUrl(delivery.url)} will be sent now.`;
      },
    },
  ],
};
