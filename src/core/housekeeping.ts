import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { deleteExpiredLoginTransactions } from '../db/login-transaction.repository.js';
import type { DatabaseSchema } from '../db/schema.js';
import { deleteExpiredSessions } from '../db/session.repository.js';

export interface HousekeepingOptions {
  db: Kysely<DatabaseSchema>;
  logger: Logger;
  now: () => number;
  sessionIdleTimeoutSeconds: number;
  intervalMs?: number;
}

/** Deletes expired sessions and abandoned sign-ins once now and then every interval. Returns a stop function. */
export function startHousekeeping(options: HousekeepingOptions): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      const now = options.now();
      const sessions = await deleteExpiredSessions(options.db, now, options.sessionIdleTimeoutSeconds);
      const logins = await deleteExpiredLoginTransactions(options.db, now);
      if (sessions + logins > 0) options.logger.debug({ sessions, logins }, 'deleted expired sessions and sign-ins');
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
