import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { DEV_PROVIDER_NAME, type AppConfig } from '../config/config.js';
import { startHousekeeping } from '../core/housekeeping.js';
import { startRefreshAhead, type RefreshAheadJob } from '../core/refresh-ahead.js';
import { openTokenkeeper, type Tokenkeeper } from '../core/tokenkeeper.js';
import type { DevProvider } from '../dev-provider/index.js';
import { buildApp } from './app.js';
import { redirectUri } from './urls.js';

/** What `serve` runs: the application (Tokenkeeper), its web app, the dev provider when used, and the background jobs. */
export interface Runtime extends Tokenkeeper {
  app: FastifyInstance;
  devProvider: DevProvider | null;
  /** The ahead-of-time refresh job, when REFRESH_AHEAD_SECONDS is set. */
  refreshAhead: RefreshAheadJob | null;
}

export interface RuntimeOptions {
  config: AppConfig;
  logger: Logger;
  /** Apply pending migrations first (serve does; tests of an unmigrated database don't). */
  migrate?: boolean;
  now?: () => number;
}

/**
 * Everything `serve` runs, assembled in one place so tests run exactly the
 * same wiring: the application (migrated), the local dev provider when no
 * provider is configured, the Fastify app and the background jobs.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger } = options;
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    let devProvider: DevProvider | null = null;
    if (config.devProvider) {
      // Loaded only when used: oidc-provider is a development tool here, and it warns on import under Node 20.
      const { startDevProvider } = await import('../dev-provider/index.js');
      devProvider = await startDevProvider({
        port: config.devProvider.port,
        issuer: config.devProvider.issuer,
        accessTokenTtl: config.devProvider.accessTokenTtl,
        clients: [
          {
            clientId: config.devProvider.clientId,
            clientSecret: config.devProvider.clientSecret,
            redirectUris: [redirectUri(config.baseUrl, DEV_PROVIDER_NAME)],
          },
        ],
        dataDir: `${config.dataDir}/dev-provider`,
        logger,
      });
      const started = devProvider;
      closers.push(() => started.close());
    }

    const tokenkeeper = await openTokenkeeper({ config, logger, migrate: options.migrate !== false, ...(options.now ? { now: options.now } : {}) });
    closers.push(() => tokenkeeper.close());
    const { now } = tokenkeeper;
    const app = await buildApp(tokenkeeper);
    closers.push(() => app.close());
    closers.push(startHousekeeping({ db: tokenkeeper.database.db, logger, now, sessionIdleTimeoutSeconds: config.sessionIdleTimeoutSeconds }));
    let refreshAhead: RefreshAheadJob | null = null;
    if (config.refreshAheadSeconds > 0) {
      const job = startRefreshAhead({ store: tokenkeeper.tokenStore, tokens: tokenkeeper.tokens, logger, now, windowSeconds: config.refreshAheadSeconds });
      closers.push(() => job.stop());
      refreshAhead = job;
    }

    return { ...tokenkeeper, app, devProvider, refreshAhead, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
