import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../../client/errors.js';
import { disconnectProvider } from '../../../core/connections.js';
import { deleteAccountUnlessLast, isConnectionOnly, listAccountsForUser, signInIdentities, type Account } from '../../../db/account.repository.js';
import { writeAuditEvent } from '../../../db/audit.repository.js';
import { findUserById, type User } from '../../../db/user.repository.js';
import type { Tokenkeeper } from '../../../core/tokenkeeper.js';
import { fromAnotherSite } from '../../fetch-metadata.js';
import { AdminRefusal } from '../admin-errors.js';
import { page } from '../admin-page.js';
import { isConfirmed } from '../resource.js';
import { confirmPage } from '../views/confirm-page.js';

/** Where the user page's "Unlink" button for one identity (an accounts row) posts. */
export function unlinkIdentityPath(userId: string, accountId: string): string {
  return `/admin/users/${encodeURIComponent(userId)}/identities/${encodeURIComponent(accountId)}/unlink`;
}

/** Whether `admin` may unlink `user`'s identities: another admin's account is changed by superusers only. */
export function mayUnlinkIdentities(admin: User, user: User): boolean {
  return admin.isSuperuser || user.id === admin.id || !(user.isStaff || user.isSuperuser);
}

const userPageOf = (user: User) => `/admin/users/${encodeURIComponent(user.id)}`;
const backToUser = (user: User) => ({ href: userPageOf(user), label: `Back to ${user.username}` });

function lastIdentity(user: User): AdminRefusal {
  return new AdminRefusal('last_identity', `This is ${user.username}'s only identity: it is how they sign in, so it cannot be unlinked. Delete the user instead.`, backToUser(user));
}

interface UnlinkOutcome {
  unlinked: boolean;
  /** Null when there was no token to revoke. */
  revokedAtProvider: boolean | null;
}

/**
 * Revokes and deletes the user's tokens at the identity's provider, then
 * removes the link, as the user's own disconnect does. An identity without
 * tokens (already revoked), or at a provider no longer configured, has
 * nothing to revoke there: its link (and any token left) is just deleted.
 */
async function unlink(deps: Tokenkeeper, request: FastifyRequest, admin: User, user: User, account: Account): Promise<UnlinkOutcome> {
  const { db } = deps.database;
  const hasToken = (await deps.tokenStore.findTokenSummary(user.id, account.provider)) !== undefined;
  if (hasToken && deps.registry.names.includes(account.provider)) {
    const result = await disconnectProvider({ db, tokens: deps.tokens, now: deps.now, ip: request.ip, actorUserId: admin.id }, user.id, account.provider);
    if (!result.revokedAtProvider) request.log.warn({ provider: account.provider, reason: result.error }, 'admin unlink: tokens deleted without revocation at the provider');
    return { unlinked: result.unlinked, revokedAtProvider: result.revokedAtProvider };
  }
  if (hasToken) await deps.tokenStore.deleteToken(user.id, account.provider);
  const unlinked = await deleteAccountUnlessLast(db, user.id, account.provider);
  if (unlinked) {
    await writeAuditEvent(db, { event: 'account.unlinked', actorUserId: admin.id, targetType: 'user', targetId: user.id, ip: request.ip, detail: { provider: account.provider }, at: deps.now() });
  }
  return { unlinked, revokedAtProvider: hasToken ? false : null };
}

type UnlinkParams = { id: string; accountId: string };

/**
 * The admin, user and identity an unlink's address names, once the admin may
 * unlink it; else the refusal, audited when `audit` (the post: showing the
 * question attempts nothing). Checked before anything is revoked: the only
 * identity keeps its tokens too.
 */
