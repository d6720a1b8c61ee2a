// The database going away under a running server (PostgreSQL down or
// restarting, a SQLite write lock held too long): every request that needs it
// is answered 503 not_ready with Retry-After, JSON or a page, not a 500; the
// log says why; and the server serves again as soon as the database is back.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from './support/postgres.js';
import { newServiceKey, serviceApiClient } from './support/service-api.js';
import { signedInUser } from './support/signed-in.js';
import { startTcpRelay } from './support/tcp-relay.js';
import { APP_ORIGIN, startTestApp } from './support/test-app.js';

const [sqlite, postgres] = DIALECTS;

interface LogLine {
  level: number;
  msg: string;
  code?: string;
}

describe('a database that does not answer', () => {
  it.skipIf(!postgres!.available)('PostgreSQL down: 503 not_ready with Retry-After from pages, /api and the service API (as its OpenAPI document says), then served again once it is back', { timeout: 60_000 }, async () => {
    const database = await postgres!.openTestDatabase();
    const url = new URL(database.url);
    const relay = await startTcpRelay({ host: url.hostname, port: Number(url.port) });
    const throughRelay = new URL(database.url);
    throughRelay.hostname = '127.0.0.1';
    throughRelay.port = String(relay.port);
    const lines: LogLine[] = [];
    const app = await startTestApp({ databaseUrl: throughRelay.toString(), logLevel: 'info', logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
    try {
      const alice = await signedInUser(app, 'alice');
      const key = await newServiceKey(app, 'outage', ['tokens:read', 'connections:read']);
      const api = await serviceApiClient(app);
      const accessToken = () => api.call({ method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id: alice.userId, provider: 'toolkit' }, key });
      expect((await accessToken()).status).toBe(200);

      await relay.cut();
      lines.length = 0;
      const token = await accessToken();
      expect(token.status).toBe(503);
      expect(token.body).toEqual({ error: 'not_ready', message: 'The database did not answer. Please try again in a moment.' });
      expect(token.headers['retry-after']).toBe('5');
      const user = await api.call({ method: 'GET', template: '/users/{id}', params: { id: alice.userId }, key });
      expect(user.status).toBe(503);
      const me = await app.runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: alice.cookie } });
      expect([me.statusCode, JSON.parse(me.body).error, me.headers['retry-after']]).toEqual([503, 'not_ready', '5']);
      const page = await alice.browser.get(`${APP_ORIGIN}/account`);
      expect(page.status).toBe(503);
      expect(page.text).toContain('The database did not answer. Please try again in a moment.');

      expect(lines.filter((line) => line.level >= 50)).toEqual([]);
      expect(lines.filter((line) => line.msg === 'the database did not answer').length).toBeGreaterThanOrEqual(4);

      // Probes keep asking through an outage: each says 503, the log says so once per probe kind, not once a probe.
      lines.length = 0;
      for (let probe = 0; probe < 5; probe += 1) {
        expect((await app.runtime.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
        expect((await app.runtime.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      }
      const checks = () => lines.map((line) => line.msg).filter((msg) => msg.includes(' check'));
      expect(checks().sort()).toEqual(['health check: database did not answer', 'readiness check: the database did not answer']);

      await relay.restore();
      expect((await app.runtime.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await app.runtime.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      expect(checks().slice(2).map((msg) => msg.replace(/\d+ s$/, 'N s')).sort()).toEqual([
        'health check: the database answers again, after N s',
        'readiness check: the database answers again, after N s',
      ]);
      expect((await accessToken()).status).toBe(200);
      expect((await alice.browser.get(`${APP_ORIGIN}/account`)).status).toBe(200);
    } finally {
      await app.close();
      await relay.close();
      await database.close();
    }
  });

  it('SQLite write lock held by another process past the busy timeout: a write answers 503 not_ready, and works once the lock is let go', { timeout: 60_000 }, async () => {
    const database = await sqlite!.openTestDatabase();
    const app = await startTestApp({ databaseUrl: database.url });
    const other = new Database(database.url.slice('sqlite:'.length));
    try {
      const alice = await signedInUser(app, 'alice');
      const key = await newServiceKey(app, 'locked', ['tokens:read']);
      const api = await serviceApiClient(app);
      // Each token handed out is audited (a write) before it is answered.
      const accessToken = () => api.call({ method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id: alice.userId, provider: 'toolkit' }, key });

      other.exec('begin immediate');
      const locked = await accessToken();
      expect([locked.status, locked.body.error, locked.headers['retry-after']]).toEqual([503, 'not_ready', '5']);
      other.exec('rollback');
      expect((await accessToken()).status).toBe(200);
    } finally {
      other.close();
      await app.close();
      await database.close();
    }
  });
});
