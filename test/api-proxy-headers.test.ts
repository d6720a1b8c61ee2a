// What of the API's answer headers the proxy passes back: an allowlist, so
// that nothing the API sends can act for this site (navigate, prompt,
// report, widen the origin's permissions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paginationLinks } from '../src/server/routes/proxy.routes.js';
import { DIALECTS } from './support/postgres.js';
import { startEchoApi, type EchoApi } from './support/echo-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

/** Headers that would act for this origin if served from it. */
const ACTING: Record<string, string> = {
  refresh: '0;url=https://evil.example/',
  location: 'https://evil.example/',
  nel: '{"report_to":"default","max_age":31536000,"include_subdomains":true}',
  'report-to': '{"group":"default","max_age":31536000,"endpoints":[{"url":"https://evil.example/reports"}]}',
  'reporting-endpoints': 'default="https://evil.example/reports"',
  'www-authenticate': 'Basic realm="Tokenkeeper"',
  'service-worker-allowed': '/',
  'permissions-policy': 'camera=*, geolocation=*',
  'origin-agent-cluster': '?0',
  link: '<https://evil.example/x.css>; rel=preload; as=style',
  'x-api-header': 'not on the list',
};

/** Headers a client of the API needs: what the body is, cache validators, retry and rate-limit hints, pagination. */
const KEPT: Record<string, string> = {
  'content-type': 'application/json; charset=utf-8',
  'content-language': 'en',
  etag: 'W/"v1"',
  'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT',
  'retry-after': '120',
  ratelimit: 'limit=100, remaining=50, reset=5',
  'x-ratelimit-remaining': '4999',
  'x-rate-limit-reset': '1700000000',
  link: '<https://api.example/items?page=2>; rel="next", <https://api.example/items?page=5>; rel=last',
};

const withHeaders = (status: number, headers: Record<string, string>) => {
  const query = new URLSearchParams({ status: String(status) });
  for (const [name, value] of Object.entries(headers)) query.append('set', `${name}: ${value}`);
  return `with-headers?${query}`;
};

describe('the headers of a proxied answer', () => {
  let api: EchoApi;
  let alice: SignedInUser;

  beforeAll(async () => {
    api = await startEchoApi();
  });
  afterAll(() => api?.close());
  const { app } = useTestApp(DIALECTS[0]!, () => ({ env: { TOOLKIT_API_BASE_URL: `${api.origin}/v1` } }));
  beforeAll(async () => {
    alice = await signedInUser(app(), 'alice');
  });

  const proxy = (path: string) => app().runtime.app.inject({ method: 'GET', url: `/api/providers/toolkit/proxy/${path}`, headers: { cookie: alice.cookie } });

  it.each([200, 302])('drop everything that could act for this site (status %i kept)', async (status) => {
    const answer = await proxy(withHeaders(status, ACTING));
    expect(answer.statusCode).toBe(status);
    for (const name of Object.keys(ACTING)) expect(answer.headers[name], name).toBeUndefined();
    expect(answer.headers['cache-control']).toBe('private, no-store');
    expect(answer.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
  });

  it('keep the body\'s type and language, cache validators, retry and rate-limit hints and pagination links', async () => {
    const answer = await proxy(withHeaders(429, KEPT));
    expect(answer.statusCode).toBe(429);
    for (const [name, value] of Object.entries(KEPT)) expect(answer.headers[name], name).toBe(value);
  });

  it('a redirect off the API comes back without its Location', async () => {
    const away = await proxy('redirect-away');
    expect(away.statusCode).toBe(302);
    expect(away.headers.location).toBeUndefined();
  });
});

describe('paginationLinks', () => {
  it('keeps links whose relations are all pagination', () => {
    for (const value of ['<https://a.example/?page=2>; rel="next"', '<https://a.example/?page=1>; rel=prev; title="p", <https://a.example/?page=9>; rel="last first"']) {
      expect(paginationLinks(value), value).toBe(value);
    }
  });

  it('drops any other relation, a link without one, and what does not parse', () => {
    for (const value of [
      '<https://a.example/?page=2>; rel="next", </x.js>; rel=preload; as=script',
      '<https://a.example/>; rel="next preconnect"',
      '<https://a.example/>',
      '<https://a.example/>; rel=stylesheet',
      'https://a.example/; rel=next',
      '<https://a.example/>; rel=next junk <x>',
      '<https://a.example/>; title="a; rel=next"; rel=preload',
    ]) {
      expect(paginationLinks(value), value).toBeUndefined();
    }
  });
});
