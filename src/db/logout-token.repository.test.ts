import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { claimLogoutToken } from './logout-token.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('logout token ids', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it("a provider's jti is taken once, however many take it at the same time; another provider's same jti is its own", async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimLogoutToken(database.db, 'keycloak', 'jti-once', NOW + 360, NOW)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimLogoutToken(database.db, 'keycloak', 'jti-once', NOW + 360, NOW + 10)).toBe(false);
    expect(await claimLogoutToken(database.db, 'okta', 'jti-once', NOW + 360, NOW)).toBe(true);
  });

  it('keeps only a SHA-256, and forgets the ids of tokens that would now be refused as too old', async () => {
    const stored = await database.db.selectFrom('logout_token_ids').select('id_hash').execute();
    expect(stored.map((row) => row.id_hash).join()).not.toContain('jti-once');
    expect(stored.every((row) => /^[0-9a-f]{64}$/.test(row.id_hash))).toBe(true);
    await claimLogoutToken(database.db, 'keycloak', 'jti-later', NOW + 2000, NOW + 361);
    const left = await database.db.selectFrom('logout_token_ids').select('expires_at').execute();
    expect(left.map((row) => Number(row.expires_at))).toEqual([NOW + 2000]);
  });
});
