import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { startDevProvider, type DevProvider } from '../src/dev-provider/index.js';
import { createLogger } from '../src/server/logger.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { TestBrowser } from './support/browser.js';
import { injectFetch } from './support/inject-fetch.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, testAppEnv } from './support/test-app.js';

const COOKIE = 'tokenkeeper_session';
const CALLBACK_PREFIX = `${APP_ORIGIN}/auth/`;

/**
 * The app and the dev provider wired as `serve` wires them, with the real
 * logger (createLogger, its serializers and redaction) at debug level writing
 * into memory.
 */
describe('the debug log of a whole session', () => {
  const lines: string[] = [];
  const destination = { write: (line: string) => void lines.push(line) };
  let database: TestDatabase;
  let provider: DevProvider;
  let runtime: Runtime;
  /** Every secret seen along the way, by what it is. */
  const secrets = new Map<string, string>();
  const remember = (what: string, value: string | null | undefined) => {
    expect(value, what).toBeTruthy();
    secrets.set(what, value!);
  };

  beforeAll(async () => {
    const logger = createLogger('debug', destination);
    database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    provider = await startDevProvider({
      port: 0,
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${APP_ORIGIN}/auth/toolkit/callback`] }],
      logger: logger.child({ component: 'dev-provider' }),
    });
    const config = loadConfig(
      testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl: database.url, issuer: provider.issuer, env: { LOG_LEVEL: 'debug' } }),
      mkdtempSync(join(tmpdir(), 'tokenkeeper-app-')),
    );
    expect(config.logLevel).toBe('debug');
    runtime = await createRuntime({ config, logger });
  });
  afterAll(async () => {
    await runtime?.close();
    await provider?.close();
    await database?.close();
  });

  it('holds no token, code, client secret, session cookie, session id or CSRF token', async () => {
    const browser = new TestBrowser({ fetch: injectFetch(runtime.app, APP_ORIGIN) });
    const inject = (method: 'GET' | 'POST', url: string, payload?: Record<string, string>) =>
      runtime.app.inject({ method, url, headers: { cookie: `${COOKIE}=${browser.cookies.get(COOKIE, APP_ORIGIN)}` }, ...(payload ? { payload } : {}) });
    const rememberTokens = async (when: string) => {
      const stored = await runtime.tokenStore.findToken(userId, 'toolkit');
      remember(`access token (${when})`, stored?.accessToken);
      remember(`refresh token (${when})`, stored?.refreshToken);
      remember(`ID token (${when})`, stored?.idToken);
    };

    // Sign-in, stopping at the callback to read the authorization code.
    const login = await browser.get(`${APP_ORIGIN}/login/toolkit?next=/account`, { stopAt: CALLBACK_PREFIX });
    remember('anonymous session cookie', browser.cookies.get(COOKIE, APP_ORIGIN));
    let page = await browser.submitForm(login, { username: 'alice', password: 'alice' }, { stopAt: CALLBACK_PREFIX });
    if (!page.location) page = await browser.submitForm(page, {}, { stopAt: CALLBACK_PREFIX });
    const callback = new URL(page.location!);
    remember('authorization code', callback.searchParams.get('code'));
    remember('state', callback.searchParams.get('state'));
    const account = await browser.get(callback);
    expect(account.url).toBe(`${APP_ORIGIN}/account`);
    remember('session cookie', browser.cookies.get(COOKIE, APP_ORIGIN));
    remember('CSRF token', /name="_csrf" value="([^"]+)"/.exec(account.text)?.[1]);
    const userId = (JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { user: { id: string } }).user.id;
    await rememberTokens('sign-in');
    const csrf = secrets.get('CSRF token')!;

    // A proxy call, then a refresh forced by an expired stored token, then "Refresh now".
    expect((await inject('GET', '/api/providers/toolkit/proxy/profile')).statusCode).toBe(200);
    await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', userId).execute();
    const grants = provider.stats.refreshTokenGrants;
    expect((await inject('GET', '/api/providers/toolkit/proxy/notes')).statusCode).toBe(200);
    expect(provider.stats.refreshTokenGrants).toBe(grants + 1);
    await rememberTokens('after the proxy refresh');
    expect((await inject('POST', '/account/connections/toolkit/refresh', { _csrf: csrf })).statusCode).toBe(303);
    expect(provider.stats.refreshTokenGrants).toBe(grants + 2);
    await rememberTokens('after Refresh now');

    // Disconnect (revocation at the provider), then sign out.
    expect((await inject('POST', '/account/connections/toolkit/disconnect', { _csrf: csrf })).statusCode).toBe(303);
    expect(await runtime.tokenStore.findToken(userId, 'toolkit')).toBeUndefined();
    expect((await inject('POST', '/logout', { _csrf: csrf })).statusCode).toBe(303);

    remember('client secret', CLIENT_SECRET);
    for (const what of ['anonymous session cookie', 'session cookie']) {
      remember(`${what} (its database id)`, createHash('sha256').update(secrets.get(what)!).digest('hex'));
    }

    const log = lines.join('');
    // The capture works, at debug level: request lines from the app and the provider's own lines are there.
    expect(runtime.app.log.level).toBe('debug');
    expect(lines.length).toBeGreaterThan(20);
    expect(log).toContain('dev-provider');
    expect(log).toContain('/auth/toolkit/callback?code=%5Bredacted%5D');
    expect(log).toContain('user signed in');
    // Request lines carry the request id (see requestChildLogger).
    const callbackLine = lines.map((line) => JSON.parse(line) as { reqId?: string; req?: { url?: string } }).find((line) => line.req?.url?.startsWith('/auth/toolkit/callback'));
    expect(callbackLine?.reqId).toMatch(/^req-/);
    for (const [what, value] of secrets) {
      expect(value.length, what).toBeGreaterThanOrEqual(16);
      expect(log.includes(value), `${what} appears in the log`).toBe(false);
    }
  });
});
