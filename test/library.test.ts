// The library as a host application uses it: createTokenkeeper({…}), a
// sign-in through the dev provider's real pages finished by signIn.finish,
// then tokens and API calls by Tokenkeeper's user id or the host's own.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenkeeper, devProvider, fromEnv, type ResolveUser, type TokenEvent, type Tokenkeeper } from '../src/library/index.js';
import { authorizeAs, type DevProvider } from '../src/dev-provider/index.js';
import { generateEncryptionKey } from '../src/db/token-cipher.js';
import { parseForm, TestBrowser } from './support/browser.js';
import { DIALECTS, describeEachDialect, type TestDatabase } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, startTestProvider, TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { newWebhookSecret, startWebhookReceiver } from './support/webhook-receiver.js';

const REDIRECT = (provider: string) => `${APP_ORIGIN}/auth/${provider}/callback`;

function providersAt(provider: DevProvider) {
  const toolkit = { ...devProvider(provider.issuer), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
  // The same dev provider under a second name: a second provider for the same person.
  return { toolkit, second: { ...toolkit, displayName: 'Second' } };
}

/** Signs `username` in at the dev provider's pages from `url` and returns the callback URL the browser was sent to. */
async function authorizeAt(url: URL, username: string, provider = 'toolkit'): Promise<string> {
  const browser = new TestBrowser({ stopAt: REDIRECT(provider) });
  const login = await browser.get(url.href);
  const afterLogin = await browser.submitForm(login, { username, password: username });
  const callback = afterLogin.location ?? (await browser.submitForm(afterLogin)).location;
  if (!callback) throw new Error(`expected a redirect to ${REDIRECT(provider)}`);
  return callback;
}

async function signInWith(tokenkeeper: Tokenkeeper, username: string, provider = 'toolkit', next?: string) {
  const started = await tokenkeeper.signIn.start(provider, { redirectUri: REDIRECT(provider), ...(next ? { next } : {}) });
  const callback = await authorizeAt(started.url, username, provider);
  // A host app has the request's path and query; that is enough.
  const { pathname, search } = new URL(callback);
  return tokenkeeper.signIn.finish(provider, `${pathname}${search}`, started.transaction);
}

describeEachDialect('the library: createTokenkeeper', (dialect) => {
  let provider: DevProvider;
  let database: TestDatabase;
  let tokenkeeper: Tokenkeeper;
  const externalIds = new Map<string, string>();
  const resolveUser: ResolveUser = (identity) => externalIds.get(identity.preferredUsername ?? '') ?? null;

  beforeAll(async () => {
    provider = await startTestProvider();
    database = await dialect.openTestDatabase({ migrate: false });
    tokenkeeper = await createTokenkeeper({ database: database.url, encryptionKeys: [TEST_ENCRYPTION_KEY], providers: providersAt(provider), resolveUser });
  });
  afterAll(async () => {
    await tokenkeeper?.close();
    await database?.close();
    await provider?.close();
  });

  it('signs a person in and stores everything: the user, the identity, the tokens encrypted; a second sign-in finds the same user', async () => {
    const events: TokenEvent[] = [];
    const stop = tokenkeeper.on((event) => void events.push(event));
    const first = await signInWith(tokenkeeper, 'alice', 'toolkit', '/welcome');
    stop();
    expect(first).toMatchObject({ isNewUser: true, next: '/welcome', user: { email: 'alice@example.test', externalId: null, isActive: true } });
    expect(first.connection).toMatchObject({ provider: 'toolkit', status: 'active', hasRefreshToken: true, subject: first.identity.subject });
    expect(first.connection.scope).toContain('notes:read');
    expect(events).toEqual([{ type: 'user.signed_in', userId: first.user.id, provider: 'toolkit', created: true }]);

    const token = await tokenkeeper.getAccessToken(first.user.id, 'toolkit');
    const rows = await database.db.selectFrom('tokens').selectAll().where('user_id', '=', first.user.id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token.accessToken);

    const again = await signInWith(tokenkeeper, 'alice');
    expect(again).toMatchObject({ isNewUser: false, next: null, user: { id: first.user.id } });
    expect(await tokenkeeper.listConnections(first.user.id)).toEqual([expect.objectContaining({ provider: 'toolkit', status: 'active' })]);
  });

  it('calls the API as the user, and refreshes once however many callers ask for a token that is about to expire', async () => {
    const bob = await signInWith(tokenkeeper, 'bob');
    const response = await tokenkeeper.fetch(bob.user.id, 'toolkit', '/profile');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'Bob Builder' });

    // A 10-minute token with 100 s left: fresh for the default leeway (60 s), not for a caller that needs 200 s.
    const now = Math.floor(Date.now() / 1000);
    await database.db.updateTable('tokens').set({ issued_at: now - 500, expires_at: now + 100 }).where('user_id', '=', bob.user.id).execute();
    const before = provider.stats.refreshTokenGrants;
    const current = await tokenkeeper.getAccessToken(bob.user.id, 'toolkit');
    expect(provider.stats.refreshTokenGrants).toBe(before);
    const fresh = await Promise.all(Array.from({ length: 10 }, () => tokenkeeper.getAccessToken(bob.user.id, 'toolkit', { minTtlSeconds: 200 })));
    expect(provider.stats.refreshTokenGrants - before).toBe(1);
    expect(new Set(fresh.map((token) => token.accessToken)).size).toBe(1);
    expect(fresh[0]!.accessToken).not.toBe(current.accessToken);

    await tokenkeeper.getAccessToken(bob.user.id, 'toolkit', { forceRefresh: true });
    expect(provider.stats.refreshTokenGrants - before).toBe(2);

    // A token an API refused: refreshed once for every caller that saw it refused, and never returned again.
    const refused = (await tokenkeeper.getAccessToken(bob.user.id, 'toolkit')).accessToken;
    const renewed = await tokenkeeper.getAccessToken(bob.user.id, 'toolkit', { rejectedAccessToken: refused });
    const later = await tokenkeeper.getAccessToken(bob.user.id, 'toolkit', { rejectedAccessToken: refused });
    expect(provider.stats.refreshTokenGrants - before).toBe(3);
    expect(renewed.accessToken).not.toBe(refused);
    expect(later.accessToken).toBe(renewed.accessToken);
    await expect(tokenkeeper.getAccessToken(bob.user.id, 'toolkit', { rejectedAccessToken: '' })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('getAccessToken refuses a minTtlSeconds that is not a number of seconds, instead of refreshing at the provider on every call', async () => {
    const alice = await signInWith(tokenkeeper, 'alice');
    const before = provider.stats.refreshTokenGrants;
    for (const minTtlSeconds of [Number(undefined), Number.POSITIVE_INFINITY, -1, '300' as unknown as number]) {
      await expect(tokenkeeper.getAccessToken(alice.user.id, 'toolkit', { minTtlSeconds })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('minTtlSeconds') });
    }
    expect(provider.stats.refreshTokenGrants).toBe(before);
    expect((await tokenkeeper.getAccessToken(alice.user.id, 'toolkit', { minTtlSeconds: 0 })).accessToken).toEqual(expect.any(String));
  });

  it('resolveUser: the host\'s own id is stored as external_id, every method takes it, and a second provider joins the same user', async () => {
    externalIds.set('mallory', 'host-user-7');
    const mallory = await signInWith(tokenkeeper, 'mallory');
    expect(mallory.user.externalId).toBe('host-user-7');
    expect((await tokenkeeper.getAccessToken({ externalId: 'host-user-7' }, 'toolkit')).accessToken).toEqual(expect.any(String));
    expect((await tokenkeeper.findUser({ externalId: 'host-user-7' }))?.id).toBe(mallory.user.id);

    const second = await signInWith(tokenkeeper, 'mallory', 'second');
    expect(second).toMatchObject({ isNewUser: false, user: { id: mallory.user.id, externalId: 'host-user-7' } });
    expect((await tokenkeeper.listConnections({ externalId: 'host-user-7' })).map((connection) => connection.provider).sort()).toEqual(['second', 'toolkit']);

    const result = await tokenkeeper.disconnect({ externalId: 'host-user-7' }, 'second');
    expect(result).toMatchObject({ revokedAtProvider: true, unlinked: true });
    expect((await tokenkeeper.listConnections({ externalId: 'host-user-7' })).map((connection) => connection.provider)).toEqual(['toolkit']);
    await expect(tokenkeeper.getAccessToken({ externalId: 'nobody' }, 'toolkit')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('disconnect after revoke: the identity, whose tokens are gone, is unlinked all the same; then the provider is not_connected', async () => {
    const mallory = await signInWith(tokenkeeper, 'mallory', 'second');
    expect(mallory.user.externalId).toBe('host-user-7');
    expect(await tokenkeeper.revoke(mallory.user.id, 'second')).toMatchObject({ revokedAtProvider: true });
    expect(await tokenkeeper.disconnect(mallory.user.id, 'second')).toMatchObject({ revokedAtProvider: false, unlinked: true });
    const identities = await database.db.selectFrom('accounts').select('provider').where('user_id', '=', mallory.user.id).execute();
    expect(identities.map((identity) => identity.provider)).toEqual(['toolkit']);
    await expect(tokenkeeper.disconnect(mallory.user.id, 'second')).rejects.toMatchObject({ code: 'not_connected' });
    // The only identity stays, as without revoke().
    await expect(tokenkeeper.disconnect(mallory.user.id, 'toolkit')).resolves.toMatchObject({ unlinked: false });
    expect((await signInWith(tokenkeeper, 'mallory')).user.id).toBe(mallory.user.id);
  });

  it('allConnections visits every connection once, with whose it is, by provider and status, and names an unknown provider', async () => {
    const everything: Array<{ userId: string; provider: string; externalId: string | null; status: string }> = [];
    // One a page: every page boundary is crossed.
    for await (const connection of tokenkeeper.allConnections({ pageSize: 1 })) everything.push(connection);
    const inOnePage: string[] = [];
    for await (const connection of tokenkeeper.allConnections()) inOnePage.push(`${connection.userId}/${connection.provider}`);
    expect(inOnePage).toEqual(everything.map((c) => `${c.userId}/${c.provider}`));
    const stored = await database.db.selectFrom('tokens').select(['user_id', 'provider']).execute();
    expect(everything.map((c) => `${c.userId}/${c.provider}`).sort()).toEqual(stored.map((row) => `${row.user_id}/${row.provider}`).sort());
    expect(new Set(everything.map((c) => `${c.userId}/${c.provider}`)).size).toBe(everything.length);
    const toolkit: string[] = [];
    for await (const connection of tokenkeeper.allConnections({ provider: 'toolkit', status: 'active' })) toolkit.push(connection.provider);
    expect(toolkit.length).toBeGreaterThan(0);
    expect(new Set(toolkit)).toEqual(new Set(['toolkit']));
    const mallory = everything.find((c) => c.externalId === 'host-user-7');
    expect(mallory).toMatchObject({ provider: 'toolkit', status: 'active', userIsActive: true, hasRefreshToken: true });
    expect(() => tokenkeeper.allConnections({ provider: 'nope' })).toThrow(expect.objectContaining({ code: 'unknown_provider' }));
    expect(() => tokenkeeper.allConnections({ pageSize: 0 })).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('an id no user has is not_found on every method (the likely mistake: your own id passed without { externalId }); a user without the connection is not_connected', async () => {
    const calls = {
      getAccessToken: (user: string) => tokenkeeper.getAccessToken(user, 'toolkit'),
      'getAccessToken with minTtlSeconds': (user: string) => tokenkeeper.getAccessToken(user, 'toolkit', { minTtlSeconds: 60 }),
      fetch: (user: string) => tokenkeeper.fetch(user, 'toolkit', '/notes'),
      refresh: (user: string) => tokenkeeper.refresh(user, 'toolkit'),
      revoke: (user: string) => tokenkeeper.revoke(user, 'toolkit'),
      disconnect: (user: string) => tokenkeeper.disconnect(user, 'toolkit'),
      listConnections: (user: string) => tokenkeeper.listConnections(user),
    };
    for (const [name, call] of Object.entries(calls)) {
      await expect(call('host-user-42'), name).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('{ externalId') });
    }
    expect(await tokenkeeper.findUser('host-user-42')).toBeUndefined();
    const alice = await signInWith(tokenkeeper, 'alice');
    await tokenkeeper.revoke(alice.user.id, 'toolkit');
    await expect(tokenkeeper.getAccessToken(alice.user.id, 'toolkit')).rejects.toMatchObject({ code: 'not_connected' });
    await expect(tokenkeeper.fetch(alice.user.id, 'toolkit', '/notes')).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('authorizeAs (for tests of a host app): the dev provider\'s sign-in and consent over plain HTTP, ready for signIn.finish; a wrong password or redirect URI throws, saying why', async () => {
    const started = await tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT('toolkit') });
    const callback = await authorizeAs(started.url, 'bob');
    expect(callback.href.startsWith(`${REDIRECT('toolkit')}?`)).toBe(true);
    const { user, connection } = await tokenkeeper.signIn.finish('toolkit', callback, started.transaction);
    expect(user.username).toBe('bob');
    expect(connection).toMatchObject({ provider: 'toolkit', status: 'active', hasRefreshToken: true });

    const again = await tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT('toolkit') });
    await expect(authorizeAs(again.url, 'bob', 'not-bob')).rejects.toThrow('The dev provider refused the sign-in of "bob": ');
    const elsewhere = new URL(again.url);
    elsewhere.searchParams.set('redirect_uri', 'https://attacker.example/callback');
    await expect(authorizeAs(elsewhere, 'bob')).rejects.toThrow(/^The dev provider answered 400 at \/auth: .*redirect_uri/);
  });

  it('signIn.start passes a loginHint on to the provider as login_hint; a malformed one is a bad_request', async () => {
    const started = await tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT('toolkit'), loginHint: ' bob@example.test ' });
    expect(started.url.searchParams.get('login_hint')).toBe('bob@example.test');
    await expect(tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT('toolkit'), loginHint: 'x'.repeat(257) })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('resolveUser naming another user than the one the identity belongs to: refused (users are never merged), and nothing of the sign-in is stored', async () => {
    const bob = (await tokenkeeper.findUser((await signInWith(tokenkeeper, 'bob')).user.id))!;
    const tokenBefore = await database.db.selectFrom('tokens').select('access_token').where('user_id', '=', bob.id).executeTakeFirstOrThrow();
    externalIds.set('bob', 'host-user-7'); // mallory's id
    // Named as people know the provider (its displayName), as every other message does.
    await expect(signInWith(tokenkeeper, 'bob')).rejects.toMatchObject({ code: 'external_id_conflict', message: expect.stringMatching(/^This Toolkit account belongs to another user/) });
    externalIds.delete('bob');
    expect(await tokenkeeper.findUser(bob.id)).toEqual(bob);
    expect(await database.db.selectFrom('tokens').select('access_token').where('user_id', '=', bob.id).executeTakeFirstOrThrow()).toEqual(tokenBefore);
  });

  it('a sign-in transaction is used once: a replayed callback, or two at once, exchange the code once and leave the stored connection working', async () => {
    const started = await tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT('toolkit') });
    const callback = await authorizeAt(started.url, 'mallory');
    const grants = provider.stats.authorizationCodeGrants;
    const [first, second] = await Promise.allSettled([
      tokenkeeper.signIn.finish('toolkit', callback, started.transaction),
      tokenkeeper.signIn.finish('toolkit', callback, started.transaction),
    ]);
    const [won, lost] = first.status === 'fulfilled' ? [first, second] : [second, first];
    expect(won.status).toBe('fulfilled');
    expect(lost).toMatchObject({ status: 'rejected', reason: { code: 'invalid_state' } });
    const replayed = tokenkeeper.signIn.finish('toolkit', callback, started.transaction);
    await expect(replayed).rejects.toMatchObject({ code: 'invalid_state', message: expect.stringContaining('used already') });
    expect(provider.stats.authorizationCodeGrants).toBe(grants + 1);

    // The provider never saw the code twice, so it revoked nothing: the connection still works.
    const { user } = (won as PromiseFulfilledResult<Awaited<typeof replayed>>).value;
    expect((await tokenkeeper.fetch(user.id, 'toolkit', '/profile')).status).toBe(200);
    await expect(tokenkeeper.refresh(user.id, 'toolkit')).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('refuses a transaction that was changed, is for another provider, or has expired (invalid_state), and a cancelled sign-in (access_denied)', async () => {
    const started = await tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT('toolkit') });
    // One character of the authentication tag changed (to another one, whatever it was).
    const flipped = `${started.transaction.slice(0, -3)}${started.transaction.at(-3) === 'A' ? 'B' : 'A'}${started.transaction.slice(-2)}`;
    expect(flipped).not.toBe(started.transaction);
    const callback = `${REDIRECT('toolkit')}?code=x&state=${started.url.searchParams.get('state')}&iss=${encodeURIComponent(provider.issuer)}`;
    await expect(tokenkeeper.signIn.finish('toolkit', callback, flipped)).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(tokenkeeper.signIn.finish('second', callback, started.transaction)).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(tokenkeeper.signIn.finish('toolkit', callback, 'not a transaction')).rejects.toMatchObject({ code: 'invalid_state' });

    const other = await createTokenkeeper({ database: database.url, encryptionKeys: generateEncryptionKey(), providers: providersAt(provider), migrate: false });
    try {
      await expect(other.signIn.finish('toolkit', callback, started.transaction), 'sealed with another key').rejects.toMatchObject({ code: 'invalid_state' });
    } finally {
      await other.close();
    }

    const denied = `${REDIRECT('toolkit')}?error=access_denied&state=${started.url.searchParams.get('state')}&iss=${encodeURIComponent(provider.issuer)}`;
    await expect(tokenkeeper.signIn.finish('toolkit', denied, started.transaction)).rejects.toMatchObject({ code: 'access_denied' });
    await expect(tokenkeeper.signIn.start('nope', { redirectUri: REDIRECT('nope') })).rejects.toMatchObject({ code: 'unknown_provider' });
    await expect(tokenkeeper.signIn.start('toolkit', { redirectUri: '/relative' })).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('the library: a provider that answers with response_mode=form_post', () => {
  it('finishes with the posted fields given as the query (README, "Use it as a library")', async () => {
    const provider = await startTestProvider();
    const { toolkit } = providersAt(provider);
    const tokenkeeper = await createTokenkeeper({
      database: 'sqlite::memory:',
      encryptionKeys: [TEST_ENCRYPTION_KEY],
      providers: { toolkit: { ...toolkit, authorizationParams: { response_mode: 'form_post' } } },
    });
    try {
      const { url, transaction } = await tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT('toolkit') });
      const browser = new TestBrowser({ stopAt: REDIRECT('toolkit') });
      const afterLogin = await browser.submitForm(await browser.get(url.href), { username: 'alice', password: 'alice' });
      const answer = afterLogin.text.includes('name="code"') ? afterLogin : await browser.submitForm(afterLogin);
      const form = parseForm(answer.text, answer.url);
      expect(form).toMatchObject({ action: REDIRECT('toolkit'), method: 'POST' });
      // What the callback route receives as its body, urlencoded.
      const body = new URLSearchParams([...form.fields]).toString();
      const { user } = await tokenkeeper.signIn.finish('toolkit', `?${body}`, transaction);
      expect(user.username).toBe('alice');
    } finally {
      await tokenkeeper.close();
      await provider.close();
    }
  });
});

describe('the library: close() with calls in progress', () => {
  it('lets the calls already made finish (an API call, a refresh, a disconnect), then refuses new ones', async () => {
    const provider = await startTestProvider();
    const tokenkeeper = await createTokenkeeper({ database: 'sqlite::memory:', encryptionKeys: [TEST_ENCRYPTION_KEY], providers: providersAt(provider) });
    try {
      const { user } = await signInWith(tokenkeeper, 'alice');
      const { user: bob } = await signInWith(tokenkeeper, 'bob');
      const revocations = provider.stats.revocations;
      // Made, not awaited, as requests of a server that is shutting down are.
      const calls = [
        tokenkeeper.fetch(user.id, 'toolkit', '/profile').then((response) => response.status),
        tokenkeeper.refresh(user.id, 'toolkit').then((token) => typeof token.accessToken),
        tokenkeeper.disconnect(bob.id, 'toolkit').then((result) => result.revokedAtProvider),
        tokenkeeper.listConnections(user.id).then((connections) => connections.length),
      ];
      const closed = tokenkeeper.close();
      await expect(tokenkeeper.findUser(user.id)).rejects.toMatchObject({ code: 'not_ready' });
      expect(await Promise.all(calls)).toEqual([200, 'string', true, 1]);
      await closed;
      expect(provider.stats.revocations).toBe(revocations + 1);
    } finally {
      await tokenkeeper.close();
      await provider.close();
    }
  });
});

describe('the library: a listener that throws, and use after close()', () => {
  it('a failing listener is reported on stderr even with the default (silent) logger, and the sign-in goes on; after close() every method says it is closed (not_ready)', async () => {
    const provider = await startTestProvider();
    const tokenkeeper = await createTokenkeeper({ database: 'sqlite::memory:', encryptionKeys: [TEST_ENCRYPTION_KEY], providers: providersAt(provider) });
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      tokenkeeper.on(() => {
        throw new Error('listener bug 1234');
      });
      const { user } = await signInWith(tokenkeeper, 'alice');
      expect(reported).toHaveBeenCalledWith('tokenkeeper: a user.signed_in listener failed:', expect.objectContaining({ message: 'listener bug 1234' }));
      await tokenkeeper.close();
      await tokenkeeper.close(); // twice is harmless
      await expect(tokenkeeper.getAccessToken(user.id, 'toolkit')).rejects.toThrow('This Tokenkeeper was closed');
      // A TokenkeeperError with a code, so that a web adapter answers 503 rather than a 500 for a fault of ours.
      await expect(tokenkeeper.fetch(user.id, 'toolkit', '/profile')).rejects.toMatchObject({ name: 'TokenkeeperError', code: 'not_ready', status: 503 });
      await expect(tokenkeeper.findUser(user.id)).rejects.toThrow('This Tokenkeeper was closed');
      await expect(tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT('toolkit') })).rejects.toThrow('This Tokenkeeper was closed');
      expect(() => tokenkeeper.on(() => {})).toThrow('This Tokenkeeper was closed');
    } finally {
      reported.mockRestore();
      await tokenkeeper.close();
      await provider.close();
    }
  });
});

