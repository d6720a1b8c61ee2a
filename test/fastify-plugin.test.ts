// tokenkeeper/fastify as a host application uses it: the plugin on a
// Fastify app whose own session is a cookie set in onSignIn, signing people
// in through the dev provider's real pages (the app reached in-process by
// app.inject(), the provider over the network).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import Database from 'better-sqlite3';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenkeeperPlugin, type TokenkeeperPluginOptions } from '../src/adapters/fastify.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { createTokenkeeper, devProvider, type SignInResult, type Tokenkeeper } from '../src/library/index.js';
import { TestBrowser, type BrowserResponse } from './support/browser.js';
import { injectFetch } from './support/inject-fetch.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, startTestProvider, TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { throughDevProvider } from './support/dev-provider-pages.js';

const SESSION_COOKIE = 'host_session';

/** The host application: its users by e-mail, its sessions by a cookie, and a page that says who is signed in. */
function hostApp(tokenkeeper: Tokenkeeper, options: Partial<TokenkeeperPluginOptions> = {}) {
  const sessions = new Map<string, string>();
  const signIns: SignInResult[] = [];
  const app = Fastify();
  const sessionOf = (request: FastifyRequest) => {
    const id = /(?:^|;\s*)host_session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    return id === undefined ? undefined : sessions.get(id);
  };
  void app.register(tokenkeeperPlugin, {
    tokenkeeper,
    baseUrl: APP_ORIGIN,
    onSignIn: (_request, reply, result) => {
      signIns.push(result);
      const id = `s${sessions.size + 1}`;
      sessions.set(id, result.user.externalId!);
      reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
      return reply.redirect(result.next ?? '/', 303);
    },
    currentUser: (request) => {
      const externalId = sessionOf(request);
      return externalId === undefined ? undefined : { externalId };
    },
    ...options,
  });
  app.get('/*', async (request) => ({ path: request.url, user: sessionOf(request) ?? null }));
  const browser = () => new TestBrowser({ fetch: injectFetch(app, APP_ORIGIN) });
  return { app, browser, signIns };
}

async function signIn(browser: TestBrowser, username: string, loginPath = '/auth/toolkit/login'): Promise<BrowserResponse> {
  return throughDevProvider(browser, await browser.get(`${APP_ORIGIN}${loginPath}`), username);
}

/** The Set-Cookie values of an injected response. */
function setCookies(response: { headers: Record<string, unknown> }): string[] {
  const header = response.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header.map(String) : [String(header)];
}

