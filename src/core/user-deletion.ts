import type { Logger } from 'pino';
import type { TokenManager } from '../client/token-manager.js';
import { writeAuditEvent } from '../db/audit.repository.js';
import type { Database } from '../db/database.js';
import type { SqlTokenStore } from '../db/token-store.js';
import { deleteUser } from '../db/user.repository.js';
import { enqueueUserDeleted } from './webhook-events.js';
import type { WebhookOutbox } from './webhook-outbox.js';

export interface UserDeletionContext {
  database: Database;
  tokenStore: SqlTokenStore;
  tokens: TokenManager;
  logger: Logger;
  now: () => number;
  /** Where the user.deleted webhook goes, written in the deletion's transaction. */
  webhooks?: WebhookOutbox;
}

/**
 * Deletes a user the way disconnecting does it, for every provider: tokens
 * revoked at the provider first (RFC 7009; a failure there is logged and
 * does not stop the deletion), then the user and everything that cascades
 * from it (accounts, tokens, sessions). The audit log keeps the record.
 */
export async function deleteUserEverywhere(context: UserDeletionContext, userId: string, actorUserId: string | null): Promise<{ deleted: boolean; revoked: string[] }> {
  const revoked: string[] = [];
  for (const token of await context.tokenStore.listTokenSummariesForUser(userId)) {
    try {
      const result = await context.tokens.revoke(userId, token.provider);
      if (result.revokedAtProvider) revoked.push(token.provider);
      else context.logger.warn({ userId, provider: token.provider, reason: result.error }, 'user deletion: tokens deleted without revocation at the provider');
    } catch (error) {
      context.logger.warn({ err: error, userId, provider: token.provider }, 'user deletion: revocation failed; deleting anyway');
    }
  }
  const { webhooks } = context;
  const deleted = await context.database.db.transaction().execute(async (trx) => {
    if (webhooks) await enqueueUserDeleted(webhooks, trx, userId);
    return deleteUser(trx, userId);
  });
  if (deleted) webhooks?.notify();
  if (deleted) {
    await writeAuditEvent(context.database.db, {
      event: 'user.deleted',
      actorUserId,
      targetType: 'user',
      targetId: userId,
      detail: { revokedAt: revoked },
      at: context.now(),
    });
  }
  return { deleted, revoked };
}
