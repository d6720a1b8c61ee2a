import type { Kysely } from 'kysely';
import type { TokenEvent } from '../client/token-events.js';
import { writeAuditEvent } from '../db/audit.repository.js';
import type { DatabaseSchema } from '../db/schema.js';

/**
 * Writes token events to the audit log. `user.signed_in` is written by the
 * sign-in transaction itself, so it is not repeated here.
 */
export function auditTokenEvents(db: Kysely<DatabaseSchema>, now: () => number) {
  return async (event: TokenEvent): Promise<void> => {
    if (event.type === 'user.signed_in') return;
    const { type, userId, provider, ...detail } = event;
    await writeAuditEvent(db, {
      event: type,
      actorUserId: null,
      targetType: 'token',
      targetId: `${userId}:${provider}`,
      detail: { provider, ...detail },
      at: now(),
    });
  };
}
