import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DatabaseSchema } from '../db/schema.js';
import { countTokensByProviderAndStatus } from '../db/token-counts.js';
import type { TokenkeeperMetrics } from './metrics.js';

/** Runs `tick` every `ms` until the returned function is called. */
export type Every = (ms: number, tick: () => Promise<void>) => () => void;

const everyWithTimer: Every = (ms, tick) => {
  const timer = setInterval(() => void tick(), ms);
  timer.unref();
  return () => clearInterval(timer);
};

export interface TokenGaugeOptions {
  db: Kysely<DatabaseSchema>;
  metrics: TokenkeeperMetrics;
  logger: Logger;
  /** Time between counts (default 60 s). */
  intervalMs?: number;
  /** The timer (default setInterval, unref'd); replaceable in tests. */
  every?: Every;
}

export interface TokenGaugeJob {
  /** Counts now (or joins the count under way). */
  update(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps `tokenkeeper_tokens` current: one grouped COUNT at start and then
 * every minute, never per scrape, so a scrape costs no query however many
 * tokens are stored. A failed count keeps the last values and is logged.
 */
export function startTokenGauge(options: TokenGaugeOptions): TokenGaugeJob {
  let current: Promise<void> | null = null;
  const update = () => {
    current ??= countTokensByProviderAndStatus(options.db)
      .then((counts) => options.metrics.setTokenCounts(counts))
      .catch((error: unknown) => options.logger.warn({ err: error }, 'counting tokens for the metrics failed; will try again'))
      .finally(() => {
        current = null;
      });
    return current;
  };
  void update();
  const cancel = (options.every ?? everyWithTimer)(options.intervalMs ?? 60_000, update);
  return {
    update,
    stop: async () => {
      cancel();
      await current;
    },
  };
}
