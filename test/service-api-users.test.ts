// The service API's users: finding them, reading one, setting external_id,
// and the OpenAPI document every answer here is checked against (see
// support/service-api.ts).
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, expect, it } from 'vitest';
import { setUserFlags } from '../src/db/user.repository.js';
import { describeEachDialect } from './support/postgres.js';
import { ALL_PERMISSIONS, expectNoSecretIn, newServiceKey, serviceApiClient, toolkitConnectionOf, withSecondProvider, type ServiceApiClient } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

describeEachDialect('service API: users', (dialect) => {
  const { app, database } = useTestApp(dialect, { configure: withSecondProvider });
  let api: ServiceApiClient;
  let key: string;
  let alice: SignedInUser;
  let bob: SignedInUser;

  beforeAll(async () => {
    api = await serviceApiClient(app());
    key = await newServiceKey(app(), 'everything', ALL_PERMISSIONS);
    alice = await signedInUser(app(), 'alice');
    bob = await signedInUser(app(), 'bob');
  });

  const subjectOf = async (user: SignedInUser) =>
    (await database().db.selectFrom('accounts').select('subject').where('user_id', '=', user.userId).executeTakeFirstOrThrow()).subject;

  it('serves an OpenAPI 3.1 document of the service API alone, without a key, with the key as a bearer scheme', async () => {
    expect(api.document.openapi).toBe('3.1.0');
    expect(Object.keys(api.document.paths).sort()).toEqual([
      '/api/v1/connect-links',
      '/api/v1/connections',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/users/{id}/connections/{provider}',
      '/api/v1/users/{id}/connections/{provider}/access-token',
      '/api/v1/users/{id}/connections/{provider}/proxy/{path}',
    ]);
    expect(api.document).toMatchObject({ components: { securitySchemes: { serviceKey: { type: 'http', scheme: 'bearer' } } } });
    expect(Object.keys(api.document.paths['/api/v1/users/{id}']!).sort()).toEqual(['get', 'patch']);
    // A body is required where the route needs one; the access token's options all have defaults, so its body is optional.
    const requestBody = (path: string, method: string) => (api.document.paths[path]![method] as { requestBody?: { required?: boolean } }).requestBody;
    expect(requestBody('/api/v1/users/{id}', 'patch')?.required).toBe(true);
    expect(requestBody('/api/v1/connect-links', 'post')?.required).toBe(true);
    expect(requestBody('/api/v1/users/{id}/connections/{provider}/access-token', 'post')?.required).toBe(false);
    const answer = await app().runtime.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
  });

  it('the document is valid OpenAPI 3.1 (checked against the specification\'s own JSON schema)', async () => {
    const result = await new Validator().validate(structuredClone(api.document) as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('a 503 documents what its Retry-After means for the codes that route answers: the database\'s outage everywhere, a provider\'s back-off only where a provider is asked', () => {
    type Described = { responses: Record<string, { headers?: Record<string, { description?: string }> }> };
    const retryAfter = (path: string, method: string) => (api.document.paths[path]![method] as unknown as Described).responses['503']?.headers?.['Retry-After']?.description;
    for (const [path, method] of [['/api/v1/users', 'get'], ['/api/v1/connections', 'get'], ['/api/v1/users/{id}', 'patch'], ['/api/v1/connect-links', 'post'], ['/api/v1/users/{id}/connections/{provider}', 'delete']] as const) {
      expect(retryAfter(path, method), `${method} ${path}`).toBe('`not_ready`: seconds to wait when the database did not answer');
    }
    expect(retryAfter('/api/v1/users/{id}/connections/{provider}/access-token', 'post')).toBe(
      '`provider_unavailable`: seconds until the provider is asked again; absent for `provider_unreachable`; `not_ready`: seconds to wait when the database did not answer',
    );
  });

  it('GET /users/:id: the user, their connections with metadata only, never a token value', async () => {
    const answer = await api.call({ method: 'GET', template: '/users/{id}', params: { id: alice.userId }, key });
    expect(answer.status).toBe(200);
    const { connection, secrets } = await toolkitConnectionOf(app(), database(), alice.userId);
    expect(answer.body).toEqual({
      id: alice.userId,
      external_id: null,
      username: 'alice',
      email: 'alice@example.test',
      email_verified: true,
      name: 'Alice Liddell',
      is_active: true,
      connections: [connection],
    });
    expectNoSecretIn(answer.body, secrets);
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('GET /users/:id of no such user: 404 not_found, saying nothing of anyone', async () => {
    const answer = await api.call({ method: 'GET', template: '/users/{id}', params: { id: 'no-such-user' }, key });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'not_found', message: 'There is no user with this id.' });
  });

  it('GET /users finds by external_id, by e-mail in any case, and by provider and subject', async () => {
    const patched = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: bob.userId }, key, body: { external_id: 'crm-42' } });
    expect(patched.status).toBe(200);
    const ids = (body: { users: Array<{ id: string }> }) => body.users.map((user) => user.id);

    const byExternal = await api.call({ method: 'GET', template: '/users', query: { external_id: 'crm-42' }, key });
    expect(byExternal.status).toBe(200);
    expect(ids(byExternal.body)).toEqual([bob.userId]);
    expect(byExternal.body.users[0]).toMatchObject({ username: 'bob', external_id: 'crm-42', connections: [{ provider: 'toolkit' }] });

    const byEmail = await api.call({ method: 'GET', template: '/users', query: { email: 'ALICE@Example.TEST' }, key });
    expect(ids(byEmail.body)).toEqual([alice.userId]);

    const bySubject = await api.call({ method: 'GET', template: '/users', query: { provider: 'toolkit', subject: await subjectOf(bob) }, key });
    expect(ids(bySubject.body)).toEqual([bob.userId]);

    const misses: Array<Record<string, string>> = [{ external_id: 'nobody' }, { email: 'nobody@example.test' }, { provider: 'toolkit', subject: 'nobody' }];
    for (const query of misses) {
      const none = await api.call({ method: 'GET', template: '/users', query, key });
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ users: [] });
    }
  });

  it('a user id longer than the router takes (200 characters): 414 uri_too_long, documented, on every route that names a user', async () => {
    const id = 'x'.repeat(201);
    const answers = [
      await api.call({ method: 'GET', template: '/users/{id}', params: { id }, key }),
      await api.call({ method: 'PATCH', template: '/users/{id}', params: { id }, key, body: { external_id: 'cus_long' } }),
      await api.call({ method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id, provider: 'toolkit' }, key }),
      await api.call({ method: 'DELETE', template: '/users/{id}/connections/{provider}', params: { id, provider: 'toolkit' }, key }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(414);
      expect(answer.body).toEqual({ error: 'uri_too_long', message: 'A part of the address (a path parameter, such as an id) is longer than the route takes.' });
    }
    // Up to 200 characters the route's own limit speaks, naming the parameter.
    const shorter = await api.call({ method: 'GET', template: '/users/{id}', params: { id: 'x'.repeat(200) }, key });
    expect(shorter.status).toBe(400);
    expect(shorter.body).toMatchObject({ error: 'bad_request', message: 'params.id must NOT have more than 100 characters' });
  });

  it('GET /users by a provider not configured: 404 unknown_provider, as on every route naming a provider', async () => {
    const answer = await api.call({ method: 'GET', template: '/users', query: { provider: 'github', subject: '1' }, key });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'unknown_provider', message: expect.stringContaining('github') });
  });

  it('GET /users without exactly one selector: 400 bad_request', async () => {
    const queries: Array<Record<string, string>> = [{}, { external_id: 'a', email: 'b@c' }, { provider: 'toolkit' }, { subject: 'x' }, { email: '' }];
    for (const query of queries) {
      const answer = await api.call({ method: 'GET', template: '/users', query, key });
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error).toBe('bad_request');
    }
  });

  it('PATCH /users/:id sets and clears external_id; 409 external_id_taken when another user has it; audited', async () => {
    const set = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, body: { external_id: 'crm-7' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: alice.userId, external_id: 'crm-7' });

    const taken = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: bob.userId }, key, body: { external_id: 'crm-7' } });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ error: 'external_id_taken', message: 'Another user has this external_id.' });
    expect((await api.call({ method: 'GET', template: '/users/{id}', params: { id: bob.userId }, key })).body.external_id).not.toBe('crm-7');

    const cleared = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, body: { external_id: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.external_id).toBeNull();
    // Cleared, it is free again, and several users may have none.
    expect((await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: bob.userId }, key, body: { external_id: 'crm-7' } })).status).toBe(200);

    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['event', 'target_id', 'detail'])
      .where('event', '=', 'service.user_updated')
      .where('target_id', '=', alice.userId)
      .orderBy('id')
      .execute();
    expect(audit.map((row) => JSON.parse(row.detail!))).toEqual([
      { service: 'everything', service_key_id: expect.any(String), external_id: 'crm-7' },
      { service: 'everything', service_key_id: expect.any(String), external_id: null },
    ]);
  });

  it('PATCH with a bad body: 400 bad_request; of no such user: 404 not_found', async () => {
    for (const body of [{}, { external_id: 5 }, { external_id: '' }, { external_id: 'x'.repeat(256) }, { external_id: 'a', is_staff: true }, 'not json']) {
      const answer = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('bad_request');
    }
    const missing = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: 'no-such-user' }, key, body: { external_id: 'z' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
  });

  it('PATCH with a body that is not JSON (a form, as curl -d sends without a Content-Type; text): 415 unsupported_media_type, saying to send JSON; nothing is changed', async () => {
    const before = (await api.call({ method: 'GET', template: '/users/{id}', params: { id: alice.userId }, key })).body.external_id;
    const bodies = [
      ['application/x-www-form-urlencoded', 'external_id=from-a-form'],
      ['text/plain', '{"external_id":"from-text"}'],
    ] as const;
    for (const [type, body] of bodies) {
      const answer = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, body, headers: { 'content-type': type } });
      expect(answer.status, type).toBe(415);
      expect(answer.body).toEqual({ error: 'unsupported_media_type', message: `Send the body as JSON, with Content-Type: application/json (this one came as ${type}).` });
    }
    expect((await api.call({ method: 'GET', template: '/users/{id}', params: { id: alice.userId }, key })).body.external_id).toBe(before);
  });

  it('PATCH without a body, or with a field the route does not take: 400 bad_request saying so', async () => {
    const none = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ error: 'bad_request', message: 'This request needs a JSON body, sent with Content-Type: application/json.' });
    const unknown = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, body: { external_id: 'crm-1', is_staff: true } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: 'bad_request', message: 'body has a field this route does not take: "is_staff"' });
    const wrongType = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, body: { external_id: 5 } });
    expect(wrongType.body.message).toBe('body.external_id must be string or null');
  });

  it('PATCH with JSON that is broken, or valid but with a "__proto__" key: 400 bad_request saying which, nothing changed', async () => {
    const broken = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, body: '{"external_id": "crm-9"' });
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ error: 'bad_request', message: "Body is not valid JSON but content-type is set to 'application/json'" });
    for (const body of ['{"__proto__": {"is_staff": true}, "external_id": "crm-9"}', '{"constructor": {"prototype": {"is_staff": true}}, "external_id": "crm-9"}']) {
      const poisoned = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, body });
      expect(poisoned.status, body).toBe(400);
      expect(poisoned.body).toEqual({ error: 'bad_request', message: 'The body may not have a "__proto__" key, nor a "constructor" with a "prototype" key.' });
    }
    const after = await api.call({ method: 'GET', template: '/users/{id}', params: { id: alice.userId }, key });
    expect(after.body.external_id).not.toBe('crm-9');
  });

  it('a key limited to some providers sees only users connected to them, only those connections, and may not look users up at another', async () => {
    const limited = await newServiceKey(app(), 'second-only', ['connections:read', 'users:write'], ['second']);
    // Alice has no connection to "second": to this key she does not exist, and cannot be changed.
    const hidden = await api.call({ method: 'GET', template: '/users/{id}', params: { id: alice.userId }, key: limited });
    expect([hidden.status, hidden.body.error]).toEqual([404, 'not_found']);
    expect((await api.call({ method: 'GET', template: '/users', query: { email: 'alice@example.test' }, key: limited })).body).toEqual({ users: [] });
    const patched = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key: limited, body: { external_id: 'set-by-second-only' } });
    expect([patched.status, patched.body.error]).toEqual([404, 'not_found']);
    expect((await app().runtime.database.db.selectFrom('users').select('external_id').where('id', '=', alice.userId).executeTakeFirstOrThrow()).external_id).not.toBe('set-by-second-only');

    // Bob is connected to both: the key sees him, with the "second" connection only.
    const now = Math.floor(Date.now() / 1000);
    await app().runtime.tokenStore.saveTokenSet(bob.userId, 'second', { accessToken: 'second-access', refreshToken: null, idToken: null, tokenType: 'bearer', scope: 'openid', expiresAt: now + 3600, issuedAt: now }, now);
    const shown = await api.call({ method: 'GET', template: '/users/{id}', params: { id: bob.userId }, key: limited });
    expect(shown.status).toBe(200);
    expect(shown.body.connections.map((connection: { provider: string }) => connection.provider)).toEqual(['second']);
    const lookup = await api.call({ method: 'GET', template: '/users', query: { provider: 'toolkit', subject: await subjectOf(alice) }, key: limited });
    expect(lookup.status).toBe(403);
    expect(lookup.body.error).toBe('provider_not_allowed');
  });

  it('to a key limited to some providers, a user connected to none of them is no user on the token, proxy and disconnect routes too: 404 not_found, deactivated or not', async () => {
    const limited = await newServiceKey(app(), 'second-tokens', ['tokens:read', 'proxy', 'connections:write'], ['second']);
    const mallory = await signedInUser(app(), 'mallory');
    const answers = async () => [
      await api.call({ method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id: mallory.userId, provider: 'second' }, key: limited }),
      await api.call({ method: 'GET', template: '/users/{id}/connections/{provider}/proxy/{path}', params: { id: mallory.userId, provider: 'second' }, rest: 'profile', key: limited }),
      await api.call({ method: 'DELETE', template: '/users/{id}/connections/{provider}', params: { id: mallory.userId, provider: 'second' }, key: limited }),
    ];
    const noSuchUser = [404, { error: 'not_found', message: 'There is no user with this id.' }];
    for (const answer of await answers()) expect([answer.status, answer.body]).toEqual(noSuchUser);
    await setUserFlags(database().db, mallory.userId, { isActive: false });
    for (const answer of await answers()) expect([answer.status, answer.body]).toEqual(noSuchUser);
    await setUserFlags(database().db, mallory.userId, { isActive: true });

    // Once connected to "second" the key sees her, and is told what it may act on.
    const now = Math.floor(Date.now() / 1000);
    await app().runtime.tokenStore.saveTokenSet(mallory.userId, 'second', { accessToken: 'second-access', refreshToken: null, idToken: null, tokenType: 'bearer', scope: 'openid', expiresAt: now + 3600, issuedAt: now }, now);
    const handedOut = await api.call({ method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id: mallory.userId, provider: 'second' }, key: limited });
    expect([handedOut.status, handedOut.body.access_token]).toEqual([200, 'second-access']);
    const deleted = await api.call({ method: 'DELETE', template: '/users/{id}/connections/{provider}', params: { id: mallory.userId, provider: 'second' }, key: limited });
    expect(deleted.status).toBe(200);
  });
});
