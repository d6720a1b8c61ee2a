import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { testClock, type TestClock } from './support/clock.js';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * An API that refuses every token, even one refreshed a moment ago (its own
 * fault, or a token without the permission it wants): each 401 must not cost
 * a refresh-token rotation. Each test has its own app, database and clock.
 */
describeEachDialect('an API that keeps answering 401', (dialect) => {
  let api: Server;
  let refusing: boolean;
  let clock: TestClock;
  let alice: SignedInUser;

  beforeAll(async () => {
    api = createServer((_req, res) => {
      if (refusing) res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve())));
  beforeEach(() => {
    refusing = true;
    clock = testClock();
  });
  const { app } = useTestApp(
    dialect,
    () => ({ now: () => clock.now(), env: { TOOLKIT_API_BASE_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}/api` } }),
    { perTest: true },
  );
  beforeEach(async () => {
    alice = await signedInUser(app(), 'alice');
  });

  const call = () => app().runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/notes', headers: { cookie: alice.cookie } });
  const refreshes = () => app().provider.stats.refreshTokenGrants;

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
    expect((await call()).statusCode).toBe(401); // a refresh and a retry, refused: 30 s of back-off begin
    expect(refreshes()).toBe(before + 1);
    clock.advance(29); // inside the first 30 s
    expect((await call()).statusCode).toBe(401);
    expect(refreshes()).toBe(before + 1);
    clock.advance(1); // past them
    expect((await call()).statusCode).toBe(401);
    expect(refreshes()).toBe(before + 2);
    clock.advance(59); // inside the doubled 60 s
    expect((await call()).statusCode).toBe(401);
    expect(refreshes()).toBe(before + 2);
    clock.advance(1); // past them
    refusing = false;
    expect((await call()).statusCode).toBe(200);
    expect(refreshes()).toBe(before + 2);
    // Past the back-off, a refusal is answered with a refresh and a retry again.
    refusing = true;
    expect((await call()).statusCode).toBe(401);
    expect(refreshes()).toBe(before + 3);
  });
});
