// A connect-only provider (`<NAME>_CONNECT_ONLY=on`, a preset that says nothing of who the person is): never signed
// in with, only connected to a user already signed in, whose own id is the connection's subject. The dev provider
// plays it under the name "second", beside "toolkit", the way in.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenkeeper, devProvider, type Tokenkeeper } from '../src/library/index.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { providerSettings } from '../src/config/provider-config.js';
import { createAccount } from '../src/db/account.repository.js';
import { TestBrowser, type BrowserResponse } from './support/browser.js';
import { throughDevProvider } from './support/dev-provider-pages.js';
import { describeEachDialect } from './support/postgres.js';
import { newServiceKey, serviceApiClient, withSecondProvider, type ServiceApiClient } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, startTestProvider, TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const CLIENT = 'https://client.test';

describeEachDialect('a connect-only provider', (dialect) => {
  const { app, database } = useTestApp(dialect, {
    env: { CONNECT_RETURN_ORIGINS: CLIENT },
    configure: (issuer) => ({ ...withSecondProvider(issuer), SECOND_CONNECT_ONLY: 'on', SECOND_DISPLAY_NAME: 'Second' }),
  });
  let alice: SignedInUser;
  let api: ServiceApiClient;
  let key: string;

  beforeAll(async () => {
    alice = await signedInUser(app(), 'alice');
    api = await serviceApiClient(app());
    key = await newServiceKey(app(), 'agent', ['connections:read', 'connections:write', 'tokens:read']);
  });

  const accountsOf = (userId: string) => database().db.selectFrom('accounts').select(['provider', 'subject']).where('user_id', '=', userId).orderBy('provider').execute();
  const connect = async (user: SignedInUser) => throughDevProvider(user.browser, await user.browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: user.csrfToken }));

  it('is not offered for sign-in, and a sign-in with it is refused before anything is stored', async () => {
    const browser = app().browser();
    const start = await browser.get(`${APP_ORIGIN}/`);
    expect(start.text).toContain('Sign in with Toolkit');
    expect(start.text).not.toContain('Sign in with Second');
    const transactions = await database().db.selectFrom('login_transactions').select('state').execute();
    const refused = await browser.get(`${APP_ORIGIN}/login/second`);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Second cannot be signed in with: sign in first, then connect it from your account.');
    expect(await database().db.selectFrom('login_transactions').select('state').execute()).toEqual(transactions);
  });

  it('connects to the signed-in user, whose id is its subject; it is no sign-in identity', async () => {
    const account = await connect(alice);
    expect(account.url).toBe(`${APP_ORIGIN}/account`);
    expect(await accountsOf(alice.userId)).toEqual([
      { provider: 'second', subject: alice.userId },
      { provider: 'toolkit', subject: expect.not.stringMatching(alice.userId) },
    ]);
    expect(account.text).toContain('none: Second does not say who you are there');
    const identities = /<ul class="identities">([\s\S]*?)<\/ul>/.exec(account.text)?.[1] ?? '';
    expect(identities).toContain('Toolkit');
    expect(identities).not.toContain('Second');

    // The service API sees the connection, and hands out its token.
    const user = await api.call({ method: 'GET', template: '/users/{id}', params: { id: alice.userId }, key });
    expect(user.body.connections).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'second', subject: alice.userId, status: 'active' })]));
    const token = await api.call({ method: 'POST', template: '/users/{id}/connections/{provider}/access-token', params: { id: alice.userId, provider: 'second' }, key, body: {} });
    expect(token.status).toBe(200);

    // Connected again (after a needs-reauth, say): the same connection, still the user's own.
    await database().db.updateTable('tokens').set({ status: 'needs_reauth' }).where('user_id', '=', alice.userId).where('provider', '=', 'second').execute();
    const page = await alice.browser.get(`${APP_ORIGIN}/account`);
    expect(page.text).toContain('Connect Second again');
    expect(page.text).not.toContain('Sign in with Second again');
    await connect(alice);
    expect(await accountsOf(alice.userId)).toEqual([
      { provider: 'second', subject: alice.userId },
      { provider: 'toolkit', subject: expect.any(String) },
    ]);
    expect((await app().runtime.tokenStore.findToken(alice.userId, 'second'))?.status).toBe('active');
  });

  it('is never counted as a way to sign in: the only identity stays when disconnected, the connection goes', async () => {
    const bob = await signedInUser(app(), 'bob');
    await connect(bob);
    expect((await accountsOf(bob.userId)).map((row) => row.provider)).toEqual(['second', 'toolkit']);
    await bob.browser.post(`${APP_ORIGIN}/account/connections/toolkit/disconnect`, { _csrf: bob.csrfToken });
    expect((await accountsOf(bob.userId)).map((row) => row.provider)).toEqual(['second', 'toolkit']);
    await bob.browser.post(`${APP_ORIGIN}/account/connections/second/disconnect`, { _csrf: bob.csrfToken });
    expect((await accountsOf(bob.userId)).map((row) => row.provider)).toEqual(['toolkit']);
  });

  it('takes the place of an identity made while the provider still named people, connected again', async () => {
    const bob = await signedInUser(app(), 'bob');
    // bob signed in with "second" before it was connect-only: an identity of his own there.
    await createAccount(database().db, { userId: bob.userId, provider: 'second', issuer: 'http://old.test', subject: 'named-before', claims: {}, now: 1 });
    const page = await connect(bob);
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    expect(await accountsOf(bob.userId)).toEqual([
      { provider: 'second', subject: bob.userId },
      { provider: 'toolkit', subject: expect.any(String) },
    ]);
  });

  /** Opens a connect link in `browser` and follows the provider's pages until the browser is sent to the service. */
  async function openLink(browser: TestBrowser, url: string): Promise<BrowserResponse> {
    let page = await browser.get(url, { stopAt: CLIENT });
    for (let step = 0; step < 4 && page.location === undefined && page.text.includes('<form'); step += 1) {
      page = await browser.submitForm(page, /name="password"/.test(page.text) ? { username: 'mallory', password: 'mallory' } : {}, { stopAt: CLIENT });
    }
    return page;
  }
  const linkFor = async (body: Record<string, unknown>): Promise<string> => {
    const made = await api.call({ method: 'POST', template: '/connect-links', key, body: { provider: 'second', return_to: `${CLIENT}/done`, ...body } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body.url as string;
  };

  it('takes connect links for a user who signs in, opened signed in as them', async () => {
    const mallory = await signedInUser(app(), 'mallory');
    const back = await openLink(mallory.browser, await linkFor({ user_id: mallory.userId }));
    expect(back.location).toBe(`${CLIENT}/done?status=connected`);
    expect(await accountsOf(mallory.userId)).toEqual([
      { provider: 'second', subject: mallory.userId },
      { provider: 'toolkit', subject: expect.any(String) },
    ]);
  });

  it('makes the user of an external_id no user has, who has no way to sign in; their next links stand for them', async () => {
    const browser = app().browser();
    const back = await openLink(browser, await linkFor({ external_id: 'agent-user-7' }));
    expect(back.location).toBe(`${CLIENT}/done?status=connected`);
    const found = await api.call({ method: 'GET', template: '/users', query: { external_id: 'agent-user-7' }, key });
    const [made] = found.body.users as Array<{ id: string; username: string; connections: Array<Record<string, unknown>> }>;
    expect(made).toMatchObject({ username: 'agent-user-7', connections: [expect.objectContaining({ provider: 'second', subject: made!.id, status: 'active' })] });
    expect(await accountsOf(made!.id)).toEqual([{ provider: 'second', subject: made!.id }]);
    // Nobody was signed in: the user has no identity to sign in with.
    expect((await browser.get(`${APP_ORIGIN}/api/me`)).status).toBe(401);

    // Their next link (a reconnect, by external_id or by user_id) needs no sign-in: there is none to ask for.
    await database().db.updateTable('tokens').set({ status: 'needs_reauth' }).where('user_id', '=', made!.id).execute();
    const again = await openLink(app().browser(), await linkFor({ user_id: made!.id }));
    expect(again.location).toBe(`${CLIENT}/done?status=connected`);
    expect((await app().runtime.tokenStore.findToken(made!.id, 'second'))?.status).toBe('active');
    expect(await accountsOf(made!.id)).toEqual([{ provider: 'second', subject: made!.id }]);

    // Opened by someone signed in as another user, it connects nothing.
    const wrong = await openLink(alice.browser, await linkFor({ external_id: 'agent-user-7' }));
    expect(wrong.location).toBe(`${CLIENT}/done?status=error&error=connect_link_wrong_user`);

    // A provider that identifies people still needs that user to sign in, which they cannot: nothing is joined to them.
    const made2 = await api.call({ method: 'POST', template: '/connect-links', key, body: { provider: 'toolkit', external_id: 'agent-user-7', return_to: `${CLIENT}/done` } });
    const signedOut = app().browser();
    const page = await signedOut.get(made2.body.url as string);
    expect(page.text).toContain('/connect/sign-in/toolkit');
    const refused = await openLink(signedOut, `${APP_ORIGIN}/connect/sign-in/toolkit`);
    expect(refused.location).toBe(`${CLIENT}/done?status=error&error=connect_link_wrong_user`);
    expect(await accountsOf(made!.id)).toEqual([{ provider: 'second', subject: made!.id }]);
  });

  it('never takes an external_id from a user who signs in', async () => {
    await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key: await newServiceKey(app(), 'directory', ['users:write']), body: { external_id: 'alice-ext' } });
    // Signed out, the link for alice's external_id asks her to sign in first, as any link for her does.
    const browser = app().browser();
    const page = await browser.get(await linkFor({ external_id: 'alice-ext' }));
    expect(page.text).toContain('Sign in to connect Second');
  });

  it('is refused for sign-in on a connect link opened signed out', async () => {
    const made = await api.call({ method: 'POST', template: '/connect-links', key, body: { provider: 'toolkit', user_id: alice.userId, return_to: `${CLIENT}/done` } });
    const browser = app().browser();
    const page = await browser.get(made.body.url as string);
    expect(page.text).toContain('/connect/sign-in/toolkit');
    expect(page.text).not.toContain('/connect/sign-in/second');
    expect((await browser.get(`${APP_ORIGIN}/connect/sign-in/second`)).status).toBe(400);
  });
});

