import { createHash } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type { TestBrowser } from './support/browser.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** Every route any Fastify instance registers in this file, collected with an onRoute hook added as the instance is created. */
const registeredRoutes = vi.hoisted(() => [] as Array<{ method: string; url: string }>);
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fastify')>();
  const create = ((options?: object) => {
    const instance = actual.default(options as never);
    instance.addHook('onRoute', (route: RouteOptions) => {
      const methods: readonly string[] = Array.isArray(route.method) ? route.method : [route.method as string];
      for (const method of methods) registeredRoutes.push({ method, url: route.url });
    });
    return instance;
  }) as typeof actual.default;
  return { ...actual, default: create, fastify: create };
});

const COOKIE = 'tokenkeeper_session';
const CALLBACK_PREFIX = `${APP_ORIGIN}/auth/`;
const dialect = DIALECTS[0]!;

function sessionIdOf(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('hex');
}

async function sessionRow(database: TestDatabase, cookieValue: string) {
  return database.db.selectFrom('sessions').selectAll().where('id', '=', sessionIdOf(cookieValue)).executeTakeFirst();
}

/** The session cookie's Set-Cookie header in a response, if any. */
function sessionSetCookie(headers: Headers | Record<string, unknown>, name = COOKIE): string | undefined {
  const all = headers instanceof Headers ? headers.getSetCookie() : [headers['set-cookie'] ?? []].flat().map(String);
  return all.find((header) => header.startsWith(`${name}=`));
}

/** Runs a sign-in from `loginUrl` up to the provider's redirect back to the app, without following it. */
async function callbackUrlFor(browser: TestBrowser, loginUrl: string, username = 'alice'): Promise<string> {
  const login = await browser.get(loginUrl, { stopAt: CALLBACK_PREFIX });
  if (login.location) return login.location;
  let page = await browser.submitForm(login, { username, password: username }, { stopAt: CALLBACK_PREFIX });
  if (!page.location) page = await browser.submitForm(page, {}, { stopAt: CALLBACK_PREFIX });
  if (!page.location) throw new Error(`no redirect to the callback (status ${page.status} at ${page.url})`);
  return page.location;
}

