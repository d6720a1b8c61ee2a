import { findTokenForAdmin, listTokensForAdmin, type AdminTokenRow } from '../../../db/admin-lists.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import type { AdminContext, AdminResource } from '../resource.js';

function expiry(token: AdminTokenRow, context: AdminContext) {
  if (token.expiresAt === null) return html`<span class="muted">no expiry</span>`;
  const expired = token.expiresAt <= context.now;
  return html`<span class="${expired ? 'status-expired' : token.expiresAt - context.now <= 600 ? 'status-expiring' : ''}">${expired ? 'expired ' : ''}${relativeTime(token.expiresAt, context.now)}</span>
<span class="muted">${absoluteTime(token.expiresAt)}</span>`;
}

const when = (at: number | null, context: AdminContext) => (at === null ? 'never' : html`<span title="${absoluteTime(at)}">${relativeTime(at, context.now)}</span>`);

export const tokensResource: AdminResource<AdminTokenRow> = {
  name: 'tokens',
  label: 'Tokens',
  singular: 'token',
  searchHelp: 'username or e-mail starts with…, or a provider',
  noneYet: 'No tokens stored.',
  auditTargetType: 'token',
  columns: [
    { label: 'User', render: (token) => token.username },
    { label: 'Provider', render: (token) => token.provider },
    { label: 'Access token', render: (token) => html`<code class="masked">${token.maskedAccessToken}</code>` },
    { label: 'Type', render: (token) => token.tokenType },
    { label: 'Scopes', render: (token) => token.scope ?? '—' },
    { label: 'Expires', render: expiry, sortKey: 'expires_at' },
    { label: 'Status', render: (token) => html`<span class="status-${token.status}">${token.status === 'needs_reauth' ? 'needs re-auth' : 'active'}</span>` },
    { label: 'Last refreshed', render: (token, context) => when(token.lastRefreshedAt, context), sortKey: 'last_refreshed_at' },
    { label: 'Last error', render: (token) => token.lastError ?? '' },
  ],
  filters: [
    {
      key: 'state',
      label: 'Show',
      options: [
        { value: 'expiring', label: 'expiring within 10 minutes' },
        { value: 'expired', label: 'expired' },
        { value: 'needs_reauth', label: 'needs re-auth' },
      ],
    },
    { key: 'provider', label: 'Provider', options: async (context) => context.deps.registry.names.map((name) => ({ value: name, label: name })) },
  ],
  sortKeys: ['expires_at', 'updated_at', 'last_refreshed_at'],
  defaultSort: { key: 'updated_at', direction: 'desc' },
  list: (query, context) =>
    listTokensForAdmin(context.deps.database, context.deps.cipher, {
      ...(query.search ? { search: query.search } : {}),
      ...(query.filters.provider ? { provider: query.filters.provider } : {}),
      ...(query.filters.state ? { state: query.filters.state as 'expired' } : {}),
      now: context.now,
      sort: query.sort as 'expires_at',
      direction: query.direction,
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    }),
  find: (id, context) => findTokenForAdmin(context.deps.database, context.deps.cipher, id),
  idOf: (token) => token.id,
  titleOf: (token) => `${token.provider} token of ${token.username}`,
  detail: [
    { label: 'User', render: (token) => html`<a href="/admin/users/${encodeURIComponent(token.userId)}">${token.username}</a> ${token.email ? html`<span class="muted">${token.email}</span>` : null}` },
    { label: 'Provider', render: (token) => token.provider },
    { label: 'Access token', render: (token) => html`<code class="masked">${token.maskedAccessToken}</code>` },
    { label: 'Refresh token', render: (token) => (token.hasRefreshToken ? 'stored (encrypted)' : 'none') },
    { label: 'ID token', render: (token) => (token.hasIdToken ? 'stored (encrypted)' : 'none') },
    { label: 'Token type', render: (token) => token.tokenType },
    { label: 'Scopes', render: (token) => token.scope ?? '—' },
    { label: 'Expires', render: (token, context) => html`<span class="token-expiry">${expiry(token, context)}</span>` },
    { label: 'Status', render: (token) => html`<span class="status-${token.status}">${token.status === 'needs_reauth' ? 'needs re-auth' : 'active'}</span>` },
    { label: 'Last refreshed', render: (token, context) => when(token.lastRefreshedAt, context) },
    { label: 'Last error', render: (token) => token.lastError ?? '—' },
    { label: 'Created', render: (token) => absoluteTime(token.createdAt) },
    { label: 'Updated', render: (token) => absoluteTime(token.updatedAt) },
    { label: 'Id', render: (token) => html`<code>${token.id}</code>` },
  ],
  actions: [
    {
      name: 'refresh',
      label: 'Refresh now',
      appliesTo: (token) => token.hasRefreshToken,
      run: async (token, context) => {
        const refreshed = await context.deps.tokens.refresh(token.userId, token.provider, { force: true });
        return refreshed.expiresAt === null ? 'Refreshed.' : `Refreshed: expires ${absoluteTime(refreshed.expiresAt)}.`;
      },
      failure: (error, token) =>
        error.code === 'needs_reauth' ? `${token.provider} refused the refresh token; the connection needs re-auth until its user signs in with ${token.provider} again.` : undefined,
    },
    {
      name: 'revoke',
      label: 'Revoke',
      dangerous: true,
      consequence: (token) =>
        `The ${token.provider} token of ${token.username} will be revoked at ${token.provider} and deleted: ${token.username} is no longer connected to ${token.provider} until they sign in with it again.`,
      superuserOnly: (token, context) => token.ownerIsAdmin && token.userId !== context.admin.id,
      run: async (token, context) => {
        const result = await context.deps.tokens.revoke(token.userId, token.provider);
        return result.revokedAtProvider
          ? `Revoked at ${token.provider} and deleted.`
          : `Deleted; ${token.provider} did not confirm the revocation (${result.error ?? 'unknown reason'}).`;
      },
    },
  ],
};