describe('a connect-only provider through the library', () => {
  let provider: DevProvider;
  let tokenkeeper: Tokenkeeper;
  const redirectUri = (name: string) => `${APP_ORIGIN}/auth/${name}/callback`;

  beforeAll(async () => {
    provider = await startTestProvider();
    const toolkit = { ...devProvider(provider.issuer), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
    const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-connect-only-'));
    tokenkeeper = await createTokenkeeper({
      database: `sqlite:${join(folder, 'app.db')}`,
      encryptionKeys: [TEST_ENCRYPTION_KEY],
      providers: { toolkit, second: { ...toolkit, displayName: 'Second', connectOnly: true } },
    });
  });
  afterAll(async () => {
    await tokenkeeper?.close();
    await provider?.close();
  });

  async function through(name: string, url: URL): Promise<string> {
    const browser = new TestBrowser({ stopAt: redirectUri(name) });
    const login = await browser.get(url.href);
    const consent = await browser.submitForm(login, { username: 'alice', password: 'alice' });
    const callback = consent.location ?? (await browser.submitForm(consent)).location;
    if (!callback) throw new Error(`expected a redirect to ${redirectUri(name)}`);
    return callback;
  }

  it('connects to the user start() names, never signs in', async () => {
    const started = await tokenkeeper.signIn.start('toolkit', { redirectUri: redirectUri('toolkit') });
    const signedIn = await tokenkeeper.signIn.finish('toolkit', await through('toolkit', started.url), started.transaction);

    await expect(tokenkeeper.signIn.start('second', { redirectUri: redirectUri('second') })).rejects.toMatchObject({ code: 'connect_only' });
    await expect(tokenkeeper.signIn.start('second', { redirectUri: redirectUri('second'), user: 'no-such-user' })).rejects.toMatchObject({ code: 'not_found' });

    const connecting = await tokenkeeper.signIn.start('second', { redirectUri: redirectUri('second'), user: signedIn.user.id });
    const connected = await tokenkeeper.signIn.finish('second', await through('second', connecting.url), connecting.transaction);
    expect(connected).toMatchObject({ isNewUser: false, user: { id: signedIn.user.id }, connection: { provider: 'second', subject: signedIn.user.id, status: 'active' } });
    expect((await tokenkeeper.fetch(signedIn.user.id, 'second', '/profile')).status).toBe(200);
  });

  it('connects a person of the host app whom Tokenkeeper does not know yet, by their external id, making the user', async () => {
    const connecting = await tokenkeeper.signIn.start('second', { redirectUri: redirectUri('second'), user: { externalId: 'host-user-42' } });
    const connected = await tokenkeeper.signIn.finish('second', await through('second', connecting.url), connecting.transaction);
    expect(connected).toMatchObject({ isNewUser: true, user: { externalId: 'host-user-42' }, connection: { provider: 'second', subject: connected.user.id } });
    expect((await tokenkeeper.fetch({ externalId: 'host-user-42' }, 'second', '/profile')).status).toBe(200);
    // Again (a reconnect): the same user.
    const again = await tokenkeeper.signIn.start('second', { redirectUri: redirectUri('second'), user: { externalId: 'host-user-42' } });
    const reconnected = await tokenkeeper.signIn.finish('second', await through('second', again.url), again.transaction);
    expect(reconnected).toMatchObject({ isNewUser: false, user: { id: connected.user.id } });
  });
});

describe('<NAME>_CONNECT_ONLY', () => {
  const env = { OAUTH_PROVIDERS: 'api', API_CLIENT_ID: 'id', API_CLIENT_SECRET: 'secret', API_AUTHORIZE_URL: 'https://api.example.com/authorize', API_ACCESS_TOKEN_URL: 'https://api.example.com/token' };

  it('is on or off, off by default', () => {
    expect(providerSettings({ ...env, API_CONNECT_ONLY: 'on' }, 'api', true).connectOnly).toBe(true);
    expect(providerSettings({ ...env, API_CONNECT_ONLY: 'off' }, 'api', true).connectOnly).toBeUndefined();
    expect(providerSettings(env, 'api', true).connectOnly).toBeUndefined();
    expect(() => providerSettings({ ...env, API_CONNECT_ONLY: 'yes' }, 'api', true)).toThrow('API_CONNECT_ONLY must be on or off (got "yes")');
  });

  it('is true or false in the library', async () => {
    await expect(
      createTokenkeeper({ database: 'sqlite::memory:', encryptionKeys: [TEST_ENCRYPTION_KEY], providers: { api: { clientId: 'id', clientSecret: 's', issuer: 'https://id.example.com', connectOnly: 'yes' as never } } }),
    ).rejects.toThrow('providers.api.connectOnly must be true or false (got the string "yes")');
  });
});