describe('sessions, CSRF and page headers', () => {
  const { app, database } = useTestApp(dialect, { env: { SESSION_IDLE_TIMEOUT_SECONDS: '60', SESSION_MAX_AGE_SECONDS: '120' } });

  it('sign-in replaces the anonymous session with a new id; the old one is gone from the database', async () => {
    const browser = app().browser();
    const callback = await callbackUrlFor(browser, `${APP_ORIGIN}/login/toolkit`);
    const anonymous = browser.cookies.get(COOKIE, APP_ORIGIN)!;
    expect(anonymous).toBeTruthy();
    expect(await sessionRow(database(), anonymous)).toMatchObject({ user_id: null });

    const landed = await browser.get(callback, { followRedirects: false });
    expect(landed.status).toBe(303);
    const signedIn = browser.cookies.get(COOKIE, APP_ORIGIN)!;
    expect(signedIn).toBeTruthy();
    expect(signedIn).not.toBe(anonymous);
    expect(await sessionRow(database(), anonymous)).toBeUndefined();
    expect((await sessionRow(database(), signedIn))?.user_id).toBeTruthy();

    // The old cookie, replayed, is nobody.
    const replayed = await app().runtime.app.inject({ method: 'GET', url: '/api/me', cookies: { [COOKIE]: anonymous } });
    expect(replayed.statusCode).toBe(401);
  });

  it('sign-out deletes the session and clears the cookie; the old cookie no longer works and the next session is new', async () => {
    const user = await signedInUser(app(), 'bob');
    const secret = user.browser.cookies.get(COOKIE, APP_ORIGIN)!;
    const out = await app().runtime.app.inject({ method: 'POST', url: '/logout', headers: { cookie: user.cookie }, payload: { _csrf: user.csrfToken } });
    expect(out.statusCode).toBe(303);
    const cleared = sessionSetCookie(out.headers)!;
    expect(cleared).toMatch(/^tokenkeeper_session=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
    expect(await sessionRow(database(), secret)).toBeUndefined();
    expect((await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);

    const again = await app().runtime.app.inject({ method: 'GET', url: '/login/toolkit', headers: { cookie: user.cookie } });
    const fresh = /^tokenkeeper_session=([^;]+)/.exec(sessionSetCookie(again.headers) ?? '')?.[1];
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(secret);
  });

  it('the session cookie is HttpOnly, SameSite=Lax, Path=/, host-only and not Secure over http; Max-Age is SESSION_MAX_AGE_SECONDS', async () => {
    const browser = app().browser();
    const callback = await callbackUrlFor(browser, `${APP_ORIGIN}/login/toolkit`, 'bob');
    const landed = await browser.get(callback, { followRedirects: false });
    const header = sessionSetCookie(landed.headers)!;
    expect(header).toBeTruthy();
    const attributes = header.split(';').slice(1).map((part) => part.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes).toContain('max-age=120');
    expect(attributes).not.toContain('secure');
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
  });

  it('an idle session (last_seen_at older than SESSION_IDLE_TIMEOUT_SECONDS) is ended and deleted', async () => {
    const user = await signedInUser(app(), 'alice');
    const secret = user.browser.cookies.get(COOKIE, APP_ORIGIN)!;
    const now = Math.floor(Date.now() / 1000);
    await database().db.updateTable('sessions').set({ last_seen_at: now - 59 }).where('id', '=', sessionIdOf(secret)).execute();
    expect((await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);
    await database().db.updateTable('sessions').set({ last_seen_at: now - 61 }).where('id', '=', sessionIdOf(secret)).execute();
    const idle = await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie } });
    expect(idle.statusCode).toBe(401);
    expect(sessionSetCookie(idle.headers)).toMatch(/^tokenkeeper_session=;/);
    expect(await sessionRow(database(), secret)).toBeUndefined();
  });

  it('a session past its absolute expiry is ended even while in use', async () => {
    const user = await signedInUser(app(), 'alice');
    const secret = user.browser.cookies.get(COOKIE, APP_ORIGIN)!;
    const row = (await sessionRow(database(), secret))!;
    expect(row.expires_at - row.created_at).toBe(120);
    const now = Math.floor(Date.now() / 1000);
    await database().db.updateTable('sessions').set({ expires_at: now - 1, last_seen_at: now }).where('id', '=', sessionIdOf(secret)).execute();
    const expired = await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie } });
    expect(expired.statusCode).toBe(401);
    expect(await sessionRow(database(), secret)).toBeUndefined();
  });

  it('every state-changing route refuses a missing or wrong CSRF token with 403, for a signed-in user', async () => {
    // The service API under /api/v1 is authorised by a bearer key, never by the session cookie; the next test proves the cookie opens none of it.
    // The form_post sign-in callback is posted by the provider's page and carries no CSRF token: its state, bound to
    // this browser's session, does that work (below, and test/form-post-callback.test.ts). The back-channel logout is
    // posted by the provider's server, without any cookie: the logout token's signature does (below, and
    // test/backchannel-logout.test.ts).
    const FORM_POST_CALLBACK = 'POST /auth/:provider/callback';
    const BACKCHANNEL_LOGOUT = 'POST /auth/:provider/backchannel-logout';
    const stateChanging = registeredRoutes.filter(
      (route) =>
        !['GET', 'HEAD', 'OPTIONS'].includes(route.method) && !route.url.startsWith('/api/v1/') && ![FORM_POST_CALLBACK, BACKCHANNEL_LOGOUT].includes(`${route.method} ${route.url}`),
    );
    expect(registeredRoutes.map((route) => `${route.method} ${route.url}`)).toEqual(expect.arrayContaining([FORM_POST_CALLBACK, BACKCHANNEL_LOGOUT]));
    // The routes this app is known to have must be among those found, so the enumeration itself cannot silently miss them.
    const urls = new Set(stateChanging.map((route) => `${route.method} ${route.url}`));
    for (const known of ['POST /logout', 'POST /account/connections/:provider/refresh', 'POST /account/connections/:provider/disconnect', 'DELETE /account/connections/:provider', 'POST /api/providers/:provider/proxy/*']) {
      expect(urls, known).toContain(known);
    }
    const user = await signedInUser(app(), 'alice');
    const tokensBefore = await database().db.selectFrom('tokens').select('id').execute();
    for (const route of stateChanging) {
      const url = route.url.replace(':provider', 'toolkit').replace(/:[a-z]+/gi, 'x').replace('*', 'notes');
      for (const attempt of [{}, { _csrf: 'wrong-token' }, { _csrf: user.csrfToken.slice(0, -1) }]) {
        const response = await app().runtime.app.inject({ method: route.method as 'POST', url, headers: { cookie: user.cookie }, payload: attempt });
        expect(response.statusCode, `${route.method} ${route.url} with ${JSON.stringify(attempt)}`).toBe(403);
      }
      const header = await app().runtime.app.inject({ method: route.method as 'POST', url, headers: { cookie: user.cookie, 'x-csrf-token': 'wrong-token' }, payload: {} });
      expect(header.statusCode, `${route.method} ${route.url} with a wrong header`).toBe(403);
    }
    for (const state of [undefined, 'forged-state']) {
      const posted = await app().runtime.app.inject({ method: 'POST', url: '/auth/toolkit/callback', headers: { cookie: user.cookie }, payload: { code: 'stolen', ...(state ? { state } : {}) } });
      expect(posted.statusCode, `form_post callback with state ${state}`).toBe(400);
    }
    // A forged logout token (no signature) for the session's own provider session ends nothing.
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', sid: 'x' })).toString('base64url')}.`;
    const loggedOut = await app().runtime.app.inject({ method: 'POST', url: '/auth/toolkit/backchannel-logout', headers: { cookie: user.cookie }, payload: { logout_token: unsigned } });
    expect(loggedOut.statusCode).toBe(400);
    // Nothing was done: still signed in, still connected.
    expect((await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(200);
    expect(await database().db.selectFrom('tokens').select('id').execute()).toEqual(tokensBefore);
  });

  it('a signed-in session cookie opens no route of the bearer-key service API', async () => {
    const serviceRoutes = registeredRoutes.filter((route) => route.url.startsWith('/api/v1/') && route.url !== '/api/v1/openapi.json' && !['HEAD', 'OPTIONS'].includes(route.method));
    expect(serviceRoutes.length).toBeGreaterThan(5);
    const user = await signedInUser(app(), 'alice');
    for (const route of serviceRoutes) {
      const url = route.url.replace(':provider', 'toolkit').replace(':id', '1').replace(/:[a-z]+/gi, 'x').replace('*', 'notes');
      const response = await app().runtime.app.inject({ method: route.method as 'POST', url, headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken }, payload: {} });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().error, `${route.method} ${route.url}`).toBe('invalid_service_key');
    }
  });

  it('pages carry CSP with frame-ancestors none, nosniff and a Referrer-Policy; no HSTS over http', async () => {
    const user = await signedInUser(app(), 'alice');
    for (const [url, cookie] of [['/', undefined], ['/account', user.cookie], ['/no-such-page', undefined]] as const) {
      const response = await app().runtime.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("default-src 'self'");
      // No page runs script: an answer of a provider's API, served from this origin by the proxy, cannot be loaded as one.
      expect(csp, url).toContain("script-src 'none'");
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['referrer-policy'], url).toBeTruthy();
      expect(response.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('every page a signed-in user gets, which names them and holds their CSRF token, is Cache-Control: no-store', async () => {
    const user = await signedInUser(app(), 'alice');
    for (const url of ['/', '/account', '/account/connections/toolkit/call?path=profile', '/no-such-page']) {
      const response = await app().runtime.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } });
      expect(response.body, url).toContain(user.csrfToken);
      expect(response.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('the callback answers with Referrer-Policy: no-referrer, on success and on failure', async () => {
    const browser = app().browser();
    const callback = await callbackUrlFor(browser, `${APP_ORIGIN}/login/toolkit`);
    const success = await browser.get(callback, { followRedirects: false });
    expect(success.status).toBe(303);
    expect(success.headers.get('referrer-policy')).toBe('no-referrer');
    const failure = await browser.get(callback, { followRedirects: false });
    expect(failure.status).toBe(400);
    expect(failure.headers.get('referrer-policy')).toBe('no-referrer');
  });

  // Raw, as an attacker would write them into a link: the query parser decodes them once.
  const hostileNext = ['//evil.com', 'https://evil.com', '/\\evil.com', 'javascript:alert(1)', '%2F%2Fevil.com', '/%09/evil.com', '/%2F%2Fevil.com', '%5C%5Cevil.com', 'https:%2F%2Fevil.com', '/.//evil.com', '/a/..//evil.com', '/%2e%2e//evil.com'];
  for (const next of hostileNext) {
    it(`next=${next} through a real sign-in lands on /`, async () => {
      const browser = app().browser();
      const callback = await callbackUrlFor(browser, `${APP_ORIGIN}/login/toolkit?next=${next}`);
      const answer = await browser.get(callback, { followRedirects: false });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/');
    });
  }
});

describe('an app whose BASE_URL is https', () => {
  const { app } = useTestApp(dialect, { env: { BASE_URL: 'https://app.test' } });

  it('names the session cookie __Host-… and marks it Secure, HttpOnly, SameSite=Lax, Path=/, without Domain', async () => {
    // The app decides from BASE_URL, not from any request header.
    const response = await app().runtime.app.inject({ method: 'GET', url: '/login/toolkit', headers: { host: 'app.test' } });
    expect(response.statusCode).toBe(303);
    const header = sessionSetCookie(response.headers, '__Host-tokenkeeper_session')!;
    expect(header).toBeTruthy();
    const attributes = header.split(';').slice(1).map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    expect(sessionSetCookie(response.headers)).toBeUndefined();
  });

  it('sends HSTS and upgrade-insecure-requests on pages', async () => {
    const response = await app().runtime.app.inject({ method: 'GET', url: '/', headers: { host: 'app.test' } });
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(String(response.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    expect(String(response.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });
});
