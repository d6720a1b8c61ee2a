// The security checklist, "Bad input of any shape to any route: a 4xx with a clear
// message, never a 500, never a crash": random query strings, headers,
// cookies and bodies sent to every route the app registers, signed out and
// signed in, through app.inject(), on SQLite and on PostgreSQL (whose text
// cannot hold a NUL character: the app must refuse one before any query).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, HTTPMethods, InjectOptions, LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { ALL_PERMISSIONS, newServiceKey } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface RegisteredRoute {
  methods: string[];
  url: string;
}

/**
 * Every route of every Fastify instance created while `build` runs, seen by
 * an onRoute hook added the moment each instance is created (Fastify
 * publishes `fastify.initialization` on diagnostics_channel), so no route
 * can be missed and the app needs no test-only code.
 */
async function collectingRoutes<T>(build: () => Promise<T>): Promise<{ built: T; routesOf: (app: FastifyInstance) => RegisteredRoute[] }> {
  const byInstance = new Map<FastifyInstance, RegisteredRoute[]>();
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    const routes: RegisteredRoute[] = [];
    byInstance.set(fastify, routes);
    fastify.addHook('onRoute', (route) => {
      routes.push({ methods: [route.method].flat().map(String), url: route.url });
    });
  };
  subscribe('fastify.initialization', onInit);
  try {
    const built = await build();
    return { built, routesOf: (app) => byInstance.get(app) ?? [] };
  } finally {
    unsubscribe('fastify.initialization', onInit);
  }
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** NUL and other control characters, alone or inside ordinary text. */
const controlString = fc.oneof(
  fc.constantFrom('\0', 'a\0b', '\0\0', 'toolkit\0', '\x01', '\x08', '\t', '\r\n', '\x1b[31m', '\x1f', '\x7f', '\x85', '\u2028', '\ufeff'),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f), fc.integer({ min: 0x20, max: 0x7e })), { maxLength: 12 }).map((codes) => String.fromCharCode(...codes)),
);

/** Strings with the characters that break parsers: %, encodings, unicode, control characters, long runs. */
const nastyString = fc.oneof(
  controlString,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '%', '%zz', '%00', '%ff%fe', '..', '../..', '//evil.example', '\\evil', 'javascript:alert(1)', '<script>', '"\'', 'toolkit', 'users', 'tokens', 'audit', '0', '-1', '1e309', 'NaN', '__proto__', 'constructor', '[]', '{}', 'a'.repeat(300)),
);

/** Stands for alice's user id in a path, so that the service API's routes also reach a real user. */
const ALICE = '@alice@';

/** A path segment: sometimes percent-encoded, sometimes raw (light-my-request passes it as is). */
const pathSegment = fc.oneof(
  nastyString.map((s) => encodeURIComponent(s)),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{0,20}$/),
  fc.constantFrom('toolkit', 'users', 'tokens', 'audit', '%', '%2F', '..', '', '%00', 'a%00b', '%2500', '%01', '%1F', '%7F', ALICE),
);

