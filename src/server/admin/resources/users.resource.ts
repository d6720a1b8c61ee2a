import { isConnectionOnly, listAccountsForUser, signInIdentities } from '../../../db/account.repository.js';
import { listUsersForAdmin } from '../../../db/admin-lists.js';
import { listAuditForAdmin } from '../../../db/audit-list.js';
import { findUserById, setUserFlags, type User } from '../../../db/user.repository.js';
import { deleteSessionsForUser } from '../../../db/session.repository.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html } from '../../views/html.js';
import { deleteUserEverywhere } from '../../../core/user-deletion.js';
import type { AdminContext, AdminResource } from '../resource.js';
import { auditEntries } from '../views/audit-object.js';
import { auditTable } from '../views/dashboard-page.js';
import { mayUnlinkIdentities, unlinkIdentityPath } from './user-identities.routes.js';

const yesNo = (value: boolean) => (value ? 'yes' : 'no');
const when = (at: number | null, context: AdminContext) =>
  at === null ? '—' : html`<span title="${absoluteTime(at)}">${relativeTime(at, context.now)}</span>`;
/** Someone who may use the admin site, or could again once reactivated. */
const isAdmin = (user: User) => user.isStaff || user.isSuperuser;
/** Another admin's account is changed by superusers only, so a staff user cannot lock a superuser out. */
const anotherAdmin = (user: User, context: AdminContext) => isAdmin(user) && user.id !== context.admin.id;
const notSelf = (user: User, context: AdminContext) => user.id !== context.admin.id;
/** The refusal of an action on the admin's own account, `what` being "deactivate yourself". */
const notOnYourself = (what: string) => (user: User, context: AdminContext) => (notSelf(user, context) ? undefined : `You cannot ${what}: another superuser must.`);
/** What the provider that gave the address said of it. */
const emailVerification = (user: User) =>
  user.emailVerified === null ? 'verification not said by its provider' : user.emailVerified ? 'verified by its provider' : 'not verified by its provider';
const YES_NO = [
  { value: 'yes', label: 'yes' },
  { value: 'no', label: 'no' },
];

