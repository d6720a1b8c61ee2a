import { afterAll, beforeAll, expect, it } from 'vitest';
import { newAuditRow } from '../src/db/audit.repository.js';
import { encodeId } from '../src/db/id.js';
import { setUserFlags } from '../src/db/user.repository.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400;

describeEachDialect('AUDIT_LOG_RETENTION_DAYS in serve', (dialect) => {
  let database: TestDatabase;
  let app: TestApp | undefined;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('the admin audit page says how long entries are kept, and housekeeping deletes those older from the start', async () => {
    const now = Math.floor(Date.now() / 1000);
    const entries = (ageSeconds: number, count: number, event: string) =>
      Array.from({ length: count }, (_, index) => ({ ...newAuditRow({ event, at: now - ageSeconds }), id: encodeId((now - ageSeconds) * 1000, 9, index) }));
    await database.db.insertInto('audit_log').values([...entries(100 * DAY, 3, 'test.old'), ...entries(80 * DAY, 2, 'test.recent')]).execute();

    app = await startTestApp({ databaseUrl: database.url, env: { AUDIT_LOG_RETENTION_DAYS: '90' } });
    const staff = await signedInUser(app, 'alice');
    await setUserFlags(database.db, staff.userId, { isStaff: true });
    const page = await app.runtime.app.inject({ method: 'GET', url: '/admin/audit', headers: { cookie: staff.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Audit log</h1>\n<p class="muted note">Entries are kept 90 days (AUDIT_LOG_RETENTION_DAYS).</p>');

    // Closing waits for the housekeeping run that started with the app.
    await app.close();
    app = undefined;
    const left = await database.db.selectFrom('audit_log').select('event').where('event', 'like', 'test.%').execute();
    expect(left.map((row) => row.event)).toEqual(['test.recent', 'test.recent']);
  });
});
