import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { type RegisteredClient, SqlClientRegistrationStore, registeredClientAssociatedData } from './client-registration.repository.js';
import { openDatabase } from './database.js';
import { countRowsToRotate, rotateEncryptionKeys } from './key-rotation.js';
import { TokenCipher, TokenDecryptionError, generateEncryptionKey, parseEncryptionKeys } from './token-cipher.js';

/** The callback and scopes every client here was registered with. */
const REGISTERED_FOR = { redirectUri: 'https://app.example.com/auth/mastodon/callback', scope: 'profile' };

const NOW = 1_790_000_000;

let serverCount = 0;
/** A server of its own for each test: they share one database. */
const newServer = () => `https://social-${(serverCount += 1)}.example`;

describeEachDialect('SqlClientRegistrationStore', (dialect) => {
  let database: TestDatabase;
  let cipher: TokenCipher;
  let store: SqlClientRegistrationStore;
  const rawRows = (server: string) => database.db.selectFrom('registered_clients').selectAll().where('server', '=', server).execute();

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    cipher = new TokenCipher(parseEncryptionKeys(generateEncryptionKey()));
    store = new SqlClientRegistrationStore(database.db, cipher);
  });
  afterAll(() => database.close());

  it('keeps a client and finds it again, its secret decrypted; nothing is kept for another server', async () => {
    const server = newServer();
    const client = { clientId: 'app-round-trip', clientSecret: 'secret-round-trip', ...REGISTERED_FOR };
    expect(await store.findClient('mastodon', server)).toBeUndefined();
    expect(await store.keepClient('mastodon', server, client, NOW)).toEqual(client);
    expect(await store.findClient('mastodon', server)).toEqual(client);
    expect(await new SqlClientRegistrationStore(database.db, cipher).findClient('mastodon', server)).toEqual(client);
    expect(await store.findClient('mastodon', newServer())).toBeUndefined();
    const [row] = await rawRows(server);
    expect(row).toMatchObject({ id: expect.stringMatching(/^[0-9A-Z]{26}$/), provider: 'mastodon', server, client_id: 'app-round-trip' });
    expect(Number(row!.created_at)).toBe(NOW);
  });

  it('stores no secret in clear, and one moved to another server does not decrypt', async () => {
    const server = newServer();
    await store.keepClient('mastodon', server, { clientId: 'app-sealed', clientSecret: 'plaintext-secret-7c1e', ...REGISTERED_FOR }, NOW);
    const [row] = await rawRows(server);
    expect(JSON.stringify(row)).not.toContain('plaintext-secret-7c1e');
    expect(row!.client_secret).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(cipher.decrypt(row!.client_secret!, registeredClientAssociatedData('mastodon', server))).toBe('plaintext-secret-7c1e');

    const elsewhere = newServer();
    await store.keepClient('mastodon', elsewhere, { clientId: 'app-elsewhere', clientSecret: 'other', ...REGISTERED_FOR }, NOW);
    await database.db.updateTable('registered_clients').set({ client_secret: row!.client_secret }).where('server', '=', elsewhere).execute();
    const failure = await store.findClient('mastodon', elsewhere).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenDecryptionError);
    expect((failure as TokenDecryptionError).code).toBe('AUTHENTICATION_FAILED');
  });

  it('a second client kept for the same server gives back the first, which stays', async () => {
    const server = newServer();
    const first = { clientId: 'app-first', clientSecret: 'secret-first', ...REGISTERED_FOR };
    await store.keepClient('mastodon', server, first, NOW);
    expect(await store.keepClient('mastodon', server, { clientId: 'app-second', clientSecret: 'secret-second', ...REGISTERED_FOR }, NOW + 10)).toEqual(first);
    expect(await store.findClient('mastodon', server)).toEqual(first);
    const rows = await rawRows(server);
    expect(rows.map((row) => [row.client_id, Number(row.created_at)])).toEqual([['app-first', NOW]]);
  });

  it('of 10 clients kept at once for one server, by separate connections as processes would, one is kept and every call gets it', async () => {
    const server = newServer();
    const clients: RegisteredClient[] = Array.from({ length: 10 }, (_, i) => ({ clientId: `app-race-${i}`, clientSecret: `secret-race-${i}`, ...REGISTERED_FOR }));
    const others = await Promise.all(Array.from({ length: 3 }, () => openDatabase(database.url)));
    const stores = [store, ...others.map((other) => new SqlClientRegistrationStore(other.db, cipher))];
    let kept: RegisteredClient[];
    try {
      kept = await Promise.all(clients.map((client, i) => stores[i % stores.length]!.keepClient('mastodon', server, client, NOW + i)));
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
    const rows = await rawRows(server);
    expect(rows).toHaveLength(1);
    const winner = clients.find((client) => client.clientId === rows[0]!.client_id);
    expect(winner).toBeDefined();
    expect(kept).toEqual(clients.map(() => winner));
  });

  it('keeps a client registered without a secret (a public client)', async () => {
    const server = newServer();
    const client = { clientId: 'app-public', clientSecret: null, ...REGISTERED_FOR };
    expect(await store.keepClient('mastodon', server, client, NOW)).toEqual(client);
    expect(await store.findClient('mastodon', server)).toEqual(client);
    expect((await rawRows(server))[0]!.client_secret).toBeNull();
  });

  it('forgets the client only while it is still the one named, so the next one kept is new', async () => {
    const server = newServer();
    const first = { clientId: 'app-removed', clientSecret: 'secret-removed', ...REGISTERED_FOR };
    await store.keepClient('mastodon', server, first, NOW);
    expect(await store.forgetClient('mastodon', server, 'app-other')).toBe(false);
    expect(await store.findClient('mastodon', server)).toEqual(first);

    expect(await store.forgetClient('mastodon', server, 'app-removed')).toBe(true);
    expect(await store.findClient('mastodon', server)).toBeUndefined();
    expect(await store.forgetClient('mastodon', server, 'app-removed')).toBe(false);

    // A process that registered anew meanwhile keeps its client from a late forget of the old one.
    const second = { clientId: 'app-registered-again', clientSecret: 'secret-again', ...REGISTERED_FOR };
    expect(await store.keepClient('mastodon', server, second, NOW + 60)).toEqual(second);
    expect(await store.forgetClient('mastodon', server, 'app-removed')).toBe(false);
    expect(await store.findClient('mastodon', server)).toEqual(second);
  });

  it("keeps each provider's client at the same server apart", async () => {
    const server = newServer();
    const mastodon = { clientId: 'app-mastodon', clientSecret: 'secret-mastodon', ...REGISTERED_FOR };
    const pleroma = { clientId: 'app-pleroma', clientSecret: 'secret-pleroma', ...REGISTERED_FOR };
    expect(await store.keepClient('mastodon', server, mastodon, NOW)).toEqual(mastodon);
    expect(await store.keepClient('pleroma', server, pleroma, NOW)).toEqual(pleroma);
    expect(await store.findClient('mastodon', server)).toEqual(mastodon);
    expect(await store.findClient('pleroma', server)).toEqual(pleroma);
    expect(await store.forgetClient('pleroma', server, 'app-mastodon')).toBe(false);
    expect(await store.forgetClient('mastodon', server, 'app-mastodon')).toBe(true);
    expect(await store.findClient('mastodon', server)).toBeUndefined();
    expect(await store.findClient('pleroma', server)).toEqual(pleroma);
  });
});

