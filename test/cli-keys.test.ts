import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from './support/cli.js';
import { runKeys } from '../src/cli/keys.command.js';
import type { Environment } from '../src/config/env-file.js';
import { registeredClientAssociatedData, SqlClientRegistrationStore } from '../src/db/client-registration.repository.js';
import { loginTransactionAssociatedData } from '../src/db/login-transaction.repository.js';
import { encryptionKeyId, generateEncryptionKey, parseEncryptionKeys, TokenCipher, tokenAssociatedData } from '../src/db/token-cipher.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { TestBrowser } from './support/browser.js';
import { injectFetch } from './support/inject-fetch.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { expireStoredAccessToken, signedInUser, type SignedInUser } from './support/signed-in.js';
import { APP_ORIGIN, startTestApp, startTestProvider, TEST_ENCRYPTION_KEY, testAppEnv, type TestApp } from './support/test-app.js';

const cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-keys-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const keysCli = (args: string[], env: Environment, now?: () => number) => runCaptured(runKeys, args, { env, cwd, ...(now ? { now } : {}) });

/** The app's test environment (testAppEnv) with these encryption keys, for the CLI. */
const cliEnvironment = (provider: DevProvider, databaseUrl: string, keys: string): Environment =>
  testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl, issuer: provider.issuer, env: { TOKEN_ENCRYPTION_KEYS: keys } });

const keyIdOf = (base64Key: string) => encryptionKeyId(Buffer.from(base64Key, 'base64'));
/** The key id inside a stored `v1.<keyId>.…` value. */
const keyIdIn = (ciphertext: string) => ciphertext.split('.')[1];

