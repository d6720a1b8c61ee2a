import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { claimSignIn } from './sign-in-claim.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('sign-in claims', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('a state is claimed once, however many claim it at the same time', async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimSignIn(database.db, 'state-once', NOW + 600, NOW)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimSignIn(database.db, 'state-once', NOW + 600, NOW + 10)).toBe(false);
    expect(await claimSignIn(database.db, 'state-other', NOW + 600, NOW)).toBe(true);
  });

  it('keeps only the SHA-256 of a state, and forgets claims whose transactions have expired', async () => {
    await claimSignIn(database.db, 'state-old', NOW + 600, NOW);
    const stored = await database.db.selectFrom('sign_in_claims').select('state_hash').execute();
    expect(stored.map((row) => row.state_hash)).not.toContain('state-old');
    await claimSignIn(database.db, 'state-later', NOW + 2000, NOW + 601);
    const left = await database.db.selectFrom('sign_in_claims').select('expires_at').execute();
    expect(left.map((row) => Number(row.expires_at))).toEqual([NOW + 2000]);
  });
});