const queryString = fc.oneof(
  fc.constant(''),
  fc.array(fc.tuple(fc.oneof(nastyString, fc.constantFrom('next', 'state', 'code', 'iss', 'error', 'path', 'q', 'page', 'sort', 'filter', 'status', 'limit', 'a[]', '__proto__[x]')), nastyString), { maxLength: 6 }).map((pairs) =>
    pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
  ),
  fc.string({ maxLength: 40 }).map((raw) => raw.replace(/[#\s]/g, '')),
);

// Header names and values light-my-request accepts (it refuses what Node would never send).
const headerName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
  fc.constantFrom('accept', 'accept-language', 'accept-encoding', 'origin', 'referer', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-csrf-token', 'authorization', 'if-none-match', 'range', 'content-encoding', 'transfer-encoding', 'expect', 'host'),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 5 });

const cookieHeader = fc.oneof(
  fc.constant(undefined),
  fc.array(fc.tuple(fc.oneof(fc.constantFrom('tokenkeeper_session', 'tokenkeeper_csrf', 'tokenkeeper_returning'), fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/)), fc.stringMatching(/^[\x21-\x3a\x3c-\x7e]{0,60}$/)), { maxLength: 4 }).map((pairs) =>
    pairs.map(([k, v]) => `${k}=${v}`).join('; '),
  ),
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-16',
  'text/plain',
  'text/html',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/xml',
  '*/*',
  'garbage',
);

type Body =
  | { kind: 'none' }
  | { kind: 'form'; fields: Array<[string, string]> }
  | { kind: 'json'; value: unknown }
  | { kind: 'bytes'; bytes: Uint8Array };

const body: fc.Arbitrary<Body> = fc.oneof(
  fc.constant<Body>({ kind: 'none' }),
  fc.array(fc.tuple(fc.oneof(nastyString, fc.constantFrom('_csrf', 'username', 'password', 'next', 'confirm')), nastyString), { maxLength: 6 }).map((fields): Body => ({ kind: 'form', fields })),
  fc.jsonValue({ maxDepth: 3 }).map((value): Body => ({ kind: 'json', value })),
  fc.dictionary(fc.oneof(nastyString, fc.constantFrom('username', 'password', 'next', 'q')), nastyString, { maxKeys: 5 }).map((value): Body => ({ kind: 'json', value })),
  fc.uint8Array({ maxLength: 200 }).map((bytes): Body => ({ kind: 'bytes', bytes })),
);

interface FuzzCase {
  routeIndex: number;
  /** Use one of the route's own methods, or any method. */
  ownMethod: boolean;
  methodIndex: number;
  segments: string[];
  query: string;
  headers: Record<string, string>;
  cookie: string | undefined;
  signedIn: boolean;
  /** Send the session's real CSRF token (header or form field), so POST handlers run. */
  withCsrf: boolean;
  /** Send a service key with every permission (`Authorization: Bearer tks_…`), so the service API's handlers run. */
  withServiceKey: boolean;
  contentType: string | undefined;
  body: Body;
}

function fuzzCase(routeCount: number): fc.Arbitrary<FuzzCase> {
  return fc.record({
    routeIndex: fc.nat({ max: routeCount - 1 }),
    ownMethod: fc.boolean(),
    methodIndex: fc.nat({ max: 100 }),
    segments: fc.array(pathSegment, { minLength: 3, maxLength: 3 }),
    query: queryString,
    headers,
    cookie: cookieHeader,
    signedIn: fc.boolean(),
    withCsrf: fc.boolean(),
    withServiceKey: fc.boolean(),
    contentType,
    body,
  });
}

/** Fills :params with random segments and `*` with a random path. */
function fillPath(url: string, segments: string[]): string {
  let next = 0;
  const take = () => segments[next++ % segments.length] ?? '';
  return url.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, () => take()).replace(/\*$/, () => `${take()}/${take()}`);
}

function toInjectOptions(route: RegisteredRoute, c: FuzzCase, user: SignedInUser, serviceKey: string): InjectOptions {
  const own = route.methods.filter((m) => (METHODS as string[]).includes(m));
  const method = (c.ownMethod && own.length > 0 ? own[c.methodIndex % own.length] : METHODS[c.methodIndex % METHODS.length]) as HTTPMethods;
  const requestHeaders: Record<string, string> = { ...c.headers };
  delete requestHeaders['content-length'];
  const cookies = [c.signedIn ? user.cookie : undefined, c.cookie].filter((v): v is string => v !== undefined && v !== '');
  if (cookies.length > 0) requestHeaders.cookie = cookies.join('; ');
  if (c.withCsrf) requestHeaders['x-csrf-token'] = user.csrfToken;
  if (c.withServiceKey) requestHeaders.authorization = `Bearer ${serviceKey}`;
  if (c.contentType !== undefined) requestHeaders['content-type'] = c.contentType;

  let payload: string | Buffer | undefined;
  switch (c.body.kind) {
    case 'none':
      break;
    case 'form': {
      const form = new URLSearchParams(c.body.fields);
      if (c.withCsrf) form.set('_csrf', user.csrfToken);
      payload = form.toString();
      break;
    }
    case 'json':
      payload = JSON.stringify(c.body.value) ?? 'null';
      break;
    case 'bytes':
      payload = Buffer.from(c.body.bytes);
      break;
  }
  const path = fillPath(route.url, c.segments).replaceAll(ALICE, user.userId);
  return {
    method,
    url: `${path.startsWith('/') ? path : `/${path}`}${c.query === '' ? '' : `?${c.query}`}`,
    headers: requestHeaders,
    ...(payload !== undefined && method !== 'GET' && method !== 'HEAD' ? { payload } : {}),
  };
}

function describeResponse(response: LightMyRequestResponse): string {
  return `${response.statusCode} ${response.body.slice(0, 300)}`;
}

describeEachDialect('fuzzing every route', (dialect) => {
  let database: TestDatabase;
  let app: TestApp;
  let routes: RegisteredRoute[];
  let user: SignedInUser;
  let serviceKey: string;

  beforeAll(async () => {
    database = await dialect.openTestDatabase({ migrate: false });
    const collected = await collectingRoutes(() => startTestApp({ databaseUrl: database.url }));
    app = collected.built;
    routes = collected.routesOf(app.runtime.app).filter((route) => !route.methods.every((m) => m === 'HEAD'));
    user = await signedInUser(app, 'alice');
    serviceKey = await newServiceKey(app, 'fuzz', ALL_PERMISSIONS);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  /** A fuzzed request may have signed alice out or disconnected her: sign in again for the next one. */
  async function keepSignedIn(): Promise<void> {
    const me = await app.runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie } });
    const connected = me.statusCode === 200 && (JSON.parse(me.body) as { connections?: unknown[] }).connections?.length;
    if (!connected) user = await signedInUser(app, 'alice');
  }

  it('sees every route of the app, path parameters and wildcard included', () => {
    const urls = routes.map((r) => r.url);
    expect(urls).toEqual(expect.arrayContaining(['/', '/healthz', '/api/me', '/login/:provider', '/auth/:provider/callback', '/logout', '/api/providers/:provider/proxy/*']));
    expect(urls.some((url) => url.startsWith('/admin'))).toBe(true);
    expect(urls.some((url) => url.startsWith('/account/connections/:provider'))).toBe(true);
    expect(urls).toEqual(expect.arrayContaining(['/api/v1/users', '/api/v1/connections', '/api/v1/users/:id', '/api/v1/users/:id/connections/:provider/access-token', '/api/v1/users/:id/connections/:provider/proxy/*']));
  });

  it('random query strings, headers, cookies and bodies: never a 5xx, and the app keeps serving', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fuzzCase(routes.length), async (c) => {
        const options = toInjectOptions(routes[c.routeIndex]!, c, user, serviceKey);
        const response = await app.runtime.app.inject(options);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          throw new Error(`${options.method} ${options.url} answered ${describeResponse(response)}`);
        }
        // A NUL anywhere in the address is refused before any handler, whatever the route (the
        // address as sent: light-my-request resolves "..", as a browser would): 400, or 414 when
        // the router already refused a parameter longer than it takes.
        const sent = new URL(options.url as string, 'http://app.test');
        if (`${sent.pathname}${sent.search}`.includes('%00')) expect([400, 414], options.url as string).toContain(response.statusCode);
        if ((c.signedIn && c.withCsrf) || c.withServiceKey) await keepSignedIn();
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500), interruptAfterTimeLimit: 50_000, markInterruptAsFailure: false },
    );
    console.log(`fuzz: ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);

    const health = await app.runtime.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    await keepSignedIn();
    const me = await app.runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie } });
    expect(me.statusCode).toBe(200);
    expect((JSON.parse(me.body) as { user: { id: string } }).user.id).toBe(user.userId);
  }, 60_000);
});
