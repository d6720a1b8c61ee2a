import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createLogger } from '../../src/server/logger.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { generateEncryptionKey } from '../../src/db/token-cipher.js';
import { startDevProvider, type DevProvider, type DevProviderClient, type DevProviderOptions } from '../../src/dev-provider/index.js';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { TestBrowser, type BrowserResponse } from './browser.js';
import { injectFetch } from './inject-fetch.js';

/** The app's public origin in tests; requests to it go through app.inject(). */
export const APP_ORIGIN = 'http://app.test';
export const CLIENT_ID = 'tokenkeeper-test';
export const CLIENT_SECRET = 'tokenkeeper-test-secret';
/** One key per test run, so several app instances on one database can read each other's rows. */
export const TEST_ENCRYPTION_KEY = generateEncryptionKey();

/** The test app's client at the dev provider, for an app whose public origin is appOrigin. */
export function testProviderClient(appOrigin: string = APP_ORIGIN): DevProviderClient {
  // "second" is for tests that register the same dev provider under a second name (linking providers);
  // "posted" for one that asks it to answer with response_mode=form_post.
  return {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${appOrigin}/auth/toolkit/callback`, `${appOrigin}/auth/second/callback`, `${appOrigin}/auth/posted/callback`],
  };
}

/** The dev provider as the test apps expect it (client, redirect URI), for sharing between app instances. */
export function startTestProvider(options: Partial<Omit<DevProviderOptions, 'clients'>> = {}): Promise<DevProvider> {
  return startDevProvider({
    port: 0,
    clients: [testProviderClient()],
    ...options,
  });
}

/**
 * The environment a test app is configured from: the dev provider at
 * `issuer` registered as "toolkit" through OAUTH_PROVIDERS, the test secrets,
 * no login rate limit, request lines logged (for tests that read the log),
 * then `env` and `configure(issuer)` on top.
 */
export function testAppEnv(options: {
  baseUrl: string;
  databaseUrl: string;
  issuer: string;
  env?: Record<string, string>;
  configure?: (issuer: string) => Record<string, string>;
}): Record<string, string> {
  const { issuer } = options;
  return {
    BASE_URL: options.baseUrl,
    DATABASE_URL: options.databaseUrl,
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
    OAUTH_PROVIDERS: 'toolkit',
    TOOLKIT_ISSUER: issuer,
    TOOLKIT_CLIENT_ID: CLIENT_ID,
    TOOLKIT_CLIENT_SECRET: CLIENT_SECRET,
    TOOLKIT_SCOPE: 'openid profile email offline_access notes:read',
    TOOLKIT_API_BASE_URL: `${issuer}/api`,
    LOGIN_RATE_LIMIT: '0',
    LOG_REQUESTS: 'true',
    ...options.env,
    ...options.configure?.(issuer),
  };
}

export interface TestApp {
  runtime: Runtime;
  config: AppConfig;
  provider: DevProvider;
  /** A new browser whose requests to APP_ORIGIN reach the app in-process. */
  browser(): TestBrowser;
  close(): Promise<void>;
}

export interface TestAppOptions {
  databaseUrl: string;
  /** Extra environment (e.g. LOGIN_RATE_LIMIT). */
  env?: Record<string, string>;
  provider?: Partial<Omit<DevProviderOptions, 'clients' | 'port'>>;
  /** A dev provider shared with other app instances (e.g. several "servers" on one database); not closed by close(). */
  sharedProvider?: DevProvider;
  /** Environment that depends on the dev provider's issuer, e.g. explicit endpoints. */
  configure?: (issuer: string) => Record<string, string>;
  /** Where log lines go (default: discarded). */
  logDestination?: pino.DestinationStream;
  logLevel?: string;
  /** The app's clock (epoch seconds), for tests of time-based behaviour without waiting. */
  now?: () => number;
  /** Each webhook attempt is cut after this long (the runtime's default: 10 s). */
  webhookTimeoutMs?: number;
}

/**
 * The real app wired as `serve` wires it, on the given database, with the
 * dev provider started separately on a free port and registered through the
 * same OAUTH_PROVIDERS variables a real provider would use.
 */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const ownProvider = !options.sharedProvider;
  const provider =
    options.sharedProvider ??
    (await startTestProvider(options.provider));
  try {
    const config = loadConfig(
      testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl: options.databaseUrl, issuer: provider.issuer, env: options.env, configure: options.configure }),
      mkdtempSync(join(tmpdir(), 'tokenkeeper-app-')),
    );
    // The app's own logger settings (redaction, serializers), as serve uses them.
    const logger = createLogger(options.logLevel ?? 'silent', options.logDestination ?? pino.destination('/dev/null'));
    const runtime = await createRuntime({ config, logger, ...(options.now ? { now: options.now } : {}), ...(options.webhookTimeoutMs ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}) });
    return {
      runtime,
      config,
      provider,
      browser: () => new TestBrowser({ fetch: injectFetch(runtime.app, APP_ORIGIN) }),
      close: async () => {
        await runtime.close();
        if (ownProvider) await provider.close();
      },
    };
  } catch (error) {
    if (ownProvider) await provider.close();
    throw error;
  }
}

/** Signs in through the provider's real login and consent pages; returns the page the app finally shows. */
export async function signIn(browser: TestBrowser, username: string, password = username, next?: string): Promise<BrowserResponse> {
  const login = await browser.get(`${APP_ORIGIN}/login/toolkit${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  if (!login.text.includes('name="password"')) throw new Error(`expected the provider's login page, got ${login.status} at ${login.url}`);
  const afterLogin = await browser.submitForm(login, { username, password });
  // The consent page shows up on a first sign-in only.
  return afterLogin.url.startsWith(APP_ORIGIN) ? afterLogin : browser.submitForm(afterLogin);
}
