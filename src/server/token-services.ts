import type { Logger } from 'pino';
import { createOutboundFetch, type OutboundFetch } from '../client/outbound-fetch.js';
import { ProviderApi } from '../client/provider-api.js';
import { ProviderRegistry } from '../client/provider-registry.js';
import { TokenManager } from '../client/token-manager.js';
import type { AppConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { parseEncryptionKeys, TokenCipher } from '../db/token-cipher.js';
import { SqlTokenStore } from '../db/token-store.js';
import { auditTokenEvents } from './audit-events.js';

export interface TokenServicesOptions {
  config: AppConfig;
  /** Opened (and migrated, or checked) by the caller, who also closes it. */
  database: Database;
  logger: Logger;
  /** Epoch seconds. */
  now?: () => number;
  /** getAccessToken refreshes tokens expiring within this many seconds (TokenManager's default when unset). */
  leewaySeconds?: number;
}

/** Everything that reads, refreshes and revokes tokens, without the web app around it. */
export interface TokenServices {
  outboundFetch: OutboundFetch;
  registry: ProviderRegistry;
  cipher: TokenCipher;
  tokenStore: SqlTokenStore;
  tokens: TokenManager;
  providerApi: ProviderApi;
  /** Closes the outbound connections; the database is the caller's. */
  close(): Promise<void>;
}

/**
 * The token side of the app, wired once for every process that touches
 * tokens — `serve` and the `tokens` CLI commands — so a refresh or a
 * revocation from either takes the same lease, uses the same outbound TLS
 * settings and lands in the same audit log.
 */
export function createTokenServices(options: TokenServicesOptions): TokenServices {
  const { config, database, logger } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const outboundFetch = createOutboundFetch(config.caFile ? { caFile: config.caFile } : {});
  const registry = new ProviderRegistry(config.providers, { fetch: outboundFetch, timeoutSeconds: config.providerTimeoutSeconds });
  const cipher = new TokenCipher(parseEncryptionKeys(config.tokenEncryptionKeys));
  const tokenStore = new SqlTokenStore(database.db, cipher);
  const tokens = new TokenManager({
    registry,
    store: tokenStore,
    now,
    // The lease must outlive the slowest refresh, or a second process could take it over mid-flight.
    leaseSeconds: Math.max(30, config.providerTimeoutSeconds * 3),
    ...(options.leewaySeconds !== undefined ? { leewaySeconds: options.leewaySeconds } : {}),
    onListenerError: (error, event) => logger.error({ err: error, event: event.type }, 'token event listener failed'),
  });
  tokens.on(auditTokenEvents(database.db, now));
  tokens.on((event) => logger.info({ event: event.type, userId: event.userId, provider: event.provider }, 'token event'));
  const providerApi = new ProviderApi({ registry, tokens, fetch: outboundFetch.stream, timeoutSeconds: config.providerTimeoutSeconds });
  return { outboundFetch, registry, cipher, tokenStore, tokens, providerApi, close: () => outboundFetch.close() };
}
