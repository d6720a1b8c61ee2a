import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ProviderApi } from '../client/provider-api.js';
import type { ProviderRegistry } from '../client/provider-registry.js';
import type { TokenManager } from '../client/token-manager.js';
import { DEV_PROVIDER_NAME, type AppConfig } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { SqlTokenStore } from '../db/token-store.js';
import type { DevProvider } from '../dev-provider/index.js';
import { buildApp } from './app.js';
import { startHousekeeping } from './housekeeping.js';
import { startRefreshAhead, type RefreshAheadJob } from './refresh-ahead.js';
import { redirectUri } from './routes/auth.routes.js';
import { createTokenServices } from './token-services.js';

export interface Runtime {
  app: FastifyInstance;
  database: Database;
  registry: ProviderRegistry;
  tokenStore: SqlTokenStore;
  tokens: TokenManager;
  providerApi: ProviderApi;
  devProvider: DevProvider | null;
  /** The ahead-of-time refresh job, when REFRESH_AHEAD_SECONDS is set. */
  refreshAhead: RefreshAheadJob | null;
  close(): Promise<void>;
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
 * same wiring: database (migrated), the local dev provider when no provider
 * is configured, the provider registry and the Fastify app.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const database = await openDatabase(config.databaseUrl);
  const closers: Array<() => Promise<void>> = [() => database.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    if (options.migrate !== false) {
      const { applied } = await migrateToLatest(database);
      if (applied.length > 0) logger.info({ applied }, `applied ${applied.length} database migration(s)`);
    }

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

    const services = createTokenServices({ config, database, logger, now });
    closers.push(() => services.close());
    const { registry, cipher, tokenStore, tokens, providerApi } = services;
    const app = await buildApp({ config, database, registry, cipher, tokenStore, tokens, providerApi, now, logger });
    closers.push(() => app.close());
    closers.push(startHousekeeping({ db: database.db, logger, now, sessionIdleTimeoutSeconds: config.sessionIdleTimeoutSeconds }));
    let refreshAhead: RefreshAheadJob | null = null;
    if (config.refreshAheadSeconds > 0) {
      const job = startRefreshAhead({ store: tokenStore, tokens, logger, now, windowSeconds: config.refreshAheadSeconds });
      closers.push(() => job.stop());
      refreshAhead = job;
    }

    return { app, database, registry, tokenStore, tokens, providerApi, devProvider, refreshAhead, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
