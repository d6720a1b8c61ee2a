import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { queryPlan } from '../../test/support/query-plan.js';
import { AUDIT_COUNT_BEYOND, auditEventNames, auditEventNamesQuery, auditListQueries, listAuditForAdmin } from './audit-list.js';
import { newAuditRow, writeAuditEvent } from './audit.repository.js';

const NOW = 1_790_000_000;

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

describeEachDialect('listAuditForAdmin search', (dialect) => {
  let database: TestDatabase;
  /** Ids of the entries written, by a name given here. */
  const written = new Map<string, string>();
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    const entries: Array<[string, Parameters<typeof writeAuditEvent>[1]]> = [
      ['signIn', { event: 'sign_in', actorUserId: 'user-a', targetType: 'user', targetId: 'user-a', at: NOW }],
      ['handedOut', { event: 'service.token', targetType: 'user', targetId: 'user-a', at: NOW }],
      ['refreshed', { event: 'token.refreshed', targetType: 'token', targetId: 'user-a:github', at: NOW }],
      ['otherUser', { event: 'service.token', targetType: 'user', targetId: 'user-b', at: NOW }],
      ['adminAction', { event: 'admin.users.change', actorUserId: 'user-a', targetType: 'user', targetId: 'user-b', at: NOW }],
      ['keyMade', { event: 'service.key_created', targetType: 'service_key', targetId: 'key-1', at: NOW }],
      ['revoked', { event: 'token.revoked', targetType: 'token', targetId: 'user-b:github', at: NOW }],
    ];
    for (const [name, entry] of entries) written.set(name, (await writeAuditEvent(database.db, entry)).id);
  });
  afterAll(() => database.close());

  const names = (ids: string[]) => ids.map((id) => [...written].find(([, writtenId]) => writtenId === id)?.[0]);
  const list = async (options: Omit<Parameters<typeof listAuditForAdmin>[1], 'offset' | 'limit'>, offset = 0, limit = 50) => {
    const page = await listAuditForAdmin(database.db, { ...options, offset, limit });
    return { names: names(page.rows.map((row) => row.id)), total: page.total };
  };

  it('matches an event name prefix, an object id or an actor id, each entry once, newest first', async () => {
    expect(await list({ search: 'service.' })).toEqual({ names: ['keyMade', 'otherUser', 'handedOut'], total: 3 });
    expect(await list({ search: 'TOKEN.' })).toEqual({ names: ['revoked', 'refreshed'], total: 2 });
    // By user-a and about user-a; the sign-in is both, and listed once.
    expect(await list({ search: 'user-a' })).toEqual({ names: ['adminAction', 'handedOut', 'signIn'], total: 3 });
    expect(await list({ search: 'key-1' })).toEqual({ names: ['keyMade'], total: 1 });
    expect(await list({ search: 'nothing' })).toEqual({ names: [], total: 0 });
  });

  it('involving: entries by a user, about them, and about their connections', async () => {
    expect(await list({ involving: { actorUserId: 'user-a', targetIds: ['user-a', 'user-a:github'] } })).toEqual({
      names: ['adminAction', 'refreshed', 'handedOut', 'signIn'],
      total: 4,
    });
    expect(await list({ involving: { actorUserId: 'user-b', targetIds: ['user-b'] } })).toEqual({ names: ['adminAction', 'otherUser'], total: 2 });
  });

  it('pages through the merged parts, and combines with the event filter', async () => {
    expect(await list({ search: 'user-a' }, 0, 2)).toEqual({ names: ['adminAction', 'handedOut'], total: 3 });
    expect(await list({ search: 'user-a' }, 2, 2)).toEqual({ names: ['signIn'], total: 3 });
    expect(await list({ search: 'user-a', event: 'service.token' })).toEqual({ names: ['handedOut'], total: 1 });
    expect(await list({ search: 'serv', event: 'service.token' })).toEqual({ names: ['otherUser', 'handedOut'], total: 2 });
    expect(await list({ search: 'token.', event: 'service.token' })).toEqual({ names: [], total: 0 });
    expect(await list({ event: 'service.token' }, 1, 1)).toEqual({ names: ['handedOut'], total: 2 });
  });

  it('reads each part through an index in id order: no part reads the whole log or sorts all of one event', async () => {
    const plans = async (options: Parameters<typeof auditListQueries>[1]) => {
      const { rows, count } = await auditListQueries(database.db, options);
      const sortsDear = options.search === undefined;
      return [...(await queryPlan(database.db, dialect.name, rows.compile(), { sortsDear })), ...(await queryPlan(database.db, dialect.name, count.compile(), { sortsDear }))];
    };
    for (const options of [{ offset: 0, limit: 50 }, { event: 'service.token', offset: 0, limit: 50 }, { search: 'user-a', offset: 0, limit: 20 }, { search: 'service.', offset: 50, limit: 50 }]) {
      const steps = await plans(options);
      if (dialect.name === 'sqlite') {
        // A full scan is only ever of the primary key, newest first, for the unfiltered list.
        expect(steps.filter((step) => /^SCAN audit_log\b/.test(step) && !/USING (COVERING )?INDEX sqlite_autoindex_audit_log_1/.test(step))).toEqual([]);
        if (options.search === undefined) expect(steps).not.toContain('USE TEMP B-TREE FOR ORDER BY');
        else expect(steps.filter((step) => step.startsWith('SEARCH audit_log')).length).toBeGreaterThanOrEqual(2);
      } else {
        const text = steps.join('\n');
        expect(text).not.toMatch(/Seq Scan on audit_log/);
        if (options.search === undefined) expect(text).not.toMatch(/Sort/);
      }
    }
  });
});

