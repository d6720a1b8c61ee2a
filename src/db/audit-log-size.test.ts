import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, type TestDatabase } from '../../test/support/postgres.js';
import { newAuditRow } from './audit.repository.js';
import { auditLogSize } from './audit-log-size.js';
import { encodeId } from './id.js';

describeEachDialect('auditLogSize', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('an empty log; then the entries counted and the oldest by id, or past the rows it counts, an estimate from the statistics or rowids', async () => {
    expect(await auditLogSize(database)).toEqual({ entries: 0, estimated: false, oldestAt: null });
    // Written in another order than their ids': the oldest is the first by id.
    const rows = [3, 1, 2, 5, 4, 6, 7].map((second) => ({ ...newAuditRow({ event: 'test.entry', at: 1_700_000_000 + second }), id: encodeId((1_700_000_000 + second) * 1000, 0, 0) }));
    await database.db.insertInto('audit_log').values(rows).execute();
    expect(await auditLogSize(database)).toEqual({ entries: 7, estimated: false, oldestAt: 1_700_000_001 });
    expect(await auditLogSize(database, 7)).toEqual({ entries: 7, estimated: false, oldestAt: 1_700_000_001 });

    // Past the rows counted: PostgreSQL's estimate is the statistics', unknown until the table is analyzed.
    if (dialect.name === 'postgres') {
      expect(await auditLogSize(database, 3)).toEqual({ entries: null, estimated: true, oldestAt: 1_700_000_001 });
      await sql`analyze audit_log`.execute(database.db);
    }
    expect(await auditLogSize(database, 3)).toEqual({ entries: 7, estimated: true, oldestAt: 1_700_000_001 });
    // An estimate that is not above the rows counted says no more than they do.
    expect(await auditLogSize(database, 6)).toEqual({ entries: 7, estimated: true, oldestAt: 1_700_000_001 });
  });
});
