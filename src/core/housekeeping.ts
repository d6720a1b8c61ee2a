import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { deleteExpiredConnectLinks } from '../db/connect-link.repository.js';
import { deleteExpiredLoginTransactions } from '../db/login-transaction.repository.js';
import type { DatabaseSchema } from '../db/schema.js';
import { deleteExpiredSessions } from '../db/session.repository.js';
import { CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS } from './connect-links.js';

export interface HousekeepingOptions {
  db: Kysely<DatabaseSchema>;
  logger: Logger;
  now: () => number;
  sessionIdleTimeoutSeconds: number;
  intervalMs?: number;
}

/** Deletes expired sessions, abandoned sign-ins and old connect links once now and then every interval. Returns a stop function. */
export function startHousekeeping(options: HousekeepingOptions): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      const now = options.now();
      const sessions = await deleteExpiredSessions(options.db, now, options.sessionIdleTimeoutSeconds);
      const logins = await deleteExpiredLoginTransactions(options.db, now);
      const connectLinks = await deleteExpiredConnectLinks(options.db, now - CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS);
      if (sessions + logins + connectLinks > 0) options.logger.debug({ sessions, logins, connectLinks }, 'deleted expired sessions, sign-ins and connect links');
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
