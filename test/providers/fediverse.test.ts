import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect, type TestDatabase } from '../support/postgres.js';
import { APP_ORIGIN, disconnectThrough, startProviderTestApp, type ProviderTestApp } from './kit/provider-app.js';
import { startMastodonEmulator, startWebfingerHost, type MastodonEmulator, type MastodonUser, type WebfingerHost } from './mastodon.emulator.js';

function person(id: number, username: string, displayName: string): MastodonUser {
  return { id: String(id), username, displayName };
}

/** Only the documented variables: the preset and the server a sign-in goes to when the person names none. */
function fediverseEnv(home: MastodonEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return { OAUTH_PROVIDERS: 'fediverse', FEDIVERSE_PRESET: 'fediverse', FEDIVERSE_BASE_URL: home.origin, ...extra };
}

const hostOf = (emulator: MastodonEmulator) => new URL(emulator.origin).host;

describeEachDialect('Mastodon on any server (fediverse), against emulators of several Mastodon instances', (dialect) => {
  let database: TestDatabase;
  let home: MastodonEmulator;
  let other: MastodonEmulator;
  let old: MastodonEmulator;
  let handles: WebfingerHost;
  let app: ProviderTestApp;

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    home = await startMastodonEmulator();
    other = await startMastodonEmulator({ userinfo: true });
    old = await startMastodonEmulator({ metadata: false });
    handles = await startWebfingerHost({});
    app = await startProviderTestApp({ databaseUrl: database.url, env: fediverseEnv(home) });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([home?.close(), other?.close(), old?.close(), handles?.close()]);
    await database?.close();
  });

  /** Signs `user` in at `at` (naming `hint`, or nothing: the configured server), to /api/me; the browser, the user's id and the authorization request. */
  async function signIn(at: MastodonEmulator, user: MastodonUser, hint?: string): Promise<{ browser: TestBrowser; userId: string; request: URLSearchParams }> {
    at.signInAs(user);
    const browser = app.browser();
    const query = new URLSearchParams({ next: '/api/me', ...(hint === undefined ? {} : { login_hint: hint }) });
    const start = await browser.get(`${APP_ORIGIN}/login/fediverse?${query}`, { followRedirects: false });
    expect(start.status, start.text).toBe(303);
    expect(new URL(start.location!).origin).toBe(at.origin);
    const page = await browser.get(start.location!);
    expect(page.status, page.text).toBe(200);
    return { browser, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id, request: new URL(start.location!).searchParams };
  }

  const accountOf = (userId: string) => database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();

  it('signs in at the configured server when the person names none: the app registers there once (its callback, profile, the BASE_URL host as its name), as the account id qualified by the host, named by the display name', async () => {
    const { userId, request } = await signIn(home, person(1101, 'ada', 'Ada Lovelace'));
    expect(home.apps).toHaveLength(1);
    const [registered] = home.apps;
    expect(registered).toMatchObject({ name: new URL(APP_ORIGIN).host, redirectUris: [`${APP_ORIGIN}/auth/fediverse/callback`], scopes: ['profile'], website: APP_ORIGIN });
    expect(request.get('client_id')).toBe(registered!.clientId);
    expect(request.get('scope')).toBe('profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.has('login_hint')).toBe(false);
    expect(await accountOf(userId)).toMatchObject({ subject: `1101@${hostOf(home)}` });
    const form = home.tokenForms.at(-1)!;
    expect(form.get('client_id')).toBe(registered!.clientId);
    expect(form.get('client_secret')).toEqual(expect.any(String));
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ada Lovelace' });

    // A second person, and the same one again: the client kept is used, nothing registered anew.
    const again = await signIn(home, person(1101, 'ada', 'Countess of Lovelace'));
    expect(again.userId).toBe(userId);
    await signIn(home, person(1102, 'grace', 'Grace Hopper'));
    expect(home.apps).toHaveLength(1);
    const kept = await database.db.selectFrom('registered_clients').selectAll().execute();
    expect(kept.map((row) => [row.provider, row.server, row.client_id])).toEqual([['fediverse', `${home.origin}/`, registered!.clientId]]);
    expect(kept[0]!.client_secret).not.toContain(form.get('client_secret'));
  });

  it('signs in at the server the person names (a URL), registering there: the same id there is another account; the proxy calls that server with its token, Mastodon 4.4 userinfo unread', async () => {
    const { browser, userId } = await signIn(other, person(1101, 'ada', 'Ada at the other place'), other.origin);
    expect(other.apps).toHaveLength(1);
    expect(await accountOf(userId)).toMatchObject({ subject: `1101@${hostOf(other)}` });
    expect(other.server.requests.some((r) => r.path === '/oauth/userinfo')).toBe(false);
    const called = await browser.get(`${APP_ORIGIN}/api/providers/fediverse/proxy/v1/accounts/verify_credentials`);
    expect(called.status).toBe(200);
    expect(JSON.parse(called.text)).toMatchObject({ id: '1101', display_name: 'Ada at the other place' });
    expect(other.server.requests.at(-1)!.path).toBe('/api/v1/accounts/verify_credentials');
  });

  it('an address is found by WebFinger at its domain, whose account may live on another host; an address nobody has and text that names no server are 400s', async () => {
    const linus = person(1201, 'linus', 'Linus');
    home.addAccount(linus);
    handles.setTarget('linus', home.origin);
    const { userId } = await signIn(home, linus, `@linus@${handles.host}`);
    expect(await accountOf(userId)).toMatchObject({ subject: `1201@${hostOf(home)}` });

    const browser = app.browser();
    const nobody = await browser.get(`${APP_ORIGIN}/login/fediverse?login_hint=${encodeURIComponent(`@nobody@${handles.host}`)}`, { followRedirects: false });
    expect(nobody.status).toBe(400);
    expect(nobody.text).toContain(`knows no account @nobody@${handles.host}`);
    for (const hint of ['not a server!', 'ftp://example.org', `${home.origin}/some/path`]) {
      const refused = await browser.get(`${APP_ORIGIN}/login/fediverse?login_hint=${encodeURIComponent(hint)}`, { followRedirects: false });
      expect(refused.status, hint).toBe(400);
      expect(refused.text).toContain('is not a Mastodon server');
    }
  });

  it('a server without RFC 8414 metadata (before Mastodon 4.3) is refused with the address it asked, and nothing is registered there', async () => {
    const browser = app.browser();
    const refused = await browser.get(`${APP_ORIGIN}/login/fediverse?login_hint=${encodeURIComponent(old.origin)}`, { followRedirects: false });
    expect(refused.status).toBe(502);
    expect(refused.text).toContain(`${old.origin}/.well-known/oauth-authorization-server`);
    expect(old.apps).toHaveLength(0);
  });

  it('two sign-ins starting at once at a new server use one kept client', async () => {
    const third = await startMastodonEmulator();
    try {
      const starts = await Promise.all([app.browser(), app.browser()].map((browser) => browser.get(`${APP_ORIGIN}/login/fediverse?login_hint=${encodeURIComponent(third.origin)}`, { followRedirects: false })));
      const clients = starts.map((start) => new URL(start.location!).searchParams.get('client_id'));
      expect(clients[0]).toEqual(expect.any(String));
      expect(clients[1]).toBe(clients[0]);
      const kept = await database.db.selectFrom('registered_clients').select('client_id').where('server', '=', `${third.origin}/`).execute();
      expect(kept).toEqual([{ client_id: clients[0] }]);
    } finally {
      await third.close();
    }
  });

  it('disconnect revokes the token at the person\'s server with the client registered there', async () => {
    const carol = person(1301, 'carol', 'Carol');
    const { browser, userId } = await signIn(other, carol, other.origin);
    const token = await app.runtime.tokenStore.findToken(userId, 'fediverse');
    expect(await disconnectThrough(browser, 'fediverse')).toMatchObject({ revokedAtProvider: true });
    const form = other.revocationForms.at(-1)!;
    expect(form.get('client_id')).toBe(other.apps[0]!.clientId);
    expect(other.accepts(token!.accessToken)).toBe(false);
  });

  it('a server that removed the app refuses the code exchange as invalid_client: the kept client is forgotten, and the next sign-in there registers anew and succeeds', async () => {
    const dora = person(1401, 'dora', 'Dora');
    await signIn(other, dora, other.origin);
    const removed = other.apps.at(-1)!.clientId;
    other.signInAs(dora);
    const browser = app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/fediverse?login_hint=${encodeURIComponent(other.origin)}`, { followRedirects: false });
    const approved = await browser.get(start.location!, { followRedirects: false });
    expect(new URL(approved.location!).searchParams.has('code')).toBe(true);
    // The server's admin removes the app between the approval and the code exchange.
    other.removeApp(removed);
    const refused = await browser.get(approved.location!, { followRedirects: false });
    expect(refused.status).toBe(502);
    expect(refused.text).toContain('no longer knows this app (invalid_client): sign in again');
    expect(await database.db.selectFrom('registered_clients').select('client_id').where('server', '=', `${other.origin}/`).execute()).toEqual([]);

    const again = await signIn(other, dora, other.origin);
    expect(other.apps.at(-1)!.clientId).not.toBe(removed);
    expect(again.request.get('client_id')).toBe(other.apps.at(-1)!.clientId);
  });

  it('a new scope (FEDIVERSE_SCOPE) registers the app anew at each server it is used at, with that scope', async () => {
    const scoped = await startProviderTestApp({ databaseUrl: database.url, env: fediverseEnv(home, { FEDIVERSE_SCOPE: 'profile read:statuses' }) });
    try {
      const before = home.apps.length;
      home.signInAs(person(1501, 'erin', 'Erin'));
      const browser = scoped.browser();
      const start = await browser.get(`${APP_ORIGIN}/login/fediverse?next=/api/me`, { followRedirects: false });
      expect(home.apps).toHaveLength(before + 1);
      expect(home.apps.at(-1)!.scopes).toEqual(['profile', 'read:statuses']);
      expect(new URL(start.location!).searchParams.get('client_id')).toBe(home.apps.at(-1)!.clientId);
      expect((await browser.get(start.location!)).status).toBe(200);
    } finally {
      await scoped.close();
    }
  });

  it('the sign-in page asks for the server or address, sent as login_hint', async () => {
    const page = await app.browser().get(`${APP_ORIGIN}/`);
    expect(page.text).toContain('<form class="account-sign-in" method="get" action="/login/fediverse">');
    expect(page.text).toContain('Your Mastodon server or address (optional) <input name="login_hint" placeholder="mastodon.social or @alice@mastodon.social"');
  });

  it('refuses a client id, a secret or an authentication method at start-up: the app registers its own at each server', async () => {
    for (const [variable, value] of [['FEDIVERSE_CLIENT_ID', 'abc'], ['FEDIVERSE_CLIENT_SECRET', 'shh'], ['FEDIVERSE_TOKEN_ENDPOINT_AUTH_METHOD', 'client_secret_basic']] as const) {
      await expect(startProviderTestApp({ databaseUrl: database.url, env: fediverseEnv(home, { [variable]: value }) })).rejects.toThrow(
        new RegExp(`${variable} is not used: the fediverse preset registers this app at each server people sign in at`),
      );
    }
  });
});
