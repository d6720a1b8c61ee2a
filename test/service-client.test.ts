// tokenkeeper/service-client against the real app listening on a real port:
// every call goes over HTTP to the service API, and the tests count the
// requests the client sends (through the fetch it is given), the tokens the
// server hands out (its audit log) and the refreshes the provider makes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServiceClient, ServiceApiConnectionError, ServiceApiError, type ServiceClient } from '../src/service-client/index.js';
import { describeEachDialect } from './support/postgres.js';
import { ALL_PERMISSIONS, newServiceKey } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const RETURN_ORIGIN = 'https://app.example.com';

/** A fetch that records each request's method and path (under /api/v1), for counting what the client sends. */
function countingFetch() {
  const requests: string[] = [];
  const fetchWithLog: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname.replace(/^\/api\/v1/, '')}${url.search}`);
    return fetch(input, init);
  };
  return { requests, fetch: fetchWithLog, tokenRequests: () => requests.filter((request) => request.endsWith('/access-token')) };
}

/** Awaits `promise`, expecting it to fail with a ServiceApiError, and returns it. */
async function apiError(promise: Promise<unknown>): Promise<ServiceApiError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ServiceApiError);
  return error as ServiceApiError;
}

describeEachDialect('tokenkeeper/service-client over HTTP', (dialect) => {
  const { app, database } = useTestApp(dialect, { env: { CONNECT_RETURN_ORIGINS: RETURN_ORIGIN } });
  let origin: string;
  let key: string;
  let alice: SignedInUser;
  let counted: ReturnType<typeof countingFetch>;
  let client: ServiceClient;

  beforeAll(async () => {
    origin = await app().runtime.app.listen({ port: 0, host: '127.0.0.1' });
    key = await newServiceKey(app(), 'worker', ALL_PERMISSIONS);
    alice = await signedInUser(app(), 'alice');
  });
  // A client of its own per test: a new process, as far as its cache goes.
  beforeEach(() => {
    counted = countingFetch();
    client = createServiceClient({ baseUrl: origin, key, fetch: counted.fetch });
  });

  const grants = () => app().provider.stats.refreshTokenGrants;
  const stored = async (user: SignedInUser) => (await app().runtime.tokenStore.findToken(user.userId, 'toolkit'))!;
  const handedOut = async (user: SignedInUser) =>
    (await database().db.selectFrom('audit_log').select('id').where('event', '=', 'service.token_issued').where('target_id', '=', user.userId).execute()).length;
  /** Sets how long the stored access token has left (the provider still accepts it), keeping a 300 s lifetime. */
  const expiresIn = (user: SignedInUser, seconds: number) => {
    const now = Math.floor(Date.now() / 1000);
    return database().db.updateTable('tokens').set({ expires_at: now + seconds, issued_at: now + seconds - 300 }).where('user_id', '=', user.userId).execute();
  };

  it('20 concurrent accessToken calls for one user and provider: one request to the service API, one token handed out, the stored one', async () => {
    const before = { handedOut: await handedOut(alice), grants: grants() };
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.accessToken(alice.userId, 'toolkit')));
    expect(counted.requests).toEqual([`POST /users/${alice.userId}/connections/toolkit/access-token`]);
    expect(await handedOut(alice)).toBe(before.handedOut + 1);
    expect(grants()).toBe(before.grants);
    const current = await stored(alice);
    expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set([current.accessToken]));
    expect(tokens[0]).toEqual({ accessToken: current.accessToken, tokenType: current.tokenType, expiresAt: current.expiresAt, scope: current.scope });
  });

  it('a kept token is reused while it has more than minTtlSeconds left, and asked for again when it has less', async () => {
    await expiresIn(alice, 100);
    const first = await client.accessToken(alice.userId, 'toolkit');
    expect(await client.accessToken(alice.userId, 'toolkit')).toEqual(first);
    expect(await client.accessToken(alice.userId, 'toolkit', { minTtlSeconds: 90 })).toEqual(first);
    expect(counted.tokenRequests()).toHaveLength(1);

    // 100 s left, 120 wanted: asked for again, and the server refreshes it first.
    const before = grants();
    const fresher = await client.accessToken(alice.userId, 'toolkit', { minTtlSeconds: 120 });
    expect(counted.tokenRequests()).toHaveLength(2);
    expect(counted.requests.at(-1)).toBe(`POST /users/${alice.userId}/connections/toolkit/access-token`);
    expect(grants()).toBe(before + 1);
    expect(fresher.accessToken).not.toBe(first.accessToken);
    expect(fresher.accessToken).toBe((await stored(alice)).accessToken);
    // The new one is kept in its turn.
    expect(await client.accessToken(alice.userId, 'toolkit', { minTtlSeconds: 120 })).toEqual(fresher);
    expect(counted.tokenRequests()).toHaveLength(2);
  });

  it('rejectedAccessToken drops the kept token: concurrent callers that saw it refused make one request and one refresh, then the new token is kept', async () => {
    const seen = await client.accessToken(alice.userId, 'toolkit');
    const before = grants();
    const renewed = await Promise.all(Array.from({ length: 10 }, () => client.accessToken(alice.userId, 'toolkit', { rejectedAccessToken: seen.accessToken })));
    expect(counted.tokenRequests()).toHaveLength(2);
    expect(grants()).toBe(before + 1);
    expect(new Set(renewed.map((token) => token.accessToken)).size).toBe(1);
    expect(renewed[0]!.accessToken).not.toBe(seen.accessToken);
    expect(await client.accessToken(alice.userId, 'toolkit')).toEqual(renewed[0]);
    expect(counted.tokenRequests()).toHaveLength(2);
  });

  it('forceRefresh asks the server, which refreshes; forgetAccessToken makes the next call ask again', async () => {
    const kept = await client.accessToken(alice.userId, 'toolkit');
    const before = grants();
    const forced = await client.accessToken(alice.userId, 'toolkit', { forceRefresh: true });
    expect(grants()).toBe(before + 1);
    expect(forced.accessToken).not.toBe(kept.accessToken);
    expect(await client.accessToken(alice.userId, 'toolkit')).toEqual(forced);
    expect(counted.tokenRequests()).toHaveLength(2);
    client.forgetAccessToken(alice.userId, 'toolkit');
    expect((await client.accessToken(alice.userId, 'toolkit')).accessToken).toBe(forced.accessToken);
    expect(counted.tokenRequests()).toHaveLength(3);
  });

  it('users by your id: setExternalId, getUser and findUsers, and 20 concurrent accessToken({ externalId }) calls make one lookup and one token request; forgetting the user by id forgets it', async () => {
    const user = await client.setExternalId(alice.userId, 'cus_alice');
    expect(user).toMatchObject({ id: alice.userId, externalId: 'cus_alice', username: 'alice', email: 'alice@example.test', isActive: true });
    expect(user.connections).toEqual([expect.objectContaining({ provider: 'toolkit', status: 'active', hasRefreshToken: true })]);
    expect(await client.getUser({ externalId: 'cus_alice' })).toEqual(user);
    expect(await client.getUser(alice.userId)).toEqual(user);
    expect(await client.findUsers({ email: 'ALICE@example.test' })).toEqual([user]);
    expect(await client.findUsers({ provider: 'toolkit', subject: user.connections[0]!.subject! })).toEqual([user]);
    expect(await client.findUsers({ externalId: 'cus_nobody' })).toEqual([]);

    counted.requests.length = 0;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.accessToken({ externalId: 'cus_alice' }, 'toolkit')));
    expect(counted.requests).toEqual(['GET /users?external_id=cus_alice', `POST /users/${alice.userId}/connections/toolkit/access-token`]);
    expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set([(await stored(alice)).accessToken]));

    // Forgotten by Tokenkeeper's id (a webhook's data.user_id), the token kept under the external id goes too.
    client.forgetAccessToken(alice.userId, 'toolkit');
    await client.accessToken({ externalId: 'cus_alice' }, 'toolkit');
    expect(counted.tokenRequests()).toHaveLength(2);
    await client.accessToken({ externalId: 'cus_alice' }, 'toolkit');
    expect(counted.tokenRequests()).toHaveLength(2);
  });

  it('an unknown user: not_found, by id or by external id', async () => {
    expect(await apiError(client.getUser('01JFQ0000000000000000NOONE'))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await apiError(client.accessToken({ externalId: 'cus_nobody' }, 'toolkit'))).toMatchObject({ status: 404, code: 'not_found', message: expect.stringContaining('cus_nobody') });
  });

  it('needs_reauth: a ServiceApiError with status 409 and the reconnect_url, on accessToken and on the proxy; never kept, so each call asks', async () => {
    const bob = await signedInUser(app(), 'bob');
    await app().runtime.tokenStore.markNeedsReauth(bob.userId, 'toolkit', 'invalid_grant', Math.floor(Date.now() / 1000));
    const refused = await apiError(client.accessToken(bob.userId, 'toolkit'));
    expect(refused).toMatchObject({ name: 'ServiceApiError', status: 409, code: 'needs_reauth', message: expect.stringContaining('needs a new sign-in') });
    expect(refused.reconnectUrl).toMatch(new RegExp(`^${APP_ORIGIN}/connect/[A-Za-z0-9_-]{43}$`));
    expect(await apiError(client.accessToken(bob.userId, 'toolkit'))).toMatchObject({ code: 'needs_reauth' });
    expect(counted.tokenRequests()).toHaveLength(2);
    expect(await apiError(client.proxy(bob.userId, 'toolkit', 'profile'))).toMatchObject({ status: 409, code: 'needs_reauth', reconnectUrl: expect.stringContaining('/connect/') });
  });

  it('a key that is not one: 401 invalid_service_key; a key without the permission: 403 missing_permission', async () => {
    const stranger = createServiceClient({ baseUrl: origin, key: 'tks_not_a_key' });
    expect(await apiError(stranger.accessToken(alice.userId, 'toolkit'))).toMatchObject({ status: 401, code: 'invalid_service_key' });
    expect(await apiError(stranger.proxy(alice.userId, 'toolkit', 'profile'))).toMatchObject({ status: 401, code: 'invalid_service_key' });
    const reader = createServiceClient({ baseUrl: `${origin}/`, key: await newServiceKey(app(), 'reader', ['connections:read']) });
    expect((await reader.getUser(alice.userId)).id).toBe(alice.userId);
    expect(await apiError(reader.accessToken(alice.userId, 'toolkit'))).toMatchObject({ status: 403, code: 'missing_permission' });
    expect(await apiError(reader.disconnect(alice.userId, 'toolkit'))).toMatchObject({ status: 403, code: 'missing_permission' });
  });

  it("proxy: the provider API's answer as a fetch Response, whatever its status", async () => {
    const notes = await client.proxy(alice.userId, 'toolkit', '/notes', { headers: { accept: 'application/json' } });
    expect(notes).toBeInstanceOf(Response);
    expect(notes.status).toBe(200);
    expect(notes.headers.get('tokenkeeper-upstream')).toBe('true');
    expect(JSON.stringify(await notes.json())).toContain('Tea party');
    const missing = await client.proxy(alice.userId, 'toolkit', 'no-such-thing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('tokenkeeper-upstream')).toBe('true');
    expect(counted.requests).toEqual([`GET /users/${alice.userId}/connections/toolkit/proxy/notes`, `GET /users/${alice.userId}/connections/toolkit/proxy/no-such-thing`]);
  });

  it('createConnectLink, by id or external id; a return_to on another origin is refused with its code', async () => {
    const link = await client.createConnectLink({ provider: 'toolkit', user: alice.userId, returnTo: `${RETURN_ORIGIN}/settings`, scope: 'notes:read' });
    expect(link.url).toMatch(new RegExp(`^${APP_ORIGIN}/connect/[A-Za-z0-9_-]{43}$`));
    expect(link.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000));
    expect((await client.createConnectLink({ provider: 'toolkit', user: { externalId: 'cus_new' }, returnTo: RETURN_ORIGIN })).url).toContain('/connect/');
    expect(await apiError(client.createConnectLink({ provider: 'toolkit', user: alice.userId, returnTo: 'https://evil.example/' }))).toMatchObject({ status: 400, code: 'return_to_not_allowed' });
  });

  it('listConnections a page at a time, and connections() through every page', async () => {
    const mallory = await signedInUser(app(), 'mallory');
    const firstPage = await client.listConnections({ provider: 'toolkit', limit: 1 });
    expect(firstPage.connections).toHaveLength(1);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    // The last page says it is the last (next_cursor null): one request a connection, after the first page's.
    const all = [];
    for await (const connection of client.connections({ provider: 'toolkit', limit: 1 })) all.push(connection);
    expect(all.map((connection) => connection.userId)).toEqual(expect.arrayContaining([alice.userId, mallory.userId]));
    expect(all[0]).toMatchObject({ provider: 'toolkit', userIsActive: true, externalId: expect.toSatisfy((value: unknown) => value === null || typeof value === 'string') });
    expect(counted.requests.filter((request) => request.startsWith('GET /connections'))).toHaveLength(1 + all.length);
  });

  it('disconnect revokes at the provider and forgets the kept token: the next accessToken asks, and hears not_connected', async () => {
    const carol = await signedInUser(app(), 'mallory');
    await client.accessToken(carol.userId, 'toolkit');
    expect(await client.disconnect(carol.userId, 'toolkit')).toEqual({ revoked: true });
    expect(await apiError(client.accessToken(carol.userId, 'toolkit'))).toMatchObject({ status: 404, code: 'not_connected' });
    expect(counted.tokenRequests()).toHaveLength(2);
  });
});

describe('tokenkeeper/service-client without an answer', () => {
  const sockets = new Set<import('node:net').Socket>();
  let silent: Server;
  let foreign: Server;
  const originOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  beforeAll(async () => {
    // One that takes the request and never answers; one that is not Tokenkeeper (an HTML error page).
    silent = createServer(() => {});
    silent.on('connection', (socket) => sockets.add(socket));
    foreign = createServer((_request, response) => response.writeHead(502, { 'content-type': 'text/html', 'retry-after': '7' }).end('<h1>Bad gateway</h1>'));
    await Promise.all([silent, foreign].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all([silent, foreign].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('no answer within timeoutMs: a ServiceApiConnectionError with reason timeout', async () => {
    const client = createServiceClient({ baseUrl: originOf(silent), key: 'tks_x', timeoutMs: 200 });
    const error = await client.accessToken('u1', 'github').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ServiceApiConnectionError);
    expect(error).not.toBeInstanceOf(ServiceApiError);
    expect(error).toMatchObject({ reason: 'timeout', message: expect.stringContaining('did not answer within 200 ms') });
  });

  it('nothing listening: reason network, with fetch\'s error as the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = originOf(closed);
    await new Promise((resolve) => closed.close(resolve));
    const error = await createServiceClient({ baseUrl: address, key: 'tks_x' }).getUser('u1').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ServiceApiConnectionError);
    expect(error).toMatchObject({ reason: 'network', cause: expect.any(Error) });
  });

  it('the caller\'s own abort signal ends a proxied call with its reason, not as a timeout', async () => {
    const controller = new AbortController();
    const call = createServiceClient({ baseUrl: originOf(silent), key: 'tks_x' }).proxy('u1', 'github', 'user', { signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await expect(call).rejects.toThrow('shutting down');
  });

  it('an answer that is not the service API\'s JSON: a ServiceApiError invalid_response with its status and Retry-After', async () => {
    const error = await apiError(createServiceClient({ baseUrl: originOf(foreign), key: 'tks_x' }).getUser('u1'));
    expect(error).toMatchObject({ status: 502, code: 'invalid_response', retryAfterSeconds: 7 });
  });
});
