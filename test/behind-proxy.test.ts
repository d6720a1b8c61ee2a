// Tokenkeeper behind a reverse proxy: which X-Forwarded-* headers it believes
// (TRUST_PROXY), and a BASE_URL https deployment behind a proxy that
// terminates TLS (the app itself only ever sees plain http).
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../src/dev-provider/index.js';
import { TestBrowser } from './support/browser.js';
import { injectFetch } from './support/inject-fetch.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { signInAt } from './support/server-processes.js';
import { startTestApp, testProviderClient, type TestApp } from './support/test-app.js';

const sqlite = DIALECTS[0]!;

/** A test app on a fresh SQLite database whose log lines are kept. */
async function appWith(env: Record<string, string>, sharedProvider?: DevProvider): Promise<{ app: TestApp; database: TestDatabase; logs: string[] }> {
  const database = await sqlite.openTestDatabase({ migrate: false });
  const logs: string[] = [];
  const app = await startTestApp({
    databaseUrl: database.url,
    // The request lines name the client IP.
    env: { LOG_REQUESTS: 'true', ...env },
    logLevel: 'info',
    logDestination: { write: (line: string) => void logs.push(line) },
    ...(sharedProvider ? { sharedProvider } : {}),
  });
  return { app, database, logs };
}

interface Via {
  /** The peer that connects to the app: the proxy (inject's default is 127.0.0.1). */
  from?: string;
  forwardedFor?: string;
  forwardedProto?: string;
  cookie?: string;
}

