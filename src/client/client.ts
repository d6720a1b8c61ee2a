import type { ClientRegistrationStore } from './client-registration.js';
import { createOutboundFetch } from './outbound-fetch.js';
import { ProviderApi, type ProviderApiRequest } from './provider-api.js';
import { ProviderRegistry, REFRESH_TIMEOUT_FACTOR } from './provider-registry.js';
import type { ProviderSettings } from './provider-settings.js';
import type { TokenEventListener } from './token-events.js';
import { TokenManager, type AccessToken, type RefreshOptions, type TokenManagerOptions } from './token-manager.js';
import type { TokenStore } from './token-store.js';
import type { RevocationResult } from './revocation.js';

export interface ClientOptions {
  providers: readonly ProviderSettings[];
  store: TokenStore;
  /** Extra trusted CA bundle (PEM file) for provider TLS. */
  caFile?: string;
  /** Timeout of each request to a provider, in seconds (default 10); the answer to a refresh is waited for twice as long. */
  timeoutSeconds?: number;
  /** See TokenManagerOptions. */
  tokens?: Omit<TokenManagerOptions, 'registry' | 'store'>;
  /** Where the clients registered at each server are kept, for a provider that registers itself there (the fediverse preset): src/db's SqlClientRegistrationStore. */
  clientRegistrations?: ClientRegistrationStore;
}

/** The library's front door: providers by name, fresh access tokens, and API calls on a user's behalf. */
export interface TokenkeeperClient {
  registry: ProviderRegistry;
  tokens: TokenManager;
  api: ProviderApi;
  getAccessToken(userId: string, provider: string): Promise<AccessToken>;
  refresh(userId: string, provider: string, options?: RefreshOptions): Promise<AccessToken>;
  revoke(userId: string, provider: string): Promise<RevocationResult>;
  /** Calls `path` under the provider's API base with the user's token (refreshed when needed, retried once after a 401). */
  fetch(userId: string, provider: string, path: string, init?: ProviderApiRequest): Promise<Response>;
  on(listener: TokenEventListener): () => void;
  /** Closes the provider connections once the requests on them have finished. */
  close(): Promise<void>;
  /** Closes the provider connections at once, failing the requests still on them. */
  destroy(): Promise<void>;
}

/**
 * Wires the client for use in any Node app (Express, Hono, a worker): give
 * it the providers and a TokenStore (src/db's SqlTokenStore, or your own).
 *
 * @example
 * import { createClient } from 'tokenkeeper';
 * import { openDatabase, parseEncryptionKeys, SqlTokenStore, TokenCipher } from 'tokenkeeper/db';
 *
 * // The database and keys `tokenkeeper serve` signs people in with:
 * const database = await openDatabase(process.env.DATABASE_URL!);
 * const client = createClient({
 *   providers: [{
 *     name: 'google', displayName: 'Google',
 *     clientId: process.env.GOOGLE_CLIENT_ID!, clientSecret: process.env.GOOGLE_CLIENT_SECRET!,
 *     tokenEndpointAuthMethod: 'client_secret_basic',
 *     discovery: { issuer: 'https://accounts.google.com' },
 *     scope: 'openid email profile https://www.googleapis.com/auth/drive.readonly',
 *     apiBaseUrl: 'https://www.googleapis.com',
 *     allowInsecureHttp: false,
 *   }],
 *   store: new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(process.env.TOKEN_ENCRYPTION_KEYS!))),
 * });
 * const files = await client.fetch(userId, 'google', '/drive/v3/files');
 * await client.close();
 * await database.close();
 */
export function createClient(options: ClientOptions): TokenkeeperClient {
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  const outboundFetch = createOutboundFetch(options.caFile ? { caFile: options.caFile } : {});
  const registry = new ProviderRegistry(options.providers, {
    fetch: outboundFetch,
    publicFetch: outboundFetch.publicOnly,
    timeoutSeconds,
    ...(options.clientRegistrations ? { clientRegistrations: options.clientRegistrations } : {}),
  });
  const tokens = new TokenManager({
    // The lease must outlive the slowest refresh, or a second process could take it over mid-flight and send the
    // refresh token again: under it, discovery (a timeout, when not done yet), the refresh's answer (twice), the keys
    // to check its ID token (a timeout, when its kid is new), then as long again to save what came.
    leaseSeconds: Math.max(30, timeoutSeconds * (REFRESH_TIMEOUT_FACTOR + 3)),
    // Callers wait for another process's refresh as long as before the lease grew to cover all that.
    waitSeconds: Math.max(30, timeoutSeconds * 3),
    ...options.tokens,
    registry,
    store: options.store,
  });
  const api = new ProviderApi({ registry, tokens, fetch: outboundFetch.stream, publicFetch: outboundFetch.publicOnly.stream, timeoutSeconds });
  return {
    registry,
    tokens,
    api,
    getAccessToken: (userId, provider) => tokens.getAccessToken(userId, provider),
    refresh: (userId, provider, refreshOptions) => tokens.refresh(userId, provider, refreshOptions),
    revoke: (userId, provider) => tokens.revoke(userId, provider),
    fetch: (userId, provider, path, init) => api.fetch(userId, provider, path, init),
    on: (listener) => tokens.on(listener),
    close: () => outboundFetch.close(),
    destroy: () => outboundFetch.destroy(),
  };
}