describe('tokenkeeper/fastify', () => {
  let provider: DevProvider;
  let tokenkeeper: Tokenkeeper;
  let host: ReturnType<typeof hostApp>;
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-fastify-'));
  const hostIds = new Map([['alice@example.test', 'host-alice'], ['bob@example.test', 'host-bob'], ['mallory@example.test', 'host-mallory']]);

  beforeAll(async () => {
    provider = await startTestProvider();
    const toolkit = { ...devProvider(provider.issuer), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
    tokenkeeper = await createTokenkeeper({
      database: `sqlite:${join(folder, 'app.db')}`,
      encryptionKeys: [TEST_ENCRYPTION_KEY],
      // "posted" asks the provider to answer with response_mode=form_post, as Sign in with Apple does.
      providers: { toolkit, second: { ...toolkit, displayName: 'Second' }, posted: { ...toolkit, displayName: 'Posted', authorizationParams: { response_mode: 'form_post' } } },
      resolveUser: (identity) => hostIds.get(identity.email ?? '') ?? null,
    });
    host = hostApp(tokenkeeper);
    await host.app.ready();
  });
  afterAll(async () => {
    await host?.app.close();
    await tokenkeeper?.close();
    await provider?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('signs a person in through the provider: onSignIn gets the stored user and sets the host session; the sign-in cookie is used up', async () => {
    const browser = host.browser();
    const landed = await signIn(browser, 'alice');
    expect(landed.status).toBe(200);
    expect(JSON.parse(landed.text)).toEqual({ path: '/', user: 'host-alice' });
    const result = host.signIns.at(-1)!;
    expect(result).toMatchObject({ isNewUser: true, next: null, user: { externalId: 'host-alice', email: 'alice@example.test' } });
    expect(result.connection).toMatchObject({ provider: 'toolkit', status: 'active', hasRefreshToken: true });
    expect(browser.cookies.get('tokenkeeper_sign_in_toolkit', `${APP_ORIGIN}/auth/toolkit/callback`)).toBeUndefined();
    expect(host.app.tokenkeeper).toBe(tokenkeeper);
    expect((await tokenkeeper.getAccessToken({ externalId: 'host-alice' }, 'toolkit')).accessToken).toEqual(expect.any(String));
  });

  it('a signed-in person starting again is not asked to consent again (currentUser reaches signIn.start)', async () => {
    const browser = host.browser();
    await signIn(browser, 'bob');
    const again = await browser.get(`${APP_ORIGIN}/auth/toolkit/login?next=/again`);
    expect(again.url).toBe(`${APP_ORIGIN}/again`);
    expect(host.signIns.at(-1)).toMatchObject({ isNewUser: false, next: '/again', user: { externalId: 'host-bob' } });
  });

  it('the login route passes login_hint on to the provider; a repeated one is a 400', async () => {
    const started = await host.browser().get(`${APP_ORIGIN}/auth/toolkit/login?login_hint=alice%40example.test`, { followRedirects: false });
    expect(new URL(started.location!).searchParams.get('login_hint')).toBe('alice@example.test');
    const twice = await host.browser().get(`${APP_ORIGIN}/auth/toolkit/login?login_hint=a&login_hint=b`, { followRedirects: false });
    expect(twice.status).toBe(400);
  });

  it('an onSignIn that returns and sends nothing (it only sets the session) gets the default answer: 303 to next, with the headers it set', async () => {
    const app = Fastify();
    await app.register(tokenkeeperPlugin, {
      tokenkeeper,
      baseUrl: APP_ORIGIN,
      onSignIn: async (_request, reply, { user }) => {
        reply.header('set-cookie', `${SESSION_COOKIE}=${user.externalId}; Path=/; HttpOnly; SameSite=Lax`);
      },
    });
    app.get('/*', async (request) => ({ path: request.url, cookie: request.headers.cookie ?? null }));
    try {
      const browser = new TestBrowser({ fetch: injectFetch(app, APP_ORIGIN) });
      const landed = await signIn(browser, 'alice', '/auth/toolkit/login?next=/settings');
      expect(landed.url).toBe(`${APP_ORIGIN}/settings`);
      expect(JSON.parse(landed.text)).toEqual({ path: '/settings', cookie: `${SESSION_COOKIE}=host-alice` });
    } finally {
      await app.close();
    }
  });

  it('keeps a same-origin next, with its query', async () => {
    const landed = await signIn(host.browser(), 'alice', `/auth/toolkit/login?next=${encodeURIComponent('/settings?tab=tokens')}`);
    expect(JSON.parse(landed.text)).toEqual({ path: '/settings?tab=tokens', user: 'host-alice' });
    expect(host.signIns.at(-1)!.next).toBe('/settings?tab=tokens');
  });

  for (const unsafe of ['//evil.test/x', '/\\evil.test', 'https://evil.test/x', 'javascript:alert(1)']) {
    it(`ignores a next that would leave the site: ${unsafe}`, async () => {
      const landed = await signIn(host.browser(), 'alice', `/auth/toolkit/login?next=${encodeURIComponent(unsafe)}`);
      expect(landed.url).toBe(`${APP_ORIGIN}/`);
      expect(host.signIns.at(-1)!.next).toBeNull();
    });
  }

  it('checks next again at the callback: a sign-in the host started itself with a next off the site still lands on the site', async () => {
    const started = await tokenkeeper.signIn.start('toolkit', { redirectUri: `${APP_ORIGIN}/auth/toolkit/callback`, next: '//evil.test/x' });
    const browser = host.browser();
    browser.cookies.setCookie(`tokenkeeper_sign_in_toolkit=${started.transaction}; Path=/auth/toolkit/callback`, new URL(APP_ORIGIN));
    const page = await throughDevProvider(browser, await browser.get(started.url), 'bob');
    expect(page.url).toBe(`${APP_ORIGIN}/`);
    expect(host.signIns.at(-1)!.next).toBeNull();
  });

  it('a callback without the sign-in cookie, or with another provider\'s, is refused with 400 invalid_state', async () => {
    const bare = await host.app.inject({ method: 'GET', url: '/auth/toolkit/callback?code=x&state=y' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ error: 'invalid_state', message: expect.any(String) });

    const second = await host.app.inject({ method: 'GET', url: '/auth/second/login' });
    expect(second.statusCode).toBe(303);
    const sealed = /^tokenkeeper_sign_in_second=([^;]+)/.exec(setCookies(second)[0]!)![1]!;
    const state = new URL(second.headers.location!).searchParams.get('state');
    const crossed = await host.app.inject({
      method: 'GET',
      url: `/auth/toolkit/callback?code=x&state=${state}&iss=${encodeURIComponent(provider.issuer)}`,
      headers: { cookie: `tokenkeeper_sign_in_toolkit=${sealed}` },
    });
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json()).toMatchObject({ error: 'invalid_state' });
    // Used up whatever the outcome.
    expect(setCookies(crossed)).toContain('tokenkeeper_sign_in_toolkit=; Path=/auth/toolkit/callback; Max-Age=0; HttpOnly; SameSite=Lax');
  });

  it('a callback with a valid state but no code, or two, is 400 invalid_callback (not a provider failure), and no code is exchanged', async () => {
    for (const code of [[], ['c1', 'c2']]) {
      const login = await host.app.inject({ method: 'GET', url: '/auth/toolkit/login' });
      const sealed = /^tokenkeeper_sign_in_toolkit=([^;]+)/.exec(setCookies(login)[0]!)![1]!;
      const query = new URLSearchParams({ state: new URL(login.headers.location!).searchParams.get('state')!, iss: provider.issuer });
      for (const value of code) query.append('code', value);
      const grants = provider.stats.authorizationCodeGrants;
      const response = await host.app.inject({ method: 'GET', url: `/auth/toolkit/callback?${query}`, headers: { cookie: `tokenkeeper_sign_in_toolkit=${sealed}` } });
      expect(response.statusCode, query.toString()).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_callback' });
      expect(provider.stats.authorizationCodeGrants).toBe(grants);
    }
  });

  it('a sign-in cancelled at the provider answers 400 access_denied', async () => {
    const browser = host.browser();
    const login = await browser.get(`${APP_ORIGIN}/auth/toolkit/login`);
    const cancel = /<a class="cancel" href="([^"]+)"/.exec(login.text)?.[1];
    expect(cancel, 'the login page has a Cancel link').toBeDefined();
    const cancelled = await browser.get(new URL(cancel!, login.url));
    expect(cancelled.url).toMatch(new RegExp(`^${APP_ORIGIN}/auth/toolkit/callback\\?`));
    expect(cancelled.status).toBe(400);
    expect(JSON.parse(cancelled.text)).toMatchObject({ error: 'access_denied' });
  });

  it('the callback answers with Referrer-Policy: no-referrer, on success and on failure: its URL holds the code and state', async () => {
    const callback = `${APP_ORIGIN}/auth/toolkit/callback`;
    const browser = new TestBrowser({ fetch: injectFetch(host.app, APP_ORIGIN), stopAt: callback });
    let page = await browser.get(`${APP_ORIGIN}/auth/toolkit/login`);
    for (let step = 0; page.location === undefined && step < 3; step += 1) {
      page = await browser.submitForm(page, page.text.includes('name="password"') ? { username: 'alice', password: 'alice' } : {});
    }
    expect(page.location).toMatch(new RegExp(`^${callback}\\?`));
    const success = await browser.get(page.location!, { followRedirects: false });
    expect(success.status).toBe(303);
    expect(success.headers.get('referrer-policy')).toBe('no-referrer');
    const failure = await browser.get(page.location!, { followRedirects: false });
    expect(failure.status).toBe(400);
    expect(failure.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('an unknown provider is 404 unknown_provider, and sets no cookie', async () => {
    const response = await host.app.inject({ method: 'GET', url: '/auth/nope/login' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'unknown_provider' });
    expect(setCookies(response)).toEqual([]);
  });

  it('disconnect: 401 without a signed-in user; with one, the tokens are revoked and the browser sent to next (a form) or told { revoked } (JSON)', async () => {
    const anonymous = await host.app.inject({ method: 'POST', url: '/auth/toolkit/disconnect' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: 'unauthorized' });

    const browser = host.browser();
    await signIn(browser, 'mallory');
    const revocations = provider.stats.revocations;
    const page = await browser.post(`${APP_ORIGIN}/auth/toolkit/disconnect`, { next: '/connections' }, { headers: { origin: APP_ORIGIN, 'sec-fetch-site': 'same-origin' } });
    expect(JSON.parse(page.text)).toEqual({ path: '/connections', user: 'host-mallory' });
    expect(provider.stats.revocations).toBeGreaterThan(revocations);
    await expect(tokenkeeper.getAccessToken({ externalId: 'host-mallory' }, 'toolkit')).rejects.toMatchObject({ code: 'not_connected' });

    await signIn(browser, 'mallory');
    const json = await browser.request(`${APP_ORIGIN}/auth/toolkit/disconnect`, { method: 'POST', headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    // Mallory's only identity stays linked: it is how she signs in.
    expect(JSON.parse(json.text)).toEqual({ revoked: true, unlinked: false });
  });

  it('refuses a disconnect from another site (403 csrf_failed) and leaves the connection alone', async () => {
    const browser = host.browser();
    await signIn(browser, 'bob');
    const session = browser.cookies.get(SESSION_COOKIE, APP_ORIGIN)!;
    for (const headers of [{ origin: 'http://evil.test' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
      const response = await host.app.inject({ method: 'POST', url: '/auth/toolkit/disconnect', headers: { ...headers, cookie: `${SESSION_COOKIE}=${session}` } });
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json()).toMatchObject({ error: 'csrf_failed' });
    }
    expect(await tokenkeeper.listConnections({ externalId: 'host-bob' })).toEqual([expect.objectContaining({ provider: 'toolkit', status: 'active' })]);
  });

  it('the sign-in cookie: HttpOnly, SameSite=Lax, ten minutes, sent to its provider\'s callback only, no Secure on http', async () => {
    const response = await host.app.inject({ method: 'GET', url: '/auth/toolkit/login' });
    expect(response.statusCode).toBe(303);
    expect(response.headers['cache-control']).toBe('no-store');
    const [cookie] = setCookies(response);
    expect(cookie).toMatch(/^tokenkeeper_sign_in_toolkit=[\w.-]+; Path=\/auth\/toolkit\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const authorization = new URL(response.headers.location!);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${APP_ORIGIN}/auth/toolkit/callback`);
  });

  it('with an https baseUrl the cookie is Secure (and __Host-, so Path=/), and the routes follow the prefix, the one of the scope they are registered in included', async () => {
    const app = Fastify();
    await app.register(async (scope) => scope.register(tokenkeeperPlugin, { tokenkeeper, baseUrl: 'https://app.example.test', prefix: '/oauth' }), { prefix: '/api' });
    try {
      const response = await app.inject({ method: 'GET', url: '/api/oauth/toolkit/login' });
      expect(response.statusCode).toBe(303);
      expect(setCookies(response)[0]).toMatch(/^__Host-tokenkeeper_sign_in_toolkit=[\w.-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
      expect(new URL(response.headers.location!).searchParams.get('redirect_uri')).toBe('https://app.example.test/api/oauth/toolkit/callback');
      const callback = await app.inject({ method: 'GET', url: '/api/oauth/toolkit/callback?code=x&state=y' });
      expect(setCookies(callback)).toContain('__Host-tokenkeeper_sign_in_toolkit=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure');
    } finally {
      await app.close();
    }
  });

  it('with an https baseUrl, a sign-in cookie a sibling subdomain can set (not __Host-: Domain=the parent) is not read: no login CSRF by a planted transaction', async () => {
    const app = Fastify();
    await app.register(tokenkeeperPlugin, { tokenkeeper, baseUrl: 'https://app.example.test' });
    try {
      // The attacker's own sign-in, stopped before its callback: a sealed transaction and the state it expects.
      const started = await tokenkeeper.signIn.start('toolkit', { redirectUri: 'https://app.example.test/auth/toolkit/callback' });
      const query = new URLSearchParams({ code: 'attackers-code', state: started.url.searchParams.get('state')!, iss: provider.issuer });
      const grants = provider.stats.authorizationCodeGrants;
      for (const planted of ['__Secure-tokenkeeper_sign_in_toolkit', 'tokenkeeper_sign_in_toolkit']) {
        const response = await app.inject({ method: 'GET', url: `/auth/toolkit/callback?${query}`, headers: { cookie: `${planted}=${started.transaction}` } });
        expect([response.statusCode, response.json().error], planted).toEqual([400, 'invalid_state']);
      }
      expect(provider.stats.authorizationCodeGrants).toBe(grants);
    } finally {
      await app.close();
    }
  });

  it('works beside @fastify/cookie and @fastify/formbody: both sets of cookies arrive, and the host\'s form parser reads the disconnect form', async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    await app.register(fastifyFormbody);
    await app.register(tokenkeeperPlugin, {
      tokenkeeper,
      baseUrl: APP_ORIGIN,
      onSignIn: (_request, reply, result) => reply.setCookie('user', result.user.externalId!, { path: '/', httpOnly: true }).redirect('/', 303),
      currentUser: (request) => (request.cookies.user ? { externalId: request.cookies.user } : undefined),
    });
    app.get('/', async (request) => ({ user: request.cookies.user ?? null }));
    app.get('/bye', async () => ({ bye: true }));
    try {
      const browser = new TestBrowser({ fetch: injectFetch(app, APP_ORIGIN) });
      const landed = await signIn(browser, 'alice');
      expect(JSON.parse(landed.text)).toEqual({ user: 'host-alice' });
      expect(browser.cookies.get('tokenkeeper_sign_in_toolkit', `${APP_ORIGIN}/auth/toolkit/callback`)).toBeUndefined();
      const after = await browser.post(`${APP_ORIGIN}/auth/toolkit/disconnect`, { next: '/bye' }, { headers: { origin: APP_ORIGIN } });
      expect(JSON.parse(after.text)).toEqual({ bye: true });
    } finally {
      await app.close();
    }
  });

  it('onError answers the routes\' errors when given', async () => {
    const errors: unknown[] = [];
    const app = Fastify();
    await app.register(tokenkeeperPlugin, {
      tokenkeeper,
      baseUrl: APP_ORIGIN,
      onError: (error, _request, reply) => {
        errors.push(error);
        return reply.code(400).type('text/html').send('<p>Sign-in failed</p>');
      },
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/auth/toolkit/callback?code=x&state=y' });
      expect(response.body).toBe('<p>Sign-in failed</p>');
      expect(errors).toEqual([expect.objectContaining({ code: 'invalid_state' })]);
    } finally {
      await app.close();
    }
  });

  it('bad options fail at registration, naming the plugin and the option', async () => {
    const cases: Array<[Partial<TokenkeeperPluginOptions>, RegExp]> = [
      [{ tokenkeeper: {} as Tokenkeeper }, /^tokenkeeper\/fastify: option tokenkeeper /],
      [{ baseUrl: 'app.example.test' }, /option baseUrl must be the application's public origin/],
      [{ baseUrl: 'https://app.example.test/app' }, /option baseUrl must be an http\(s\) origin without a path/],
      [{ prefix: 'auth/' }, /option prefix must be a path such as \/auth/],
      [{ onSignIn: 'yes' as never }, /option onSignIn must be a function/],
    ];
    for (const [options, message] of cases) {
      const app: FastifyInstance = Fastify();
      await expect(app.register(tokenkeeperPlugin, { tokenkeeper, baseUrl: APP_ORIGIN, ...options }).ready()).rejects.toThrow(message);
      await app.close();
    }
  });

  it('a Tokenkeeper closed before the app (a shutdown in the wrong order) answers 503 not_ready, not a 500', async () => {
    const closed = await createTokenkeeper({ database: 'sqlite::memory:', encryptionKeys: [TEST_ENCRYPTION_KEY], providers: { toolkit: { ...devProvider(provider.issuer), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } } });
    const app = Fastify();
    await app.register(tokenkeeperPlugin, { tokenkeeper: closed, baseUrl: APP_ORIGIN });
    await closed.close();
    try {
      const response = await app.inject({ method: 'GET', url: '/auth/toolkit/login' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ error: 'not_ready', message: expect.stringContaining('This Tokenkeeper was closed') });
    } finally {
      await app.close();
    }
  });

  it('a database that does not answer (a SQLite write lock held past its wait) answers 503 not_ready with Retry-After, not a 500', { timeout: 30_000 }, async () => {
    const browser = host.browser();
    await signIn(browser, 'bob');
    const other = new Database(join(folder, 'app.db'));
    try {
      other.exec('begin immediate');
      const locked = await browser.request(`${APP_ORIGIN}/auth/toolkit/disconnect`, { method: 'POST', headers: { accept: 'application/json' } });
      expect([locked.status, JSON.parse(locked.text), locked.headers.get('retry-after')]).toEqual([503, { error: 'not_ready', message: 'The database did not answer. Please try again in a moment.' }, '5']);
      other.exec('rollback');
      expect(await tokenkeeper.getAccessToken({ externalId: 'host-bob' }, 'toolkit')).toMatchObject({ accessToken: expect.any(String) });
    } finally {
      other.close();
    }
  });

  it('registered twice in one app: refused at registration, naming the plugin and the way out (one registration for every provider)', async () => {
    const app = Fastify();
    await app.register(tokenkeeperPlugin, { tokenkeeper, baseUrl: APP_ORIGIN });
    await expect(app.register(tokenkeeperPlugin, { tokenkeeper, baseUrl: APP_ORIGIN, prefix: '/oauth' }).ready()).rejects.toThrow(
      /^tokenkeeper\/fastify: the plugin is registered already in this app, and it can be registered once per app\. For several providers, register it once with a Tokenkeeper object that names them all/,
    );
    await app.close();
  });

  it('posted with the sign-in cookie (a provider on the same site), the answer finishes the sign-in at once', async () => {
    const landed = await signIn(host.browser(), 'alice', '/auth/posted/login');
    expect(JSON.parse(landed.text)).toEqual({ path: '/', user: 'host-alice' });
  });

  it('posted from the provider’s site (no sign-in cookie), the answer is posted again from this one, and the sign-in completes', async () => {
    const browser = host.browser();
    let page = await browser.get(`${APP_ORIGIN}/auth/posted/login`);
    for (let step = 0; !page.text.includes('name="code"') && step < 3; step += 1) {
      page = await browser.submitForm(page, page.text.includes('name="password"') ? { username: 'alice', password: 'alice' } : {});
    }
    // The provider's page posts across sites: a browser without this site's cookies plays that post.
    const relay = await host.browser().submitForm(page);
    expect(relay.status).toBe(200);
    expect(relay.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-/);
    expect(relay.text).toContain('name="tokenkeeper_relayed" value="1"');
    const landed = await browser.submitForm(relay);
    expect(JSON.parse(landed.text)).toEqual({ path: '/', user: 'host-alice' });
    expect(host.signIns.at(-1)).toMatchObject({ user: { externalId: 'host-alice' } });

    // Relayed from a browser without the sign-in cookie: refused, not relayed again.
    const elsewhere = await host.browser().submitForm(relay);
    expect(elsewhere.status).toBe(400);
    expect(JSON.parse(elsewhere.text)).toMatchObject({ error: 'invalid_state' });
  });
});