function viaProxy(app: TestApp, url: string, via: Via, method: 'GET' | 'POST' = 'GET', form?: Record<string, string>): Promise<LightMyRequestResponse> {
  return app.runtime.app.inject({
    method,
    url,
    ...(via.from ? { remoteAddress: via.from } : {}),
    headers: {
      ...(via.forwardedFor ? { 'x-forwarded-for': via.forwardedFor } : {}),
      ...(via.forwardedProto ? { 'x-forwarded-proto': via.forwardedProto } : {}),
      ...(via.cookie ? { cookie: via.cookie } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
  });
}

/** The IP the request log line for `url` names. */
function loggedIp(logs: string[], url: string): string | undefined {
  const line = logs.map((text) => JSON.parse(text) as { msg?: string; req?: { url: string; ip: string } }).find((entry) => entry.msg === 'incoming request' && entry.req?.url === url);
  return line?.req?.ip;
}

async function signInStarts(app: TestApp, clients: Via[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const via of clients) statuses.push((await viaProxy(app, '/login/toolkit', via)).statusCode);
  return statuses;
}

/** The admin login form's anonymous CSRF cookie (as a Cookie header) and token. */
async function adminLoginForm(app: TestApp, via: Via): Promise<{ response: LightMyRequestResponse; cookie: string; csrfToken: string }> {
  const response = await viaProxy(app, '/admin/login', via);
  const set = response.cookies.find((cookie) => cookie.name.endsWith('tokenkeeper_csrf'));
  const csrfToken = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
  if (!set || !csrfToken) throw new Error('the admin login page set no CSRF cookie or token');
  return { response, cookie: `${set.name}=${set.value}`, csrfToken };
}

describe('TRUST_PROXY unset (the default): X-Forwarded-For and X-Forwarded-Proto are ignored', () => {
  let app: TestApp;
  let database: TestDatabase;
  let logs: string[];
  beforeAll(async () => ({ app, database, logs } = await appWith({ LOGIN_RATE_LIMIT: '2' })));
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('every client behind the proxy counts as the proxy for LOGIN_RATE_LIMIT, and the log names the proxy', async () => {
    const proxy = '192.0.2.10';
    const statuses = await signInStarts(app, [1, 2, 3].map((n) => ({ from: proxy, forwardedFor: `203.0.113.${n}` })));
    expect(statuses).toEqual([303, 303, 429]);
    expect(loggedIp(logs, '/login/toolkit')).toBe(proxy);
  });

  it('X-Forwarded-Proto: https makes no cookie Secure and sends no HSTS on an http BASE_URL', async () => {
    const { response } = await adminLoginForm(app, { forwardedProto: 'https' });
    expect(response.cookies.map((cookie) => [cookie.name, cookie.secure === true])).toEqual([['tokenkeeper_csrf', false]]);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('TRUST_PROXY=127.0.0.1 (the proxy): the client IP and https come from the proxy', () => {
  let app: TestApp;
  let database: TestDatabase;
  let logs: string[];
  beforeAll(async () => ({ app, database, logs } = await appWith({ LOGIN_RATE_LIMIT: '2', TRUST_PROXY: '127.0.0.1' })));
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('LOGIN_RATE_LIMIT counts each client apart; a forged address put before the real one changes nothing', async () => {
    const a = { forwardedFor: '198.51.100.7, 203.0.113.21' };
    const b = { forwardedFor: '198.51.100.7, 203.0.113.22' };
    expect(await signInStarts(app, [a, a, a, b])).toEqual([303, 303, 429, 303]);
    expect(loggedIp(logs, '/login/toolkit')).toBe('203.0.113.21');
  });

  it('a peer TRUST_PROXY does not name is not believed', async () => {
    const direct = { from: '192.0.2.99', forwardedFor: '203.0.113.31', forwardedProto: 'https' };
    expect(await signInStarts(app, [direct, { ...direct, forwardedFor: '203.0.113.32' }, { ...direct, forwardedFor: '203.0.113.33' }])).toEqual([303, 303, 429]);
    const { response } = await adminLoginForm(app, direct);
    expect(response.cookies.map((cookie) => cookie.name)).toEqual(['tokenkeeper_csrf']);
  });

  it('X-Forwarded-Proto: https gives Secure __Host- cookies and HSTS; the cookie is read back under that name only over https', async () => {
    const https = { forwardedFor: '203.0.113.41', forwardedProto: 'https' };
    const form = await adminLoginForm(app, https);
    expect(form.response.cookies).toEqual([expect.objectContaining({ name: '__Host-tokenkeeper_csrf', secure: true, path: '/', httpOnly: true, sameSite: 'Lax' })]);
    expect(form.response.cookies[0]).not.toHaveProperty('domain');
    expect(form.response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(form.response.headers['content-security-policy']).toContain('upgrade-insecure-requests');

    // The session cookie too (a sign-in start opens one), and the app's own redirects stay relative, so on https.
    const start = await viaProxy(app, '/login/toolkit', { ...https, forwardedFor: '203.0.113.42' });
    expect(start.cookies).toEqual([expect.objectContaining({ name: '__Host-tokenkeeper_session', secure: true, path: '/', httpOnly: true })]);
    const signedOut = await viaProxy(app, '/account', https);
    expect([signedOut.statusCode, signedOut.headers.location]).toEqual([303, '/?next=%2Faccount']);

    const fields = { _csrf: form.csrfToken, username: 'nobody', password: 'wrong password' };
    // Over https its cookie is found: the CSRF check passes and the password check says no.
    expect((await viaProxy(app, '/admin/login', { ...https, cookie: form.cookie }, 'POST', fields)).statusCode).toBe(401);
    // The same request over plain http looks for the http cookie, which it does not have.
    const overHttp = await viaProxy(app, '/admin/login', { forwardedFor: '203.0.113.41', forwardedProto: 'http', cookie: form.cookie }, 'POST', fields);
    expect(overHttp.statusCode).toBe(403);
  });

  it('X-Forwarded-Proto: http keeps plain cookies', async () => {
    const { response } = await adminLoginForm(app, { forwardedFor: '203.0.113.51', forwardedProto: 'http' });
    expect(response.cookies.map((cookie) => [cookie.name, cookie.secure === true])).toEqual([['tokenkeeper_csrf', false]]);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('the admin login throttle counts failures per forwarded client, and the audit log names it', async () => {
    const attempt = async (client: string, n: number) => {
      const via = { forwardedFor: client };
      const form = await adminLoginForm(app, via);
      return (await viaProxy(app, '/admin/login', { ...via, cookie: form.cookie }, 'POST', { _csrf: form.csrfToken, username: `guess-${client}-${n}`, password: 'wrong password' })).statusCode;
    };
    const statuses: number[] = [];
    for (let n = 0; n < 11; n += 1) statuses.push(await attempt('203.0.113.61', n));
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    expect(await attempt('203.0.113.62', 0)).toBe(401);
    const failures = await database.db.selectFrom('audit_log').select('ip').where('event', '=', 'admin.sign_in_failed').execute();
    expect(new Set(failures.map((row) => row.ip))).toEqual(new Set(['203.0.113.41', '203.0.113.61', '203.0.113.62']));
  });
});

describe('TRUST_PROXY as a hop count, or true', () => {
  const cases: Array<[string, string]> = [
    // The nearest hop: the proxy's own peer, the last address it appended.
    ['1', '203.0.113.71'],
    // Every hop is believed: the left-most address, which the client wrote itself.
    ['true', '198.51.100.7'],
  ];
  for (const [value, clientIp] of cases) {
    it(`TRUST_PROXY=${value}: X-Forwarded-For "198.51.100.7, 203.0.113.71" gives ${clientIp}`, async () => {
      const { app, database, logs } = await appWith({ TRUST_PROXY: value });
      try {
        const response = await viaProxy(app, '/admin/login', { from: '192.0.2.10', forwardedFor: '198.51.100.7, 203.0.113.71', forwardedProto: 'https' });
        expect(response.cookies.map((cookie) => cookie.name)).toEqual(['__Host-tokenkeeper_csrf']);
        expect(loggedIp(logs, '/admin/login')).toBe(clientIp);
      } finally {
        await app.close();
        await database.close();
      }
    });
  }
});

describe('BASE_URL https behind a proxy that terminates TLS', () => {
  const PUBLIC_ORIGIN = 'https://app.test';
  let provider: DevProvider;
  beforeAll(async () => {
    provider = await startDevProvider({ port: 0, clients: [testProviderClient(PUBLIC_ORIGIN)] });
  });
  afterAll(() => provider?.close());

  /** What the browser asked of the app, and the cookies the app set. */
  interface Hop {
    url: string;
    status: number;
    location: string | null;
    setCookies: string[];
  }

  /** A browser on the https site; `headers` are what the proxy adds on its way to the app (which sees http). */
  function browserBehindProxy(app: TestApp, headers: Record<string, string>, hops: Hop[]): TestBrowser {
    const toApp = injectFetch(app.runtime.app, PUBLIC_ORIGIN);
    const transport: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const fromProxy = url.origin === PUBLIC_ORIGIN ? { ...Object.fromEntries(new Headers(init?.headers)), ...headers } : init?.headers;
      const response = await toApp(input, { ...init, ...(fromProxy ? { headers: fromProxy } : {}) });
      if (url.origin === PUBLIC_ORIGIN) hops.push({ url: url.href, status: response.status, location: response.headers.get('location'), setCookies: response.headers.getSetCookie() });
      return response;
    };
    return new TestBrowser({ fetch: transport });
  }

  const settings: Array<[string, Record<string, string>, Record<string, string>]> = [
    ['TRUST_PROXY unset, no forwarded headers', {}, {}],
    ['TRUST_PROXY=127.0.0.1 with X-Forwarded-For and -Proto', { TRUST_PROXY: '127.0.0.1' }, { 'x-forwarded-for': '203.0.113.81', 'x-forwarded-proto': 'https' }],
  ];
  for (const [title, env, headers] of settings) {
    it(`${title}: sign-in works, every cookie is Secure with __Host-, and no redirect leaves https`, async () => {
      const { app, database } = await appWith({ BASE_URL: PUBLIC_ORIGIN, ...env }, provider);
      try {
        const hops: Hop[] = [];
        const browser = browserBehindProxy(app, headers, hops);
        const landed = await signInAt(browser, PUBLIC_ORIGIN, 'alice', 'alice', '/account');
        expect(landed.url).toBe(`${PUBLIC_ORIGIN}/account`);
        expect(landed.text).toContain('Alice Liddell');
        expect((await browser.get(`${PUBLIC_ORIGIN}/api/me`)).status).toBe(200);

        const cookies = hops.flatMap((hop) => hop.setCookies);
        expect(cookies.length).toBeGreaterThanOrEqual(2);
        for (const cookie of cookies) {
          expect(cookie).toMatch(/^__Host-tokenkeeper_[a-z]+=/);
          expect(cookie).toMatch(/; Secure/);
          expect(cookie).toMatch(/; Path=\//);
          expect(cookie).not.toMatch(/; Domain=/i);
        }
        // The app's redirects to itself are paths, resolved against the https address the browser used.
        const ownRedirects = hops.filter((hop) => hop.location !== null && new URL(hop.location, hop.url).host === 'app.test');
        expect(ownRedirects.length).toBeGreaterThanOrEqual(1);
        for (const hop of ownRedirects) expect(new URL(hop.location!, hop.url).origin, `${hop.url} → ${hop.location}`).toBe(PUBLIC_ORIGIN);
        const signedIn = await database.db.selectFrom('audit_log').select('ip').where('event', '=', 'user.signed_in').executeTakeFirstOrThrow();
        expect(signedIn.ip).toBe(headers['x-forwarded-for'] ?? '127.0.0.1');
      } finally {
        await app.close();
        await database.close();
      }
    });
  }
});
