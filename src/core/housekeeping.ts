import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { deleteExpiredLoginTransactions } from '../db/login-transaction.repository.js';
import type { DatabaseSchema } from '../db/schema.js';
import { deleteExpiredSessions } from '../db/session.repository.js';
import { deleteDeliveredWebhooks } from '../db/webhook-delivery.repository.js';

/** Delivered webhooks are kept this long, for the admin site's list; failed ones until deleted by hand. */
const DELIVERED_WEBHOOKS_KEPT_SECONDS = 30 * 86_400;

export interface HousekeepingOptions {
  db: Kysely<DatabaseSchema>;
  logger: Logger;
  now: () => number;
  sessionIdleTimeoutSeconds: number;
  intervalMs?: number;
}

/** Deletes expired sessions, abandoned sign-ins and delivered webhooks over 30 days old once now and then every interval. Returns a stop function. */
export function startHousekeeping(options: HousekeepingOptions): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      const now = options.now();
      const sessions = await deleteExpiredSessions(options.db, now, options.sessionIdleTimeoutSeconds);
      const logins = await deleteExpiredLoginTransactions(options.db, now);
      const webhooks = await deleteDeliveredWebhooks(options.db, now - DELIVERED_WEBHOOKS_KEPT_SECONDS);
      if (sessions + logins + webhooks > 0) options.logger.debug({ sessions, logins, webhooks }, 'deleted expired sessions and sign-ins, and old delivered webhooks');
    } catch (error) {
      options.logger.warn({ err: error }, 'housekeeping failed; will try again');
    }
  };
  running = sweep();
  const timer = setInterval(() => {
    running = sweep();
  }, options.intervalMs ?? 10 * 60_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
