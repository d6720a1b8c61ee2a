import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * An API that refuses every token, even one refreshed a moment ago (its own
 * fault, or a token without the permission it wants): each 401 must not cost
 * a refresh-token rotation.
 */
describeEachDialect('an API that keeps answering 401', (dialect) => {
  let database: TestDatabase;
  let app: TestApp;
  let api: Server;
  let refusing = true;
  let shift = 0;
  let alice: SignedInUser;

  beforeAll(async () => {
    api = createServer((_req, res) => {
      if (refusing) res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    database = await dialect.openTestDatabase();
    app = await startTestApp({
      databaseUrl: database.url,
      now: () => Math.floor(Date.now() / 1000) + shift,
      env: { TOOLKIT_API_BASE_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}/api` },
    });
    alice = await signedInUser(app, 'alice');
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await new Promise<void>((resolve) => api?.close(() => resolve()));
  });

  const call = () => app.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/notes', headers: { cookie: alice.cookie } });
  const refreshes = () => app.provider.stats.refreshTokenGrants;

  it('refreshes and retries once, then backs off: 20 calls make one refresh, and the caller gets the 401', async () => {
    const before = refreshes();
    const answers = [];
    for (let i = 0; i < 20; i += 1) answers.push(await call());
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[19]!.body)).toEqual({ error: 'invalid_token' });
    expect(refreshes()).toBe(before + 1);
  });

  it('the back-off doubles while the refusals go on; an API that accepts again is used without a refresh', async () => {
    const before = refreshes();
    shift += 31; // past the first 30 s
    expect((await call()).statusCode).toBe(401);
    expect(refreshes()).toBe(before + 1);
    shift += 31; // inside the doubled 60 s
    expect((await call()).statusCode).toBe(401);
    expect(refreshes()).toBe(before + 1);
    shift += 30;
    refusing = false;
    expect((await call()).statusCode).toBe(200);
    expect(refreshes()).toBe(before + 1);
    // Past the back-off, a refusal is answered with a refresh and a retry again.
    refusing = true;
    expect((await call()).statusCode).toBe(401);
    expect(refreshes()).toBe(before + 2);
  });
});
