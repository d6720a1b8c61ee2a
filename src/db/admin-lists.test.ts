import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { queryPlan } from '../../test/support/query-plan.js';
import { AUDIT_COUNT_BEYOND, auditEventNames, auditEventNamesQuery, listAuditForAdmin, listTokensForAdmin } from './admin-lists.js';
import { newAuditRow, writeAuditEvent } from './audit.repository.js';
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

describeEachDialect('auditEventNames', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('lists each event name once, in order, none for an empty log', async () => {
    expect(await auditEventNames(database.db)).toEqual([]);
    for (const event of ['token.refreshed', 'service.token', 'admin.users.change', 'service.token', 'token.refreshed', 'service.token']) {
      await writeAuditEvent(database.db, { event, at: NOW });
    }
    expect(await auditEventNames(database.db)).toEqual(['admin.users.change', 'service.token', 'token.refreshed']);
  });

  it('steps through the event index, one lookup per name, instead of reading every entry', async () => {
    const steps = await queryPlan(database.db, dialect.name, auditEventNamesQuery().compile(database.db));
    if (dialect.name === 'sqlite') {
      expect(steps.filter((step) => step.startsWith('SEARCH audit_log USING COVERING INDEX audit_log_event_idx'))).toHaveLength(2);
      expect(steps.filter((step) => /^SCAN audit_log\b/.test(step))).toEqual([]);
    } else {
      const text = steps.join('\n');
      expect(text).toContain('Recursive Union');
      expect(text).toMatch(/Index Only Scan using audit_log_event_idx on audit_log/);
      expect(text).not.toMatch(/Seq Scan on audit_log|Unique|HashAggregate/);
    }
  });
});


describeEachDialect('listAuditForAdmin counting', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    // More entries of one event than the count goes past a page's start, and a few of another.
    const rows = [
      ...Array.from({ length: AUDIT_COUNT_BEYOND + 30 }, () => newAuditRow({ event: 'service.token', at: NOW })),
      ...Array.from({ length: 3 }, () => newAuditRow({ event: 'token.refreshed', at: NOW })),
    ];
    for (let start = 0; start < rows.length; start += 1_000) await database.db.insertInto('audit_log').values(rows.slice(start, start + 1_000)).execute();
  });
  afterAll(() => database.close());

  it('counts exactly up to its limit past the page, then says there are more', async () => {
    const few = await listAuditForAdmin(database.db, { event: 'token.refreshed', offset: 0, limit: 2 });
    expect(few).toMatchObject({ total: 3 });
    expect(few.rows).toHaveLength(2);
    expect(few.totalIsLowerBound).toBeUndefined();

    const many = await listAuditForAdmin(database.db, { event: 'service.token', offset: 0, limit: 50 });
    expect(many).toMatchObject({ total: AUDIT_COUNT_BEYOND, totalIsLowerBound: true });
    expect(many.rows).toHaveLength(50);
    // Further on, the count reaches further: the exact number once the end is within reach.
    expect(await listAuditForAdmin(database.db, { event: 'service.token', offset: 50, limit: 50 })).toMatchObject({ total: AUDIT_COUNT_BEYOND + 30 });
    expect(await listAuditForAdmin(database.db, { offset: 40, limit: 50 })).toMatchObject({ total: AUDIT_COUNT_BEYOND + 33 });
    expect((await listAuditForAdmin(database.db, { offset: 0, limit: 50 })).totalIsLowerBound).toBe(true);
  });

  it('count: false only reads the page', async () => {
    const recent = await listAuditForAdmin(database.db, { offset: 0, limit: 15, count: false });
    expect(recent.rows.map((row) => row.event)).toEqual(Array(3).fill('token.refreshed').concat(Array(12).fill('service.token')));
    expect(recent).toMatchObject({ total: 15 });
  });
});
