// `tokenkeeper serve` processes on one PostgreSQL database, stopped with
// SIGTERM while a proxied call and a refresh are still running.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateEncryptionKey } from '../src/db/token-cipher.js';
import { startDevProvider, type DevProvider } from '../src/dev-provider/index.js';
import { TestBrowser } from './support/browser.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { ensureBuilt, freePorts, signInAt, startServerProcesses, type ServerProcess } from './support/server-processes.js';
import { CLIENT_ID, CLIENT_SECRET, testAppEnv } from './support/test-app.js';

const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres');
if (postgres === undefined) throw new Error('DIALECTS has no postgres entry');

/** A promise the test settles when it chooses, for a fault proxy `hold`. */
function gate(): { until: Promise<void>; open(): void } {
  let open!: () => void;
  const until = new Promise<void>((resolve) => (open = resolve));
  return { until, open };
}

interface Answer {
  status: number;
  body: string;
}

function call(origin: string, cookie: string): Promise<Answer> {
  return fetch(`${origin}/api/providers/toolkit/proxy/profile`, { headers: { cookie } }).then(async (response) => ({ status: response.status, body: await response.text() }));
}

/** A connection that has sent part of a request's head: to the server it is busy, not idle. */
async function halfSentRequest(origin: string, head: string): Promise<{ finish(): Promise<string> }> {
  const { port } = new URL(origin);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  return {
    finish: async () => {
      socket.write('\r\n');
      await closed;
      return received;
    },
  };
}

