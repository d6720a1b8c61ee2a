import type { CompiledQuery, Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachDialect, type TestDatabase } from '../../test/support/postgres.js';
import { writeAuditEventBatched } from './audit-batch.js';
import type { DatabaseSchema } from './schema.js';

describeEachDialect('audit entries by group commit', (dialect) => {
  let database: TestDatabase;
  let inserts = 0;
  /** A view of the database of its own (so a batch of its own), which counts the INSERT statements sent through it. */
  function counting(): Kysely<DatabaseSchema> {
    const db = database.db.withoutPlugins();
    const executeQuery = db.executeQuery.bind(db);
    vi.spyOn(db, 'executeQuery').mockImplementation((query) => {
      if (/^insert/i.test((query as CompiledQuery).sql)) inserts += 1;
      return executeQuery(query);
    });
    return db;
  }
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database?.close());

  it('entries written in one turn of the event loop are one INSERT, entries written while it is in flight the next; each promise resolves once its entry is stored', async () => {
    const db = counting();
    inserts = 0;
    await writeAuditEventBatched(db, { event: 'test.alone', at: 1, detail: { n: 0 } });
    expect(inserts).toBe(1);

    inserts = 0;
    const written = Array.from({ length: 50 }, (_, n) =>
      writeAuditEventBatched(db, { event: 'test.batched', actorUserId: null, targetType: 'user', targetId: `u${n}`, ip: '127.0.0.1', detail: { n }, at: 2 }).then(async () => {
        const row = await database.db.selectFrom('audit_log').select(['target_id', 'detail']).where('target_id', '=', `u${n}`).executeTakeFirst();
        expect(row).toEqual({ target_id: `u${n}`, detail: JSON.stringify({ n }) });
      }),
    );
    await Promise.all(written);
    expect(inserts).toBe(1);

    // Written while that INSERT is in flight: the next one.
    inserts = 0;
    const first = writeAuditEventBatched(db, { event: 'test.in-flight', at: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 5 }, () => writeAuditEventBatched(db, { event: 'test.in-flight', at: 2 }));
    await Promise.all([first, ...later]);
    expect(inserts).toBe(2);
    expect((await database.db.selectFrom('audit_log').select('id').where('event', '=', 'test.batched').execute()).length).toBe(50);
    expect((await database.db.selectFrom('audit_log').select('id').where('event', '=', 'test.in-flight').execute()).length).toBe(6);
  });

  it('a failed INSERT rejects the promises of its entries, and later entries are written', async () => {
    const db = counting();
    await writeAuditEventBatched(db, { event: 'test.first', at: 3 });
    // NOT NULL: this batch fails as a whole.
    const bad = writeAuditEventBatched(db, { event: 'test.bad', at: null as unknown as number });
    const sameBatch = writeAuditEventBatched(db, { event: 'test.same-batch', at: 3 });
    await expect(bad).rejects.toThrow();
    await expect(sameBatch).rejects.toThrow();
    await writeAuditEventBatched(db, { event: 'test.after', at: 4 });
    const events = (await database.db.selectFrom('audit_log').select('event').where('event', 'like', 'test.%').where('at', '>=', 3).orderBy('id').execute()).map((row) => row.event);
    expect(events).toEqual(['test.first', 'test.after']);
  });
});
