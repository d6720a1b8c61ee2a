import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { findSessionContext } from './session-context.js';
import { createSession } from './session.repository.js';
import { TokenCipher, generateEncryptionKey, parseEncryptionKeys } from './token-cipher.js';
import { type TokenSet, SqlTokenStore } from './token-store.js';
import { createUser } from './user.repository.js';

const NOW = 1_790_000_000;

function tokenSet(accessToken: string): TokenSet {
  return { accessToken, refreshToken: `${accessToken}-refresh`, idToken: null, tokenType: 'Bearer', scope: 'openid', expiresAt: NOW + 3600 };
}

describeEachDialect('findSessionContext', (dialect) => {
  let database: TestDatabase;
  let store: SqlTokenStore;
  let aliceId: string;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    store = new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(generateEncryptionKey())));
    aliceId = (await createUser(database.db, { username: 'ctx-alice', email: 'alice@example.com', dateJoined: NOW })).id;
    const bobId = (await createUser(database.db, { username: 'ctx-bob', dateJoined: NOW })).id;
    await store.saveTokenSet(aliceId, 'toolkit', tokenSet('alice-toolkit'), NOW);
    await store.saveTokenSet(aliceId, 'github', tokenSet('alice-github'), NOW);
    await store.saveTokenSet(bobId, 'second', tokenSet('bob-second'), NOW);
    for (const [id, userId] of [['s-alice', aliceId], ['s-anon', null]] as const) {
      await createSession(database.db, { id, userId, csrfToken: `csrf-${id}`, data: {}, now: NOW, absoluteExpiresAt: NOW + 3600 });
    }
  });
  afterAll(() => database.close());

  it('reads the session and its user, and no token unless asked', async () => {
    const context = await findSessionContext(database.db, 's-alice');
    expect(context?.session).toMatchObject({ id: 's-alice', userId: aliceId, csrfToken: 'csrf-s-alice' });
    expect(context?.user).toMatchObject({ id: aliceId, username: 'ctx-alice', email: 'alice@example.com', isActive: true });
    expect(context?.token).toBeNull();
  });

  it('with a provider, brings that provider’s token row of the session’s user, still encrypted', async () => {
    const context = await findSessionContext(database.db, 's-alice', 'github');
    expect(context?.user?.id).toBe(aliceId);
    expect(context?.token).toMatchObject({ user_id: aliceId, provider: 'github', status: 'active', expires_at: NOW + 3600 });
    expect(context?.token?.access_token).not.toContain('alice-github');
    const decrypted = store.fromRow(context!.token!);
    expect([decrypted.accessToken, decrypted.refreshToken]).toEqual(['alice-github', 'alice-github-refresh']);
  });

  it('gives no token for a provider the user has none for, even when another user has one', async () => {
    const context = await findSessionContext(database.db, 's-alice', 'second');
    expect(context?.user?.id).toBe(aliceId);
    expect(context?.token).toBeNull();
  });

  it('an anonymous session has neither user nor token; an unknown id has no context', async () => {
    expect(await findSessionContext(database.db, 's-anon', 'toolkit')).toMatchObject({ user: null, token: null, session: { id: 's-anon', userId: null } });
    expect(await findSessionContext(database.db, 'no-such-session', 'toolkit')).toBeUndefined();
    expect(await findSessionContext(database.db, 'no-such-session')).toBeUndefined();
  });

  it('on a SQLite file, gives the same frozen context (and decrypted token) again while nothing changed, and a new one after a write', async () => {
    const first = await findSessionContext(database.db, 's-alice', 'toolkit');
    const again = await findSessionContext(database.db, 's-alice', 'toolkit');
    if (dialect.name !== 'sqlite') {
      // Every read makes new objects on PostgreSQL: nothing is kept there.
      expect(again).not.toBe(first);
      expect(again).toEqual(first);
      return;
    }
    expect(again).toBe(first);
    for (const part of [first, first!.session, first!.session.data, first!.user, first!.token]) expect(Object.isFrozen(part)).toBe(true);
    expect(store.fromRow(again!.token!)).toBe(store.fromRow(first!.token!));
    expect(Object.isFrozen(store.fromRow(first!.token!))).toBe(true);

    await database.db.updateTable('users').set({ name: 'Alice' }).where('id', '=', aliceId).execute();
    const changed = await findSessionContext(database.db, 's-alice', 'toolkit');
    expect(changed).not.toBe(first);
    expect(changed?.user?.name).toBe('Alice');
  });
});