describe.skipIf(!postgres.available)('SIGTERM to `tokenkeeper serve` processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let provider: DevProvider;
  let proxy: FaultProxy;
  let servers: ServerProcess[] = [];
  /** SHUTDOWN_TIMEOUT_SECONDS=1, for the shutdown that runs out of time. */
  let hasty: ServerProcess;
  let baseUrl: string;
  const cookies = new Map<string, string>();
  const gates: Array<{ open(): void }> = [];

  const userId = async (username: string) => (await database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const tokenRow = async (username: string) => database.db.selectFrom('tokens').selectAll().where('user_id', '=', await userId(username)).executeTakeFirstOrThrow();
  const expireToken = async (username: string) => {
    await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', await userId(username)).execute();
  };
  const refreshesSeen = () => proxy.count({ path: '/token', form: { grant_type: 'refresh_token' } });

  beforeAll(async () => {
    await ensureBuilt();
    database = await postgres.openTestDatabase({ migrate: false });
    const ports = await freePorts(3);
    baseUrl = `http://127.0.0.1:${ports[0]}`;
    provider = await startDevProvider({
      port: 0,
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${baseUrl}/auth/toolkit/callback`] }],
    });
    // Token requests and API calls pass a proxy where the test can hold them.
    proxy = await startFaultProxy(provider.issuer);
    const env = testAppEnv({
      baseUrl,
      databaseUrl: database.url,
      issuer: provider.issuer,
      // Request lines are not logged: the children run as NODE_ENV=test, where that is the default.
      env: { TOKEN_ENCRYPTION_KEYS: generateEncryptionKey(), TOOLKIT_ACCESS_TOKEN_URL: `${proxy.origin}/token`, TOOLKIT_API_BASE_URL: `${proxy.origin}/api`, LOG_LEVEL: 'info', LOG_REQUESTS: 'false' },
    });
    servers = await startServerProcesses({ count: 2, ports: ports.slice(0, 2), env });
    hasty = (await startServerProcesses({ count: 1, ports: ports.slice(2), env: { ...env, SHUTDOWN_TIMEOUT_SECONDS: '1' } }))[0]!;
    for (const username of ['alice', 'bob', 'mallory']) {
      const browser = new TestBrowser();
      await signInAt(browser, servers[0]!.origin, username);
      cookies.set(username, browser.cookies.cookieHeader(new URL(baseUrl))!);
    }
  }, 120_000);

  afterAll(async () => {
    for (const held of gates) held.open();
    await Promise.all([...servers, hasty].filter(Boolean).map((server) => server.stop()));
    await proxy?.close();
    await provider?.close();
    await database?.close();
  });

  it('a proxied call to a slow API and a refresh in flight both finish with 200 and the refresh is saved; /readyz says 503 at once; exit 0; the other server then refreshes normally', async () => {
    const [first, second] = servers as [ServerProcess, ServerProcess];
    // Alice's call waits at the API; Bob's, with an expired token, waits at the token endpoint.
    const slowApi = gate();
    const slowRefresh = gate();
    gates.push(slowApi, slowRefresh);
    proxy.inject({ method: 'GET', path: '/api/profile', fault: { kind: 'hold', until: slowApi.until } });
    const aliceCall = call(first.origin, cookies.get('alice')!);
    await vi.waitFor(() => expect(proxy.count({ path: '/api/profile' })).toBe(1));
    await expireToken('bob');
    const bobBefore = await tokenRow('bob');
    const refreshesBefore = refreshesSeen();
    proxy.inject({ method: 'POST', path: '/token', form: { grant_type: 'refresh_token' }, fault: { kind: 'hold', until: slowRefresh.until } });
    const bobCall = call(first.origin, cookies.get('bob')!);
    await vi.waitFor(() => expect(refreshesSeen()).toBe(refreshesBefore + 1));
    const probe = await halfSentRequest(first.origin, 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');

    first.kill('SIGTERM');
    await vi.waitFor(() => expect(first.logs()).toContain('SIGTERM received: shutting down: /readyz answers 503 and no new connection is accepted; waiting up to 25 s for 2 requests and 1 refresh in flight'), { timeout: 10_000 });
    // No new connection is accepted...
    await expect(fetch(`${first.origin}/healthz`)).rejects.toThrow();
    // ...and a request already under way on a connection is answered: /readyz says 503, and the connection is closed.
    const readyz = await probe.finish();
    expect(readyz).toMatch(/^HTTP\/1\.1 503 /);
    expect(readyz).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(readyz.slice(readyz.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 'unavailable', error: 'not_ready', reason: 'shutting_down' });

    slowRefresh.open();
    slowApi.open();
    const [alice, bob] = await Promise.all([aliceCall, bobCall]);
    expect(alice.status, first.logs()).toBe(200);
    expect(JSON.parse(alice.body)).toMatchObject({ name: 'Alice Liddell' });
    expect(bob.status, first.logs()).toBe(200);
    expect(JSON.parse(bob.body)).toMatchObject({ name: 'Bob Builder' });
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.logs()).toContain('shut down cleanly: every request and refresh in flight finished');

    const bobAfter = await tokenRow('bob');
    expect(bobAfter.access_token).not.toBe(bobBefore.access_token);
    expect(bobAfter.refresh_token).not.toBe(bobBefore.refresh_token);
    expect(bobAfter.last_refreshed_at).not.toBeNull();
    expect(bobAfter.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000));
    expect([bobAfter.refresh_lease_id, bobAfter.status]).toEqual([null, 'active']);

    // The rotated refresh token was saved: the other server refreshes with it.
    await expireToken('bob');
    const errorsBefore = provider.stats.grantErrors;
    const again = await call(second.origin, cookies.get('bob')!);
    expect(again.status, second.logs()).toBe(200);
    expect(refreshesSeen()).toBe(refreshesBefore + 2);
    expect(provider.stats.grantErrors).toBe(errorsBefore);
    expect((await tokenRow('bob')).access_token).not.toBe(bobAfter.access_token);
  });

  it('when SHUTDOWN_TIMEOUT_SECONDS runs out: one log line says what was cut, its refresh lease is given back, exit 1; the other server refreshes that token', async () => {
    const second = servers[1] as ServerProcess;
    const neverApi = gate();
    const neverRefresh = gate();
    gates.push(neverApi, neverRefresh);
    proxy.inject({ method: 'GET', path: '/api/profile', fault: { kind: 'hold', until: neverApi.until } });
    const aliceCall = call(hasty.origin, cookies.get('alice')!).catch((error: unknown) => error);
    await vi.waitFor(() => expect(proxy.count({ path: '/api/profile' })).toBeGreaterThanOrEqual(1));
    await expireToken('mallory');
    const refreshesBefore = refreshesSeen();
    proxy.inject({ method: 'POST', path: '/token', form: { grant_type: 'refresh_token' }, fault: { kind: 'hold', until: neverRefresh.until } });
    const malloryCall = call(hasty.origin, cookies.get('mallory')!).catch((error: unknown) => error);
    await vi.waitFor(() => expect(refreshesSeen()).toBe(refreshesBefore + 1));
    expect((await tokenRow('mallory')).refresh_lease_id).not.toBeNull();

    hasty.kill('SIGTERM');
    expect(await hasty.exited).toEqual({ code: 1, signal: null });
    const cutLines = hasty.logs().split('\n').filter((line) => line.includes('shutdown cut short'));
    expect(cutLines).toHaveLength(1);
    expect(cutLines[0]).toContain(
      'shutdown cut short: SHUTDOWN_TIMEOUT_SECONDS (1 s) ran out with 2 requests and 1 refresh still running; their connections were closed and 1 refresh lease given back',
    );
    // The callers lost their connections: no answer rather than a wrong one.
    expect(await aliceCall).toBeInstanceOf(TypeError);
    expect(await malloryCall).toBeInstanceOf(TypeError);
    const mallory = await tokenRow('mallory');
    expect([mallory.refresh_lease_id, mallory.status]).toEqual([null, 'active']);

    // No wait for an abandoned lease to expire: the other server refreshes at once.
    const again = await call(second.origin, cookies.get('mallory')!);
    expect(again.status, second.logs()).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ preferred_username: 'mallory' });
    expect((await tokenRow('mallory')).last_refreshed_at).not.toBeNull();
  });
});