describeEachDialect("key rotation of registered clients' secrets", (dialect) => {
  let database: TestDatabase;
  const oldKey = generateEncryptionKey();
  const oldCipher = new TokenCipher(parseEncryptionKeys(oldKey));
  const newCipher = new TokenCipher(parseEncryptionKeys([generateEncryptionKey(), oldKey].join(',')));

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('re-encrypts every secret with the newest key, skips clients without one, reports one no key decrypts, and a second run rewrites nothing', async () => {
    const old = new SqlClientRegistrationStore(database.db, oldCipher);
    const servers = [newServer(), newServer(), newServer()];
    for (const [i, server] of servers.entries()) await old.keepClient('mastodon', server, { clientId: `app-${i}`, clientSecret: `secret-${i}`, ...REGISTERED_FOR }, NOW);
    await old.keepClient('mastodon', newServer(), { clientId: 'app-public', clientSecret: null, ...REGISTERED_FOR }, NOW);
    // A secret under a key that is not configured (lost, or from another deployment).
    const strayServer = newServer();
    const stray = new TokenCipher(parseEncryptionKeys(generateEncryptionKey())).encrypt('secret-stray', registeredClientAssociatedData('mastodon', strayServer));
    await database.db.insertInto('registered_clients').values({ id: 'stray', provider: 'mastodon', server: strayServer, client_id: 'app-stray', client_secret: stray, redirect_uri: REGISTERED_FOR.redirectUri, scope: REGISTERED_FOR.scope, created_at: NOW }).execute();

    expect((await countRowsToRotate(database.db, NOW)).registered_clients).toBe(4);
    const batches: number[] = [];
    const result = await rotateEncryptionKeys(database.db, newCipher, {
      now: NOW,
      batchSize: 2,
      onBatch: (table, rotation) => table === 'registered_clients' && batches.push(rotation.checked),
    });
    expect(result.registeredClients).toEqual({
      checked: 4,
      reencrypted: 3,
      alreadyCurrent: 0,
      changedConcurrently: 0,
      failed: [{ id: 'stray', code: 'UNKNOWN_KEY', keyId: stray.split('.')[1] }],
    });
    expect(batches).toEqual([2, 4]);

    const store = new SqlClientRegistrationStore(database.db, newCipher);
    for (const [i, server] of servers.entries()) {
      const [row] = await database.db.selectFrom('registered_clients').select('client_secret').where('server', '=', server).execute();
      expect(newCipher.needsReencryption(row!.client_secret!)).toBe(false);
      expect(await store.findClient('mastodon', server)).toEqual({ clientId: `app-${i}`, clientSecret: `secret-${i}`, ...REGISTERED_FOR });
    }
    const [left] = await database.db.selectFrom('registered_clients').select('client_secret').where('id', '=', 'stray').execute();
    expect(left!.client_secret).toBe(stray);

    const again = await rotateEncryptionKeys(database.db, newCipher, { now: NOW });
    expect(again.registeredClients).toMatchObject({ checked: 4, reencrypted: 0, alreadyCurrent: 3, failed: [{ id: 'stray' }] });
  });
});
