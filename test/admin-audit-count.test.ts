import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COUNT_BEYOND } from '../src/db/audit-list.js';
import { newAuditRow, writeAuditEvent } from '../src/db/audit.repository.js';
import { setUserFlags } from '../src/db/user.repository.js';
import { DIALECTS } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

describe('the admin audit list of a large log [sqlite]', () => {
  const { app, database } = useTestApp(DIALECTS[0]!);
  let staff: SignedInUser;

  beforeAll(async () => {
    staff = await signedInUser(app(), 'alice');
    await setUserFlags(database().db, staff.userId, { isStaff: true });
    const rows = Array.from({ length: AUDIT_COUNT_BEYOND + 60 }, () => newAuditRow({ event: 'test.many', at: 0 }));
    for (let start = 0; start < rows.length; start += 1_000) await database().db.insertInto('audit_log').values(rows.slice(start, start + 1_000)).execute();
  });

  const get = (url: string) => app().runtime.app.inject({ method: 'GET', url, headers: { cookie: staff.cookie } });
  const countLine = (body: string) => /<p class="muted count">(.*?)<\/p>/.exec(body)?.[1];
  const pager = (body: string) => /<nav class="pages" aria-label="Pages">(.*?)<\/nav>/s.exec(body)?.[1]?.replace(/\s+/g, ' ').trim();

  it('says "more than" past its count instead of counting every entry, and still pages on', async () => {
    const first = await get('/admin/audit?event=test.many');
    expect(first.statusCode).toBe(200);
    expect(countLine(first.body)).toBe(`1–50 of more than ${AUDIT_COUNT_BEYOND}`);
    expect(pager(first.body)).toBe('<span class="muted">page 1</span> <a rel="next" href="/admin/audit?event=test.many&amp;page=2">Next →</a>');

    // Near the end the count reaches it: the exact number, and the last page has no Next.
    const last = await get('/admin/audit?event=test.many&page=202');
    expect(countLine(last.body)).toBe(`10051–${AUDIT_COUNT_BEYOND + 60} of ${AUDIT_COUNT_BEYOND + 60}`);
    expect(pager(last.body)).toMatch(/<span class="muted">page 202 of 202<\/span>$/);
    // A page past the end goes to the last one, as on every list.
    const past = await get('/admin/audit?event=test.many&page=500');
    expect(past.statusCode).toBe(302);
    expect(past.headers.location).toBe('/admin/audit?event=test.many&page=202');
  });

  it('the dashboard shows the latest entries; a user’s page those by or about them and their connections', async () => {
    const dashboard = await get('/admin');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('<code>test.many</code>');

    await writeAuditEvent(database().db, { event: 'test.about_connection', targetType: 'token', targetId: `${staff.userId}:toolkit`, at: 0 });
    await writeAuditEvent(database().db, { event: 'test.about_someone_else', targetType: 'token', targetId: 'someone-else:toolkit', at: 0 });
    const userPage = await get(`/admin/users/${staff.userId}`);
    expect(userPage.statusCode).toBe(200);
    const recent = userPage.body.slice(userPage.body.indexOf('<h2>Recent activity</h2>'));
    expect(recent).toContain('<code>test.about_connection</code>');
    // Her sign-in, by and about her.
    expect(recent).toContain('<code>user.signed_in</code>');
    expect(recent).not.toContain('test.about_someone_else');
    expect(recent).not.toContain('test.many');
  });
});
