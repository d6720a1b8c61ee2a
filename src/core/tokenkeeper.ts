import type { Logger } from 'pino';
import { createClient } from '../client/client.js';
import type { ClientRegistrationStore, RegisteredClient as ClientRegisteredClient } from '../client/client-registration.js';
import type { ProviderApi } from '../client/provider-api.js';
import type { ProviderRegistry } from '../client/provider-registry.js';
import type { TokenManager } from '../client/token-manager.js';
import type { TokenSet as ClientTokenSet } from '../client/token-set.js';
import type { AppConfig } from '../config/config.js';
import { SqlClientRegistrationStore, type RegisteredClient as DbRegisteredClient } from '../db/client-registration.repository.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrateToLatest, newerSchemaWarning, unknownMigrations } from '../db/migrate.js';
import { parseEncryptionKeys, TokenCipher } from '../db/token-cipher.js';
import { SqlTokenStore, type TokenSet as DbTokenSet } from '../db/token-store.js';
import { auditTokenEvents } from './audit-events.js';
import { TokenkeeperMetrics } from './metrics.js';
import { webhookTokenEvents } from './webhook-events.js';
import { WebhookOutbox } from './webhook-outbox.js';

type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// client/ and db/ each declare TokenSet (db may not import client); this stops the build unless each is assignable to
// the other, which handing the store to the client alone does not check (method parameters are compared bivariantly).
true satisfies SameShape<ClientTokenSet, DbTokenSet>;
// The same for the registered client, and the SQL store is a ClientRegistrationStore (db/ cannot say `implements` it).
true satisfies SameShape<ClientRegisteredClient, DbRegisteredClient>;
true satisfies (SqlClientRegistrationStore extends ClientRegistrationStore ? true : false);

/** What the object graph needs of the configuration: the server's AppConfig has it all; the library builds just this. */
export type CoreConfig = Pick<AppConfig, 'databaseUrl' | 'tokenEncryptionKeys' | 'providers' | 'caFile' | 'providerTimeoutSeconds' | 'refreshLeewaySeconds' | 'refreshKeepalive' | 'webhooks'>;

/**
 * The application's object graph, built in one place (openTokenkeeper) and
 * handed as it is to the web server's routes, the CLI and the jobs: the
 * database, token encryption and storage, the providers, fresh tokens, and
 * calls to provider APIs.
 */
export interface Tokenkeeper<Config extends CoreConfig = AppConfig> {
  config: Config;
  logger: Logger;
  /** Epoch seconds; replaceable in tests. */
  now: () => number;
  database: Database;
  cipher: TokenCipher;
  tokenStore: SqlTokenStore;
  registry: ProviderRegistry;
  /** Access tokens kept fresh (single-flight refresh, revocation). */
  tokens: TokenManager;
  /** Calls to provider APIs on a user's behalf. */
  providerApi: ProviderApi;
  /** Prometheus metrics (sign-ins, refreshes, proxied calls…), served by the server when METRICS_TOKEN or METRICS_PORT is set. */
  metrics: TokenkeeperMetrics;
  /** Where events become webhook messages (WEBHOOK_URLS; does nothing when unset); `serve` sends them (core/webhook-delivery.ts). */
  webhooks: WebhookOutbox;
  /** Closes the provider connections, then the database. */
  close(): Promise<void>;
  /** Drops the provider connections at once, failing the requests still on them (a shutdown out of time); close() still closes the database. */
  dropProviderConnections(): Promise<void>;
}

export interface OpenTokenkeeperOptions<Config extends CoreConfig = AppConfig> {
  config: Config;
  logger: Logger;
  now?: () => number;
  /** Apply pending migrations first (`serve` does; the CLI's token commands check instead; tests of an unmigrated database skip). */
  migrate?: boolean;
  /** getAccessToken refreshes tokens expiring within this many seconds (default TOKEN_REFRESH_LEEWAY_SECONDS). */
  leewaySeconds?: number;
  /** The folder a relative SQLite path in `config.databaseUrl` is read in (default: the process's working folder). */
  databaseFolder?: string;
}

/** Opens the database (migrating it when asked) and wires everything that works on it. */
export async function openTokenkeeper<Config extends CoreConfig>(options: OpenTokenkeeperOptions<Config>): Promise<Tokenkeeper<Config>> {
  const { config, logger } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const database = await openDatabase(config.databaseUrl, {
    relativeTo: options.databaseFolder,
    onBackgroundError: (error) => logger.warn({ err: error }, 'the database failed in the background (a PostgreSQL connection, or the SQLite checkpoint worker)'),
  });
  try {
    if (options.migrate) {
      const { applied } = await migrateToLatest(database);
      if (applied.length > 0) logger.info({ applied }, `applied ${applied.length} database migration(s)`);
    }
    const newer = await unknownMigrations(database);
    if (newer.length > 0) logger.warn({ migrations: newer }, newerSchemaWarning(newer));
    const cipher = new TokenCipher(parseEncryptionKeys(config.tokenEncryptionKeys));
    const tokenStore = new SqlTokenStore(database.db, cipher);
    const metrics = new TokenkeeperMetrics(config.providers.map((provider) => provider.name));
    const client = createClient({
      providers: config.providers,
      store: tokenStore,
      clientRegistrations: new SqlClientRegistrationStore(database.db, cipher),
      ...(config.caFile ? { caFile: config.caFile } : {}),
      timeoutSeconds: config.providerTimeoutSeconds,
      tokens: {
        now,
        leewaySeconds: options.leewaySeconds ?? config.refreshLeewaySeconds,
        // A failing listener is a bug of its author's: never silenced, even when the logger is (the library's default).
        onListenerError: (error, event) => {
          if (logger.isLevelEnabled('error')) logger.error({ err: error, event: event.type }, 'token event listener failed');
          else console.error(`tokenkeeper: a ${event.type} listener failed:`, error);
        },
        observer: metrics.refreshObserver,
      },
    });
    client.on(auditTokenEvents(database.db, now));
    const webhooks = new WebhookOutbox(database.db, config.webhooks?.urls ?? [], now);
    client.on(webhookTokenEvents(webhooks, database.db));
    client.on((event) => logger.info({ event: event.type, userId: event.userId, provider: event.provider }, 'token event'));
    return {
      config,
      logger,
      now,
      database,
      cipher,
      tokenStore,
      registry: client.registry,
      tokens: client.tokens,
      providerApi: client.api,
      metrics,
      webhooks,
      close: async () => {
        await client.close();
        await database.close();
      },
      dropProviderConnections: () => client.destroy(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