describe('keys: usage and generate', () => {
  it.each([
    [[], /missing subcommand/],
    [['spin'], /unknown subcommand "spin"/],
    [['rotate', '--batch-size', '0'], /--batch-size must be a whole number/],
    [['rotate', '--bogus'], /Unknown option '--bogus'/],
    [['generate', 'extra'], /Unexpected argument|positional/i],
  ])('keys %j prints the usage and exits 2', async (args, problem) => {
    const result = await keysCli(args, {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toContain('Usage: tokenkeeper keys rotate');
  });

  it.each([[['rotate', '--help']], [['rotate', '--batch-size', '10', '-h']], [['generate', '--help']]])(
    'keys %j prints the usage on stdout and exits 0, running nothing',
    async (args) => {
      const result = await keysCli(args, {});
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('Usage: tokenkeeper keys rotate');
    },
  );

  it('the help adds a new key last, on every server, before any server writes with it (README, "Rotating the encryption key")', async () => {
    const { stdout } = await keysCli(['--help'], {});
    const addedLast = stdout.indexOf('TOKEN_ENCRYPTION_KEYS=<old>,<new>');
    const movedFirst = stdout.indexOf('TOKEN_ENCRYPTION_KEYS=<new>,<old>');
    expect(addedLast).toBeGreaterThan(-1);
    expect(movedFirst).toBeGreaterThan(addedLast);
    expect(stdout.indexOf('keys rotate with')).toBeGreaterThan(movedFirst);
  });

  it('generate prints a fresh base64 32-byte key that TOKEN_ENCRYPTION_KEYS accepts', async () => {
    const first = await keysCli(['generate'], {});
    const second = await keysCli(['generate'], {});
    expect(first.code).toBe(0);
    const key = first.stdout.trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(parseEncryptionKeys(key)).toHaveLength(1);
    expect(second.stdout.trim()).not.toBe(key);
  });
});

describeEachDialect('keys rotate', (dialect) => {
  let database: TestDatabase;
  let provider: DevProvider;
  let oldApp: TestApp;
  let alice: SignedInUser;
  let bob: SignedInUser;
  const newKey = generateEncryptionKey();
  const rotatedKeys = `${newKey},${TEST_ENCRYPTION_KEY}`;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    database = await dialect.openTestDatabase({ migrate: false });
    provider = await startTestProvider();
    oldApp = await startTestApp({ databaseUrl: database.url, sharedProvider: provider });
    apps.push(oldApp);
    alice = await signedInUser(oldApp, 'alice');
    bob = await signedInUser(oldApp, 'bob');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await provider?.close();
    await database?.close();
  });

  it('re-encrypts every token, pending sign-in and registered client with the new key; the app then works with the new key alone', async () => {
    // A sign-in started under the old key and finished after the rotation.
    let transport = injectFetch(oldApp.runtime.app, APP_ORIGIN);
    const mallory = new TestBrowser({ fetch: (input, init) => transport(input, init) });
    const loginPage = await mallory.get(`${APP_ORIGIN}/login/toolkit`);
    expect(loginPage.text).toContain('name="password"');

    // Step 1 and 2 of the README: the new key first, servers restarted.
    const restarted = await startTestApp({ databaseUrl: database.url, sharedProvider: provider, env: { TOKEN_ENCRYPTION_KEYS: rotatedKeys } });
    apps.push(restarted);

    // A clock that stands still: the progress lines have no rate, and are exact.
    const startedAt = Math.floor(Date.now() / 1000);
    // A client the app registered at a server, under the old key.
    const oldKeyOnly = new TokenCipher(parseEncryptionKeys(TEST_ENCRYPTION_KEY));
    const registered = { clientId: 'app-1', clientSecret: 'app-secret-1', redirectUri: 'https://app.example.com/auth/mastodon/callback', scope: 'profile' };
    await new SqlClientRegistrationStore(database.db, oldKeyOnly).keepClient('fedi', 'https://social.example', registered, startedAt);
    const rotation = await keysCli(['rotate', '--batch-size', '1'], cliEnvironment(provider, database.url, rotatedKeys), () => startedAt);
    expect(rotation.stderr).toBe(
      'keys rotate: tokens: 2 / 2 rows (100%), 0 left\nkeys rotate: sign-ins in progress: 1 / 1 rows (100%), 0 left\nkeys rotate: registered clients: 1 / 1 rows (100%), 0 left\n',
    );
    expect(rotation.code).toBe(0);
    expect(rotation.stdout).toContain(`Newest key: ${keyIdOf(newKey)}`);
    expect(rotation.stdout).toContain('Tokens: 2 checked, 2 re-encrypted, 0 already current, 0 failed.');
    expect(rotation.stdout).toContain('Sign-ins in progress: 1 checked, 1 re-encrypted, 0 already current, 0 failed.');
    expect(rotation.stdout).toContain('Registered clients: 1 checked, 1 re-encrypted, 0 already current, 0 failed.');

    const newOnly = new TokenCipher(parseEncryptionKeys(newKey));
    const rows = await database.db.selectFrom('tokens').selectAll().execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      for (const column of ['access_token', 'refresh_token', 'id_token'] as const) {
        const value = row[column];
        expect(value, column).not.toBeNull();
        expect(keyIdIn(value!)).toBe(keyIdOf(newKey));
        expect(newOnly.decrypt(value!, tokenAssociatedData(row.user_id, row.provider, column)).length).toBeGreaterThan(10);
      }
    }
    const [transaction] = await database.db.selectFrom('login_transactions').selectAll().execute();
    expect(keyIdIn(transaction!.code_verifier)).toBe(keyIdOf(newKey));
    expect(() => newOnly.decrypt(transaction!.code_verifier, loginTransactionAssociatedData(transaction!.state))).not.toThrow();
    const [client] = await database.db.selectFrom('registered_clients').selectAll().execute();
    expect(keyIdIn(client!.client_secret!)).toBe(keyIdOf(newKey));
    expect(newOnly.decrypt(client!.client_secret!, registeredClientAssociatedData('fedi', 'https://social.example'))).toBe('app-secret-1');

    // Idempotent: a second run rewrites nothing.
    const again = await keysCli(['rotate'], cliEnvironment(provider, database.url, rotatedKeys));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Tokens: 2 checked, 0 re-encrypted, 2 already current, 0 failed.');
    const rowsAgain = await database.db.selectFrom('tokens').selectAll().orderBy('id').execute();
    expect(rowsAgain.map((r) => r.access_token)).toEqual(rows.sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => r.access_token));

    // Step 4: the old key removed. Proxy calls, a refresh and the pending sign-in all work.
    const newKeyOnly = await startTestApp({ databaseUrl: database.url, sharedProvider: provider, env: { TOKEN_ENCRYPTION_KEYS: newKey } });
    apps.push(newKeyOnly);
    const call = (user: SignedInUser) =>
      newKeyOnly.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: user.cookie } });
    expect((await call(alice)).statusCode).toBe(200);
    const refreshesBefore = provider.stats.refreshTokenGrants;
    await expireStoredAccessToken(database, bob.userId);
    expect((await call(bob)).statusCode).toBe(200);
    expect(provider.stats.refreshTokenGrants).toBe(refreshesBefore + 1);

    transport = injectFetch(newKeyOnly.runtime.app, APP_ORIGIN);
    const afterLogin = await mallory.submitForm(loginPage, { username: 'mallory', password: 'mallory' });
    const landed = afterLogin.url.startsWith(APP_ORIGIN) ? afterLogin : await mallory.submitForm(afterLogin);
    expect(landed.status).toBe(200);
    expect(landed.url.startsWith(APP_ORIGIN)).toBe(true);
    const me = await mallory.get(`${APP_ORIGIN}/api/me`);
    expect(me.status).toBe(200);
  });

  it('a row no configured key decrypts is reported by id, left untouched, and the command exits 1', async () => {
    const strayKey = generateEncryptionKey();
    const [victim] = await database.db.selectFrom('tokens').selectAll().where('user_id', '=', alice.userId).execute();
    const stray = new TokenCipher(parseEncryptionKeys(strayKey)).encrypt('secret-from-elsewhere', tokenAssociatedData(victim!.user_id, victim!.provider, 'access_token'));
    await database.db.updateTable('tokens').set({ access_token: stray }).where('id', '=', victim!.id).execute();

    // Rotate again to a third key: every other row moves, the stray one cannot.
    const thirdKey = generateEncryptionKey();
    const result = await keysCli(['rotate'], cliEnvironment(provider, database.url, `${thirdKey},${newKey}`));
    expect(result.code).toBe(1);
    // Named by the key it needs, as doctor names it, to find among old keys.
    expect(result.stderr).toContain(`token ${victim!.id} left as it is: it was encrypted with key ${encryptionKeyId(Buffer.from(strayKey, 'base64'))}, which is not in TOKEN_ENCRYPTION_KEYS`);
    expect(result.stdout).toMatch(/Tokens: \d+ checked, \d+ re-encrypted, 0 already current, 1 failed\./);
    expect(`${result.stdout}${result.stderr}`).not.toContain('secret-from-elsewhere');

    const after = await database.db.selectFrom('tokens').selectAll().execute();
    expect(after.find((r) => r.id === victim!.id)!.access_token).toBe(stray);
    // Its other columns were not rewritten either: the row is left as a whole.
    expect(keyIdIn(after.find((r) => r.id === victim!.id)!.refresh_token!)).toBe(keyIdOf(newKey));
    for (const row of after.filter((r) => r.id !== victim!.id)) expect(keyIdIn(row.access_token)).toBe(keyIdOf(thirdKey));
  });
});

