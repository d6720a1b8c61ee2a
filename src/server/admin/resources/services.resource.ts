import { revokeServiceKey, toServiceKey, type ServiceKey } from '../../../core/service-keys.js';
import { findServiceKeyById, listServiceKeysForAdmin } from '../../../db/service-key.repository.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import type { AdminContext, AdminResource } from '../resource.js';
import { rotateForm } from './service-key-rotate.routes.js';

const when = (at: number | null, context: AdminContext) => (at === null ? 'never' : html`<span title="${absoluteTime(at)}">${relativeTime(at, context.now)}</span>`);
const providers = (key: ServiceKey) => (key.providers === null ? html`<span class="muted">all</span>` : key.providers.join(', '));

/**
 * Keys of the service API. Staff see them; only superusers create, rotate or
 * revoke one, since a key can hand out every user's tokens, which staff cannot see.
 * The key itself is never stored, so never shown here (only once, on creation).
 */
export const servicesResource: AdminResource<ServiceKey> = {
  name: 'services',
  label: 'Service keys',
  singular: 'service key',
  searchHelp: 'name starts with…',
  noneYet: 'No service keys yet.',
  auditTargetType: 'service_key',
  create: { href: '/admin/services/new', label: 'New service key', superuserOnly: true },
  columns: [
    { label: 'Name', render: (key) => key.name },
    { label: 'Permissions', render: (key) => key.permissions.join(', ') },
    { label: 'Providers', render: providers },
    { label: 'Created', render: (key, context) => when(key.createdAt, context) },
    { label: 'Last used', render: (key, context) => when(key.lastUsedAt, context) },
  ],
  filters: [],
  sortKeys: ['name'],
  defaultSort: { key: 'name', direction: 'asc' },
  list: async (query, context) => {
    const { rows, total } = await listServiceKeysForAdmin(context.deps.database, {
      ...(query.search ? { search: query.search } : {}),
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    });
    return { rows: rows.map(toServiceKey), total };
  },
  find: async (id, context) => {
    const record = await findServiceKeyById(context.deps.database.db, id);
    return record && toServiceKey(record);
  },
  idOf: (key) => key.id,
  titleOf: (key) => `Service key ${key.name}`,
  detail: [
    { label: 'Name', render: (key) => key.name },
    { label: 'Permissions', render: (key) => key.permissions.join(', ') },
    { label: 'Providers', render: providers },
    { label: 'Created', render: (key) => absoluteTime(key.createdAt) },
    { label: 'Last used', render: (key, context) => when(key.lastUsedAt, context) },
    { label: 'Rotated', render: (key, context) => when(key.rotatedAt, context) },
    { label: 'Old key valid until', render: (key) => (key.previousSecretExpiresAt === null ? '—' : absoluteTime(key.previousSecretExpiresAt)) },
    { label: 'Id', render: (key) => html`<code>${key.id}</code>` },
  ],
  // Rotation shows the new key once, on its own answer (service-key-rotate.routes.ts), so it is a form of its own, not an action.
  related: async (key, context) => {
    if (!context.admin.isSuperuser) return html``;
    const record = await findServiceKeyById(context.deps.database.db, key.id);
    return record ? rotateForm({ ...key, secretHash: record.secretHash }, context.request.session?.csrfToken ?? '', context.now) : html``;
  },
  actions: [
    {
      name: 'revoke',
      label: 'Revoke',
      dangerous: true,
      consequence: (key) => `Service key ${key.name} will be deleted: every service that uses it is refused from its next request.`,
      superuserOnly: () => true,
      run: async (key, context) => {
        await revokeServiceKey(context.deps, key.name, { adminUserId: context.admin.id, ip: context.request.ip });
        return `Service key ${key.name} revoked: it no longer works.`;
      },
    },
  ],
};
