import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { queryPlan } from '../../test/support/query-plan.js';
import { deleteAuditEventsQuery, listAuditEvents, writeAuditEvent } from './audit.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('audit repository', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('writes events and lists them newest first, filtered by event, paged by id', async () => {
    const signedIn = await writeAuditEvent(database.db, {
      event: 'user.signed_in',
      actorUserId: 'u1',
      targetType: 'user',
      targetId: 'u1',
      ip: '203.0.113.7',
      detail: { provider: 'toolkit' },
      at: NOW,
    });
    expect(signedIn).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      at: NOW,
      event: 'user.signed_in',
      actorUserId: 'u1',
      targetType: 'user',
      targetId: 'u1',
      ip: '203.0.113.7',
      detail: { provider: 'toolkit' },
    });
    // Same second: id order still follows write order.
    const revoked = await writeAuditEvent(database.db, { event: 'admin.token_revoked', at: NOW });
    const signedInAgain = await writeAuditEvent(database.db, { event: 'user.signed_in', at: NOW });
    expect(revoked).toMatchObject({ actorUserId: null, targetType: null, detail: null });

    expect((await listAuditEvents(database.db, { limit: 10 })).map((e) => e.id)).toEqual([
      signedInAgain.id,
      revoked.id,
      signedIn.id,
    ]);
    expect((await listAuditEvents(database.db, { limit: 10, event: 'user.signed_in' })).map((e) => e.id)).toEqual([
      signedInAgain.id,
      signedIn.id,
    ]);
    expect((await listAuditEvents(database.db, { limit: 1, beforeId: revoked.id })).map((e) => e.id)).toEqual([signedIn.id]);
  });

  it('deletes old entries through the primary key (ids are time-ordered), the log having no index on `at`', async () => {
    const query = deleteAuditEventsQuery(database.db, Date.UTC(2026, 0, 1), 5000).compile();
    const steps = await queryPlan(database.db, dialect.name, query);
    if (dialect.name === 'sqlite') {
      expect(steps).toContain('SEARCH audit_log USING COVERING INDEX sqlite_autoindex_audit_log_1 (id<?)');
      expect(steps.filter((step) => step.startsWith('SCAN'))).toEqual([]);
    } else {
      const text = steps.join('\n');
      expect(text).toMatch(/Index (Only )?Scan using audit_log_pkey on audit_log/);
      expect(text).not.toMatch(/Seq Scan/);
    }
  });
});
