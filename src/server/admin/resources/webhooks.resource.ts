import { TokenkeeperError } from '../../../client/errors.js';
import { displayWebhookUrl } from '../../../core/webhook-delivery.js';
import {
  findWebhookDelivery,
  listWebhookDeliveriesForAdmin,
  retryWebhookDeliveryNow,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
} from '../../../db/webhook-delivery.repository.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import type { AdminContext, AdminResource } from '../resource.js';

const when = (at: number | null, context: AdminContext) => (at === null ? '—' : html`<span title="${absoluteTime(at)}">${relativeTime(at, context.now)}</span>`);
// The stylesheet's colours: failed in red, delivered in green, pending plain.
const status = (delivery: WebhookDelivery) =>
  html`<span class="${delivery.status === 'failed' ? 'status-needs_reauth' : delivery.status === 'delivered' ? 'status-active' : ''}">${delivery.status}</span>`;
const nextAttempt = (delivery: WebhookDelivery, context: AdminContext) => (delivery.status === 'pending' ? when(delivery.nextAttemptAt, context) : '—');

/**
 * The webhook outbox: one row per message and URL. Staff may "Retry now": it
 * sends again, to a URL the operator configured, a message already signed
 * for it, which receivers drop as a duplicate by its webhook-id if they had
 * it; it shows or grants nothing more, so it is not kept for superusers.
 */
export const webhooksResource: AdminResource<WebhookDelivery> = {
  name: 'webhooks',
  label: 'Webhooks',
  singular: 'webhook delivery',
  searchHelp: 'event type or message id starts with…',
  noneYet: 'No webhook deliveries yet.',
  auditTargetType: 'webhook_delivery',
  columns: [
    { label: 'Event', render: (delivery) => delivery.eventType },
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
  list: (query, context) =>
    listWebhookDeliveriesForAdmin(context.deps.database.db, {
      ...(query.filters.status ? { status: query.filters.status as WebhookDeliveryStatus } : {}),
      ...(query.search ? { search: query.search } : {}),
      direction: query.direction,
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    }),
  find: (id, context) => findWebhookDelivery(context.deps.database.db, id),
  idOf: (delivery) => delivery.id,
  titleOf: (delivery) => `Webhook ${delivery.eventType} to ${displayWebhookUrl(delivery.url)}`,
  detail: [
    { label: 'Event', render: (delivery) => delivery.eventType },
    { label: 'Message id (webhook-id)', render: (delivery) => html`<code>${delivery.messageId}</code>` },
    { label: 'URL', render: (delivery) => displayWebhookUrl(delivery.url) },
    { label: 'Status', render: status },
    { label: 'Attempts', render: (delivery) => delivery.attempts },
    { label: 'Next attempt', render: nextAttempt },
    { label: 'Last attempt', render: (delivery, context) => when(delivery.lastAttemptAt, context) },
    { label: 'Last error', render: (delivery) => delivery.lastError ?? '—' },
    { label: 'Being sent', render: (delivery, context) => (delivery.leaseExpiresAt !== null && delivery.leaseExpiresAt > context.now ? `yes, by a server holding it until ${absoluteTime(delivery.leaseExpiresAt)}` : 'no') },
    { label: 'Created', render: (delivery) => absoluteTime(delivery.createdAt) },
    { label: 'Body', render: (delivery) => html`<pre>${delivery.payload}</pre>` },
    { label: 'Id', render: (delivery) => html`<code>${delivery.id}</code>` },
  ],
  actions: [
    {
      name: 'retry',
      label: 'Retry now',
      appliesTo: (delivery) => delivery.status !== 'delivered',
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
