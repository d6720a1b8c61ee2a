import { describe, expect, it } from 'vitest';
import { sqliteReader } from '../src/db/database.js';
import { DIALECTS } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { startTestApp } from './support/test-app.js';
import { useEchoApiApp } from './support/use-echo-api-app.js';

describe('calls on the user\'s behalf through /api/providers/:provider/proxy/*', () => {
  const { app, api, alice } = useEchoApiApp();

  const call = (method: string, path: string, headers: Record<string, string> = {}, payload?: string) =>
    app().runtime.app.inject({ method: method as 'GET', url: `/api/providers/toolkit/proxy/${path}`, headers: { cookie: alice().cookie, ...headers }, ...(payload ? { payload } : {}) });

  it('passes method, path, query, body and safe headers, with the access token in Authorization only', async () => {
    const stored = await app().runtime.tokenStore.findToken(alice().userId, 'toolkit');
    const answer = await call('POST', 'items/42?sort=asc&x=%2F', {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-csrf-token': alice().csrfToken,
      'x-forwarded-for': '10.0.0.1',
      authorization: 'Bearer attacker',
      connection: 'keep-alive',
    }, '{"a":1}');
    expect(answer.statusCode).toBe(200);
    const echoed = JSON.parse(answer.body);
    expect(echoed).toMatchObject({ method: 'POST', url: '/v1/items/42?sort=asc&x=%2F', body: '{"a":1}' });
    expect(echoed.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(echoed.headers.cookie).toBeUndefined();
    expect(echoed.headers['x-csrf-token']).toBeUndefined();
    expect(echoed.headers['x-forwarded-for']).toBeUndefined();
    expect(answer.headers['x-api-header']).toBeUndefined(); // not on the allowlist: test/api-proxy-headers.test.ts
    expect(answer.headers['cache-control']).toBe('private, no-store');
  });

  it('reads the database once per call: the session, its user and the token in one query', async () => {
    const reader = sqliteReader(app().runtime.database.db)!;
    const all = reader.all;
    const statements: string[] = [];
    reader.all = (sqlText, parameters) => {
      statements.push(sqlText);
      return all(sqlText, parameters);
    };
    try {
      const answer = await call('GET', 'items/1');
      expect(answer.statusCode).toBe(200);
    } finally {
      reader.all = all;
    }
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/from "sessions".*join "users".*join "tokens"/);
  });

  it('needs the CSRF token for anything but GET and HEAD', async () => {
    const before = api().requests.length;
    const missing = await call('DELETE', 'items/42');
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toEqual({ error: 'csrf_failed', message: expect.stringContaining('needs the X-CSRF-Token header') });
    const wrong = await call('DELETE', 'items/42', { 'x-csrf-token': `${alice().csrfToken}x` });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().message).toContain("is not this session's CSRF token");
    expect(api().requests.length).toBe(before);
  });

  it('refuses a call a browser marks as coming from another site, GET included (a link elsewhere: some APIs write on a GET), and calls nothing', async () => {
    const before = api().requests.length;
    for (const site of ['cross-site', 'same-site']) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        const answer = await call(method, 'chat.postMessage?channel=C1&text=hi', { 'sec-fetch-site': site, 'x-csrf-token': alice().csrfToken });
        expect(answer.statusCode, `${method} ${site}`).toBe(403);
        if (method !== 'HEAD') expect(answer.json().error, `${method} ${site}`).toBe('csrf_failed');
      }
    }
    expect(api().requests.length).toBe(before);
    for (const site of ['same-origin', 'none']) expect((await call('GET', 'items/1', { 'sec-fetch-site': site })).statusCode, site).toBe(200);
  });

  it('passes the API\'s status through, and drops its cookies and hop-by-hop headers', async () => {
    expect((await call('GET', 'teapot')).statusCode).toBe(418);
    const cookie = await call('GET', 'set-cookie');
    expect(cookie.headers['set-cookie']).toBeUndefined();
    const hop = await call('GET', 'hop');
    expect(hop.headers['keep-alive']).toBeUndefined();
    expect(hop.headers['proxy-authenticate']).toBeUndefined();
  });

  it('serves the API\'s answer as foreign content: a sandboxed CSP that allows nothing, none of the API\'s own security or CORS headers', async () => {
    const page = await call('GET', 'html-page');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html');
    expect(page.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'clear-site-data', 'strict-transport-security']) {
      expect(page.headers[name], name).toBeUndefined();
    }
    // The app's own responses keep the pages' policy.
    const me = await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: alice().cookie } });
    expect(String(me.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('follows a redirect within the API, never one to another host', async () => {
    const inside = await call('GET', 'redirect-here');
    expect(inside.statusCode).toBe(200);
    expect(JSON.parse(inside.body).url).toBe('/v1/hello');
    const away = await call('GET', 'redirect-away');
    expect(away.statusCode).toBe(302);
    expect(api().requests.some((r) => r.url === '/steal')).toBe(false);
  });

  it('refuses paths that leave the API base', async () => {
    const before = api().requests.length;
    for (const path of ['..%2F..%2Fadmin', 'http:%2F%2Fevil.example/x', '%5C%5Cevil.example/x']) {
      const answer = await call('GET', path);
      expect(answer.statusCode, path).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_api_path' });
    }
    // Dot segments that are not encoded slashes are resolved by the URL parser before routing: no proxy route matches.
    expect((await call('GET', '%2e%2e/%2e%2e/secret')).statusCode).toBe(404);
    expect(api().requests.length).toBe(before);
  });

  it('answers 401 when signed out, whatever the method (a script whose session ended is told to sign in, not that its CSRF token is wrong), and 404 for an unknown provider', async () => {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const signedOut = await app().runtime.app.inject({ method, url: '/api/providers/toolkit/proxy/x', headers: { 'x-csrf-token': alice().csrfToken } });
      expect(signedOut.statusCode, method).toBe(401);
      expect(signedOut.json(), method).toEqual({ error: 'unauthorized', message: 'Sign in first.' });
    }
    expect((await call('GET', '../nope/proxy/x')).statusCode).toBe(404);
    expect((await app().runtime.app.inject({ method: 'GET', url: '/api/providers/nope/proxy/x', headers: { cookie: alice().cookie } })).statusCode).toBe(404);
  });
});

describe('a provider with no API base URL', () => {
  it('is refused by the proxy', async () => {
    const database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    const app = await startTestApp({ databaseUrl: database.url, env: { TOOLKIT_API_BASE_URL: '' } });
    try {
      const alice = await signedInUser(app, 'alice');
      const answer = await app.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: alice.cookie } });
      expect(answer.statusCode).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'no_api' });
    } finally {
      await app.close();
      await database.close();
    }
  });
});
