import type { Logger } from 'pino';
import type { TokenManager } from '../client/token-manager.js';
import type { SqlTokenStore } from '../db/token-store.js';
import { databaseOutageLog } from './outage-log.js';
import { runPaced } from './paced-workers.js';

export interface RefreshAheadOptions {
  store: SqlTokenStore;
  tokens: TokenManager;
  logger: Logger;
  now: () => number;
  /**
   * The providers configured (OAUTH_PROVIDERS): only their tokens are refreshed. Rows of one no longer listed stay
   * until deleted, and each would fail every sweep while it is within the window, taking a place in the batch.
   */
  providers: readonly string[];
  /** Refresh tokens that expire within this many seconds. */
  windowSeconds: number;
  /** Tokens looked at per sweep (default 100). */
  batchSize?: number;
  /** Refreshes running at once (default 4). */
  concurrency?: number;
  /** Random delay before each refresh, so many servers don't hit the provider in step (default 1000 ms). */
  jitterMs?: number;
  /** Time between sweeps (default: a quarter of the window, between 5 s and 60 s). */
  intervalMs?: number;
}

export interface RefreshAheadJob {
  /** One sweep now; resolves with how many tokens it refreshed (not those renewed meanwhile by another) and how many failed. */
  sweep(): Promise<{ refreshed: number; failed: number }>;
  stop(): Promise<void>;
}

/**
 * Refreshes tokens shortly before they expire (REFRESH_AHEAD_SECONDS), so
 * users rarely wait for a refresh. It uses TokenManager's single-flight path,
 * so a refresh the job makes never races one made by a request, here or on
 * another server.
 */
export function startRefreshAhead(options: RefreshAheadOptions): RefreshAheadJob {
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 4;
  const jitterMs = options.jitterMs ?? 1000;
  const intervalMs = options.intervalMs ?? Math.min(60_000, Math.max(5_000, (options.windowSeconds * 1000) / 4));
  let stopped = false;
  let current: Promise<{ refreshed: number; failed: number }> | null = null;

  const sweepOnce = async () => {
    const now = options.now();
    const due = await options.store.listTokenSummaries({
      status: 'active',
      refreshable: true,
      providers: options.providers,
      expiringAfter: now,
      expiringBefore: now + options.windowSeconds,
      // A token that lives less than the window would be within it all its life, and refreshed every sweep:
      // as for a request's leeway, it waits until half its lifetime is over.
      pastHalfLifeAt: now,
      limit: batchSize,
    });
    let refreshed = 0;
    let failed = 0;
    await runPaced(due, { concurrency, jitterMs, stopped: () => stopped }, async (token) => {
      try {
        // Refreshed unless, read again under the lease, it was issued since it was listed: a refresh made meanwhile
        // (by a request, another server's sweep) is not made again, even if it brought a token shorter-lived than
        // the window. refreshAhead throws a failed refresh, where a request would be handed the token it had.
        if ((await options.tokens.refreshAhead(token.userId, token.provider, now)) === 'refreshed') refreshed += 1;
      } catch (error) {
        failed += 1;
        // A provider's refusal or fault says so in its code; anything else is ours, so the log keeps its stack.
        options.logger.warn({ tokenId: token.id, provider: token.provider, code: (error as { code?: string }).code, err: error }, 'refresh-ahead failed');
      }
    });
    if (due.length > 0) options.logger.info({ due: due.length, refreshed, failed }, 'refresh-ahead sweep');
    return { refreshed, failed };
  };

  const sweep = () => {
    current ??= sweepOnce().finally(() => {
      current = null;
    });
    return current;
  };

  const outage = databaseOutageLog(options.logger, 'refresh-ahead', 'refresh-ahead sweep failed');
  const timer = setInterval(() => {
    sweep().then(
      () => outage.succeeded(),
      (error: unknown) => outage.failed(error),
    );
  }, intervalMs);
  timer.unref();

  return {
    sweep,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await current?.catch(() => {});
    },
  };
}
