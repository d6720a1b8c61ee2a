import { resolve } from 'node:path';
import { readCaBundle } from '../client/outbound-fetch.js';
import type { ProviderSettings } from '../client/provider-settings.js';
import { parseDatabaseUrl } from '../db/database.js';
import { parseEncryptionKeys } from '../db/token-cipher.js';
import { ConfigError } from './config-error.js';
import { connectReturnOrigins } from './connect-return-origins.js';
import { integer, onOrOff, url } from './env-values.js';
import { logSettings, type LogFormat } from './log-config.js';
import { metricsConfig, type MetricsConfig } from './metrics-config.js';
import { isProduction } from './node-env.js';
import { providerSettings } from './provider-config.js';
import { refuseMistypedDotEnvVariables, unusedProviderVariables } from './provider-variables.js';
import { trustProxy, type TrustProxy } from './trust-proxy.js';
import { webhookConfig, type WebhookConfig } from './webhook-config.js';
import type { Environment } from './env-file.js';

export const DEV_PROVIDER_NAME = 'toolkit';
export const DEV_PROVIDER_CLIENT_ID = 'tokenkeeper';
export const DEV_PROVIDER_CLIENT_SECRET = 'tokenkeeper-dev-secret';
export const DEV_PROVIDER_SCOPE = 'openid profile email offline_access notes:read';

export interface DevProviderConfig {
  port: number;
  issuer: string;
  accessTokenTtl: number;
  clientId: string;
  clientSecret: string;
}

