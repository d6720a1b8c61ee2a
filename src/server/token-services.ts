import type { Logger } from 'pino';
import { createClient } from '../client/client.js';
import type { ProviderApi } from '../client/provider-api.js';
import type { ProviderRegistry } from '../client/provider-registry.js';
import type { TokenManager } from '../client/token-manager.js';
import type { TokenSet as ClientTokenSet } from '../client/token-set.js';
import type { AppConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { parseEncryptionKeys, TokenCipher } from '../db/token-cipher.js';
import { SqlTokenStore, type TokenSet as DbTokenSet } from '../db/token-store.js';
import { auditTokenEvents } from './audit-events.js';

type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// client/ and db/ each declare TokenSet (db may not import client); this stops the build unless each is assignable to
// the other, which handing the store to the client alone does not check (method parameters are compared bivariantly).
true satisfies SameShape<ClientTokenSet, DbTokenSet>;

export interface TokenServicesOptions {
  config: AppConfig;
  /** Opened (and migrated, or checked) by the caller, who also closes it. */
  database: Database;
  logger: Logger;
  /** Epoch seconds. */
  now?: () => number;
  /** getAccessToken refreshes tokens expiring within this many seconds (default TOKEN_REFRESH_LEEWAY_SECONDS). */
  leewaySeconds?: number;
}

/** Everything that reads, refreshes and revokes tokens, without the web app around it. */
export interface TokenServices {
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
  const cipher = new TokenCipher(parseEncryptionKeys(config.tokenEncryptionKeys));
  const tokenStore = new SqlTokenStore(database.db, cipher);
  const client = createClient({
    providers: config.providers,
    store: tokenStore,
    ...(config.caFile ? { caFile: config.caFile } : {}),
    timeoutSeconds: config.providerTimeoutSeconds,
    tokens: {
      now,
      leewaySeconds: options.leewaySeconds ?? config.refreshLeewaySeconds,
      onListenerError: (error, event) => logger.error({ err: error, event: event.type }, 'token event listener failed'),
    },
  });
  client.on(auditTokenEvents(database.db, now));
  client.on((event) => logger.info({ event: event.type, userId: event.userId, provider: event.provider }, 'token event'));
  return { registry: client.registry, cipher, tokenStore, tokens: client.tokens, providerApi: client.api, close: () => client.close() };
}
