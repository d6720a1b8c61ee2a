// What of the API's answer headers the proxy passes back: an allowlist, so
// that nothing the API sends can act for this site (navigate, prompt,
// report, widen the origin's permissions), and a redirect's Location only
// as an absolute https (or, for an http API, http) URL.
import { describe, expect, it } from 'vitest';
import { paginationLinks, redirectLocation } from '../src/server/routes/proxy.routes.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useEchoApiApp } from './support/use-echo-api-app.js';

/** Headers that would act for this origin if served from it (Location aside: see redirectLocation). */
const ACTING: Record<string, string> = {
  refresh: '0;url=https://evil.example/',
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
  const { app, api, alice } = useEchoApiApp();

  const proxy = (path: string) => app().runtime.app.inject({ method: 'GET', url: `/api/providers/toolkit/proxy/${path}`, headers: { cookie: alice().cookie } });

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

  it("an API's 405 keeps its Allow (RFC 9110 §15.5.6: the methods the resource takes)", async () => {
    const refused = await proxy(withHeaders(405, { allow: 'GET, HEAD' }));
    expect(refused.statusCode).toBe(405);
    expect(refused.headers.allow).toBe('GET, HEAD');
  });

  it('a redirect off the API comes back unfollowed, its Location made absolute against the URL that answered', async () => {
    const away = await proxy('redirect-away');
    expect(away.statusCode).toBe(302);
    expect(away.headers.location).toBe('http://127.0.0.1:9/steal');
    expect(api().requests.some((request) => request.url === '/steal')).toBe(false);
    // Outside the API base (/v1), so not followed; relative, so resolved against the API's URL.
    for (const status of [301, 302, 303, 307, 308]) {
      const answer = await proxy(withHeaders(status, { location: '/elsewhere/archive.tar.gz?token=t1' }));
      expect(answer.statusCode).toBe(status);
      expect(answer.headers.location, String(status)).toBe(`${api().origin}/elsewhere/archive.tar.gz?token=t1`);
      expect(answer.headers['tokenkeeper-upstream']).toBe('true');
      expect(answer.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    }
  });

  it('no Location on an answer that is not a redirect, nor one to this site or to a scheme other than https (or http, the API being http)', async () => {
    for (const status of [200, 201, 304]) {
      expect((await proxy(withHeaders(status, { location: 'https://evil.example/' }))).headers.location, String(status)).toBeUndefined();
    }
    const ownProxy = `${APP_ORIGIN}/api/providers/toolkit/proxy/notes?delete=all`;
    for (const location of [ownProxy, 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'ftp://files.example/a', 'http://[::1']) {
      const answer = await proxy(withHeaders(302, { location }));
      expect(answer.statusCode).toBe(302);
      expect(answer.headers.location, location).toBeUndefined();
    }
  });
});

describe('redirectLocation', () => {
  const API = 'https://api.example/v1/repos/o/r/tarball/main';
  const locate = (status: number, location: string | null, answeredUrl = API) => redirectLocation(status, location, answeredUrl, 'https://tokenkeeper.example');

  it('gives the absolute https URL of a redirect, resolved against the URL that answered', () => {
    expect(locate(302, 'https://codeload.example/o/r/legacy.tar.gz?token=t', API)).toBe('https://codeload.example/o/r/legacy.tar.gz?token=t');
    expect(locate(307, '/v2/moved?x=1', API)).toBe('https://api.example/v2/moved?x=1');
    expect(locate(301, '//cdn.example/a b', API)).toBe('https://cdn.example/a%20b');
    expect(locate(308, 'http://127.0.0.1:8080/file', 'http://127.0.0.1:3000/api/x')).toBe('http://127.0.0.1:8080/file');
  });

  it("gives nothing for an http URL from an https API, this site's own URL, another scheme, a value that does not parse, or an answer that is not a redirect", () => {
    expect(locate(302, 'http://cdn.example/file', API)).toBeUndefined();
    // This site itself: the browser would call it with its cookies, as from one of its own pages.
    expect(locate(302, 'https://tokenkeeper.example/api/providers/slack/proxy/chat.postMessage?text=hi', API)).toBeUndefined();
    // Nor spelled as a fully qualified name (the trailing dot), which DNS and TLS answer as the same host.
    expect(locate(302, 'https://tokenkeeper.example./api/providers/slack/proxy/chat.postMessage?text=hi', API)).toBeUndefined();
    expect(locate(302, 'https://TOKENKEEPER.example.:443/x', API)).toBeUndefined();
    // Another port is another origin, whose calls the browser proxy refuses as same-site.
    expect(locate(302, 'https://tokenkeeper.example:8443/x', API)).toBe('https://tokenkeeper.example:8443/x');
    for (const location of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'blob:https://api.example/1', 'file:///etc/passwd', 'https://[::1']) {
      expect(locate(302, location, API), location).toBeUndefined();
    }
    expect(locate(302, null, API)).toBeUndefined();
    // No URL to resolve against (a fetch that does not set Response.url): nothing, rather than a guess.
    expect(locate(302, 'https://cdn.example/file', '')).toBeUndefined();
    for (const status of [200, 201, 300, 304, 305]) expect(locate(status, 'https://cdn.example/file', API), String(status)).toBeUndefined();
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
