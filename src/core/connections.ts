import type { Kysely } from 'kysely';
import { NotConnectedError } from '../client/errors.js';
import type { RevocationResult } from '../client/revocation.js';
import type { TokenManager } from '../client/token-manager.js';
import { deleteAccountUnlessLast } from '../db/account.repository.js';
import { writeAuditEvent } from '../db/audit.repository.js';
import type { DatabaseSchema } from '../db/schema.js';
import type { SqlTokenStore } from '../db/token-store.js';

export interface DisconnectContext {
  db: Kysely<DatabaseSchema>;
  tokens: TokenManager;
  now: () => number;
  ip: string | null;
  /** Who does it, for the audit log: the user themself unless given (an admin). */
  actorUserId?: string;
}

export interface DisconnectResult extends RevocationResult {
  /** The identity link was removed too: that identity no longer signs in as this user. */
  unlinked: boolean;
}

/**
 * Disconnects a provider from a user: its tokens are revoked at the provider
 * (when it can) and deleted, and the identity link goes with them, so the
 * identity no longer signs in as this user — unless it is the user's only
 * identity, which stays as their way to sign in.
 */
export async function disconnectProvider(context: DisconnectContext, userId: string, provider: string): Promise<DisconnectResult> {
  const revocation = await context.tokens.revoke(userId, provider);
  return { ...revocation, unlinked: await unlink(context, userId, provider) };
}

/**
 * disconnectProvider, also for an identity whose tokens are gone already
 * (revoke() ran, or they were deleted here): its link is removed all the
 * same, unless it is the user's only identity, as the admin site's unlink
 * does. Nothing to revoke and nothing to unlink is NotConnectedError.
 */
export async function disconnectIdentity(context: DisconnectContext, userId: string, provider: string): Promise<DisconnectResult> {
  try {
    return await disconnectProvider(context, userId, provider);
  } catch (error) {
    if (!(error instanceof NotConnectedError) || !(await unlink(context, userId, provider))) throw error;
    return { revokedAtProvider: false, error: 'There were no tokens to revoke (revoked already).', unlinked: true };
  }
}

/** Removes the identity link unless it is the user's last, audited; whether it was removed. */
async function unlink(context: DisconnectContext, userId: string, provider: string): Promise<boolean> {
  const unlinked = await deleteAccountUnlessLast(context.db, userId, provider);
  if (unlinked) {
    await writeAuditEvent(context.db, {
      event: 'account.unlinked',
      actorUserId: context.actorUserId ?? userId,
      targetType: 'user',
      targetId: userId,
      ip: context.ip,
      detail: { provider },
      at: context.now(),
    });
  }
  return unlinked;
}

/**
 * Deletes the user's tokens for `provider` here, sending nothing to the
 * provider: for tokens that cannot be revoked there (the provider is no longer
 * configured, or no configured key decrypts them). Recorded as a revocation
 * the provider did not confirm (`token.revoked`: audit log, webhook); `via`
 * says where it was asked for, e.g. "the admin site".
 */
export async function forgetTokens(context: { tokenStore: SqlTokenStore; tokens: TokenManager }, userId: string, provider: string, via: string): Promise<void> {
  await context.tokenStore.deleteToken(userId, provider);
  await context.tokens.emit({ type: 'token.revoked', userId, provider, revokedAtProvider: false, revocationError: `deleted here only (${via}): not sent to the provider` });
}