export const usersResource: AdminResource<User> = {
  name: 'users',
  label: 'Users',
  singular: 'user',
  searchHelp: 'username or e-mail starts with…',
  noneYet: 'No users yet.',
  auditTargetType: 'user',
  columns: [
    { label: 'Username', render: (user) => user.username, sortKey: 'username' },
    { label: 'E-mail', render: (user) => user.email ?? '—' },
    { label: 'Provider', render: (user) => user.provider ?? '—' },
    { label: 'Token user', render: (user) => yesNo(user.isTokenUser) },
    { label: 'Staff', render: (user) => yesNo(user.isStaff) },
    { label: 'Active', render: (user) => yesNo(user.isActive) },
    { label: 'Joined', render: (user, context) => when(user.dateJoined, context), sortKey: 'date_joined' },
    { label: 'Last login', render: (user, context) => when(user.lastLogin, context), sortKey: 'last_login' },
  ],
  filters: [
    // The configured providers: a DISTINCT over every user would scan the table on each list page.
    { key: 'provider', label: 'Provider', options: async (context) => context.deps.registry.names.map((name) => ({ value: name, label: name })) },
    { key: 'staff', label: 'Staff', options: YES_NO },
    { key: 'active', label: 'Active', options: YES_NO },
  ],
  sortKeys: ['username', 'date_joined', 'last_login'],
  defaultSort: { key: 'date_joined', direction: 'desc' },
  list: (query, context) =>
    listUsersForAdmin(context.deps.database, {
      ...(query.search ? { search: query.search } : {}),
      ...(query.filters.provider ? { provider: query.filters.provider } : {}),
      ...(query.filters.staff ? { isStaff: query.filters.staff === 'yes' } : {}),
      ...(query.filters.active ? { isActive: query.filters.active === 'yes' } : {}),
      sort: query.sort as 'username',
      direction: query.direction,
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    }),
  find: (id, context) => findUserById(context.deps.database.db, id),
  idOf: (user) => user.id,
  titleOf: (user) => user.username,
  detail: [
    { label: 'Username', render: (user) => user.username },
    { label: 'Name', render: (user) => user.name ?? '—' },
    { label: 'E-mail', render: (user) => (user.email === null ? '—' : html`${user.email} <span class="muted">${emailVerification(user)}</span>`) },
    { label: 'Signed up with', render: (user) => user.provider ?? '—' },
    {
      label: 'Token user',
      render: (user) => (user.isTokenUser ? 'yes: made by a sign-in at a provider, with no password here' : 'no: made with a password (createsuperuser), signs in at /admin/login'),
    },
    { label: 'Staff', render: (user) => yesNo(user.isStaff) },
    { label: 'Superuser', render: (user) => yesNo(user.isSuperuser) },
    { label: 'Active', render: (user) => yesNo(user.isActive) },
    { label: 'Joined', render: (user) => absoluteTime(user.dateJoined) },
    { label: 'Last login', render: (user) => (user.lastLogin === null ? '—' : absoluteTime(user.lastLogin)) },
    { label: 'Id', render: (user) => html`<code>${user.id}</code>` },
  ],
  related: async (user, context) => {
    const [accounts, tokens] = await Promise.all([listAccountsForUser(context.deps.database.db, user.id), context.deps.tokenStore.listTokenSummariesForUser(user.id)]);
    // Entries by the user, about the user, and about each of their connections (`<user id>:<provider>`), configured or not.
    const providers = new Set([...context.deps.config.providers.map((provider) => provider.name), ...accounts.map((a) => a.provider), ...tokens.map((t) => t.provider)]);
    const audit = await listAuditForAdmin(context.deps.database.db, {
      involving: { actorUserId: user.id, targetIds: [user.id, ...[...providers].map((provider) => `${user.id}:${provider}`)] },
      offset: 0,
      limit: 20,
      count: false,
    });
    const entries = await auditEntries(context.deps.database.db, audit.rows);
    // The only identity that signs in is how the user signs in: it has no Unlink button (and the route refuses it).
    const mayUnlink = mayUnlinkIdentities(context.admin, user);
    const identities = signInIdentities(accounts).length;
    const csrfToken = context.request.session?.csrfToken ?? '';
    return html`<h2>Connected providers</h2>
${
  accounts.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<div class="table-wrap"><table class="list"><thead><tr><th>Provider</th><th>Subject</th><th>Token</th><th>Status</th><th>Expires</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${accounts.map((account) => {
  const token = tokens.find((t) => t.provider === account.provider);
  return html`<tr><td>${account.provider}</td><td><code>${account.subject}</code></td>
<td>${token ? html`<a href="/admin/tokens/${encodeURIComponent(token.id)}">open</a>` : 'disconnected'}</td>
<td>${token?.status ?? '—'}</td><td>${token?.expiresAt ? when(token.expiresAt, context) : '—'}</td>
<td>${
    mayUnlink && (identities > 1 || isConnectionOnly(account))
      ? html`<form class="inline" method="post" action="${unlinkIdentityPath(user.id, account.id)}"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit" class="danger" data-action="unlink">Unlink</button></form>`
      : null
  }</td></tr>`;
})}
</tbody></table></div>`
}
<h2>Recent activity</h2>
${auditTable(entries, context.now)}`;
  },
  actions: [
    {
      name: 'deactivate',
      bulk: true,
      label: 'Deactivate',
      dangerous: true,
      consequence: (user) => `${user.username} will be signed out everywhere, and cannot sign in until activated again.`,
      appliesTo: (user, context) => user.isActive && notSelf(user, context),
      refusal: notOnYourself('deactivate yourself'),
      superuserOnly: anotherAdmin,
      run: async (user, context) => {
        await setUserFlags(context.deps.database.db, user.id, { isActive: false });
        // A deactivated user is signed out everywhere at once.
        await deleteSessionsForUser(context.deps.database.db, user.id);
        return `${user.username} is deactivated and signed out.`;
      },
    },
    {
      name: 'activate',
      bulk: true,
      label: 'Activate',
      appliesTo: (user, context) => !user.isActive && notSelf(user, context),
      superuserOnly: anotherAdmin,
      run: async (user, context) => {
        await setUserFlags(context.deps.database.db, user.id, { isActive: true });
        return `${user.username} is active again.`;
      },
    },
    {
      name: 'make-staff',
      label: 'Make staff',
      // No one changes their own flags; only superusers change anyone's.
      appliesTo: (user, context) => !user.isStaff && notSelf(user, context),
      superuserOnly: () => true,
      run: async (user, context) => {
        await setUserFlags(context.deps.database.db, user.id, { isStaff: true });
        return `${user.username} is now staff.`;
      },
    },
    {
      name: 'remove-staff',
      label: 'Remove staff',
      appliesTo: (user, context) => user.isStaff && notSelf(user, context),
      refusal: notOnYourself('remove your own staff status'),
      superuserOnly: () => true,
      run: async (user, context) => {
        await setUserFlags(context.deps.database.db, user.id, { isStaff: false, isSuperuser: false });
        return `${user.username} is no longer staff.`;
      },
    },
    {
      name: 'delete',
      bulk: true,
      label: 'Delete user',
      dangerous: true,
      consequence: (user) =>
        `${user.username} will be deleted for good: their tokens revoked at each provider, then their account, identities and sessions removed (the audit log keeps its record).`,
      appliesTo: notSelf,
      refusal: notOnYourself('delete yourself'),
      superuserOnly: isAdmin,
      run: async (user, context) => {
        const { revoked } = await deleteUserEverywhere(
          { database: context.deps.database, tokenStore: context.deps.tokenStore, tokens: context.deps.tokens, logger: context.request.log as never, now: context.deps.now, webhooks: context.deps.webhooks },
          user.id,
          context.admin.id,
        );
        return `${user.username} is deleted${revoked.length > 0 ? `; tokens revoked at ${revoked.join(', ')}` : ''}.`;
      },
    },
  ],
};
