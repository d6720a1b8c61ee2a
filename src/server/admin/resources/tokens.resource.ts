import { forgetTokens } from '../../../core/connections.js';
import { findTokenForAdmin, listTokensForAdmin, type AdminTokenRow } from '../../../db/admin-lists.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import { TokenkeeperError } from '../../../client/errors.js';
import { TokenDecryptionError } from '../../../db/token-cipher.js';
import type { AdminContext, AdminResource } from '../resource.js';

function expiry(token: AdminTokenRow, context: AdminContext) {
  if (token.expiresAt === null) return html`<span class="muted">no expiry</span>`;
  const expired = token.expiresAt <= context.now;
  return html`<span class="${expired ? 'status-expired' : token.expiresAt - context.now <= 600 ? 'status-expiring' : ''}">${expired ? 'expired ' : ''}${relativeTime(token.expiresAt, context.now)}</span>
<span class="muted">${absoluteTime(token.expiresAt)}</span>`;
}

/** "stored (encrypted)", and when the provider said, when it expires: the person must connect again after that. */
function refreshTokenState(token: AdminTokenRow, context: AdminContext) {
  if (!token.hasRefreshToken) return 'none';
  const expiresAt = token.refreshTokenExpiresAt ?? null;
  if (expiresAt === null) return 'stored (encrypted)';
  const expired = expiresAt <= context.now;
  return html`stored (encrypted), <span class="${expired ? 'status-expired' : ''}">${expired ? 'expired ' : 'expires '}${relativeTime(expiresAt, context.now)}</span>
<span class="muted">${absoluteTime(expiresAt)}</span>`;
}

const when = (at: number | null, context: AdminContext) => (at === null ? 'never' : html`<span title="${absoluteTime(at)}">${relativeTime(at, context.now)}</span>`);

/** Why a token of a provider no longer configured can be neither refreshed nor revoked there. */
const notConfigured = (token: AdminTokenRow) =>
  `${token.provider} is no longer configured (OAUTH_PROVIDERS): this token cannot be sent to it. “Delete here only” deletes it.`;

/** Runs `work` on the token's values; one that no configured key decrypts is refused in words (else a 500). */
async function readable<T>(token: AdminTokenRow, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof TokenDecryptionError)) throw error;
    throw new TokenkeeperError('action_not_applicable', `This token cannot be read: ${error.message}. Put that key back in TOKEN_ENCRYPTION_KEYS, or use “Delete here only”.`, { cause: error });
  }
}

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
    { label: 'Refresh token', render: refreshTokenState },
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
      bulk: true,
      label: 'Refresh now',
      appliesTo: (token, context) => token.hasRefreshToken && context.deps.registry.has(token.provider),
      refusal: (token, context) => (context.deps.registry.has(token.provider) ? undefined : notConfigured(token)),
      run: async (token, context) => {
        const refreshed = await readable(token, () => context.deps.tokens.refresh(token.userId, token.provider, { force: true }));
        return refreshed.expiresAt === null ? 'Refreshed.' : `Refreshed: expires ${absoluteTime(refreshed.expiresAt)}.`;
      },
      failure: (error, token) =>
        error.code === 'needs_reauth' ? `${token.provider} refused the refresh token; the connection needs re-auth until its user signs in with ${token.provider} again.` : undefined,
    },
    {
      name: 'revoke',
      bulk: true,
      label: 'Revoke',
      dangerous: true,
      consequence: (token) =>
        `The ${token.provider} token of ${token.username} will be revoked at ${token.provider} and deleted: ${token.username} is no longer connected to ${token.provider} until they sign in with it again.`,
      superuserOnly: (token, context) => token.ownerIsAdmin && token.userId !== context.admin.id,
      appliesTo: (token, context) => context.deps.registry.has(token.provider),
      refusal: (token) => notConfigured(token),
      run: async (token, context) => {
        const result = await readable(token, () => context.deps.tokens.revoke(token.userId, token.provider));
        return result.revokedAtProvider
          ? `Revoked at ${token.provider} and deleted.`
          : `Deleted; ${token.provider} did not confirm the revocation (${result.error ?? 'unknown reason'}).`;
      },
    },
    {
      name: 'forget',
      label: 'Delete here only',
      dangerous: true,
      consequence: (token) =>
        `The ${token.provider} token of ${token.username} will be deleted here without being sent to ${token.provider}, which may honour it until it expires. This is for a token that cannot be revoked there (its provider is no longer configured, or its encryption key is gone); otherwise use Revoke.`,
      superuserOnly: (token, context) => token.ownerIsAdmin && token.userId !== context.admin.id,
      run: async (token, context) => {
        await forgetTokens(context.deps, token.userId, token.provider, 'the admin site');
        return `Deleted here; nothing was sent to ${token.provider}.`;
      },
    },
  ],
};
