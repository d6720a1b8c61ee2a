import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { createAccount, listAccountsForUser } from './account.repository.js';
import { listUsersForAdmin } from './admin-lists.js';
import { listAuditEvents, writeAuditEvent } from './audit.repository.js';
import { openDatabase } from './database.js';
import { createLoginTransaction } from './login-transaction.repository.js';
import { createSession, findSession } from './session.repository.js';
import {
  createUser,
  createUserWithUniqueUsername,
  deleteUser,
  findUserById,
  findUserByUsername,
  findUserCredentials,
  recordLogin,
  setPassword,
  setUserFlags,
  uniqueUsername,
  updateUserProfile,
} from './user.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('user repository', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('creates a user with defaults and finds it by id and username', async () => {
    const user = await createUser(database.db, { username: 'ada', email: 'ada@example.com', dateJoined: NOW });
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      username: 'ada',
      email: 'ada@example.com',
      emailVerified: null,
      name: null,
      isTokenUser: false,
      provider: null,
      isStaff: false,
      isSuperuser: false,
      isActive: true,
      dateJoined: NOW,
      lastLogin: null,
    });
    expect(await findUserById(database.db, user.id)).toEqual(user);
    expect(await findUserByUsername(database.db, 'ada')).toEqual(user);
    expect(await findUserByUsername(database.db, 'ADA')).toBeUndefined();
    expect(await findUserById(database.db, 'missing')).toBeUndefined();
  });

  it('updates the profile, last login, flags and password; the hash stays out of User', async () => {
    const user = await createUser(database.db, {
      username: 'grace',
      isTokenUser: true,
      provider: 'toolkit',
      dateJoined: NOW,
    });
    expect(user.emailVerified).toBeNull();
    await updateUserProfile(database.db, user, { email: 'g@example.com', emailVerified: false, name: 'Grace <b>H</b>' });
    await recordLogin(database.db, user.id, NOW + 60);
    await setUserFlags(database.db, user.id, { isStaff: true, isActive: false });
    await setPassword(database.db, user.id, 'scrypt$hash');
    const found = await findUserById(database.db, user.id);
    expect(found).toMatchObject({
      email: 'g@example.com',
      emailVerified: false,
      name: 'Grace <b>H</b>',
      lastLogin: NOW + 60,
      isTokenUser: true,
      provider: 'toolkit',
      isStaff: true,
      isSuperuser: false,
      isActive: false,
    });
    expect(found).not.toHaveProperty('passwordHash');
    expect(await findUserCredentials(database.db, 'grace')).toEqual({ user: found, passwordHash: 'scrypt$hash' });
  });

  it('updateUserProfile given the user as read before another sign-in changed the address sets its own address with its flag, not its flag on the other address', async () => {
    const user = await createUser(database.db, { username: 'hedy', email: 'hedy@one.example', dateJoined: NOW });
    const read = (await findUserById(database.db, user.id))!;
    // Meanwhile a sign-in through another provider stores the address that provider verified.
    await updateUserProfile(database.db, read, { email: 'hedy@two.example', emailVerified: true, name: 'Hedy' });
    // This sign-in read the user before that: its provider says hedy@one.example, not verified.
    await updateUserProfile(database.db, read, { email: 'hedy@one.example', emailVerified: false, name: 'Hedy L.' });
    expect(await findUserById(database.db, user.id)).toMatchObject({ email: 'hedy@one.example', emailVerified: false, name: 'Hedy L.' });
  });

  it('updateUserProfile in two sign-ins of one user at once (PostgreSQL: the second waits for the first, having read the user before it committed) keeps an address with its own flag', async () => {
    if (dialect.name !== 'postgres') return; // SQLite: a transaction takes the write lock before it reads (begin immediate).
    const user = await createUser(database.db, { username: 'ida', email: 'ida@one.example', dateJoined: NOW });
    const other = await openDatabase(database.url);
    try {
      let committed!: () => void;
      const commit = new Promise<void>((resolve) => (committed = resolve));
      let updated!: () => void;
      const firstUpdated = new Promise<void>((resolve) => (updated = resolve));
      let secondDone = false;
      const first = database.db.transaction().execute(async (trx) => {
        await updateUserProfile(trx, (await findUserById(trx, user.id))!, { email: 'ida@two.example', emailVerified: true, name: 'Ida' });
        updated();
        await commit;
      });
      try {
        await firstUpdated;
        const second = other.db.transaction().execute(async (trx) => {
          const read = (await findUserById(trx, user.id))!;
          expect(read.email).toBe('ida@one.example');
          await updateUserProfile(trx, read, { email: 'ida@one.example', emailVerified: false, name: 'Ida R.' });
          secondDone = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(secondDone).toBe(false); // waiting for the first's row lock
        committed();
        await second;
      } finally {
        committed();
        await first;
      }
      const stored = (await findUserById(database.db, user.id))!;
      expect({ email: stored.email, emailVerified: stored.emailVerified }).toEqual({ email: 'ida@one.example', emailVerified: false });
    } finally {
      await other.close();
    }
  });

  it('uniqueUsername gives wanted, then wanted-2, wanted-3… whichever is free', async () => {
    expect(await uniqueUsername(database.db, 'linus')).toBe('linus');
    await createUser(database.db, { username: 'linus', dateJoined: NOW });
    expect(await uniqueUsername(database.db, 'linus')).toBe('linus-2');
    await createUser(database.db, { username: 'linus-2', dateJoined: NOW });
    await createUser(database.db, { username: 'linus-4', dateJoined: NOW });
    expect(await uniqueUsername(database.db, 'linus')).toBe('linus-3');
    // Case matters, and LIKE wildcards in the wanted name match only themselves.
    expect(await uniqueUsername(database.db, 'Linus')).toBe('Linus');
    await createUser(database.db, { username: 'a_b', dateJoined: NOW });
    await createUser(database.db, { username: 'axb-2', dateJoined: NOW });
    expect(await uniqueUsername(database.db, 'a_b')).toBe('a_b-2');
    await createUser(database.db, { username: '100%', dateJoined: NOW });
    expect(await uniqueUsername(database.db, '100%')).toBe('100%-2');
  });

  it('uniqueUsername looks past a batch of taken names', async () => {
    await createUser(database.db, { username: 'common', dateJoined: NOW });
    for (let n = 2; n <= 25; n += 1) await createUser(database.db, { username: `common-${n}`, dateJoined: NOW });
    expect(await uniqueUsername(database.db, 'common')).toBe('common-26');
  });

  it('createUserWithUniqueUsername gives 10 concurrent sign-ins 10 distinct names', async () => {
    const users = await Promise.all(
      Array.from({ length: 10 }, () => createUserWithUniqueUsername(database.db, { username: 'rush', dateJoined: NOW })),
    );
    expect(new Set(users.map((u) => u.username)).size).toBe(10);
    expect(users.map((u) => u.username)).toContain('rush');
  });

  it('lists users newest first for the admin, by username or e-mail prefix without case', async () => {
    await createUser(database.db, { username: 'search-one', email: 'FINDME@example.com', dateJoined: NOW + 1 });
    await createUser(database.db, { username: 'FindMe-two', dateJoined: NOW + 2 });
    await createUser(database.db, { username: 'not-findme', dateJoined: NOW + 3 });
    const page = { sort: 'date_joined', direction: 'desc', offset: 0, limit: 10 } as const;
    const found = await listUsersForAdmin(database, { ...page, search: 'findme' });
    expect(found.rows.map((u) => u.username)).toEqual(['FindMe-two', 'search-one']);
    expect(found.total).toBe(2);
    expect((await listUsersForAdmin(database, { ...page, search: 'findme%' })).rows).toEqual([]);
    expect((await listUsersForAdmin(database, { ...page, search: 'findme', offset: 1, limit: 1 })).rows).toHaveLength(1);
  });

  it('deleting a user deletes their accounts, tokens, sessions and pending sign-ins, not the audit log', async () => {
    const user = await createUser(database.db, { username: 'leaving', dateJoined: NOW });
    await createAccount(database.db, {
      userId: user.id,
      provider: 'toolkit',
      issuer: 'https://idp.example',
      subject: 'sub-leaving',
      claims: {},
      now: NOW,
    });
    await database.db
      .insertInto('tokens')
      .values({
        id: 'token-leaving',
        user_id: user.id,
        provider: 'toolkit',
        token_type: 'Bearer',
        scope: null,
        access_token: 'ciphertext',
        refresh_token: null,
        id_token: null,
        expires_at: null,
        last_error: null,
        created_at: NOW,
        updated_at: NOW,
        last_refreshed_at: null,
      })
      .execute();
    await createSession(database.db, {
      id: 'session-leaving',
      userId: user.id,
      csrfToken: 'csrf',
      data: {},
      now: NOW,
      absoluteExpiresAt: NOW + 3600,
    });
    await createSession(database.db, {
      id: 'anonymous-session',
      userId: null,
      csrfToken: 'csrf',
      data: {},
      now: NOW,
      absoluteExpiresAt: NOW + 3600,
    });
    await createLoginTransaction(database.db, {
      state: 'state-link',
      sessionId: 'anonymous-session',
      provider: 'github',
      issuer: 'https://github.com',
      clientId: 'client',
      redirectUri: 'http://localhost/auth/github/callback',
      codeVerifier: 'ciphertext',
      nonce: null,
      nextPath: '/account',
      linkUserId: user.id,
      createdAt: NOW,
      expiresAt: NOW + 600,
    });
    await writeAuditEvent(database.db, { event: 'user.deleted', actorUserId: user.id, at: NOW });

    expect(await deleteUser(database.db, user.id)).toBe(true);
    expect(await deleteUser(database.db, user.id)).toBe(false);
    expect(await listAccountsForUser(database.db, user.id)).toEqual([]);
    const count = async (table: 'tokens' | 'sessions' | 'login_transactions') =>
      (await database.db.selectFrom(table).selectAll().execute()).filter(
        (row) => ('user_id' in row && row.user_id === user.id) || ('link_user_id' in row && row.link_user_id === user.id),
      ).length;
    expect(await count('tokens')).toBe(0);
    expect(await count('sessions')).toBe(0);
    expect(await count('login_transactions')).toBe(0);
    expect(await findSession(database.db, 'anonymous-session')).toBeDefined();
    const audit = await listAuditEvents(database.db, { limit: 10, event: 'user.deleted' });
    expect(audit.map((e) => e.actorUserId)).toEqual([user.id]);
  });
});
