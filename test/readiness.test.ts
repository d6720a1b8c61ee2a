// GET /readyz, what a load balancer asks, beside GET /healthz, the liveness check.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { knownMigrations, migrateToLatest } from '../src/db/migrate.js';
import { createLogger } from '../src/server/logger.js';
import { createRuntime } from '../src/server/runtime.js';
import type { FaultProxy } from './support/fault-proxy.js';
import { describeEachDialect } from './support/postgres.js';
import { startProviderBehindProxy } from './support/provider-behind-proxy.js';
import { testAppEnv, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import type { DevProvider } from '../src/dev-provider/index.js';

async function readyz(app: TestApp['runtime']['app']) {
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  return { status: response.statusCode, body: response.json() as Record<string, unknown>, cacheControl: response.headers['cache-control'] };
}

async function healthz(app: TestApp['runtime']['app']) {
  const answer = await app.inject({ method: 'GET', url: '/healthz' });
  return { status: answer.statusCode, body: answer.json() as Record<string, unknown> };
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';

// Discovery runs in the background after start-up; on a loaded machine it can take seconds, not the 1 s waitFor gives by default.
const SETTLED = { timeout: 15_000, interval: 50 };

describeEachDialect('GET /readyz', (dialect) => {
  let behindProxy: { provider: DevProvider; proxy: FaultProxy; close(): Promise<void> };
  beforeAll(async () => {
    behindProxy = await startProviderBehindProxy();
  });
  afterAll(() => behindProxy?.close());

  const { app } = useTestApp(dialect, () => ({ sharedProvider: behindProxy.provider }), { perTest: true });

  it('answers 200 "ready" once the providers are discovered, never from a cache; /healthz answers 200', async () => {
    const runtime = app().runtime;
    await vi.waitFor(async () => expect((await readyz(runtime.app)).body).toEqual({ status: 'ready', providers: { toolkit: { status: 'ok' } } }), SETTLED);
    const answer = await readyz(runtime.app);
    expect(answer.status).toBe(200);
    expect(answer.cacheControl).toBe('no-store');
    expect((await healthz(runtime.app)).status).toBe(200);
  });

  it('a provider whose discovery fails makes it "degraded" with the provider and why, still 200; it is ready again once discovery works', async () => {
    const { proxy } = behindProxy;
    proxy.inject({ method: 'GET', path: DISCOVERY_PATH, times: Infinity, fault: { kind: 'status', status: 500, body: 'down' } });
    try {
      const runtime = app().runtime;
      // The first probe starts discovery and does not wait for it: the provider is pending, the server ready.
      expect((await readyz(runtime.app)).body).toEqual({ status: 'ready', providers: { toolkit: { status: 'pending' } } });
      await vi.waitFor(async () => expect((await readyz(runtime.app)).body.status).toBe('degraded'), SETTLED);
      const degraded = await readyz(runtime.app);
      expect(degraded.status).toBe(200);
      expect(degraded.body).toEqual({
        status: 'degraded',
        providers: { toolkit: { status: 'failed', error: 'provider_error', message: `Toolkit failed the discovery at ${behindProxy.provider.issuer}${DISCOVERY_PATH} (HTTP 500).` } },
      });
    } finally {
      proxy.clear();
    }
    await vi.waitFor(async () => expect((await readyz(app().runtime.app)).body).toEqual({ status: 'ready', providers: { toolkit: { status: 'ok' } } }), SETTLED);
  });

  it('answers 503 not_ready "shutting_down" once shutdown starts, while /healthz still answers 200', async () => {
    const runtime = app().runtime;
    runtime.readiness.startShutdown();
    const answer = await readyz(runtime.app);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'unavailable', error: 'not_ready', reason: 'shutting_down', message: 'The server is shutting down.' });
    expect((await healthz(runtime.app)).status).toBe(200);
  });

  /** A runtime of its own, on a database of its own, for the tests that break either. */
  async function ownRuntime(options: { migrate: boolean; database?: Awaited<ReturnType<typeof dialect.openTestDatabase>>; log?: string[] }) {
    const own = options.database ?? (await dialect.openTestDatabase({ migrate: false }));
    const config = loadConfig(testAppEnv({ baseUrl: 'http://app.test', databaseUrl: own.url, issuer: behindProxy.provider.issuer }), mkdtempSync(join(tmpdir(), 'tokenkeeper-app-')));
    const logger = options.log ? createLogger('warn', { write: (line: string) => options.log!.push(line) }) : createLogger('silent', pino.destination('/dev/null'));
    const runtime = await createRuntime({ config, logger, migrate: options.migrate });
    return { runtime, database: own };
  }

  it('starts and is ready on a database a newer version migrated (a rolling upgrade, a rollback), warning that it is behind', async () => {
    const ahead = await dialect.openTestDatabase({ migrate: true });
    await sql`insert into kysely_migration (name, timestamp) values ('2099-01-01T0000-newer', '2099-01-01T00:00:00.000Z')`.execute(ahead.db);
    const log: string[] = [];
    const { runtime } = await ownRuntime({ migrate: true, database: ahead, log });
    try {
      expect((await readyz(runtime.app)).status).toBe(200);
      const warning = log.map((line) => JSON.parse(line) as { level: number; msg: string; migrations?: string[] }).find((line) => line.migrations !== undefined);
      expect(warning).toMatchObject({ level: 40, migrations: ['2099-01-01T0000-newer'], msg: expect.stringMatching(/^the database has a migration this version does not have/) });
    } finally {
      await runtime.close();
      await ahead.close();
    }
  });

  it('answers 503 not_ready "database_unavailable" when the database does not answer, and so does /healthz', async () => {
    const { runtime, database: own } = await ownRuntime({ migrate: true });
    try {
      expect((await readyz(runtime.app)).status).toBe(200);
      await runtime.database.close();
      const answer = await readyz(runtime.app);
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ status: 'unavailable', error: 'not_ready', reason: 'database_unavailable', message: 'The database did not answer.' });
      expect(await healthz(runtime.app)).toEqual({ status: 503, body: { status: 'unavailable', error: 'not_ready', reason: 'database_unavailable', message: 'The database did not answer.' } });
    } finally {
      // Not runtime.close(): its database is closed already.
      await runtime.app.close();
      await runtime.dropProviderConnections();
      await own.close();
    }
  });

  it('answers 503 not_ready "migrations_pending", naming them, until the database is migrated', async () => {
    const { runtime, database: unmigrated } = await ownRuntime({ migrate: false });
    try {
      const answer = await readyz(runtime.app);
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({
        status: 'unavailable',
        error: 'not_ready',
        reason: 'migrations_pending',
        message: `The database lacks ${knownMigrations().length} migration(s) this server needs: run \`tokenkeeper migrate\`.`,
        pending: knownMigrations(),
      });
      expect((await healthz(runtime.app)).status).toBe(200);
      await migrateToLatest(unmigrated);
      expect((await readyz(runtime.app)).status).toBe(200);
    } finally {
      await runtime.close();
      await unmigrated.close();
    }
  });
});