export interface AppConfig {
  production: boolean;
  dataDir: string;
  databaseUrl: string;
  port: number;
  host: string;
  baseUrl: URL;
  secretKey: string;
  tokenEncryptionKeys: string;
  providers: ProviderSettings[];
  /** Set when OAUTH_PROVIDERS is unset: the local dev provider is started and registered as `toolkit`. */
  devProvider: DevProviderConfig | null;
  caFile: string | null;
  loginRateLimit: number;
  /** SERVICE_RATE_LIMIT: service API requests per key per minute, counted per process; 0: off. */
  serviceRateLimit: number;
  logLevel: string;
  /** LOG_FORMAT; null: pretty on a terminal outside production, else JSON (resolveLogFormat). */
  logFormat: LogFormat | null;
  /** LOG_REQUESTS: log each request (default: in production only). */
  logRequests: boolean;
  providerTimeoutSeconds: number;
  /** PROXY_UPLOAD_LIMIT_MB: the largest body the proxies stream to an API (one with a Content-Length over 1 MiB), in MiB. */
  proxyUploadLimitMb: number;
  /** A client must send its whole request (headers and body) within this time. */
  requestTimeoutSeconds: number;
  /** A connection on which nothing is sent or received for this long is closed. */
  connectionTimeoutSeconds: number;
  sessionIdleTimeoutSeconds: number;
  sessionMaxAgeSeconds: number;
  /** getAccessToken refreshes tokens expiring within this many seconds. */
  refreshLeewaySeconds: number;
  /** 0: off; else the background job refreshes tokens expiring within this many seconds. */
  refreshAheadSeconds: number;
  /** REFRESH_KEEPALIVE (default on): the sweep that refreshes connections whose refresh token would end unused. */
  refreshKeepalive: boolean;
  /** METRICS_TOKEN, METRICS_PORT: where /metrics is served, if anywhere. */
  metrics: MetricsConfig;
  /** TRUST_PROXY: whose X-Forwarded-For and X-Forwarded-Proto are believed (Fastify's trustProxy). */
  trustProxy: TrustProxy;
  /** On SIGTERM/SIGINT, in-flight requests and refreshes get this long to finish. */
  shutdownTimeoutSeconds: number;
  /** CONNECT_RETURN_ORIGINS: the origins a connect link's return_to may be on (default: BASE_URL's). */
  connectReturnOrigins: string[];
  /** WEBHOOK_URLS and WEBHOOK_SECRET; null: no webhooks are sent. */
  webhooks: WebhookConfig | null;
  /** AUDIT_LOG_RETENTION_DAYS: housekeeping deletes audit entries older than this many days; 0: kept for ever. */
  auditLogRetentionDays: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const PROVIDER_NAME = /^[a-z][a-z0-9_]{0,31}$/;

function devProviderSettings(devProvider: DevProviderConfig): ProviderSettings {
  return {
    name: DEV_PROVIDER_NAME,
    displayName: 'Toolkit',
    clientId: devProvider.clientId,
    clientSecret: devProvider.clientSecret,
    tokenEndpointAuthMethod: 'client_secret_basic',
    discovery: { issuer: devProvider.issuer },
    scope: DEV_PROVIDER_SCOPE,
    refreshTokenNeedsConsent: true,
    apiBaseUrl: `${devProvider.issuer}/api`,
    allowInsecureHttp: true,
  };
}

/** Settings of the local dev provider (DEV_PROVIDER_PORT, DEV_PROVIDER_ACCESS_TOKEN_TTL). */
export function loadDevProviderConfig(env: Environment): DevProviderConfig {
  const port = integer(env, 'DEV_PROVIDER_PORT', 4000, 1, 65535);
  return {
    port,
    issuer: `http://localhost:${port}`,
    accessTokenTtl: integer(env, 'DEV_PROVIDER_ACCESS_TOKEN_TTL', 300, 10, 86_400),
    clientId: DEV_PROVIDER_CLIENT_ID,
    clientSecret: DEV_PROVIDER_CLIENT_SECRET,
  };
}

/**
 * Reads and validates the whole configuration (the contract README documents). The
 * first problem found throws a ConfigError naming the variable. `fromDotEnv`: the
 * variables `.env` set, where a provider variable nothing reads is an error.
 */
export function loadConfig(env: Environment, cwd: string, { fromDotEnv }: { fromDotEnv?: ReadonlySet<string> } = {}): AppConfig {
  const production = isProduction(env);
  const dataDir = resolve(cwd, 'data');

  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:./data/tokenkeeper.db';
  try {
    parseDatabaseUrl(databaseUrl);
  } catch (error) {
    throw new ConfigError('DATABASE_URL', `is not usable: ${(error as Error).message}`, { cause: error });
  }

  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const baseUrlText = env.BASE_URL?.trim() || `http://localhost:${port}`;
  const baseUrl = new URL(url(env, 'BASE_URL', false, baseUrlText) ?? baseUrlText);
  if (baseUrl.pathname !== '/' || baseUrl.search || baseUrl.hash) {
    throw new ConfigError('BASE_URL', `must be an origin such as https://app.example.com, without a path (got "${baseUrlText}")`);
  }

  // In development the CLI fills these in first (withDevelopmentSecrets); loading only checks them.
  const missing = (what: string) => (production ? `is required in production (${what})` : `is missing (${what}; in development \`tokenkeeper\` generates it into ./data/)`);
  const secretKey = env.SECRET_KEY?.trim();
  if (!secretKey) throw new ConfigError('SECRET_KEY', missing('32 or more random characters'));
  if (secretKey.length < 32) throw new ConfigError('SECRET_KEY', 'is too short: use 32 or more random characters');

  const tokenEncryptionKeys = env.TOKEN_ENCRYPTION_KEYS?.trim();
  if (!tokenEncryptionKeys) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEYS', missing('comma-separated base64 32-byte keys, newest first'));
  }
  try {
    parseEncryptionKeys(tokenEncryptionKeys);
  } catch (error) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEYS', `is invalid: ${(error as Error).message}`, { cause: error });
  }

  const providerList = env.OAUTH_PROVIDERS?.trim();
  let providers: ProviderSettings[];
  let devProvider: DevProviderConfig | null = null;
  if (providerList) {
    const names = providerList.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
    for (const name of names) {
      if (!PROVIDER_NAME.test(name)) {
        throw new ConfigError('OAUTH_PROVIDERS', `has an invalid provider name "${name}" (letters, digits and _, starting with a letter)`);
      }
    }
    const twice = names.find((name, index) => names.indexOf(name) !== index);
    if (twice !== undefined) {
      // github,GitHub: the one provider, spelled two ways.
      const spellings = [...new Set(providerList.split(',').map((name) => name.trim()).filter((name) => name.toLowerCase() === twice))];
      const how = spellings.length > 1 ? ` (as ${spellings.join(' and ')}: provider names are not case-sensitive)` : '';
      throw new ConfigError('OAUTH_PROVIDERS', `lists ${twice} twice${how}`);
    }
    providers = names.map((name) => providerSettings(env, name, production, cwd, baseUrl));
    if (fromDotEnv) refuseMistypedDotEnvVariables(unusedProviderVariables(env, names), fromDotEnv);
  } else {
    if (production) throw new ConfigError('OAUTH_PROVIDERS', 'is required in production (the local dev provider is for development only)');
    devProvider = loadDevProviderConfig(env);
    // Else serve's second listen fails with EADDRINUSE blaming "another server" for the port it holds itself.
    if (devProvider.port === port) {
      const fix = env.DEV_PROVIDER_PORT?.trim() ? '' : `: ${port} is its default; set DEV_PROVIDER_PORT to another port`;
      throw new ConfigError('DEV_PROVIDER_PORT', `must differ from PORT (both are ${port})${fix}`);
    }
    providers = [devProviderSettings(devProvider)];
  }

  const caFile = env.CA_FILE?.trim() || null;
  if (caFile) {
    try {
      readCaBundle(resolve(cwd, caFile));
    } catch (error) {
      throw new ConfigError('CA_FILE', `is not usable: ${(error as Error).message}`, { cause: error });
    }
  }

  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  return {
    production,
    dataDir,
    databaseUrl,
    port,
    host,
    baseUrl,
    secretKey,
    tokenEncryptionKeys,
    providers,
    devProvider,
    caFile: caFile ? resolve(cwd, caFile) : null,
    loginRateLimit: integer(env, 'LOGIN_RATE_LIMIT', 60, 0, 1_000_000),
    serviceRateLimit: integer(env, 'SERVICE_RATE_LIMIT', 6000, 0, 10_000_000),
    logLevel,
    ...logSettings(env, production),
    providerTimeoutSeconds: integer(env, 'PROVIDER_TIMEOUT_SECONDS', 10, 1, 300),
    // Up to 10 GiB: Dropbox's upload sessions take 150 MiB a call, Google Drive's resumable uploads far more.
    proxyUploadLimitMb: integer(env, 'PROXY_UPLOAD_LIMIT_MB', 200, 1, 10_240),
    requestTimeoutSeconds: integer(env, 'REQUEST_TIMEOUT_SECONDS', 30, 1, 3600),
    connectionTimeoutSeconds: integer(env, 'CONNECTION_TIMEOUT_SECONDS', 120, 1, 3600),
    sessionIdleTimeoutSeconds: integer(env, 'SESSION_IDLE_TIMEOUT_SECONDS', 2 * 3600, 60, 365 * 86_400),
    sessionMaxAgeSeconds: integer(env, 'SESSION_MAX_AGE_SECONDS', 7 * 86_400, 60, 365 * 86_400),
    refreshLeewaySeconds: integer(env, 'TOKEN_REFRESH_LEEWAY_SECONDS', 60, 0, 3600),
    refreshAheadSeconds: integer(env, 'REFRESH_AHEAD_SECONDS', 0, 0, 86_400),
    refreshKeepalive: onOrOff(env, 'REFRESH_KEEPALIVE', true),
    metrics: metricsConfig(env, { PORT: port, ...(devProvider ? { DEV_PROVIDER_PORT: devProvider.port } : {}) }),
    trustProxy: trustProxy(env),
    shutdownTimeoutSeconds: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', 25, 1, 3600),
    connectReturnOrigins: connectReturnOrigins(env, baseUrl, production),
    webhooks: webhookConfig(env, production),
    auditLogRetentionDays: integer(env, 'AUDIT_LOG_RETENTION_DAYS', 0, 0, 36_500),
  };
}