describeEachDialect('keys rotate, interrupted', (dialect) => {
  let database: TestDatabase;
  const oldKey = generateEncryptionKey();
  const newKey = generateEncryptionKey();
  const env = testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl: '', issuer: 'http://127.0.0.1:9', env: { TOKEN_ENCRYPTION_KEYS: `${newKey},${oldKey}` } });

  beforeAll(async () => {
    database = await dialect.openTestDatabase({ migrate: true });
    env.DATABASE_URL = database.url;
    const old = new TokenCipher(parseEncryptionKeys(oldKey));
    for (const n of [1, 2, 3]) {
      const userId = `user-${n}`;
      await database.db.insertInto('users').values({ id: userId, username: `user${n}`, email: `user${n}@example.test`, name: `User ${n}`, date_joined: 1 }).execute();
      await database.db
        .insertInto('tokens')
        .values({
          id: `token-${n}`,
          user_id: userId,
          provider: 'toolkit',
          token_type: 'Bearer',
          scope: null,
          access_token: old.encrypt(`access-${n}`, tokenAssociatedData(userId, 'toolkit', 'access_token')),
          refresh_token: null,
          id_token: null,
          expires_at: null,
          last_error: null,
          created_at: 1,
          updated_at: 1,
          last_refreshed_at: null,
        })
        .execute();
    }
  });
  afterAll(() => database?.close());

  it('Ctrl-C stops it between two rows: it says how far it got and to run it again (exit 1); the next run finishes', async () => {
    let seconds = 1_800_000_000;
    let interrupted = false;
    const listeners = process.listenerCount('SIGINT');
    const result = await runCaptured(
      (args, io) =>
        runKeys(args, {
          ...io,
          stderr: {
            write: (text: string) => {
              // The first progress line, after the first row: as if Ctrl-C were pressed then. A signal's
              // listeners run in a turn of the event loop of their own, not in the middle of this write.
              if (!interrupted && text.startsWith('keys rotate: tokens:')) {
                interrupted = true;
                setImmediate(() => process.emit('SIGINT', 'SIGINT'));
              }
              return io.stderr.write(text);
            },
          },
        }),
      ['rotate', '--batch-size', '1'],
      { env, cwd, now: () => (seconds += 10) },
    );
    expect(interrupted).toBe(true);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Tokens: 1 checked, 1 re-encrypted, 0 already current, 0 failed.');
    expect(result.stdout).not.toContain('older keys can be removed');
    expect(result.stderr).toMatch(/^keys rotate: tokens: 1 \/ 3 rows \(33%\)/m);
    expect(result.stderr).toContain('tokenkeeper keys rotate: interrupted (SIGINT)');
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    const keyIds = (await database.db.selectFrom('tokens').select('access_token').orderBy('id').execute()).map((row) => keyIdIn(row.access_token));
    expect(keyIds).toEqual([keyIdOf(newKey), keyIdOf(oldKey), keyIdOf(oldKey)]);

    const again = await keysCli(['rotate'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Tokens: 3 checked, 2 re-encrypted, 1 already current, 0 failed.');
  });
});
