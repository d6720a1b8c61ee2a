import { auditRetentionText } from '../../../core/audit-retention.js';
import { auditEventNames, findAuditEventById, listAuditForAdmin } from '../../../db/audit-list.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import type { AdminResource } from '../resource.js';
import { auditActor, auditEntries, auditObject, type AuditEntry } from '../views/audit-object.js';
import type { ShownObject } from '../views/shown-object.js';

/** The raw id after an object shown by name, for searching the log by it. */
const withId = (object: ShownObject | null, id: string | null) => (object !== null && id !== null && object.text !== id ? html` <code class="muted">${id}</code>` : null);

export const auditResource: AdminResource<AuditEntry> = {
  name: 'audit',
  label: 'Audit log',
  singular: 'audit entry',
  searchHelp: 'event starts with…, or a user or object id',
  noneYet: 'No audit entries yet.',
  note: (context) => `${auditRetentionText(context.deps.config.auditLogRetentionDays)} (AUDIT_LOG_RETENTION_DAYS).`,
  auditTargetType: 'audit',
  columns: [
    { label: 'When', render: (event, context) => html`<span title="${absoluteTime(event.at)}">${relativeTime(event.at, context.now)}</span> <span class="muted">${absoluteTime(event.at)}</span>` },
    { label: 'Event', render: (event) => html`<code>${event.event}</code>` },
    { label: 'Actor', render: auditActor },
    { label: 'Object', render: auditObject },
    { label: 'IP', render: (event) => event.ip ?? '' },
    { label: 'Detail', render: (event) => (event.detail ? JSON.stringify(event.detail) : '') },
  ],
  filters: [{ key: 'event', label: 'Event', options: async (context) => (await auditEventNames(context.deps.database.db)).map((name) => ({ value: name, label: name })) }],
  sortKeys: ['at'],
  defaultSort: { key: 'at', direction: 'desc' },
  list: async (query, context) => {
    const { rows, ...counted } = await listAuditForAdmin(context.deps.database.db, {
      ...(query.search ? { search: query.search } : {}),
      ...(query.filters.event ? { event: query.filters.event } : {}),
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    });
    return { rows: await auditEntries(context.deps.database.db, rows), ...counted };
  },
  find: async (id, context) => {
    const event = await findAuditEventById(context.deps.database.db, id);
    return event && (await auditEntries(context.deps.database.db, [event]))[0];
  },
  idOf: (event) => event.id,
  titleOf: (event) => event.event,
  detail: [
    { label: 'Event', render: (event) => html`<code>${event.event}</code>` },
    { label: 'When', render: (event) => absoluteTime(event.at) },
    { label: 'Actor', render: (event) => html`${auditActor(event)}${withId(event.actor, event.actorUserId)}` },
    { label: 'Object', render: (event) => html`${auditObject(event)}${withId(event.object, event.targetId)}` },
    { label: 'IP', render: (event) => event.ip ?? '—' },
    { label: 'Detail', render: (event) => html`<pre>${event.detail ? JSON.stringify(event.detail, null, 2) : ''}</pre>` },
  ],
  actions: [],
};
