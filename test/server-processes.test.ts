import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../src/db/token-cipher.js';
import { startDevProvider, type DevProvider } from '../src/dev-provider/index.js';
import { TestBrowser } from './support/browser.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { isAlive } from './support/process-alive.js';
import { ensureBuilt, freePorts, signInAt, startServerProcesses, type ServerProcess } from './support/server-processes.js';
import { CLIENT_ID, CLIENT_SECRET, testAppEnv } from './support/test-app.js';

const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres');
if (postgres === undefined) throw new Error('DIALECTS has no postgres entry');

describe.skipIf(!postgres.available)('tokenkeeper serve processes sharing one PostgreSQL database', () => {
  let database: TestDatabase;
  let provider: DevProvider;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    database = await postgres.openTestDatabase({ migrate: false });
    // The browser comes back to process 1, so its origin is everyone's BASE_URL.
    const ports = await freePorts(4);
    const baseUrl = `http://127.0.0.1:${ports[0]}`;
    provider = await startDevProvider({
      port: 0,
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${baseUrl}/auth/toolkit/callback`] }],
    });
    servers = await startServerProcesses({
      count: 4,
      ports,
      // Request lines are not logged: the children run as NODE_ENV=test, where that is the default.
      env: testAppEnv({ baseUrl, databaseUrl: database.url, issuer: provider.issuer, env: { TOKEN_ENCRYPTION_KEYS: generateEncryptionKey(), LOG_LEVEL: 'info', LOG_REQUESTS: 'false' } }),
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await provider?.close();
    await database?.close();
  });

  it('starts each on its own port, the first one alone applying the migrations', async () => {
    expect(servers.map((server) => server.origin)).toEqual(servers.map((server) => `http://127.0.0.1:${server.port}`));
    expect(new Set(servers.map((server) => server.port)).size).toBe(4);
    for (const server of servers) {
      const health = await fetch(`${server.origin}/healthz`);
      expect(health.status, server.logs()).toBe(200);
    }
    expect(servers[0]?.logs()).toMatch(/applied \d+ database migration/);
    for (const server of servers.slice(1)) expect(server.logs()).not.toMatch(/applied \d+ database migration/);
  });

  it('a session from signing in on process 1 is accepted by process 2', async () => {
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const browser = new TestBrowser();
    const landed = await signInAt(browser, first.origin, 'alice', 'alice', '/account');
    expect(landed.url, first.logs()).toBe(`${first.origin}/account`);
    expect(landed.text).toContain('Alice Liddell');

    const me = await browser.get(`${second.origin}/api/me`);
    expect(me.status, second.logs()).toBe(200);
    expect(JSON.parse(me.text).user).toMatchObject({ username: 'alice', provider: 'toolkit' });

    const stranger = await new TestBrowser().get(`${second.origin}/api/me`);
    expect(stranger.status).toBe(401);
  });

  it('refresh runs once for 4 processes × 50 concurrent calls with an expired token', async () => {
    const browser = new TestBrowser();
    await signInAt(browser, servers[0]!.origin, 'bob');
    const cookie = browser.cookies.cookieHeader(new URL(servers[0]!.origin))!;
    const bob = await database.db.selectFrom('users').select('id').where('username', '=', 'bob').executeTakeFirstOrThrow();
    await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', bob.id).execute();
    const refreshes = provider.stats.refreshTokenGrants;

    const calls = servers.flatMap((server) =>
      Array.from({ length: 50 }, () => fetch(`${server.origin}/api/providers/toolkit/proxy/profile`, { headers: { cookie } }).then(async (r) => ({ status: r.status, body: await r.text() }))),
    );
    const answers = await Promise.all(calls);
    expect(answers.filter((a) => a.status !== 200), servers.map((s) => s.logs()).join('\n')).toEqual([]);
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ name: 'Bob Builder' });
    expect(provider.stats.refreshTokenGrants).toBe(refreshes + 1);
    expect(provider.stats.grantErrors).toBe(0);
  });

  it('stop() ends the process', async () => {
    const last = servers.at(-1) as ServerProcess;
    await last.stop();
    expect(isAlive(last.pid)).toBe(false);
    await expect(fetch(`${last.origin}/healthz`)).rejects.toThrow();
    await last.stop(); // a second stop is harmless
  });
});

describe('startServerProcesses when a child cannot start', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('fails with the exit code and the child output', async () => {
    const failure = await startServerProcesses({
      count: 2,
      env: { DATABASE_URL: 'sqlite:./data/never.db', OAUTH_PROVIDERS: 'toolkit', SECRET_KEY: 'x'.repeat(40), TOKEN_ENCRYPTION_KEYS: generateEncryptionKey() },
    }).catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/tokenkeeper serve #1 \(pid \d+, http:\/\/127\.0\.0\.1:\d+\) exited with code 78 before answering \/healthz/);
    expect((failure as Error).message).toContain('Configuration error: TOOLKIT_CLIENT_ID is missing');
  });
});
