// Service keys at the door of the service API: which keys get in (401
// otherwise, before anything of the request is read), what they may do (403),
// rotation with a grace period, revocation on the next request, the per-key
// rate limit, and what is stored (a hash). The app's clock is a test clock.
import { createHash } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { revokeServiceKey, rotateServiceKey } from '../src/core/service-keys.js';
import { testClock } from './support/clock.js';
import { describeEachDialect } from './support/postgres.js';
import { ALL_PERMISSIONS, newServiceKey, serviceApiClient, withSecondProvider, type ServiceApiClient, type ServiceApiRequest } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

/** A time 10 s into a minute, so the rate limit's window ends 50 s later. */
const START = Math.floor(Date.now() / 1000 / 60) * 60 + 10;

describeEachDialect('service keys', (dialect) => {
  const clock = testClock(START);
  const { app, database } = useTestApp(dialect, { configure: withSecondProvider, env: { SERVICE_RATE_LIMIT: '40' }, now: () => clock.now() });
  let api: ServiceApiClient;
  let alice: SignedInUser;
  let key: string;

  beforeAll(async () => {
    api = await serviceApiClient(app());
    alice = await signedInUser(app(), 'alice');
    key = await newServiceKey(app(), 'all', ALL_PERMISSIONS);
  });

  /** One request of each keyed route, for alice at toolkit. */
  const everyRoute = (): Array<Omit<ServiceApiRequest, 'key'>> => [
    { method: 'GET', template: '/users', query: { email: 'alice@example.test' } },
    { method: 'GET', template: '/users/{id}', params: { id: alice.userId } },
    { method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, body: { external_id: 'x' } },
    { method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id: alice.userId, provider: 'toolkit' } },
    { method: 'GET', template: '/users/{id}/connections/{provider}/proxy/{path}', params: { id: alice.userId, provider: 'toolkit' }, rest: 'profile' },
    { method: 'DELETE', template: '/users/{id}/connections/{provider}', params: { id: alice.userId, provider: 'toolkit' } },
  ];
  const permissionOf: Record<string, string> = {
    'GET /users': 'connections:read',
    'GET /users/{id}': 'connections:read',
    'PATCH /users/{id}': 'users:write',
    'POST /users/{id}/connections/{provider}/access-token': 'tokens:read',
    'GET /users/{id}/connections/{provider}/proxy/{path}': 'proxy',
    'DELETE /users/{id}/connections/{provider}': 'connections:write',
  };
  const expectInvalidKey = (answer: { status: number; body: any; headers: Record<string, unknown> }, what: string) => {
    expect(answer.status, what).toBe(401);
    expect(answer.body.error, what).toBe('invalid_service_key');
    expect(answer.headers['www-authenticate'], what).toBe('Bearer realm="tokenkeeper", error="invalid_token"');
  };
  const getAlice = (withKey: string | null, headers?: Record<string, string>) =>
    api.call({ method: 'GET', template: '/users/{id}', params: { id: alice.userId }, key: withKey, ...(headers ? { headers } : {}) });

  it('no key, another scheme, a malformed key, an unknown id or a wrong secret: 401 invalid_service_key, on every route, before its body is read', async () => {
    const [, id, secret] = /^tks_([^_]+)_(.+)$/.exec(key)!;
    const otherSecret = `${secret!.slice(0, -1)}${secret!.endsWith('A') ? 'B' : 'A'}`;
    const wrong: Array<[string, Record<string, string>]> = [
      ['no Authorization', {}],
      ['Basic', { authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['not a key', { authorization: 'Bearer abc' }],
      ['truncated', { authorization: `Bearer ${key.slice(0, -1)}` }],
      ['two tokens', { authorization: `Bearer ${key} ${key}` }],
      ['unknown id', { authorization: `Bearer tks_01ARZ3NDEKTSV4RRFFQ69G5FAV_${secret}` }],
      ['wrong secret', { authorization: `Bearer tks_${id}_${otherSecret}` }],
    ];
    for (const route of everyRoute()) {
      for (const [what, headers] of wrong) {
        // A body that fails the route's validation: the key is checked first.
        const body = route.method === 'PATCH' || route.method === 'POST' ? { bogus: true } : undefined;
        const answer = await api.call({ ...route, key: null, headers, ...(body ? { body } : {}) });
        expectInvalidKey(answer, `${route.method} ${route.template}: ${what}`);
      }
    }
    // A signed-in browser session is not a key.
    expectInvalidKey(await getAlice(null, { cookie: alice.cookie }), 'session cookie');
    // The scheme is case-insensitive (RFC 9110 §11.1).
    expect((await getAlice(null, { authorization: `bearer ${key}` })).status).toBe(200);
  });

  it('an address the API does not have (a typo, a wrong method), with a key: 404 not_found in JSON, never a CSRF refusal or a page', async () => {
    const misses: Array<[string, string]> = [
      ['POST', '/api/v1/users'],
      ['DELETE', `/api/v1/users/${alice.userId}`],
      ['PUT', `/api/v1/users/${alice.userId}`],
      ['POST', `/api/v1/users/${alice.userId}/connections/toolkit/access-tokens`],
      ['GET', `/api/v1/users/${alice.userId}/connections/toolkit/access-token`],
      ['GET', '/api/v1/userz'],
    ];
    for (const [method, url] of misses) {
      const answer = await app().runtime.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${key}`, accept: '*/*', 'content-type': 'application/json' }, payload: method === 'GET' ? undefined : '{}' });
      expect(answer.statusCode, `${method} ${url}`).toBe(404);
      expect(answer.headers['content-type'], `${method} ${url}`).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toEqual({ error: 'not_found', message: 'There is nothing at this address.' });
    }
  });

  it('a key without the permission a route needs: 403 missing_permission, on every route', async () => {
    const keys = new Map<string, string>();
    for (const permission of ALL_PERMISSIONS) keys.set(permission, await newServiceKey(app(), `only-${permission.replace(':', '-')}`, [permission]));
    for (const route of everyRoute()) {
      const needed = permissionOf[`${route.method} ${route.template}`]!;
      for (const [permission, limited] of keys) {
        if (permission === needed) continue;
        const answer = await api.call({ ...route, key: limited });
        expect(answer.status, `${route.template} with ${permission}`).toBe(403);
        expect(answer.body).toEqual({ error: 'missing_permission', message: `The service key "only-${permission.replace(':', '-')}" does not have the ${needed} permission.` });
      }
    }
  });

  it('a key limited to some providers: 403 provider_not_allowed for another, its own works', async () => {
    const limited = await newServiceKey(app(), 'second-only', ALL_PERMISSIONS, ['second']);
    for (const route of everyRoute().filter((r) => r.params?.provider)) {
      const answer = await api.call({ ...route, key: limited });
      expect(answer.status, route.template).toBe(403);
      expect(answer.body.error).toBe('provider_not_allowed');
    }
    // At its own provider it gets in, past the provider check: alice has not connected "second", so to this key she is
    // no user at all, answered as an id no one has.
    const own = await api.call({ method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id: alice.userId, provider: 'second' }, key: limited });
    const nobody = await api.call({ method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id: 'no-such-user', provider: 'second' }, key: limited });
    expect([own.status, own.body]).toEqual([404, nobody.body]);
    expect(own.body.error).toBe('not_found');
  });

  it('stores the SHA-256 of the secret, never the key; revocation takes effect on the next request', async () => {
    const doomed = await newServiceKey(app(), 'doomed', ['connections:read']);
    const [, id, secret] = /^tks_([^_]+)_(.+)$/.exec(doomed)!;
    const row = await database().db.selectFrom('service_keys').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(createHash('sha256').update(secret!).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);

    expect((await getAlice(doomed)).status).toBe(200);
    await revokeServiceKey(app().runtime, 'doomed', { cli: true });
    expectInvalidKey(await getAlice(doomed), 'revoked');
  });

  it('rotation: the new key works at once, the old one for exactly the grace period', async () => {
    const old = await newServiceKey(app(), 'rotating', ['connections:read']);
    const { key: fresh } = await rotateServiceKey(app().runtime, 'rotating', 60, { cli: true });
    expect(fresh).not.toBe(old);
    expect(fresh.slice(0, 31)).toBe(old.slice(0, 31));
    expect((await getAlice(fresh)).status).toBe(200);
    expect((await getAlice(old)).status).toBe(200);
    clock.advance(59);
    expect((await getAlice(old)).status).toBe(200);
    clock.advance(1);
    expectInvalidKey(await getAlice(old), 'old key after its grace period');
    expect((await getAlice(fresh)).status).toBe(200);

    // Without a grace period the old key stops at once; a key kept from the rotation before is dropped.
    const { key: third } = await rotateServiceKey(app().runtime, 'rotating', 0, { cli: true });
    expectInvalidKey(await getAlice(fresh), 'replaced without grace');
    expect((await getAlice(third)).status).toBe(200);
  });

  it('last_used_at is written on first use, then at most once a minute', async () => {
    const used = await newServiceKey(app(), 'used', ['connections:read']);
    const id = /^tks_([^_]+)_/.exec(used)![1]!;
    const lastUsed = async () => (await database().db.selectFrom('service_keys').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
    expect(await lastUsed()).toBeNull();
    const first = clock.now();
    await getAlice(used);
    expect(await lastUsed()).toBe(first);
    clock.advance(30);
    await getAlice(used);
    expect(await lastUsed()).toBe(first);
    clock.advance(30);
    await getAlice(used);
    expect(await lastUsed()).toBe(first + 60);
  });

  it('SERVICE_RATE_LIMIT: past its requests in a minute, a key gets 429 too_many_requests with Retry-After until the minute ends; other keys go on', async () => {
    // A fresh minute, 10 s in.
    clock.advance(60 - ((clock.now() - START) % 60));
    const busy = await newServiceKey(app(), 'busy', ['connections:read']);
    const calm = await newServiceKey(app(), 'calm', ['connections:read']);
    for (let i = 0; i < 40; i += 1) expect((await getAlice(busy)).status, `request ${i + 1}`).toBe(200);
    const limited = await getAlice(busy);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'too_many_requests', message: 'The service key "busy" made more than 40 requests this minute; try again in 50 s.' });
    expect(limited.headers['retry-after']).toBe('50');
    expect((await getAlice(calm)).status).toBe(200);
    clock.advance(49);
    expect((await getAlice(busy)).status).toBe(429);
    clock.advance(1);
    expect((await getAlice(busy)).status).toBe(200);
  });
});
