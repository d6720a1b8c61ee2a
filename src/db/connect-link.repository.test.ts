import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { claimConnectLink, deleteExpiredConnectLinks, findConnectLink, insertConnectLink, type NewConnectLink } from './connect-link.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('connect link repository', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  const link = (id: string, overrides: Partial<NewConnectLink> = {}): NewConnectLink => ({
    id,
    secretHash: `hash-${id}`,
    provider: 'toolkit',
    userId: null,
    externalId: `cus_${id}`,
    scope: 'notes:read',
    returnTo: 'https://app.example/done',
    serviceKeyId: 'key-1',
    serviceName: 'billing',
    createdAt: NOW,
    expiresAt: NOW + 900,
    ...overrides,
  });

  it('is claimed once: concurrent opens, exactly one gets it; the others are told it was used', async () => {
    await insertConnectLink(database.db, link('once'));
    const claims = await Promise.all(Array.from({ length: 5 }, () => claimConnectLink(database.db, 'hash-once', NOW + 1)));
    expect(claims.filter((claim) => 'link' in claim)).toHaveLength(1);
    expect(claims.filter((claim) => 'refused' in claim && claim.refused === 'used')).toHaveLength(4);
    expect((await findConnectLink(database.db, 'once'))?.usedAt).toBe(NOW + 1);
  });

  it('an expired link is refused as expired, an unknown hash as unknown', async () => {
    await insertConnectLink(database.db, link('late'));
    expect(await claimConnectLink(database.db, 'hash-late', NOW + 900)).toEqual({ refused: 'expired' });
    expect(await claimConnectLink(database.db, 'hash-nothing', NOW)).toEqual({ refused: 'unknown' });
    expect((await findConnectLink(database.db, 'late'))?.usedAt).toBeNull();
  });

  it('housekeeping deletes the links expired before the given time, and only those', async () => {
    await insertConnectLink(database.db, link('old', { expiresAt: NOW - 10 }));
    await insertConnectLink(database.db, link('fresh', { expiresAt: NOW + 10 }));
    expect(await deleteExpiredConnectLinks(database.db, NOW)).toBeGreaterThanOrEqual(1);
    expect(await findConnectLink(database.db, 'old')).toBeUndefined();
    expect(await findConnectLink(database.db, 'fresh')).toBeDefined();
  });
});