// Debian's and most managed PostgreSQL clusters are made with a locale such as en_US.UTF-8, whose collation ignores
// punctuation but for ties: there 'tokens.listed' and 'token_keeper.x' sort between 'token.' and anything after it.
const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;
describe.skipIf(!postgres.available)('listAuditForAdmin search under a collation that ignores punctuation [postgres]', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await postgres.openTestDatabase({ icuLocale: 'und-u-ka-shifted' });
    for (const event of ['token.refreshed', 'tokens.listed', 'token_keeper.x', 'tokenx', 'token-a.b', 'token.revoked', 'service.token']) {
      await writeAuditEvent(database.db, { event, at: NOW });
    }
  });
  afterAll(() => database.close());

  const events = async (options: Omit<Parameters<typeof listAuditForAdmin>[1], 'offset' | 'limit'>) =>
    (await listAuditForAdmin(database.db, { ...options, offset: 0, limit: 50 })).rows.map((row) => row.event).sort();

  it('matches the event names that begin with the search, character for character', async () => {
    expect(await events({ search: 'token.' })).toEqual(['token.refreshed', 'token.revoked']);
    expect(await events({ search: 'token_' })).toEqual(['token_keeper.x']);
    expect(await events({ search: 'tokens' })).toEqual(['tokens.listed']);
    expect(await events({ search: 'token' })).toEqual(['token-a.b', 'token.refreshed', 'token.revoked', 'token_keeper.x', 'tokens.listed', 'tokenx']);
    expect(await events({ search: 'token.', event: 'tokens.listed' })).toEqual([]);
    expect(await events({ search: 'token.', event: 'token.revoked' })).toEqual(['token.revoked']);
  });

  it('still reads each event through its index', async () => {
    const { rows, count } = await auditListQueries(database.db, { search: 'token.', offset: 0, limit: 50 });
    const text = [...(await queryPlan(database.db, 'postgres', rows.compile())), ...(await queryPlan(database.db, 'postgres', count.compile()))].join('\n');
    expect(text).toMatch(/Index (Only )?Scan (Backward )?(using|on) audit_log_event_idx/);
    expect(text).not.toMatch(/Seq Scan on audit_log/);
    // One part for each name that begins with the search, and none for the names the collation sorts among them.
    expect(text).toContain("(event = 'token.refreshed'::text)");
    expect(text).not.toMatch(/'(tokens\.listed|token_keeper\.x|tokenx|token-a\.b)'/);
  });
});
