import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { DEV_PROVIDER_NAME, type AppConfig } from '../config/config.js';
import { startHousekeeping } from '../core/housekeeping.js';
import { startRefreshAhead, type RefreshAheadJob } from '../core/refresh-ahead.js';
import { startRefreshKeepalive, type RefreshKeepaliveJob } from '../core/refresh-keepalive.js';
import { startTokenGauge, type TokenGaugeJob } from '../core/token-gauge.js';
import { openTokenkeeper, type Tokenkeeper } from '../core/tokenkeeper.js';
import { startApplicationWebhookDelivery, type WebhookDeliveryJob } from '../core/webhook-delivery.js';
import type { DevProvider } from '../dev-provider/index.js';
import { buildApp } from './app.js';
import { shutDownGracefully, type ShutdownOptions, type ShutdownResult } from './graceful-shutdown.js';
import { Readiness } from './readiness.js';
import { trackRequests } from './request-drain.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { signOutOfProvider } from './provider-sign-out.js';
import { backchannelLogoutUri, redirectUri } from './urls.js';

/** What `serve` runs: the application (Tokenkeeper), its web app, the dev provider when used, and the background jobs. */
export interface Runtime extends Tokenkeeper {
  app: FastifyInstance;
  devProvider: DevProvider | null;
  /** The ahead-of-time refresh job, when REFRESH_AHEAD_SECONDS is set. */
  refreshAhead: RefreshAheadJob | null;
  /** The sweep that keeps idle refresh tokens alive, unless REFRESH_KEEPALIVE=off. */
  refreshKeepalive: RefreshKeepaliveJob | null;
  /** The periodic count behind tokenkeeper_tokens, when metrics are served (METRICS_TOKEN or METRICS_PORT). */
  tokenGauge: TokenGaugeJob | null;
  /** The metrics' own server on 127.0.0.1, when METRICS_PORT is set. */
  metricsServer: MetricsServer | null;
  /** The job sending the webhook outbox, when WEBHOOK_URLS is set. */
  webhookDelivery: WebhookDeliveryJob | null;
  /** What GET /readyz reports. */
  readiness: Readiness;
  /** serve's answer to SIGTERM/SIGINT: see shutDownGracefully; the time is SHUTDOWN_TIMEOUT_SECONDS unless given. */
  shutdown(options?: Partial<ShutdownOptions>): Promise<ShutdownResult>;
}

export interface RuntimeOptions {
  config: AppConfig;
  logger: Logger;
  /** Apply pending migrations first (serve does; tests of an unmigrated database don't). */
  migrate?: boolean;
  now?: () => number;
  /** Each webhook attempt is cut after this long (default 10 s); tests shorten it. */
  webhookTimeoutMs?: number;
}

/**
 * Everything `serve` runs, assembled in one place so tests run exactly the
 * same wiring: the application (migrated), the local dev provider when no
 * provider is configured, the Fastify app and the background jobs.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger } = options;
  const closers: Array<() => Promise<void>> = [];
  const runClosers = async (list: Array<() => Promise<void>>) => {
    for (const close of list) await close().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  const closeAll = () => runClosers(closers.reverse());
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
            backchannelLogoutUri: backchannelLogoutUri(config.baseUrl, DEV_PROVIDER_NAME),
            postLogoutRedirectUris: [new URL('/', config.baseUrl).href],
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
    const readiness = new Readiness(tokenkeeper);
    const app = await buildApp(tokenkeeper, { readiness });
    const drain = trackRequests(app);
    // What a graceful shutdown closes itself (the app), what was started before it and after it (the jobs).
    const appCloser = closers.push(() => app.close()) - 1;
    closers.push(
      startHousekeeping({
        db: tokenkeeper.database.db,
        logger,
        now,
        sessionIdleTimeoutSeconds: config.sessionIdleTimeoutSeconds,
        auditRetention: { days: config.auditLogRetentionDays },
      }),
    );
    let refreshAhead: RefreshAheadJob | null = null;
    if (config.refreshAheadSeconds > 0) {
      const job = startRefreshAhead({
        store: tokenkeeper.tokenStore,
        tokens: tokenkeeper.tokens,
        logger,
        now,
        providers: config.providers.map((provider) => provider.name),
        windowSeconds: config.refreshAheadSeconds,
      });
      closers.push(() => job.stop());
      refreshAhead = job;
    }
    let refreshKeepalive: RefreshKeepaliveJob | null = null;
    if (config.refreshKeepalive) {
      const job = startRefreshKeepalive({
        store: tokenkeeper.tokenStore,
        tokens: tokenkeeper.tokens,
        logger,
        now,
        providers: config.providers,
        onAccessEnded: async (userId, provider) => {
          await signOutOfProvider(tokenkeeper.database.db, provider, { userId }, { by: 'access ended at the provider', ip: null, at: now() });
        },
      });
      closers.push(() => job.stop());
      refreshKeepalive = job;
    }

    const webhookDelivery = startApplicationWebhookDelivery(tokenkeeper, options.webhookTimeoutMs === undefined ? {} : { timeoutMs: options.webhookTimeoutMs });
    if (webhookDelivery) closers.push(() => webhookDelivery.stop());

    let tokenGauge: TokenGaugeJob | null = null;
    let metricsServer: MetricsServer | null = null;
    if (config.metrics.token !== null || config.metrics.port !== null) {
      tokenkeeper.metrics.collectProcessMetrics();
      const job = startTokenGauge({ db: tokenkeeper.database.db, metrics: tokenkeeper.metrics, logger });
      closers.push(() => job.stop());
      tokenGauge = job;
      if (config.metrics.port !== null) {
        const server = await startMetricsServer({ port: config.metrics.port, metrics: tokenkeeper.metrics, logger, token: config.metrics.token });
        closers.push(() => server.close());
        metricsServer = server;
      }
    }

    const shutdown = (shutdownOptions: Partial<ShutdownOptions> = {}) =>
      shutDownGracefully(
        {
          app,
          readiness,
          drain,
          tokens: tokenkeeper.tokens,
          logger,
          stopJobs: () => runClosers(closers.slice(appCloser + 1).reverse()),
          dropProviderConnections: () => tokenkeeper.dropProviderConnections(),
          closeRest: () => runClosers(closers.slice(0, appCloser).reverse()),
        },
        { timeoutSeconds: config.shutdownTimeoutSeconds, ...shutdownOptions },
      );

    return { ...tokenkeeper, app, devProvider, refreshAhead, refreshKeepalive, tokenGauge, metricsServer, webhookDelivery, readiness, shutdown, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
