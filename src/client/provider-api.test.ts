import { createServer, type IncomingHttpHeaders, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutboundFetch, type OutboundFetch } from './outbound-fetch.js';
import { apiUrl, ProviderApi, type StreamingFetch } from './provider-api.js';
import { ProviderRegistry } from './provider-registry.js';
import type { ProviderSettings } from './provider-settings.js';
import { MemoryTokenStore } from './testing/memory-token-store.js';
import { TokenManager } from './token-manager.js';

const NOW = 1_800_000_000;

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (res: ServerResponse, seen: Seen) => void;

/**
 * An API (and token endpoint) on 127.0.0.1. Paths the test routes get their
 * handler; /token issues a new access token; anything else is a 200 echo.
 */
let server: Server;
let origin: string;
let routes: Record<string, Handler> = {};
let seen: Seen[] = [];
let tokenRequests = 0;
const hanging: ServerResponse[] = [];
let outbound: OutboundFetch;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      if (request.path === '/token') {
        tokenRequests += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `at-${tokenRequests + 1}`, token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      seen.push(request);
      const route = routes[request.path.replace(/\?.*$/, '')];
      if (route) route(res, request);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`echo ${request.method} ${request.path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  outbound = createOutboundFetch();
});
afterAll(async () => {
  await outbound.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  routes = {};
  seen = [];
  tokenRequests = 0;
});
afterEach(() => {
  for (const res of hanging.splice(0)) res.destroy();
});

function settings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    name: 'acme',
    displayName: 'Acme',
    clientId: 'id',
    clientSecret: 'secret',
    tokenEndpointAuthMethod: 'client_secret_basic',
    endpoints: { authorizationEndpoint: `${origin}/authorize`, tokenEndpoint: `${origin}/token` },
    scope: 'read',
    apiBaseUrl: `${origin}/api`,
    allowInsecureHttp: true,
    ...overrides,
  };
}

/** A ProviderApi over a MemoryTokenStore holding a fresh token `at-1` for u1 (with `apiBaseUrl` when given). */
function setup(overrides: Partial<ProviderSettings> = {}, options: { timeoutSeconds?: number; apiBaseUrl?: string; fetch?: StreamingFetch } = {}) {
  const registry = new ProviderRegistry([settings(overrides)]);
  const store = new MemoryTokenStore();
  store.saveTokenSet('u1', 'acme', {
    accessToken: 'at-1',
    refreshToken: 'rt-1',
    idToken: null,
    tokenType: 'Bearer',
    scope: 'read',
    expiresAt: NOW + 3600,
    issuedAt: NOW,
    apiBaseUrl: options.apiBaseUrl ?? null,
  });
  const tokens = new TokenManager({ registry, store, now: () => NOW });
  const api = new ProviderApi({ registry, tokens, fetch: options.fetch ?? outbound.stream, ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}) });
  return { api, tokens, store };
}

const redirectTo = (location: string, status = 302): Handler => (res) => res.writeHead(status, { location }).end();

describe('ProviderApi.fetch', () => {
  it('calls the path under the API base with the token as a Bearer header (RFC 6750 §2.1), query kept', async () => {
    const { api } = setup();
    const response = await api.fetch('u1', 'acme', '/v1/notes?limit=2');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('echo GET /api/v1/notes?limit=2');
    expect(seen[0]!.headers.authorization).toBe('Bearer at-1');
  });

  it('sends the body of a POST and none with a GET', async () => {
    const { api } = setup();
    await api.fetch('u1', 'acme', 'notes', { method: 'post', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    await api.fetch('u1', 'acme', 'notes', { method: 'GET', body: 'ignored' });
    expect(seen.map((request) => [request.method, request.body])).toEqual([
      ['POST', '{"a":1}'],
      ['GET', ''],
    ]);
  });

  it("takes fetch's other bodies and sends them as fetch does: a form (the global FormData) as multipart with its boundary, URLSearchParams, a Blob, an ArrayBuffer", async () => {
    const { api } = setup();
    const form = new FormData();
    form.set('title', 'Tea party');
    form.set('file', new Blob(['raven'], { type: 'text/plain' }), 'note.txt');
    await api.fetch('u1', 'acme', 'upload', { method: 'POST', body: form });
    const multipart = /^multipart\/form-data; ?boundary=(\S+)$/.exec(seen[0]!.headers['content-type'] ?? '');
    expect(multipart, seen[0]!.headers['content-type']).not.toBeNull();
    expect(seen[0]!.body).toContain(`--${multipart![1]}`);
    expect(seen[0]!.body).toMatch(/name="title"\r\n\r\nTea party\r\n/);
    expect(seen[0]!.body).toMatch(/name="file"; filename="note.txt"\r\nContent-Type: text\/plain\r\n\r\nraven\r\n/);

    await api.fetch('u1', 'acme', 'form', { method: 'POST', body: new URLSearchParams({ a: '1', b: 'x y' }) });
    await api.fetch('u1', 'acme', 'blob', { method: 'PUT', body: new Blob(['{"a":1}'], { type: 'application/json' }) });
    await api.fetch('u1', 'acme', 'bytes', { method: 'PUT', body: new TextEncoder().encode('abc').buffer });
    expect(seen.slice(1).map((request) => [request.body, request.headers['content-type']])).toEqual([
      ['a=1&b=x+y', 'application/x-www-form-urlencoded;charset=UTF-8'],
      ['{"a":1}', 'application/json'],
      ['abc', undefined],
    ]);
  });

  it("a Content-Type the caller gives wins over the one fetch would give the body, and the encoded body is sent again after a 401", async () => {
    const { api } = setup();
    routes['/api/form'] = (res, request) => res.writeHead(request.headers.authorization === 'Bearer at-1' ? 401 : 200).end();
    const response = await api.fetch('u1', 'acme', 'form', { method: 'POST', headers: { 'Content-Type': 'text/x-custom' }, body: new URLSearchParams({ a: '1' }) });
    expect(response.status).toBe(200);
    expect(seen.map((request) => [request.headers.authorization, request.headers['content-type'], request.body])).toEqual([
      ['Bearer at-1', 'text/x-custom', 'a=1'],
      ['Bearer at-2', 'text/x-custom', 'a=1'],
    ]);
  });

  it('a body fetch does not take (a plain object, a number) is a TypeError before anything is sent or refreshed, not the text [object Object]', async () => {
    const { api } = setup();
    for (const body of [{ a: 1 }, 42, [1, 2]]) {
      await expect(api.fetch('u1', 'acme', 'notes', { method: 'POST', body: body as never })).rejects.toThrow(TypeError);
    }
    await expect(api.fetch('u1', 'acme', 'notes', { method: 'POST', body: { a: 1 } as never })).rejects.toThrow(/init\.body must be .*got Object.*JSON\.stringify/);
    expect(seen).toEqual([]);
    expect(tokenRequests).toBe(0);
  });

  it('puts the provider’s default API headers under the caller’s own, whatever their case', async () => {
    const { api } = setup({ apiHeaders: { 'user-agent': 'Tokenkeeper', accept: 'application/vnd.acme+json' } });
    await api.fetch('u1', 'acme', 'me', { headers: { 'User-Agent': 'my-app/1.0', 'X-Trace': 't1' } });
    expect(seen[0]!.headers).toMatchObject({ 'user-agent': 'my-app/1.0', accept: 'application/vnd.acme+json', 'x-trace': 't1', authorization: 'Bearer at-1' });
    await api.fetch('u1', 'acme', 'me');
    expect(seen[1]!.headers).toMatchObject({ 'user-agent': 'Tokenkeeper', accept: 'application/vnd.acme+json' });
  });

  it('a client id header (Twitch’s Client-Id) carries the client id on every call, over any value of the caller’s, with or without other defaults', async () => {
    const { api } = setup({ clientIdHeader: 'client-id' });
    await api.fetch('u1', 'acme', 'me');
    await api.fetch('u1', 'acme', 'me', { headers: { 'Client-Id': 'another-client' } });
    const withDefaults = setup({ clientIdHeader: 'client-id', apiHeaders: { accept: 'application/json' } });
    await withDefaults.api.fetch('u1', 'acme', 'me', { headers: [['CLIENT-ID', 'another-client']] });
    expect(seen.map((request) => request.headers['client-id'])).toEqual(['id', 'id', 'id']);
    expect(seen[2]!.headers.accept).toBe('application/json');
  });

  it('a client credentials header (Etsy’s x-api-key) carries id:secret on every call, over any value of the caller’s', async () => {
    const { api } = setup({ clientCredentialsHeader: 'x-api-key' });
    await api.fetch('u1', 'acme', 'me');
    await api.fetch('u1', 'acme', 'me', { headers: { 'X-Api-Key': 'another-app:guess' } });
    expect(seen.map((request) => request.headers['x-api-key'])).toEqual(['id:secret', 'id:secret']);
    expect(seen[0]!.headers.authorization).toBe('Bearer at-1');
  });

  it('an access token header (Shopify’s X-Shopify-Access-Token) carries the token in place of Authorization, over any value of the caller’s', async () => {
    const { api } = setup({ accessTokenHeader: 'x-shopify-access-token' });
    await api.fetch('u1', 'acme', 'me');
    await api.fetch('u1', 'acme', 'me', { headers: { 'X-Shopify-Access-Token': 'stolen', Authorization: 'Bearer other', 'X-Trace': 't1' } });
    expect(seen.map((request) => [request.headers['x-shopify-access-token'], request.headers.authorization])).toEqual([
      ['at-1', undefined],
      ['at-1', undefined],
    ]);
    expect(seen[1]!.headers['x-trace']).toBe('t1');
  });

  it('an access token parameter (Foursquare’s oauth_token) carries the token in the query in place of Authorization, over any value of the caller’s', async () => {
    const { api } = setup({ accessTokenParameter: 'oauth_token' });
    await api.fetch('u1', 'acme', 'me?v=20240101');
    await api.fetch('u1', 'acme', 'me?oauth_token=stolen&v=20240101', { headers: { Authorization: 'Bearer other' } });
    expect(seen.map((request) => [request.path, request.headers.authorization])).toEqual([
      ['/api/me?v=20240101&oauth_token=at-1', undefined],
      ['/api/me?v=20240101&oauth_token=at-1', undefined],
    ]);
  });

  it('with the token in the query, an answer that repeats it (a pagination Link, a Location off the API) comes back without those headers, and its url without the token', async () => {
    routes['/api/checkins'] = (res, request) => {
      const asked = new URL(request.path, origin);
      res.writeHead(302, { location: `https://elsewhere.example${asked.pathname}${asked.search}`, link: `<${origin}${request.path}&offset=20>; rel="next"`, 'x-rate-limit-remaining': '499' }).end();
    };
    const { api } = setup({ accessTokenParameter: 'oauth_token' });
    const answer = await api.fetch('u1', 'acme', 'checkins?v=20240101');
    expect(seen[0]!.path).toBe('/api/checkins?v=20240101&oauth_token=at-1');
    expect(answer.status).toBe(302);
    expect([answer.headers.get('location'), answer.headers.get('link'), answer.headers.get('x-rate-limit-remaining')]).toEqual([null, null, '499']);
    expect(answer.url).toBe(`${origin}/api/checkins?v=20240101`);
  });

  it('an API token scheme (Yandex’s OAuth) carries the token under that scheme in place of Bearer, over any Authorization of the caller’s', async () => {
    const { api } = setup({ apiTokenScheme: 'OAuth' });
    await api.fetch('u1', 'acme', 'me');
    await api.fetch('u1', 'acme', 'me', { headers: { Authorization: 'Bearer other' } });
    expect(seen.map((request) => request.headers.authorization)).toEqual(['OAuth at-1', 'OAuth at-1']);
  });

  it('a fixed API header (Reddit’s User-Agent) is sent as the preset says over any value of the caller’s; the other defaults still give way', async () => {
    const { api } = setup({ apiHeaders: { 'user-agent': 'server:acme:v1 (Acme)', accept: 'application/json' }, fixedApiHeaders: ['user-agent'] });
    await api.fetch('u1', 'acme', 'me', { headers: { 'User-Agent': 'Mozilla/5.0', Accept: 'text/plain' } });
    await api.fetch('u1', 'acme', 'me', { headers: [['USER-AGENT', 'curl/8']] });
    expect(seen.map((request) => request.headers['user-agent'])).toEqual(['server:acme:v1 (Acme)', 'server:acme:v1 (Acme)']);
    expect(seen[0]!.headers.accept).toBe('text/plain');
  });

  it('a caller’s own Authorization header, in any case, is never sent: only the token (with or without default API headers)', async () => {
    const withDefaults = setup({ apiHeaders: { accept: 'application/json' } });
    await withDefaults.api.fetch('u1', 'acme', 'me', { headers: { Authorization: 'Basic c2VjcmV0' } });
    const withoutDefaults = setup();
    await withoutDefaults.api.fetch('u1', 'acme', 'me', { headers: { Authorization: 'Basic c2VjcmV0', 'X-Trace': 't2' } });
    expect(seen.map((request) => request.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-1']);
    expect(seen[1]!.headers['x-trace']).toBe('t2');
  });

  it('a provider without an API is no_api (404), and so is a connection that named no API origin', async () => {
    const noApi = setup({ apiBaseUrl: undefined });
    await expect(noApi.api.fetch('u1', 'acme', 'x')).rejects.toMatchObject({ code: 'no_api', status: 404, message: 'Acme has no API configured (ACME_API_BASE_URL).' });
    const perConnection = setup({ apiBaseUrl: undefined, connectionApiBase: { member: 'instance_url', domains: ['127.0.0.1'] } });
    await expect(perConnection.api.fetch('u1', 'acme', 'x')).rejects.toMatchObject({ code: 'no_api', status: 404, message: 'Acme named no API origin for this connection; sign in with it again.' });
    expect(seen).toHaveLength(0);
  });

  it('an empty path calls the API base itself, as configured (one endpoint, an MCP server\'s URL), with its query; a base with a trailing slash keeps it', async () => {
    const { api } = setup({ apiBaseUrl: `${origin}/mcp` });
    expect(await (await api.fetch('u1', 'acme', '')).text()).toBe('echo GET /mcp');
    expect(await (await api.fetch('u1', 'acme', '/?session=1')).text()).toBe('echo GET /mcp?session=1');
    expect(await (await api.fetch('u1', 'acme', 'tools')).text()).toBe('echo GET /mcp/tools');
    const slashed = setup({ apiBaseUrl: `${origin}/api/` });
    expect(await (await slashed.api.fetch('u1', 'acme', '')).text()).toBe('echo GET /api/');
  });

  it('a connection with its own API origin is called there', async () => {
    const { api } = setup({ apiBaseUrl: undefined, connectionApiBase: { member: 'instance_url', domains: ['127.0.0.1'] } }, { apiBaseUrl: `${origin}/tenant-7` });
    expect(await (await api.fetch('u1', 'acme', 'records')).text()).toBe('echo GET /tenant-7/records');
  });

  it('keeps at most 1000 parsed API bases however many origins connections name, and still calls each at its own', async () => {
    const { api, store } = setup({ apiBaseUrl: undefined, connectionApiBase: { member: 'instance_url', domains: ['127.0.0.1'] } });
    const users = Array.from({ length: 1100 }, (_, i) => `tenant-${i}`);
    for (const user of users) {
      store.saveTokenSet(user, 'acme', { accessToken: 'at-1', refreshToken: null, idToken: null, tokenType: 'Bearer', scope: 'read', expiresAt: NOW + 3600, issuedAt: NOW, apiBaseUrl: `${origin}/${user}` });
    }
    for (let i = 0; i < users.length; i += 50) {
      await Promise.all(users.slice(i, i + 50).map(async (user) => (await api.fetch(user, 'acme', 'records')).text()));
    }
    expect(api.basesKept).toBe(1000);
    // The first one fell out: it is parsed again and called at its own origin still.
    expect(await (await api.fetch('tenant-0', 'acme', 'records')).text()).toBe('echo GET /tenant-0/records');
    expect(seen).toHaveLength(1101);
  });

  it('uses the stored set the caller has just read without reading the store again', async () => {
    const { api, store } = setup();
    const current = await store.findToken('u1', 'acme');
    store.findToken = () => Promise.reject(new Error('the store should not be read'));
    expect((await api.fetch('u1', 'acme', 'x', {}, current)).status).toBe(200);
    expect(seen[0]!.headers.authorization).toBe('Bearer at-1');
  });

  it('takes headers as fetch does: a Headers, or name and value pairs, not only an object', async () => {
    const { api } = setup({ apiHeaders: { accept: 'application/json' } });
    await api.fetch('u1', 'acme', 'me', { headers: new Headers({ 'X-Trace': 'from-headers', Authorization: 'Basic c2VjcmV0' }) });
    await api.fetch('u1', 'acme', 'me', { headers: [['X-Trace', 'from-pairs']] });
    expect(seen.map((request) => [request.headers['x-trace'], request.headers.accept, request.headers.authorization])).toEqual([
      ['from-headers', 'application/json', 'Bearer at-1'],
      ['from-pairs', 'application/json', 'Bearer at-1'],
    ]);
  });

  it("the caller's signal aborts the call with its reason, as fetch's does: not a provider fault, and not sent again", async () => {
    const { api } = setup();
    routes['/api/slow'] = (res) => hanging.push(res);
    const controller = new AbortController();
    const call = api.fetch('u1', 'acme', 'slow', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('the page was closed'));
    await expect(call).rejects.toThrow('the page was closed');
    expect(seen).toHaveLength(1);
    await expect(api.fetch('u1', 'acme', 'me', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an API that does not answer in time is provider_timeout (504)', async () => {
    const { api } = setup({}, { timeoutSeconds: 0.05 });
    routes['/api/slow'] = (res) => hanging.push(res);
    await expect(api.fetch('u1', 'acme', 'slow')).rejects.toMatchObject({ code: 'provider_timeout', status: 504, message: 'Acme did not answer the API call in time.' });
  });
});

describe('ProviderApi: paths that would leave the API base are refused before anything is sent', () => {
  it.each([
    ['an absolute URL', 'https://evil.example/steal'],
    ['another scheme', 'javascript:alert(1)'],
    ['a dot-dot segment', '../admin'],
    ['a dot-dot segment further in', 'v1/../../admin'],
    ['a leading backslash', '\\\\evil.example/x'],
  ])('%s: invalid_api_path (400)', async (_name, path) => {
    const { api } = setup();
    await expect(api.fetch('u1', 'acme', path)).rejects.toMatchObject({ code: 'invalid_api_path', status: 400 });
    expect(seen).toHaveLength(0);
  });

  it('an absolute URL off the API bases is refused, naming them, not about dot-segments', async () => {
    const { api } = setup({ extraApiBaseUrls: [`${origin}/uploads`] });
    const elsewhere = [
      'https://evil.example/x',
      `${origin}/admin`,
      `${origin}/apix/notes`,
      `${origin.replace('http:', 'https:')}/api/notes`,
      `http://user:pass@${origin.slice('http://'.length)}/api/notes`,
      'mailto:x@acme.test',
    ];
    for (const path of elsewhere) {
      await expect(api.fetch('u1', 'acme', path), path).rejects.toMatchObject({
        code: 'invalid_api_path',
        message: `The API URL must be under one of Acme's API bases (${origin}/api, ${origin}/uploads); ACME_EXTRA_API_BASE_URLS adds more.`,
      });
    }
    await expect(api.fetch('u1', 'acme', '../admin')).rejects.toMatchObject({ message: expect.stringContaining('no dot-segments or backslashes') });
    expect(seen).toHaveLength(0);
  });

  it('an absolute URL under the API base or another of the provider\'s goes there with the token, its path as written and checked', async () => {
    const { api } = setup({ extraApiBaseUrls: [`${origin}/uploads`] });
    expect(await (await api.fetch('u1', 'acme', `${origin}/api/v1/notes%2Fx?limit=2`)).text()).toBe('echo GET /api/v1/notes%2Fx?limit=2');
    expect(await (await api.fetch('u1', 'acme', `${origin}/uploads/assets?name=a.zip`, { method: 'POST', body: 'zip' })).text()).toBe('echo POST /uploads/assets?name=a.zip');
    expect(seen.map((request) => request.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-1']);
    for (const path of [`${origin}/uploads/..%2F..%2Fadmin`, `${origin}/uploads/%2e%2e/admin`, `${origin}/api/a/../../admin`]) {
      await expect(api.fetch('u1', 'acme', path), path).rejects.toMatchObject({ code: 'invalid_api_path', message: expect.stringContaining('no dot-segments or backslashes') });
    }
    expect(seen).toHaveLength(2);
  });

  it('a redirect from another API base is followed only within that base', async () => {
    const { api } = setup({ extraApiBaseUrls: [`${origin}/uploads`] });
    routes['/uploads/old'] = redirectTo(`${origin}/uploads/new`);
    routes['/uploads/away'] = redirectTo(`${origin}/api/notes`);
    expect(await (await api.fetch('u1', 'acme', `${origin}/uploads/old`)).text()).toBe('echo GET /uploads/new');
    const away = await api.fetch('u1', 'acme', `${origin}/uploads/away`);
    expect(away.status).toBe(302);
    expect(seen.map((request) => request.path)).toEqual(['/uploads/old', '/uploads/new', '/uploads/away']);
  });

  it('a protocol-relative path stays a path under the base', async () => {
    const base = new URL('https://api.acme.test/v2/');
    expect(apiUrl(base, '//evil.example/x').href).toBe('https://api.acme.test/v2/evil.example/x');
    expect(apiUrl(base, 'users/me?fields=id').href).toBe('https://api.acme.test/v2/users/me?fields=id');
  });
});

describe('ProviderApi: redirects', () => {
  it('follows redirects within the API base, at most 3, each with the token', async () => {
    const { api } = setup();
    routes['/api/r1'] = redirectTo(`${origin}/api/r2`);
    routes['/api/r2'] = redirectTo('/api/r3', 301);
    routes['/api/r3'] = redirectTo('r4', 307);
    routes['/api/r4'] = redirectTo('/api/r5', 308);
    const response = await api.fetch('u1', 'acme', 'r1');
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/api/r5');
    expect(seen.map((request) => request.path)).toEqual(['/api/r1', '/api/r2', '/api/r3', '/api/r4']);
    expect(seen.every((request) => request.headers.authorization === 'Bearer at-1')).toBe(true);
  });

  it('follows a redirect to the end when there are 3 or fewer', async () => {
    const { api } = setup();
    routes['/api/old'] = redirectTo('/api/new', 303);
    const response = await api.fetch('u1', 'acme', 'old');
    expect(await response.text()).toBe('echo GET /api/new');
  });

  it.each([
    ['outside the base path', () => `${origin}/admin`],
    ['to another origin', () => `${origin.replace('127.0.0.1', 'localhost')}/api/x`],
    // What the path check refuses in a caller's path, refused in a Location too: a normalising front end reads these as ../
    ['with an encoded dot-segment', () => '/api/..%2fadmin'],
    ['with an encoded backslash', () => '/api/x%5c..%5cadmin'],
    ['with a dot-segment encoded twice', () => `${origin}/api/%252e%252e/admin`],
    ['to a URL that does not parse', () => 'http://[::1'],
  ])('returns a redirect %s as it is, so the token goes nowhere else', async (_name, location) => {
    const { api } = setup();
    routes['/api/leave'] = redirectTo(location());
    const response = await api.fetch('u1', 'acme', 'leave');
    expect(response.status).toBe(302);
    // The caller may follow it, without the token: a download link on another host (GitHub's archives, Graph's file content).
    expect(response.headers.get('location')).toBe(location());
    expect(seen.map((request) => request.path)).toEqual(['/api/leave']);
  });

  it('does not follow a redirect of a POST, nor one without a Location', async () => {
    const { api } = setup();
    routes['/api/moved'] = redirectTo('/api/elsewhere', 307);
    routes['/api/nowhere'] = (res) => res.writeHead(302).end();
    expect((await api.fetch('u1', 'acme', 'moved', { method: 'POST', body: 'x' })).status).toBe(307);
    expect((await api.fetch('u1', 'acme', 'nowhere')).status).toBe(302);
    expect(seen.map((request) => request.path)).toEqual(['/api/moved', '/api/nowhere']);
  });
});

describe('ProviderApi: a connection reset before any answer', () => {
  /** Resets the first `resets` requests to /api/flaky (the socket is destroyed, no answer), then answers 200. */
  function flaky(resets: number) {
    let count = 0;
    routes['/api/flaky'] = (res) => {
      count += 1;
      if (count <= resets) res.socket?.destroy();
      else res.writeHead(200).end('ok');
    };
  }

  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])('is sent once more for the idempotent %s', async (method) => {
    const { api } = setup();
    flaky(1);
    expect((await api.fetch('u1', 'acme', 'flaky', { method })).status).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it.each(['POST', 'PATCH'])('is not sent again for %s: provider_unreachable (503)', async (method) => {
    const { api } = setup();
    flaky(1);
    await expect(api.fetch('u1', 'acme', 'flaky', { method, body: 'x' })).rejects.toMatchObject({ code: 'provider_unreachable', status: 503 });
    expect(seen).toHaveLength(1);
  });

  it('is sent once more only: a second reset is provider_unreachable', async () => {
    const { api } = setup();
    flaky(2);
    await expect(api.fetch('u1', 'acme', 'flaky')).rejects.toMatchObject({ code: 'provider_unreachable' });
    expect(seen).toHaveLength(2);
  });
});

describe('ProviderApi: a 401 from the API', () => {
  /** /api/me answers 401 to the listed tokens and 200 to any other. */
  function refusing(...tokens: string[]) {
    routes['/api/me'] = (res, request) => {
      const refused = tokens.includes((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      res.writeHead(refused ? 401 : 200).end(refused ? 'no' : 'yes');
    };
  }

  it('refreshes the refused token and retries once with the new one', async () => {
    const { api } = setup();
    refusing('at-1');
    const response = await api.fetch('u1', 'acme', 'me');
    expect(response.status).toBe(200);
    expect(tokenRequests).toBe(1);
    expect(seen.map((request) => request.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-2']);
  });

  it('a refreshed token refused too is returned as the 401, and the next 401 waits out the back-off without refreshing', async () => {
    const { api } = setup();
    refusing('at-1', 'at-2', 'at-3');
    expect((await api.fetch('u1', 'acme', 'me')).status).toBe(401);
    expect(tokenRequests).toBe(1);
    expect((await api.fetch('u1', 'acme', 'me')).status).toBe(401);
    expect(tokenRequests).toBe(1);
    expect(seen).toHaveLength(3);
  });
});

describe('ProviderApi: a streamed body, sent once as it is read', () => {
  const upload = () => Readable.from([Buffer.from('part one, '), Buffer.from('part two')]);
  /** /api/me answers 401 to the listed tokens and 200 to any other. */
  function refusing(...tokens: string[]) {
    routes['/api/me'] = (res, request) => {
      const refused = tokens.includes((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      res.writeHead(refused ? 401 : 200).end(refused ? 'no' : 'yes');
    };
  }

  it("goes out with the caller's Content-Length, not chunked", async () => {
    const { api } = setup();
    const response = await api.fetch('u1', 'acme', 'files', { method: 'POST', headers: { 'content-length': '18' }, body: upload() });
    expect(response.status).toBe(200);
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'part one, part two' });
    expect(seen[0]!.headers['content-length']).toBe('18');
    expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
  });

  it("a 401 refreshes the token for the next call and is the answer: the body is not sent again", async () => {
    const { api } = setup();
    refusing('at-1');
    const response = await api.fetch('u1', 'acme', 'me', { method: 'POST', body: upload() });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('no');
    expect(tokenRequests).toBe(1);
    expect(seen.map((request) => [request.headers.authorization, request.body])).toEqual([['Bearer at-1', 'part one, part two']]);
    expect((await api.fetch('u1', 'acme', 'me', { method: 'POST', body: upload() })).status).toBe(200);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer at-2');
    expect(tokenRequests).toBe(1);
  });

  it("an API that refuses every token: a streamed call's 401 costs one refresh, and the refreshed token's first refusal begins the back-off", async () => {
    const { api } = setup();
    refusing('at-1', 'at-2', 'at-3');
    expect((await api.fetch('u1', 'acme', 'me', { method: 'POST', body: upload() })).status).toBe(401);
    expect(tokenRequests).toBe(1);
    expect((await api.fetch('u1', 'acme', 'me')).status).toBe(401);
    expect((await api.fetch('u1', 'acme', 'me', { method: 'POST', body: upload() })).status).toBe(401);
    expect(tokenRequests).toBe(1);
    expect(seen.map((request) => request.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-2', 'Bearer at-2']);
  });

  it('a redirect to a streamed PUT or POST comes back unfollowed: the body is not sent again', async () => {
    const { api } = setup();
    routes['/api/moved'] = redirectTo('/api/elsewhere', 308);
    for (const method of ['PUT', 'POST']) expect((await api.fetch('u1', 'acme', 'moved', { method, body: upload() })).status).toBe(308);
    expect(seen.map((request) => [request.path, request.body])).toEqual([
      ['/api/moved', 'part one, part two'],
      ['/api/moved', 'part one, part two'],
    ]);
  });

  it('a connection broken off once the body has gone out is provider_error (502), and a PUT is not sent again', async () => {
    const { api } = setup();
    routes['/api/files'] = (res) => res.socket?.destroy();
    await expect(api.fetch('u1', 'acme', 'files', { method: 'PUT', body: upload() })).rejects.toMatchObject({
      code: 'provider_error',
      status: 502,
      message: 'Acme broke off the API call while its body was being sent.',
    });
    expect(seen).toHaveLength(1);
  });

  it('the wait for the answer (timeoutSeconds) starts when the body has gone out whole, so a slow upload is not cut', async () => {
    const calls: Array<{ signal: AbortSignal; received: string[] }> = [];
    // An API that reads the body as it comes and never answers.
    const fetch: StreamingFetch = async (_url, init) => {
      const call = { signal: init.signal!, received: [] as string[] };
      calls.push(call);
      for await (const chunk of init.body as AsyncIterable<Uint8Array>) call.received.push(Buffer.from(chunk).toString());
      return new Promise<Response>((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    };
    let sendRest!: () => void;
    const rest = new Promise<void>((resolve) => (sendRest = resolve));
    async function* slowBody() {
      yield Buffer.from('first half, ');
      await rest;
      yield Buffer.from('second half');
    }
    vi.useFakeTimers();
    try {
      const { api } = setup({}, { fetch });
      const call = api.fetch('u1', 'acme', 'files', { method: 'PUT', body: slowBody() });
      call.catch(() => {});
      await vi.advanceTimersByTimeAsync(60_000);
      expect(calls[0]!.received).toEqual(['first half, ']);
      expect(calls[0]!.signal.aborted).toBe(false);
      sendRest();
      await vi.advanceTimersByTimeAsync(9_000);
      expect(calls[0]!.received).toEqual(['first half, ', 'second half']);
      expect(calls[0]!.signal.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(call).rejects.toMatchObject({ code: 'provider_timeout', status: 504 });
    } finally {
      vi.useRealTimers();
    }
  });
});
