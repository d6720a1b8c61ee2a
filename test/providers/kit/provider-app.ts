/**
 * The real app, wired as `serve` wires it, configured for a provider
 * emulator through the same `<NAME>_…` variables a deployment would set
 * (no dev provider), and helpers to act as a signed-in browser.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { expect } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { createLogger } from '../../../src/server/logger.js';
import { createRuntime, type Runtime } from '../../../src/server/runtime.js';
import { TestBrowser, type BrowserResponse } from '../../support/browser.js';
import { injectFetch } from '../../support/inject-fetch.js';
import { APP_ORIGIN, TEST_ENCRYPTION_KEY } from '../../support/test-app.js';

export interface ProviderTestApp {
  runtime: Runtime;
  browser(): TestBrowser;
  close(): Promise<void>;
}

export async function startProviderTestApp(options: { databaseUrl: string; env: Record<string, string>; now?: () => number }): Promise<ProviderTestApp> {
  const config = loadConfig(
    {
      BASE_URL: APP_ORIGIN,
      DATABASE_URL: options.databaseUrl,
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
      LOGIN_RATE_LIMIT: '0',
      ...options.env,
    },
    mkdtempSync(join(tmpdir(), 'tokenkeeper-app-')),
  );
  const logger = createLogger('silent', pino.destination('/dev/null'));
  const runtime = await createRuntime({ config, logger, ...(options.now ? { now: options.now } : {}) });
  return {
    runtime,
    browser: () => new TestBrowser({ fetch: injectFetch(runtime.app, APP_ORIGIN) }),
    close: () => runtime.close(),
  };
}

/**
 * The variables a deployment sets to use one provider by its preset:
 * `OAUTH_PROVIDERS` naming it alone, `<NAME>_PRESET` and the client
 * (`<NAME>_CLIENT_ID`, `<NAME>_CLIENT_SECRET`); then the provider's own
 * `variables`, each by its full name (an endpoint pointed at the emulator,
 * a domain, a scope), which may also replace those.
 */
export function presetEnv(preset: string, clientId: string, clientSecret: string, variables: Record<string, string> = {}): Record<string, string> {
  const name = preset.toUpperCase();
  return { OAUTH_PROVIDERS: preset, [`${name}_PRESET`]: preset, [`${name}_CLIENT_ID`]: clientId, [`${name}_CLIENT_SECRET`]: clientSecret, ...variables };
}

/** The CSRF token of the signed-in browser's session, from the account page of the app at `origin`. */
export async function csrfTokenOf(browser: TestBrowser, origin = APP_ORIGIN): Promise<string> {
  const account = await browser.get(`${origin}/account`);
  const token = /name="_csrf" value="([^"]+)"/.exec(account.text)?.[1];
  if (!token) throw new Error(`no CSRF token on the account page (${account.status})`);
  return token;
}

/** Starts sign-in with `provider` and follows every redirect (the emulator approves at once). */
export function signInThrough(browser: TestBrowser, provider: string, next = '/account'): Promise<BrowserResponse> {
  return browser.get(`${APP_ORIGIN}/login/${provider}?next=${encodeURIComponent(next)}`);
}

/**
 * Disconnects the signed-in browser's `provider` connection as its account
 * page does (DELETE with the session's CSRF token), at the app at `origin`
 * (APP_ORIGIN by default); the answer must be 200,
 * and its JSON body is returned (`disconnected`, `revokedAtProvider`).
 */
export async function disconnectThrough(browser: TestBrowser, provider: string, origin = APP_ORIGIN): Promise<unknown> {
  const answer = await browser.request(`${origin}/account/connections/${provider}`, { method: 'DELETE', headers: { 'x-csrf-token': await csrfTokenOf(browser, origin) } });
  expect(answer.status).toBe(200);
  return JSON.parse(answer.text) as unknown;
}

/**
 * Signs `user` in through the app (to /api/me, which must answer 200), the
 * emulator approving as them; with the browser, the user's id and the
 * parameters of the authorization request the app sent to the provider.
 */
export async function signInAs<User>(
  context: { app: ProviderTestApp; emulator: { signInAs(user: User): void } },
  provider: string,
  user: User,
): Promise<{ browser: TestBrowser; userId: string; request: URLSearchParams }> {
  const { app, emulator } = context;
  emulator.signInAs(user);
  const browser = app.browser();
  const start = await browser.get(`${APP_ORIGIN}/login/${provider}?next=/api/me`, { followRedirects: false });
  const page = await browser.get(start.location!);
  expect(page.status).toBe(200);
  return { browser, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id, request: new URL(start.location!).searchParams };
}

export { APP_ORIGIN };