async function unlinkTarget(deps: Tokenkeeper, request: FastifyRequest<{ Params: UnlinkParams }>, { audit: audited }: { audit: boolean }) {
  const { db } = deps.database;
  const admin = request.adminUser;
  if (!admin) throw new TokenkeeperError('unauthorized', 'Sign in as staff first.');
  const user = await findUserById(db, request.params.id);
  if (!user) throw new AdminRefusal('not_found', 'No such user.', { href: '/admin/users', label: 'Back to Users' });
  const audit = async (event: string, detail: Record<string, string | boolean | null>) => {
    await writeAuditEvent(db, { event, actorUserId: admin.id, targetType: 'user', targetId: user.id, ip: request.ip, detail, at: deps.now() });
  };
  if (!mayUnlinkIdentities(admin, user)) {
    if (audited) await audit('admin.users.unlink_denied', { code: 'superuser_only' });
    throw new AdminRefusal('superuser_only', 'Only a superuser may unlink the identities of another admin.', backToUser(user));
  }
  const accounts = await listAccountsForUser(db, user.id);
  const account = accounts.find((candidate) => candidate.id === request.params.accountId);
  if (!account) throw new AdminRefusal('not_found', 'This user has no such identity.', backToUser(user));
  if (!isConnectionOnly(account) && signInIdentities(accounts).length < 2) {
    if (audited) await audit('admin.users.unlink_failed', { code: 'last_identity', provider: account.provider });
    throw lastIdentity(user);
  }
  return { admin, user, account, audit };
}

/**
 * POST /admin/users/:id/identities/:accountId/unlink (staff, CSRF-checked by
 * the app's hooks), audited. Dangerous like a resource's dangerous actions:
 * done only once confirmed, on the page GET at the same address shows (the
 * unconfirmed post redirects there, see Action).
 */
export async function userIdentityRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.get<{ Params: UnlinkParams }>('/users/:id/identities/:accountId/unlink', async (request, reply) => {
    const { user, account } = await unlinkTarget(deps, request, { audit: false });
    const userPage = userPageOf(user);
    // Only this site's own pages lead here (the 303 after the admin's post), not a link from another site.
    if (fromAnotherSite(request)) return reply.redirect(userPage, 303);
    const confirmation = confirmPage({
      crumbs: [
        { href: '/admin/users', label: 'Users' },
        { href: userPage, label: user.username },
      ],
      consequence: `The ${account.provider} identity ${account.subject} will be unlinked from ${user.username}: its tokens revoked at ${account.provider} and deleted, and ${user.username} can no longer sign in with it.`,
      path: unlinkIdentityPath(user.id, account.id),
      action: { name: 'unlink', label: 'Unlink' },
      backHref: userPage,
      csrfToken: request.session?.csrfToken ?? '',
    });
    return reply.type('text/html; charset=utf-8').send(await page(app, request, `Unlink: ${user.username}`, 'users', confirmation));
  });

  app.post<{ Params: UnlinkParams }>('/users/:id/identities/:accountId/unlink', async (request, reply) => {
    const { admin, user, account, audit } = await unlinkTarget(deps, request, { audit: true });
    if (!isConfirmed(request.body)) return reply.redirect(unlinkIdentityPath(user.id, account.id), 303);
    const outcome = await unlink(deps, request, admin, user, account);
    // Another unlink may have won the race for the last-but-one identity; the delete itself never removes the last.
    if (!outcome.unlinked) {
      await audit('admin.users.unlink_failed', { code: 'last_identity', provider: account.provider });
      throw lastIdentity(user);
    }
    await audit('admin.users.unlink', { provider: account.provider, subject: account.subject, revokedAtProvider: outcome.revokedAtProvider });
    const revocation =
      outcome.revokedAtProvider === null ? 'it had no tokens' : outcome.revokedAtProvider ? 'its tokens were revoked and deleted' : `its tokens were deleted; ${account.provider} did not confirm the revocation`;
    await app.sessions.setFlash(request, `${account.provider} identity ${account.subject} unlinked from ${user.username}; ${revocation}.`);
    return reply.redirect(userPageOf(user), 303);
  });
}