describe('the library: a logger with pino\'s methods only', () => {
  it('takes one without isLevelEnabled (another FastifyBaseLogger than pino): a failing listener is reported through its error()', async () => {
    const provider = await startTestProvider();
    const errors: unknown[] = [];
    const ignore = () => {};
    const logger = { level: 'info', fatal: ignore, error: (...args: unknown[]) => void errors.push(args), warn: ignore, info: ignore, debug: ignore, trace: ignore, silent: ignore };
    const tokenkeeper = await createTokenkeeper({ database: 'sqlite::memory:', encryptionKeys: [TEST_ENCRYPTION_KEY], providers: providersAt(provider), logger });
    try {
      tokenkeeper.on(() => {
        throw new Error('listener bug 5678');
      });
      const { user } = await signInWith(tokenkeeper, 'alice');
      expect(user.username).toBe('alice');
      expect(errors).toEqual([[expect.objectContaining({ err: expect.objectContaining({ message: 'listener bug 5678' }), event: 'user.signed_in' }), 'token event listener failed']]);
    } finally {
      await tokenkeeper.close();
      await provider.close();
    }
  });
});

describe('the library: keeping idle refresh tokens alive', () => {
  const DAY = 86_400;
  let provider: DevProvider;
  let database: TestDatabase;
  let tokenkeeper: Tokenkeeper;

  beforeAll(async () => {
    provider = await startTestProvider();
    database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    // Swept on demand only: the sweep every process runs by default would come within minutes.
    const toolkit = { ...providersAt(provider).toolkit, refreshTokenIdleDays: 8 };
    tokenkeeper = await createTokenkeeper({ database: database.url, encryptionKeys: [TEST_ENCRYPTION_KEY], providers: { toolkit }, refreshKeepalive: false });
  });
  afterAll(async () => {
    await tokenkeeper?.close();
    await database?.close();
    await provider?.close();
  });

  it('keepRefreshTokensAlive() refreshes, once, a connection whose refresh token would idle out within its window (the last 2 of 8 days)', async () => {
    const alice = await signInWith(tokenkeeper, 'alice');
    const bob = await signInWith(tokenkeeper, 'bob');
    const now = Math.floor(Date.now() / 1000);
    // Signed in (and the refresh token issued and last used) 7 and 5 days ago.
    const daysAgo = (days: number) => ({ issued_at: now - days * DAY, refresh_token_issued_at: now - days * DAY, refresh_token_used_at: now - days * DAY });
    await database.db.updateTable('tokens').set(daysAgo(7)).where('user_id', '=', alice.user.id).execute();
    await database.db.updateTable('tokens').set(daysAgo(5)).where('user_id', '=', bob.user.id).execute();
    const before = provider.stats.refreshTokenGrants;
    expect(await tokenkeeper.keepRefreshTokensAlive()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(provider.stats.refreshTokenGrants).toBe(before + 1);
    expect(await tokenkeeper.keepRefreshTokensAlive()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect((await database.db.selectFrom('tokens').select('issued_at').where('user_id', '=', alice.user.id).executeTakeFirstOrThrow()).issued_at).toBeGreaterThanOrEqual(now);
  });
});

describe('the library: webhooks', () => {
  it('a sign-in and a disconnect made through the library send signed connection.created and connection.revoked webhooks from its own process', async () => {
    const secret = newWebhookSecret();
    const receiver = await startWebhookReceiver(secret);
    const provider = await startTestProvider();
    const tokenkeeper = await createTokenkeeper({
      database: 'sqlite::memory:',
      encryptionKeys: generateEncryptionKey(),
      providers: providersAt(provider),
      webhooks: { urls: [receiver.url], secret },
    });
    try {
      const alice = await signInWith(tokenkeeper, 'alice');
      await tokenkeeper.disconnect(alice.user.id, 'toolkit');
      await vi.waitFor(() => expect(receiver.received.map((hook) => hook.payload.type)).toEqual(['connection.created', 'connection.revoked']), { timeout: 10_000 });
      expect(receiver.received.every((hook) => hook.verified)).toBe(true);
      expect(receiver.received[0]!.payload.data).toMatchObject({ user_id: alice.user.id, provider: 'toolkit', subject: alice.identity.subject });
    } finally {
      await tokenkeeper.close();
      await provider.close();
      await receiver.close();
    }
  });
});

describe('the library: options are checked, each error naming the option', () => {
  const valid = { database: 'sqlite::memory:', encryptionKeys: generateEncryptionKey(), providers: { github: { preset: 'github', clientId: 'id', clientSecret: 'secret' } } };
  const cases: Array<[string, object, RegExp]> = [
    ['no database', { ...valid, database: '' }, /^Configuration error: database is missing/],
    ['a database URL of another kind', { ...valid, database: 'mysql://x' }, /^Configuration error: database is not usable: Unsupported database URL \(a 'mysql:' URL\)/],
    ['no encryption key', { ...valid, encryptionKeys: [] }, /^Configuration error: encryptionKeys is missing/],
    ['a key that is not base64', { ...valid, encryptionKeys: 'not a key!' }, /^Configuration error: encryptionKeys is invalid/],
    ['no provider', { ...valid, providers: {} }, /^Configuration error: providers is missing/],
    ['a bad provider name', { ...valid, providers: { 'Git Hub': { clientId: 'x' } } }, /^Configuration error: providers has an invalid provider name "Git Hub"/],
    ['no client id', { ...valid, providers: { github: { preset: 'github', clientSecret: 's' } } }, /^Configuration error: providers\.github\.clientId is missing \(providers\.github is given\)/],
    ['an unknown preset', { ...valid, providers: { github: { preset: 'githubb', clientId: 'x', clientSecret: 's' } } }, /^Configuration error: providers\.github\.preset names no known preset \(got "githubb"/],
    ['an unknown option', { ...valid, providers: { github: { preset: 'github', clientId: 'x', clientSecret: 's', clientSecert: 't' } } }, /^Configuration error: providers\.github\.clientSecert is not a provider option/],
    [
      'an option the preset does not use',
      { ...valid, providers: { github: { preset: 'github', clientId: 'x', clientSecret: 's', tenant: 'common' } } },
      /^Configuration error: providers\.github\.tenant is not used by the github preset; remove it/,
    ],
    ['no way to find the endpoints', { ...valid, providers: { corp: { clientId: 'x', clientSecret: 's' } } }, /^Configuration error: providers\.corp\.issuer is missing: set providers\.corp\.issuer or providers\.corp\.serverMetadataUrl/],
    ['plain http in production', { ...valid, production: true, providers: { corp: { issuer: 'http://corp.example', clientId: 'x', clientSecret: 's' } } }, /^Configuration error: providers\.corp\.issuer must use https in production/],
    ['a leeway out of range', { ...valid, refreshLeewaySeconds: -1 }, /^Configuration error: refreshLeewaySeconds must be a whole number from 0 to 3600/],
    [
      'another API base that is no URL',
      { ...valid, providers: { github: { preset: 'github', clientId: 'x', clientSecret: 's', extraApiBaseUrls: ['uploads.example.com'] } } },
      /^Configuration error: providers\.github\.extraApiBaseUrls has "uploads\.example\.com", which is not an absolute http\(s\) URL/,
    ],
    ['other API bases not in an array', { ...valid, providers: { github: { preset: 'github', clientId: 'x', clientSecret: 's', extraApiBaseUrls: 'https://a.example' } } }, /^Configuration error: providers\.github\.extraApiBaseUrls must be an array of URLs/],
    [
      'a regional server that is more than an origin',
      { ...valid, providers: { zoho: { preset: 'zoho', clientId: 'x', clientSecret: 's', regionalServers: ['https://accounts.zoho.eu/oauth'] } } },
      /^Configuration error: providers\.zoho\.regionalServers has "https:\/\/accounts\.zoho\.eu\/oauth", which is more than an origin/,
    ],
    ['regional servers for a preset that has none', { ...valid, providers: { github: { preset: 'github', clientId: 'x', clientSecret: 's', regionalServers: ['https://a.example'] } } }, /^Configuration error: providers\.github\.regionalServers is not used/],
    ['a webhook secret of another form', { ...valid, webhooks: { urls: ['https://hooks.example/in'], secret: 'hunter2' } }, /^Configuration error: webhooks\.secret must start with whsec_/],
    [
      'a second webhook secret of another form',
      { ...valid, webhooks: { urls: ['https://hooks.example/in'], secret: [newWebhookSecret(), 'hunter2'] } },
      /^Configuration error: webhooks\.secret \(its second secret\) must start with whsec_/,
    ],
  ];
  for (const [what, options, message] of cases) {
    it(what, async () => {
      await expect(createTokenkeeper(options as never)).rejects.toThrow(message);
    });
  }
});

describeEachDialect('the library: fromEnv() beside the server', (dialect) => {
  const { app, database } = useTestApp(dialect);

  it('reads the variables `serve` reads and sees the users and tokens the server stored', async () => {
    const alice = await signedInUser(app(), 'alice');
    // The host application's .env, with a TOOLKIT_… variable of its own: not Tokenkeeper's, and not refused.
    const cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-from-env-'));
    writeFileSync(join(cwd, '.env'), 'TOOLKIT_WEBHOOK_SECRET=the-host-apps-own\n');
    const tokenkeeper = await fromEnv({
      cwd,
      env: {
        DATABASE_URL: database().url,
        TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
        OAUTH_PROVIDERS: 'toolkit',
        TOOLKIT_ISSUER: app().provider.issuer,
        TOOLKIT_CLIENT_ID: CLIENT_ID,
        TOOLKIT_CLIENT_SECRET: CLIENT_SECRET,
        TOOLKIT_API_BASE_URL: `${app().provider.issuer}/api`,
      },
    });
    try {
      expect(tokenkeeper.providers).toEqual([{ name: 'toolkit', displayName: 'Toolkit' }]);
      const response = await tokenkeeper.fetch(alice.userId, 'toolkit', '/profile');
      expect(await response.json()).toMatchObject({ name: 'Alice Liddell' });
    } finally {
      await tokenkeeper.close();
    }
  });
});

describe('the library: fromEnv({ cwd })', () => {
  /** The keys fromEnv generates and the default database, sqlite:./data/tokenkeeper.db, in cwd's ./data; a relative DATABASE_URL of cwd's .env in cwd. */
  async function expectEverythingIn(cwd: string): Promise<void> {
    const first = await fromEnv({ cwd, env: {} });
    await first.close();
    expect(existsSync(join(cwd, 'data', 'token-encryption-keys'))).toBe(true);
    expect(existsSync(join(cwd, 'data', 'tokenkeeper.db'))).toBe(true);
    // A relative DATABASE_URL of the host's .env, as `tokenkeeper serve` run in that folder reads it.
    writeFileSync(join(cwd, '.env'), 'DATABASE_URL=sqlite:./jobs.db\n');
    const second = await fromEnv({ cwd, env: {} });
    await second.close();
    expect(existsSync(join(cwd, 'jobs.db'))).toBe(true);
  }

  it("opens a relative SQLite path in cwd, beside the keys it generates into cwd's ./data, not in the process's working folder", async () => {
    await expectEverythingIn(mkdtempSync(join(tmpdir(), 'tokenkeeper-from-env-cwd-')));
  });

  it('takes a cwd whose name holds $NAME as the folder it is, never as a variable to expand; a DATABASE_URL written with $NAME is still refused', async () => {
    // A legal folder name: only a shell would read $HOME in it.
    const cwd = join(mkdtempSync(join(tmpdir(), 'tokenkeeper-from-env-dollar-')), 'a$HOME', '${USER}app');
    mkdirSync(cwd, { recursive: true });
    await expectEverythingIn(cwd);
    // What the user wrote keeps its rule: there $HOME would be a folder named so, not the home folder they meant.
    await expect(fromEnv({ cwd, env: { DATABASE_URL: 'sqlite:$HOME/jobs.db' } })).rejects.toThrow(/holds \$HOME, which only a shell expands/);
  });
});
