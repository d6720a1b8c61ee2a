import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';

/** While the database stays down, one line a minute says so, with how many failures it stands for. */
const REPEAT_EVERY_MS = 60_000;

export interface OutageLog {
  /** Logs a failure: every one that is not the database being unavailable; of those, the first, then one a minute. */
  failed(error: unknown): void;
  /** After failures the database caused: logs once that it answers again. */
  succeeded(): void;
}

/**
 * The log of work that keeps asking the database while it is down: the
 * webhook job every second, health probes, the background sweeps. Logged
 * each time, an outage buried the log in the same stack trace, dozens a
 * minute from each server. Here the first failure is logged with its error,
 * then one line a minute counts the failures since, and the first success
 * says how long it lasted. Any other error is logged each time, in full.
 *
 * @example
 * const outage = databaseOutageLog(logger, 'webhook delivery', 'webhook delivery pass failed; will try again');
 * job.run().then(() => outage.succeeded(), (error) => outage.failed(error));
 */
export function databaseOutageLog(
  logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  /** What keeps asking, for the line that ends the outage: "webhook delivery". */
  task: string,
  /** The line of a failure. */
  message: string,
  options: { level?: 'warn' | 'error'; now?: () => number } = {},
): OutageLog {
  const level = options.level ?? 'warn';
  const now = options.now ?? Date.now;
  let outage: { since: number; loggedAt: number; unlogged: number } | null = null;
  return {
    failed(error) {
      if (!isDatabaseUnavailable(error)) {
        logger[level]({ err: error }, message);
        return;
      }
      const at = now();
      if (outage === null) {
        outage = { since: at, loggedAt: at, unlogged: 0 };
        logger[level]({ err: error }, message);
        return;
      }
      outage.unlogged += 1;
      if (at - outage.loggedAt < REPEAT_EVERY_MS) return;
      const error_ = error as { code?: unknown; message?: unknown };
      logger[level](
        { failures: outage.unlogged, downSeconds: Math.round((at - outage.since) / 1000), code: error_.code, error: error_.message },
        `${message} (the database still does not answer: ${outage.unlogged} more failures since the last line)`,
      );
      outage.loggedAt = at;
      outage.unlogged = 0;
    },
    succeeded() {
      if (outage === null) return;
      const downSeconds = Math.round((now() - outage.since) / 1000);
      outage = null;
      logger.info({ downSeconds }, `${task}: the database answers again, after ${downSeconds} s`);
    },
  };
}
