import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { createAccount, deleteAccount, deleteAccountUnlessLast, findAccount, listAccountsForUser, updateAccountClaims } from './account.repository.js';
import { isUniqueViolation } from './database.js';
import { createUser } from './user.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('account repository', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('creates, finds by (provider, subject), updates claims and lists per user', async () => {
    const user = await createUser(database.db, { username: 'acct', dateJoined: NOW });
    const claims = { sub: 'abc', email: 'a@example.com', nested: { groups: ['x'] } };
    const account = await createAccount(database.db, {
      userId: user.id,
      provider: 'toolkit',
      issuer: 'https://idp.example',
      subject: 'abc',
      claims,
      now: NOW,
    });
    expect(account).toEqual({
      id: expect.any(String),
      userId: user.id,
      provider: 'toolkit',
      issuer: 'https://idp.example',
      subject: 'abc',
      claims,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(await findAccount(database.db, 'toolkit', 'abc')).toEqual(account);
    expect(await findAccount(database.db, 'github', 'abc')).toBeUndefined();

    await updateAccountClaims(database.db, account.id, { sub: 'abc', name: 'New' }, NOW + 5);
    expect(await findAccount(database.db, 'toolkit', 'abc')).toMatchObject({
      claims: { sub: 'abc', name: 'New' },
      updatedAt: NOW + 5,
      createdAt: NOW,
    });

    await createAccount(database.db, {
      userId: user.id,
      provider: 'github',
      issuer: 'https://github.com',
      subject: '42',
      claims: {},
      now: NOW + 10,
    });
    expect((await listAccountsForUser(database.db, user.id)).map((a) => a.provider)).toEqual(['toolkit', 'github']);
    expect(await deleteAccount(database.db, account.id)).toBe(true);
    expect((await listAccountsForUser(database.db, user.id)).map((a) => a.provider)).toEqual(['github']);
  });

  it('refuses a second link of the same (provider, subject)', async () => {
    const first = await createUser(database.db, { username: 'first', dateJoined: NOW });
    const second = await createUser(database.db, { username: 'second', dateJoined: NOW });
    const input = { provider: 'toolkit', issuer: 'https://idp.example', subject: 'same', claims: {}, now: NOW };
    await createAccount(database.db, { ...input, userId: first.id });
    const error = await createAccount(database.db, { ...input, userId: second.id }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('deleteAccountUnlessLast removes an identity but never the user\'s last one', async () => {
    const user = await createUser(database.db, { username: 'two-ids', dateJoined: NOW });
    const base = { userId: user.id, issuer: 'https://idp.example', claims: {}, now: NOW };
    await createAccount(database.db, { ...base, provider: 'toolkit', subject: 'unless-last-1' });
    await createAccount(database.db, { ...base, provider: 'github', subject: 'unless-last-2' });
    expect(await deleteAccountUnlessLast(database.db, user.id, 'github')).toBe(true);
    expect(await deleteAccountUnlessLast(database.db, user.id, 'toolkit')).toBe(false);
    expect((await listAccountsForUser(database.db, user.id)).map((account) => account.provider)).toEqual(['toolkit']);
  });
});
