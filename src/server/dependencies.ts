import type { ProviderApi } from '../client/provider-api.js';
import type { ProviderRegistry } from '../client/provider-registry.js';
import type { TokenManager } from '../client/token-manager.js';
import type { AppConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { TokenCipher } from '../db/token-cipher.js';
import type { SqlTokenStore } from '../db/token-store.js';

/** What the routes need, given to each route plugin as its options. */
export interface AppDependencies {
  config: AppConfig;
  database: Database;
  registry: ProviderRegistry;
  cipher: TokenCipher;
  tokenStore: SqlTokenStore;
  /** Access tokens kept fresh (single-flight refresh, revocation). */
  tokens: TokenManager;
  /** Calls to provider APIs on the user's behalf. */
  providerApi: ProviderApi;
  /** Epoch seconds; replaceable in tests. */
  now: () => number;
}
