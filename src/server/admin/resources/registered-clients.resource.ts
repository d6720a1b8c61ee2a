import { findRegisteredClientForAdmin, listRegisteredClientsForAdmin, type RegisteredClientListing } from '../../../db/client-registration.repository.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import type { AdminResource } from '../resource.js';

/**
 * The clients the app registered for itself at servers people signed in at (a provider that registers at each
 * server: the fediverse preset), one per provider and server: where, for which callback and scopes, and when. The
 * secret is never shown (only whether one is kept). Read-only: a client a server no longer knows is forgotten at the
 * next sign-in there, which registers anew.
 */
export const registeredClientsResource: AdminResource<RegisteredClientListing> = {
  name: 'registered-clients',
  label: 'Registered clients',
  singular: 'registered client',
  searchHelp: 'server URL or provider starts with…',
  noneYet: 'No registered clients yet: the app registers itself at a server the first time someone signs in there, for providers that work so (fediverse).',
  auditTargetType: 'registered_client',
  columns: [
    { label: 'Provider', render: (client) => client.provider },
    { label: 'Server', render: (client) => client.server },
    { label: 'Client id', render: (client) => html`<code>${client.clientId}</code>` },
    { label: 'Scope', render: (client) => client.scope },
    { label: 'Registered', render: (client, context) => html`<span title="${absoluteTime(client.createdAt)}">${relativeTime(client.createdAt, context.now)}</span>`, sortKey: 'created_at' },
  ],
  filters: [],
  sortKeys: ['created_at'],
  defaultSort: { key: 'created_at', direction: 'desc' },
  list: (query, context) =>
    listRegisteredClientsForAdmin(context.deps.database, {
      ...(query.search ? { search: query.search } : {}),
      direction: query.direction,
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    }),
  find: (id, context) => findRegisteredClientForAdmin(context.deps.database.db, id),
  idOf: (client) => client.id,
  titleOf: (client) => `${client.provider} at ${client.server}`,
  detail: [
    { label: 'Provider', render: (client) => client.provider },
    { label: 'Server', render: (client) => client.server },
    { label: 'Client id', render: (client) => html`<code>${client.clientId}</code>` },
    { label: 'Client secret', render: (client) => (client.hasSecret ? 'kept, encrypted (never shown)' : 'none (a public client)') },
    { label: 'Callback', render: (client) => client.redirectUri },
    { label: 'Scope', render: (client) => client.scope },
    { label: 'Registered', render: (client) => absoluteTime(client.createdAt) },
    { label: 'Id', render: (client) => html`<code>${client.id}</code>` },
  ],
  actions: [],
};
