import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { FaultProxy } from './support/fault-proxy.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { startProviderBehindProxy } from './support/provider-behind-proxy.js';
import { expireStoredAccessToken, signedInUser, type SignedInUser } from './support/signed-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REFRESH = { method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } } as const;

describeEachDialect('a refresh the provider answers badly', (dialect) => {
  let database: TestDatabase;
  let app: TestApp;
  let proxy: FaultProxy;
  let closeProvider: () => Promise<void>;

  beforeAll(async () => {
    database = await dialect.openTestDatabase({ migrate: false });
    const behind = await startProviderBehindProxy();
    proxy = behind.proxy;
    closeProvider = behind.close;
    app = await startTestApp({ databaseUrl: database.url, sharedProvider: behind.provider, env: { PROVIDER_TIMEOUT_SECONDS: '1' } });
  });
  afterEach(() => proxy?.clear());
  afterAll(async () => {
    await app?.close();
    await closeProvider?.();
    await database?.close();
  });

  const callApi = (user: SignedInUser) =>
    app.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: user.cookie } });

  async function expectUnchangedAfterFailure(user: SignedInUser, expectedStatus: number, expectedCode: string): Promise<void> {
    await expireStoredAccessToken(database, user.userId);
    const before = await app.runtime.tokenStore.findToken(user.userId, 'toolkit');
    const refreshesSeen = proxy.count(REFRESH);
    const answer = await callApi(user);
    expect(answer.statusCode).toBe(expectedStatus);
    expect(JSON.parse(answer.body)).toMatchObject({ error: expectedCode });
    expect(proxy.count(REFRESH)).toBe(refreshesSeen + 1);
    const after = await app.runtime.tokenStore.findToken(user.userId, 'toolkit');
    expect(after).toMatchObject({
      accessToken: before!.accessToken,
      refreshToken: before!.refreshToken,
      idToken: before!.idToken,
      expiresAt: before!.expiresAt,
      status: 'active',
      lastError: expectedCode,
    });
  }

  it('500: the stored tokens are untouched, a clear 502, then back-off without asking the provider', async () => {
    const user = await signedInUser(app, 'alice');
    proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 500, body: '{"error":"server_error"}' } });
    await expectUnchangedAfterFailure(user, 502, 'provider_error');

    const seen = proxy.count(REFRESH);
    const backedOff = await callApi(user);
    expect(backedOff.statusCode).toBe(503);
    expect(proxy.count(REFRESH)).toBe(seen);

    // After the back-off the next call refreshes and succeeds: nothing was lost.
    await sleep(2_100);
    expect((await callApi(user)).statusCode).toBe(200);
    const events = await database.db.selectFrom('audit_log').select('event').where('event', 'in', ['token.refresh_failed', 'token.refreshed']).orderBy('id').execute();
    expect(events.map((e) => e.event).slice(-2)).toEqual(['token.refresh_failed', 'token.refreshed']);
  });

  it('503 with Retry-After: 503 passed on with Retry-After, and the provider is left alone that long', async () => {
    const user = await signedInUser(app, 'mallory');
    proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 503, contentType: 'text/plain', body: 'busy', headers: { 'retry-after': '120' } } });
    await expectUnchangedAfterFailure(user, 503, 'provider_unavailable');
    const seen = proxy.count(REFRESH);
    const again = await callApi(user);
    expect(again.statusCode).toBe(503);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(100);
    expect(proxy.count(REFRESH)).toBe(seen);
  });

  it('a timeout: 504, tokens untouched', async () => {
    const user = await signedInUser(app, 'bob');
    proxy.inject({ ...REFRESH, fault: { kind: 'hang' } });
    await expectUnchangedAfterFailure(user, 504, 'provider_timeout');
  });

  it('an HTML page instead of JSON: 502, tokens untouched', async () => {
    const user = await signedInUser(app, 'bob');
    proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 200, contentType: 'text/html', body: '<html><body>Maintenance</body></html>' } });
    await expectUnchangedAfterFailure(user, 502, 'provider_bad_response');
  });

  it('no new refresh token in the answer: the old one is kept with the new access token', async () => {
    await sleep(2_100); // alice's back-off from the first test
    const user = await signedInUser(app, 'alice');
    const before = await app.runtime.tokenStore.findToken(user.userId, 'toolkit');
    await expireStoredAccessToken(database, user.userId);
    proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 200, body: '{"access_token":"issued-without-rotation","token_type":"Bearer","expires_in":300}' } });
    const answer = await app.runtime.tokens.getAccessToken(user.userId, 'toolkit');
    expect(answer.accessToken).toBe('issued-without-rotation');
    const after = await app.runtime.tokenStore.findToken(user.userId, 'toolkit');
    expect(after).toMatchObject({ accessToken: 'issued-without-rotation', refreshToken: before!.refreshToken, idToken: before!.idToken, status: 'active' });
  });

  it('an API connection reset before any answer: a GET is retried once, a POST is not', async () => {
    const user = await signedInUser(app, 'alice');
    const calls = proxy.count({ path: '/api/profile' });
    proxy.inject({ path: '/api/profile', fault: { kind: 'reset' } });
    expect((await callApi(user)).statusCode).toBe(200);
    expect(proxy.count({ path: '/api/profile' })).toBe(calls + 2);

    proxy.inject({ path: '/api/notes', method: 'POST', fault: { kind: 'reset' } });
    const post = await app.runtime.app.inject({
      method: 'POST',
      url: '/api/providers/toolkit/proxy/notes',
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(post.statusCode).toBe(503);
    expect(proxy.count({ path: '/api/notes', method: 'POST' })).toBe(1);
  });

  it('a 401 from the API: one refresh, one retry, then the answer', async () => {
    const user = await signedInUser(app, 'bob');
    const refreshes = proxy.count(REFRESH);
    const apiCalls = proxy.count({ path: '/api/profile' });
    proxy.inject({ path: '/api/profile', fault: { kind: 'status', status: 401, body: '{"error":"invalid_token"}', headers: { 'www-authenticate': 'Bearer error="invalid_token"' } } });
    const answer = await callApi(user);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ name: 'Bob Builder' });
    expect(proxy.count(REFRESH)).toBe(refreshes + 1);
    expect(proxy.count({ path: '/api/profile' })).toBe(apiCalls + 2);

    // An API that keeps refusing: still one refresh and one retry, and its 401 is passed on.
    proxy.inject({ path: '/api/profile', times: 2, fault: { kind: 'status', status: 401, body: '{"error":"invalid_token"}' } });
    const refused = await callApi(user);
    expect(refused.statusCode).toBe(401);
    expect(proxy.count(REFRESH)).toBe(refreshes + 2);
    expect(proxy.count({ path: '/api/profile' })).toBe(apiCalls + 4);
  });
});
