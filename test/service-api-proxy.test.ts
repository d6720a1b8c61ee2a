// The service API's proxy (ANY /api/v1/users/:id/connections/:provider/proxy/*):
// the browser proxy's call for a service key, against an API that echoes what
// it receives. Every answer is checked against the OpenAPI document.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testClock } from './support/clock.js';
import { startEchoApi, type EchoApi, type EchoedRequest } from './support/echo-api.js';
import { describeEachDialect } from './support/postgres.js';
import { ALL_PERMISSIONS, newServiceKey, serviceApiClient, type ServiceApiClient, type ServiceApiRequest } from './support/service-api.js';
import { expireStoredAccessToken, signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

const PROXY = '/users/{id}/connections/{provider}/proxy/{path}';

describeEachDialect('service API: the proxy', (dialect) => {
  let echo: EchoApi;
  const clock = testClock();
  beforeAll(async () => {
    echo = await startEchoApi();
  });
  afterAll(() => echo?.close());
  const { app, database } = useTestApp(dialect, () => ({ env: { TOOLKIT_API_BASE_URL: `${echo.origin}/v1` }, now: () => clock.now() }));
  let api: ServiceApiClient;
  let key: string;
  let alice: SignedInUser;

  beforeAll(async () => {
    api = await serviceApiClient(app());
    key = await newServiceKey(app(), 'crm', ALL_PERMISSIONS);
    alice = await signedInUser(app(), 'alice');
  });

  const proxy = (rest: string, options: Partial<ServiceApiRequest> = {}) =>
    api.call({ method: 'GET', template: PROXY, params: { id: alice.userId, provider: 'toolkit' }, rest, key, ...options });
  const lastEchoed = (): EchoedRequest => echo.requests.at(-1)!;
  const grants = () => app().provider.stats.refreshTokenGrants;

  it("GET calls the API with the user's access token, never the service key, and streams its answer back as foreign content", async () => {
    const answer = await proxy('items/7?page=2', { headers: { accept: 'application/json', cookie: 'a=b', 'x-custom': 'no' } });
    expect(answer.status).toBe(200);
    const echoed = lastEchoed();
    expect(echoed).toMatchObject({ method: 'GET', url: '/v1/items/7?page=2' });
    expect(echoed.headers.authorization).toBe(`Bearer ${(await app().runtime.tokenStore.findToken(alice.userId, 'toolkit'))!.accessToken}`);
    expect(JSON.stringify(echoed.headers)).not.toContain(key.slice(4));
    expect(echoed.headers.accept).toBe('application/json');
    expect(echoed.headers.cookie).toBeUndefined();
    expect(echoed.headers['x-custom']).toBeUndefined();
    expect(answer.body).toMatchObject({ url: '/v1/items/7?page=2' });
    expect(answer.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    expect(answer.headers['cache-control']).toBe('private, no-store');
    // The API's own header is not on the allowlist.
    expect(answer.headers['x-api-header']).toBeUndefined();
  });

  it('POST, PUT, PATCH and DELETE pass the body through, without a CSRF token', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const answer = await proxy('notes', { method, body: '{"text":"hi"}', headers: { 'content-type': 'application/json' } });
      expect(answer.status, method).toBe(200);
      expect(lastEchoed()).toMatchObject({ method, url: '/v1/notes', body: '{"text":"hi"}' });
    }
  });

  it('keeps the path as sent (an encoded slash stays encoded) and refuses one that would leave the API base: 400 invalid_api_path', async () => {
    expect((await proxy('projects/group%2Fproject')).status).toBe(200);
    expect(lastEchoed().url).toBe('/v1/projects/group%2Fproject');
    const before = echo.requests.length;
    for (const rest of ['..%2f..%2fadmin', '%2e%2e%2fsecret', 'a/%252e%252e/b']) {
      const answer = await proxy(rest);
      expect(answer.status, rest).toBe(400);
      expect(answer.body.error).toBe('invalid_api_path');
    }
    expect(echo.requests.length).toBe(before);
  });

  it('an expired token is refreshed first; a 401 from the API is answered with one refresh and one retry', async () => {
    await expireStoredAccessToken(database(), alice.userId, 'toolkit', clock.now());
    let before = grants();
    expect((await proxy('profile')).status).toBe(200);
    expect(grants()).toBe(before + 1);

    before = grants();
    const calls = echo.requests.length;
    const refused = await proxy(`with-headers?status=401`);
    expect(refused.status).toBe(401);
    expect(grants()).toBe(before + 1);
    expect(echo.requests.length).toBe(calls + 2);
  });

  it("the API's answers carry Tokenkeeper-Upstream and our own errors do not, so the API's 401 or 404 is not taken for the key's or the user's", async () => {
    for (const status of [200, 401, 404, 429]) {
      const answer = await proxy(`with-headers?status=${status}&set=Tokenkeeper-Upstream:false`);
      expect(answer.status).toBe(status);
      expect(answer.headers['tokenkeeper-upstream'], String(status)).toBe('true');
    }
    const ours = [
      await proxy('profile', { key: 'tks_not_a_key' }),
      await api.call({ method: 'GET', template: PROXY, params: { id: 'no-such-user', provider: 'toolkit' }, rest: 'profile', key }),
      await proxy('%2e%2e%2fsecret'),
    ];
    expect(ours.map((answer) => [answer.status, answer.body.error, answer.headers['tokenkeeper-upstream']])).toEqual([
      [401, 'invalid_service_key', undefined],
      [404, 'not_found', undefined],
      [400, 'invalid_api_path', undefined],
    ]);
  });

  it('a redirect off the API comes back unfollowed with its absolute Location, which the document describes; none to another scheme', async () => {
    const documented = api.document.paths[`/api/v1${PROXY}`]!.get!.responses.default!.headers ?? {};
    expect(Object.keys(documented)).toContain('Location');
    const answer = await proxy('with-headers?status=302&set=Location:/downloads/archive.zip%3Ftoken%3Dt1');
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe(`${echo.origin}/downloads/archive.zip?token=t1`);
    expect(echo.requests.some((request) => request.url.startsWith('/downloads/'))).toBe(false);
    const script = await proxy('with-headers?status=302&set=Location:javascript:alert(1)');
    expect(script.status).toBe(302);
    expect(script.headers.location).toBeUndefined();
  });

  it('TRACE is not proxied (the API would echo the access token back)', async () => {
    const before = echo.requests.length;
    const answer = await app().runtime.app.inject({ method: 'TRACE' as 'GET', url: `/api/v1/users/${alice.userId}/connections/toolkit/proxy/x`, headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });
    // No route takes it: it gets what any address without a route gets.
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: 'not_found', message: 'There is nothing at this address.' });
    expect(echo.requests.length).toBe(before);
  });

  it('no such user: 404 not_found; not connected: 404 not_connected; a provider not configured: 404 unknown_provider; none reaches the API', async () => {
    const before = echo.requests.length;
    const missing = await api.call({ method: 'GET', template: PROXY, params: { id: 'no-such-user', provider: 'toolkit' }, rest: 'profile', key });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'not_found', message: 'There is no user with this id.' });
    const bob = await signedInUser(app(), 'bob');
    await database().db.deleteFrom('tokens').where('user_id', '=', bob.userId).execute();
    const notConnected = await api.call({ method: 'GET', template: PROXY, params: { id: bob.userId, provider: 'toolkit' }, rest: 'profile', key });
    expect(notConnected.status).toBe(404);
    expect(notConnected.body).toEqual({ error: 'not_connected', message: 'This user has not connected Toolkit.' });
    const unknown = await api.call({ method: 'GET', template: PROXY, params: { id: alice.userId, provider: 'github' }, rest: 'profile', key });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown_provider');
    expect(echo.requests.length).toBe(before);
  });

  it('a key without `proxy`: 403 missing_permission; a connection that needs re-auth: 409 needs_reauth', async () => {
    const reader = await newServiceKey(app(), 'reader', ['connections:read', 'tokens:read']);
    const refused = await proxy('profile', { key: reader });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('missing_permission');

    const mallory = await signedInUser(app(), 'mallory');
    await app().runtime.tokenStore.markNeedsReauth(mallory.userId, 'toolkit', 'invalid_grant', clock.now());
    const stale = await api.call({ method: 'GET', template: PROXY, params: { id: mallory.userId, provider: 'toolkit' }, rest: 'profile', key });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('needs_reauth');
    expect(stale.body.reconnect_url).toMatch(/\/connect\/[A-Za-z0-9_-]{43}$/);
  });
});
