import { auditEventNames, findAuditEventById, listAuditForAdmin } from '../../../db/admin-lists.js';
import type { AuditEvent } from '../../../db/audit.repository.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import type { AdminResource } from '../resource.js';
import { auditObject } from '../views/audit-object.js';

export const auditResource: AdminResource<AuditEvent> = {
  name: 'audit',
  label: 'Audit log',
  singular: 'audit entry',
  searchHelp: 'event starts with…, or a user or object id',
  noneYet: 'No audit entries yet.',
  auditTargetType: 'audit',
  columns: [
    { label: 'When', render: (event, context) => html`<span title="${absoluteTime(event.at)}">${relativeTime(event.at, context.now)}</span> <span class="muted">${absoluteTime(event.at)}</span>` },
    { label: 'Event', render: (event) => html`<code>${event.event}</code>` },
    { label: 'Actor', render: (event) => event.actorUserId ?? '—' },
    { label: 'Object', render: auditObject },
    { label: 'IP', render: (event) => event.ip ?? '' },
    { label: 'Detail', render: (event) => (event.detail ? JSON.stringify(event.detail) : '') },
  ],
  filters: [{ key: 'event', label: 'Event', options: async (context) => (await auditEventNames(context.deps.database.db)).map((name) => ({ value: name, label: name })) }],
  sortKeys: ['at'],
  defaultSort: { key: 'at', direction: 'desc' },
  list: (query, context) =>
    listAuditForAdmin(context.deps.database.db, {
      ...(query.search ? { search: query.search } : {}),
      ...(query.filters.event ? { event: query.filters.event } : {}),
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    }),
  find: (id, context) => findAuditEventById(context.deps.database.db, id),
  idOf: (event) => event.id,
  titleOf: (event) => event.event,
  detail: [
    { label: 'Event', render: (event) => html`<code>${event.event}</code>` },
    { label: 'When', render: (event) => absoluteTime(event.at) },
    { label: 'Actor', render: (event) => (event.actorUserId ? html`<a href="/admin/users/${encodeURIComponent(event.actorUserId)}">${event.actorUserId}</a>` : '—') },
    { label: 'Object', render: auditObject },
    { label: 'IP', render: (event) => event.ip ?? '—' },
    { label: 'Detail', render: (event) => html`<pre>${event.detail ? JSON.stringify(event.detail, null, 2) : ''}</pre>` },
  ],
  actions: [],
};
