// The path a call on the user's behalf reaches: the one the client sent,
// each segment's percent-encoding kept, and never one that a normalising
// front end in front of the API (nginx here) would resolve to outside
// <NAME>_API_BASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawWildcard } from '../src/server/routes/proxy.routes.js';
import { DIALECTS } from './support/postgres.js';
import { startEchoApi, type EchoApi } from './support/echo-api.js';
import { describeWithNginx, startNginx, type Nginx } from './support/nginx.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';
import { useEchoApiApp } from './support/use-echo-api-app.js';

/** Paths that a server decoding them once or more and resolving dot-segments would take out of the API base. */
const LEAVING = [
  '..%252fadmin/secret', // the router decodes once: ..%2f, which nginx reads as ../
  '..%252Fadmin',
  '..%255cadmin', // a backslash, a separator to some servers
  'x/..%25252f..%25252fadmin', // decoded three times
  '%252e%252e/admin',
  '.%252e/admin',
  '%25252e/x',
  'x%2F..', // a decoded slash that makes a dot-segment
  '%5C%5Cevil.example/x',
  'notes%5Cx',
  '..;/admin', // a servlet container strips ;parameters, then resolves ..
  'x/..;jsessionid=1/admin',
  'x/.%3B/..%3B/admin',
];

/** Paths an API may well use, which must reach it exactly as sent (the router's decoded copy would not). */
const KEPT: Array<[path: string, reaches: string]> = [
  ['notes/123%23draft', '/v1/notes/123%23draft'], // decoded, # would start a fragment
  ['projects/group%2Fproject/issues?state=opened', '/v1/projects/group%2Fproject/issues?state=opened'], // GitLab's encoded namespace
  ['discounts/100%25', '/v1/discounts/100%25'], // decoded, a bare % is not a URL
  ['files/my%20file..txt', '/v1/files/my%20file..txt'],
  ['a%2Fb/.well', '/v1/a%2Fb/.well'],
];

describe('the API path of the proxy and of "Call the API", straight to the API', () => {
  const { app, api, alice } = useEchoApiApp();

  const get = (url: string) => app().runtime.app.inject({ method: 'GET', url, headers: { cookie: alice().cookie } });

  it.each(LEAVING)('the proxy refuses %s with 400 invalid_api_path, and calls nothing', async (path) => {
    const before = api().requests.length;
    const answer = await get(`/api/providers/toolkit/proxy/${path}`);
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_api_path' });
    expect(api().requests.length).toBe(before);
  });

  it('TRACE and OPTIONS are not proxied, even with the CSRF token: 404, and the API sees nothing', async () => {
    const before = api().requests.length;
    for (const method of ['TRACE', 'OPTIONS']) {
      const answer = await app().runtime.app.inject({
        method: method as 'GET',
        url: '/api/providers/toolkit/proxy/notes',
        headers: { cookie: alice().cookie, 'x-csrf-token': alice().csrfToken, accept: 'application/json' },
      });
      expect(answer.statusCode, method).toBe(404);
      expect(JSON.parse(answer.body).error, method).toBe('not_found');
    }
    expect(api().requests.length).toBe(before);
  });

  it('a request target in absolute form (http://host/path, RFC 9112 §3.2.2) gives the API the same path', () => {
    expect(rawWildcard('http://localhost:3000/api/providers/toolkit/proxy/notes/1?x=%2F')).toBe('notes/1?x=%2F');
    expect(rawWildcard('/api/providers/toolkit/proxy/notes/1?x=%2F')).toBe('notes/1?x=%2F');
  });

  it.each(KEPT)('the proxy sends %s as it came: %s', async (path, reaches) => {
    const answer = await get(`/api/providers/toolkit/proxy/${path}`);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body).url).toBe(reaches);
  });

  it('"Call the API" refuses a path that leaves the API, and calls nothing', async () => {
    const before = api().requests.length;
    for (const path of ['..%2fadmin/secret', '%2e%2e%5cadmin', 'x/%252e%252e/admin', '.\t./admin']) {
      const answer = await get(`/account/connections/toolkit/call?path=${encodeURIComponent(path)}`);
      expect(answer.statusCode, path).toBe(400);
      expect(answer.body, path).toContain('The API path must stay under the provider API');
    }
    expect(api().requests.length).toBe(before);
  });

  it('"Call the API" sends the path as written, encoding kept', async () => {
    const answer = await get(`/account/connections/toolkit/call?path=${encodeURIComponent('projects/group%2Fproject?x=1')}`);
    expect(answer.statusCode).toBe(200);
    expect(api().requests.at(-1)?.url).toBe('/v1/projects/group%2Fproject?x=1');
  });
});

describeWithNginx('the API behind nginx, which decodes and normalises the path before choosing a location', () => {
  let api: EchoApi;
  let nginx: Nginx;
  let alice: SignedInUser;

  beforeAll(async () => {
    api = await startEchoApi();
    // proxy_pass without a URI passes the request line as received; the location is chosen on the normalised path.
    nginx = await startNginx(`
    location /v1/ { proxy_pass ${api.origin}; proxy_set_header X-Location api; }
    location / { proxy_pass ${api.origin}; proxy_set_header X-Location outside-the-api; }`);
  });
  afterAll(async () => {
    await nginx?.close();
    await api?.close();
  });
  const { app } = useTestApp(DIALECTS[0]!, () => ({ env: { TOOLKIT_API_BASE_URL: `${nginx.origin}/v1` } }));
  beforeAll(async () => {
    alice = await signedInUser(app(), 'alice');
  });

  const proxy = (path: string) => app().runtime.app.inject({ method: 'GET', url: `/api/providers/toolkit/proxy/${path}`, headers: { cookie: alice.cookie } });

  it('a path nginx would serve from outside the API base is refused before anything is sent', async () => {
    for (const path of ['..%252fadmin/secret', '..%252Fadmin/secret', 'notes/..%252f..%252fadmin']) {
      const answer = await proxy(path);
      expect(answer.statusCode, path).toBe(400);
      expect(JSON.parse(answer.body), path).toMatchObject({ error: 'invalid_api_path' });
    }
    expect(api.requests.filter((request) => request.headers['x-location'] === 'outside-the-api')).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it('the API\'s own paths reach its location, with the access token, exactly as sent', async () => {
    const stored = await app().runtime.tokenStore.findToken(alice.userId, 'toolkit');
    for (const [path, reaches] of KEPT) {
      const answer = await proxy(path);
      expect(answer.statusCode, path).toBe(200);
      const echoed = JSON.parse(answer.body);
      expect(echoed.url, path).toBe(reaches);
      expect(echoed.headers['x-location'], path).toBe('api');
      expect(echoed.headers.authorization, path).toBe(`Bearer ${stored!.accessToken}`);
    }
  });
});
