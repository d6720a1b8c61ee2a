import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { listTokensForAdmin } from './admin-lists.js';
import { TokenCipher, generateEncryptionKey, parseEncryptionKeys } from './token-cipher.js';
import { SqlTokenStore } from './token-store.js';
import { createUser } from './user.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('listTokensForAdmin search', (dialect) => {
  let database: TestDatabase;
  let cipher: TokenCipher;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    cipher = new TokenCipher(parseEncryptionKeys(generateEncryptionKey()));
    const store = new SqlTokenStore(database.db, cipher);
    const set = { accessToken: 'access-value-1234', refreshToken: null, idToken: null, tokenType: 'Bearer', scope: null, expiresAt: NOW + 600 };
    for (const [username, providers] of [['ada', ['github']], ['github-fan', ['toolkit']], ['bob', ['toolkit', 'github']]] as const) {
      const user = await createUser(database.db, { username, email: `${username}@example.test`, dateJoined: NOW });
      for (const provider of providers) await store.saveTokenSet(user.id, provider, set, NOW);
    }
  });
  afterAll(() => database.close());

  const search = async (term: string) =>
    (await listTokensForAdmin(database, cipher, { search: term, now: NOW, sort: 'expires_at', direction: 'asc', offset: 0, limit: 50 })).rows
      .map((row) => `${row.username}/${row.provider}`)
      .sort();

  it('finds the tokens of users whose username or e-mail starts with the term', async () => {
    expect(await search('BO')).toEqual(['bob/github', 'bob/toolkit']);
    expect(await search('ada@')).toEqual(['ada/github']);
  });

  it('a term that names a provider with tokens also finds that provider’s tokens', async () => {
    expect(await search('GitHub')).toEqual(['ada/github', 'bob/github', 'github-fan/toolkit']);
    expect(await search('toolkit')).toEqual(['bob/toolkit', 'github-fan/toolkit']);
  });

  it('finds nothing for a term that matches no user and no provider, and counts what it finds', async () => {
    expect(await search('nobody')).toEqual([]);
    const page = await listTokensForAdmin(database, cipher, { search: 'github', now: NOW, sort: 'expires_at', direction: 'asc', offset: 0, limit: 1 });
    expect(page.rows).toHaveLength(1);
    expect(page.total).toBe(3);
  });
});
