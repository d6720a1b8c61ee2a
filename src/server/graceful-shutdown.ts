import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TokenManager } from '../client/token-manager.js';
import type { Readiness } from './readiness.js';
import type { RequestDrain } from './request-drain.js';

export interface ShutdownParts {
  app: FastifyInstance;
  readiness: Readiness;
  drain: RequestDrain;
  tokens: Pick<TokenManager, 'settled' | 'refreshesInFlight' | 'abandonRefreshes'>;
  logger: Logger;
  /** Stops the background jobs, waiting for the work they started. */
  stopJobs(): Promise<void>;
  /** Fails the requests still waiting on a provider. */
  dropProviderConnections(): Promise<void>;
  /** Closes the database and whatever else runs beside the app (the dev provider). */
  closeRest(): Promise<void>;
}

export interface ShutdownOptions {
  timeoutSeconds: number;
  /** What the shutdown says started it, for the log (e.g. SIGTERM). */
  cause?: string;
  /** Resolves when the time is up (default: after timeoutSeconds); tests give their own. */
  timeUp?: (signal: AbortSignal) => Promise<void>;
}

export interface ShutdownResult {
  /** The time ran out: the requests and refreshes below were cut short. */
  cutShort: boolean;
  requestsCut: number;
  refreshesCut: number;
  leasesReleased: number;
}

const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;

/**
 * A graceful shutdown: readiness turns 503 at once; the server accepts no
 * new connection and closes each kept-alive one once its answer is out;
 * requests and refreshes in flight, and the background jobs' work, get
 * `timeoutSeconds` to finish. If they do not, their connections are cut,
 * the refresh leases held are given back and the provider requests still
 * waiting are failed, and one log line says what was cut. The database is
 * closed last either way.
 *
 * A refresh cut short may already have reached the provider; if that
 * provider rotates refresh tokens, the new one is lost with it, as in a
 * crash. Giving the lease back only spares the other servers the wait for
 * it to expire.
 */
export async function shutDownGracefully(parts: ShutdownParts, options: ShutdownOptions): Promise<ShutdownResult> {
  const { app, drain, tokens, logger } = parts;
  parts.readiness.startShutdown();
  logger.info(
    `${options.cause ? `${options.cause} received: ` : ''}shutting down: /readyz answers 503 and no new connection is accepted; ` +
      `waiting up to ${options.timeoutSeconds} s for ${plural(drain.inFlight, 'request')} and ${plural(tokens.refreshesInFlight, 'refresh', 'refreshes')} in flight`,
  );
  drain.start();
  const appClosed = app.close();
  const finished = Promise.all([appClosed, parts.stopJobs()])
    .then(() => tokens.settled())
    .catch((error: unknown) => logger.warn({ err: error }, 'a shutdown step failed'));
  const timer = new AbortController();
  const timeUp = (options.timeUp ?? ((signal) => sleep(options.timeoutSeconds * 1000, undefined, { signal })))(timer.signal);
  const outcome = await Promise.race([finished.then(() => 'finished' as const), timeUp.then(() => 'time_up' as const, () => 'finished' as const)]);
  timer.abort();
  timeUp.catch(() => {});

  const result: ShutdownResult = { cutShort: outcome === 'time_up', requestsCut: 0, refreshesCut: 0, leasesReleased: 0 };
  if (result.cutShort) {
    result.requestsCut = drain.inFlight;
    result.refreshesCut = tokens.refreshesInFlight;
    app.server.closeAllConnections();
    // Taken now, before the refreshes fail for want of their connections and give their leases back themselves.
    const released = tokens.abandonRefreshes();
    await parts.dropProviderConnections();
    result.leasesReleased = await released;
    logger.error(
      `shutdown cut short: SHUTDOWN_TIMEOUT_SECONDS (${options.timeoutSeconds} s) ran out with ${plural(result.requestsCut, 'request')} and ` +
        `${plural(result.refreshesCut, 'refresh', 'refreshes')} still running; their connections were closed and ${plural(result.leasesReleased, 'refresh lease')} given back`,
    );
    await appClosed.catch(() => {});
  } else {
    logger.info('shut down cleanly: every request and refresh in flight finished');
  }
  await parts.closeRest();
  return result;
}
