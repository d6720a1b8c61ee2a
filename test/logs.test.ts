import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { ensureBuilt, freePorts, startServerProcesses, type ServerProcess } from './support/server-processes.js';
import { startTestProvider, startTestApp, type TestApp } from './support/test-app.js';
import type { DevProvider } from '../src/dev-provider/index.js';

describe('LOG_REQUESTS', () => {
  let database: TestDatabase;
  let provider: DevProvider;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    provider = await startTestProvider();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await provider?.close();
    await database?.close();
  });

  /** The messages an app with this LOG_REQUESTS logs for one GET of `path` (the home page by default). */
  async function messagesFor(logRequests: string, path = '/'): Promise<unknown[]> {
    const lines: string[] = [];
    const app = await startTestApp({
      databaseUrl: database.url,
      sharedProvider: provider,
      env: { LOG_REQUESTS: logRequests },
      logLevel: 'info',
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    apps.push(app);
    lines.length = 0;
    expect((await app.runtime.app.inject({ method: 'GET', url: `${path}?code=SECRET` })).statusCode).toBe(200);
    return lines.map((line) => JSON.parse(line) as { msg: string; req?: { url: string }; res?: { statusCode: number } }).map(({ msg, req, res }) => [msg, req?.url ?? res?.statusCode]);
  }

  it('true: the request is logged as it comes in and as it is answered, its secret parameters redacted', async () => {
    expect(await messagesFor('true')).toEqual([
      ['incoming request', '/?code=%5Bredacted%5D'],
      ['request completed', 200],
    ]);
  });

  it('true: a passing health probe is not logged (a load balancer asks every few seconds)', async () => {
    expect(await messagesFor('true', '/healthz')).toEqual([]);
    expect(await messagesFor('true', '/readyz')).toEqual([]);
  });

  it('false: no line for it', async () => {
    expect(await messagesFor('false')).toEqual([]);
  });
});

describe('tokenkeeper serve output', () => {
  let cwd: string;
  let server: ServerProcess | undefined;
  beforeAll(() => ensureBuilt(), 120_000);
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    rmSync(cwd, { recursive: true, force: true });
  });

  /** `serve` with no provider configured (the dev provider starts), stdout a pipe as under a process manager. */
  async function serve(env: Record<string, string>): Promise<{ server: ServerProcess; port: number }> {
    cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-logs-'));
    const [port, providerPort] = (await freePorts(2)) as [number, number];
    server = (await startServerProcesses({ count: 1, ports: [port], cwd, env: { DEV_PROVIDER_PORT: String(providerPort), ...env } }))[0]!;
    await vi.waitFor(() => expect(server!.stdout()).toContain('Tokenkeeper is running'), { timeout: 10_000 });
    return { server, port };
  }

  it('is JSON lines only when stdout is not a terminal: the banner is one log line, no request lines in development', async () => {
    const { server, port } = await serve({});
    const lines = server.stdout().split('\n').filter((line) => line !== '');
    const parsed = lines.map((line) => JSON.parse(line) as { msg: string; url?: string; issuer?: string; demoAccounts?: string[] });
    const running = parsed.find((line) => line.msg === 'Tokenkeeper is running');
    expect(running?.url).toBe(`http://localhost:${port}`);
    const devProvider = parsed.find((line) => line.msg.startsWith('no OAUTH_PROVIDERS configured'));
    expect(devProvider?.demoAccounts).toEqual(['alice / alice', 'bob / bob', 'mallory / mallory']);
    expect(parsed.filter((line) => line.msg === 'incoming request')).toEqual([]);
  });

  it('LOG_FORMAT=pretty: readable lines, then the banner', async () => {
    const { server, port } = await serve({ LOG_FORMAT: 'pretty' });
    await vi.waitFor(() => expect(server.stdout()).toContain('mallory / mallory'), { timeout: 10_000 });
    const stdout = server.stdout();
    expect(stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
    expect(stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d\d\d\] INFO: Tokenkeeper is running$/m);
    expect(stdout).toContain(`\n  Tokenkeeper is running at http://localhost:${port}/\n`);
    expect(stdout).toContain('  alice / alice, bob / bob, mallory / mallory\n');
  });
});
