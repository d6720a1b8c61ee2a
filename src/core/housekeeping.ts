import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { deleteExpiredConnectLinks } from '../db/connect-link.repository.js';
import { deleteExpiredLoginTransactions } from '../db/login-transaction.repository.js';
import type { DatabaseSchema } from '../db/schema.js';
import { deleteExpiredSessions } from '../db/session.repository.js';
import { deleteDeliveredWebhooks } from '../db/webhook-delivery.repository.js';
import { CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS } from './connect-links.js';
import { databaseOutageLog } from './outage-log.js';

/** Delivered webhooks are kept this long, for the admin site's list; failed ones until deleted by hand. */
const DELIVERED_WEBHOOKS_KEPT_SECONDS = 30 * 86_400;

export interface HousekeepingOptions {
  db: Kysely<DatabaseSchema>;
  logger: Logger;
  now: () => number;
  sessionIdleTimeoutSeconds: number;
  intervalMs?: number;
}

/** Deletes expired sessions, abandoned sign-ins, old connect links and delivered webhooks over 30 days old once now and then every interval. Returns a stop function. */
export function startHousekeeping(options: HousekeepingOptions): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const outage = databaseOutageLog(options.logger, 'housekeeping', 'housekeeping failed; will try again');
  const sweep = async () => {
    try {
      const now = options.now();
      const sessions = await deleteExpiredSessions(options.db, now, options.sessionIdleTimeoutSeconds);
      const logins = await deleteExpiredLoginTransactions(options.db, now);
      const connectLinks = await deleteExpiredConnectLinks(options.db, now - CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS);
      const webhooks = await deleteDeliveredWebhooks(options.db, now - DELIVERED_WEBHOOKS_KEPT_SECONDS);
      if (sessions + logins + connectLinks + webhooks > 0) options.logger.debug({ sessions, logins, connectLinks, webhooks }, 'deleted expired sessions, sign-ins and connect links, and old delivered webhooks');
      outage.succeeded();
    } catch (error) {
      outage.failed(error);
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
