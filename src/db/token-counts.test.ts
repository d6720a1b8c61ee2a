import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, type TestDatabase } from '../../test/support/postgres.js';
import { newId } from './database.js';
import { countQuery, countTokensByProviderAndStatus } from './token-counts.js';
import { createUser } from './user.repository.js';

describeEachDialect('countTokensByProviderAndStatus', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('counts the stored token sets of each provider and status, and nothing for an empty table', async () => {
    const { db } = database;
    expect(await countTokensByProviderAndStatus(db)).toEqual([]);
    const rows: Array<[string, 'active' | 'needs_reauth']> = [
      ['github', 'active'],
      ['github', 'active'],
      ['github', 'needs_reauth'],
      ['google', 'active'],
      ['github', 'active'],
    ];
    for (const [index, [provider, status]] of rows.entries()) {
      const user = await createUser(db, { username: `user${index}`, dateJoined: 1 });
      await db.insertInto('tokens').values({ id: newId(), user_id: user.id, provider, token_type: 'Bearer', access_token: 'x', status, created_at: 1, updated_at: 1 }).execute();
    }
    expect(await countTokensByProviderAndStatus(db)).toEqual([
      { provider: 'github', status: 'active', count: 3 },
      { provider: 'github', status: 'needs_reauth', count: 1 },
      { provider: 'google', status: 'active', count: 1 },
    ]);
  });

  it.runIf(dialect.name === 'sqlite')('on SQLite reads only the (provider, status) index, not the token rows', async () => {
    const query = countQuery(database.db).compile();
    const plan = await sql.raw<{ detail: string }>(`explain query plan ${query.sql}`).execute(database.db);
    expect(plan.rows.map((row) => row.detail)).toEqual(['SCAN tokens USING COVERING INDEX tokens_provider_status_idx']);
  });
});
