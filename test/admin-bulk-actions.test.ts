// Actions on the rows ticked on an admin list (Django admin's actions): each
// row goes through what its own button does (superuser-only rows refused and
// audited, rows it does not apply to left alone), a dangerous action shows
// every consequence first, and the list's flash message sums it up.
import { expect, it } from 'vitest';
import { describeEachDialect } from './support/postgres.js';
import { useAdminSite } from './support/admin-users.js';
import type { SignedInUser } from './support/signed-in.js';

describeEachDialect('actions on the ticked rows of an admin list', (dialect) => {
  const { app, database, superuser, staff, member, post, events } = useAdminSite(dialect);

  const get = (url: string, user: SignedInUser) => app().runtime.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } });
  const tokenIdOf = async (userId: string) => (await database().db.selectFrom('tokens').select('id').where('user_id', '=', userId).executeTakeFirstOrThrow()).id;
  const flashOn = async (url: string, user: SignedInUser) => /<p class="flash"[^>]*>([^<]*)<\/p>/.exec((await get(url, user)).body)?.[1];

  it('the list offers its bulk actions on a form around the table, with a checkbox naming each row', async () => {
    const list = await get('/admin/tokens', superuser);
    expect(list.body).toContain('<form class="bulk" method="post" action="/admin/tokens/actions">');
    expect(list.body).toContain(`<input type="checkbox" name="ids" value="${await tokenIdOf(member.userId)}" aria-label="Select toolkit token of mallory">`);
    const options = [...list.body.matchAll(/<option value="([a-z-]+)">/g)].map((match) => match[1]);
    expect(options).toEqual(['refresh', 'revoke']);
    // A list with no bulk action has neither.
    expect((await get('/admin/audit', superuser)).body).not.toContain('name="ids"');
  });

  it('refreshes the ticked tokens, one audit entry each, and goes back to the list as it was, with a summary', async () => {
    const ids = [await tokenIdOf(staff.userId), await tokenIdOf(member.userId)];
    const before = app().provider.stats.refreshTokenGrants;
    const back = '/admin/tokens?q=o&sort=-expires_at';
    const answer = await post('/admin/tokens/actions', superuser, [['action', 'refresh'], ['back', back], ...ids.map((id): [string, string] => ['ids', id])]);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe(back);
    expect(app().provider.stats.refreshTokenGrants).toBe(before + 2);
    const audited = await events('admin.tokens.refresh');
    expect(audited.map((row) => row.target_id).sort()).toEqual([...ids].sort());
    expect(audited.every((row) => row.actor_user_id === superuser.userId && JSON.parse(row.detail!).bulk === true)).toBe(true);
    expect(await flashOn(back, superuser)).toBe('“Refresh now” on 2 tokens: 2 done.');
  });

  it('a dangerous action shows every consequence first and does nothing; confirmed, it runs where it may and leaves the rest, audited', async () => {
    const theirs = await tokenIdOf(member.userId);
    const superusers = await tokenIdOf(superuser.userId);
    const fields: Array<[string, string]> = [['action', 'revoke'], ['back', '/admin/tokens'], ['ids', theirs], ['ids', superusers]];
    const revocations = app().provider.stats.revocations;

    // POST, 303, GET: the selection goes in the page's query (ids only, nothing secret), so that going back to it
    // asks again instead of offering to send the form again.
    const redirected = await post('/admin/tokens/actions', staff, fields);
    expect(redirected.statusCode).toBe(303);
    const asking = new URL(redirected.headers.location!, 'http://localhost');
    expect(asking.pathname).toBe('/admin/tokens/actions');
    expect([...asking.searchParams]).toEqual(fields);
    const confirm = await get(redirected.headers.location!, staff);
    expect(confirm.statusCode).toBe(200);
    // Shown again, it still does nothing.
    expect((await get(redirected.headers.location!, staff)).statusCode).toBe(200);
    // A link from another site, with rows and an action picked there, lands on the list, not on the question.
    const linked = await app().runtime.app.inject({ method: 'GET', url: redirected.headers.location!, headers: { cookie: staff.cookie, 'sec-fetch-site': 'cross-site' } });
    expect(linked.statusCode).toBe(303);
    expect(linked.headers.location).toBe('/admin/tokens');
    expect(confirm.body).toContain('<h1>Are you sure?</h1>');
    expect(confirm.body).toContain('<li class="consequence">The toolkit token of mallory will be revoked at toolkit and deleted');
    expect(confirm.body).toContain('<li>toolkit token of alice: Only a superuser may use “Revoke” on this token.</li>');
    expect(confirm.body).toContain(`<input type="hidden" name="ids" value="${theirs}">`);
    expect(confirm.body).not.toContain(`<input type="hidden" name="ids" value="${superusers}">`);
    expect(confirm.body).toContain('Yes, revoke this token');
    expect(app().provider.stats.revocations).toBe(revocations);
    expect(await events('admin.tokens.revoke_denied')).toEqual([]);

    const done = await post('/admin/tokens/actions', staff, [...fields, ['confirmed', 'yes']]);
    expect(done.statusCode).toBe(303);
    expect(app().provider.stats.revocations).toBeGreaterThan(revocations);
    const left = await database().db.selectFrom('tokens').select('id').where('id', 'in', [theirs, superusers]).execute();
    expect(left.map((row) => row.id)).toEqual([superusers]);
    expect((await events('admin.tokens.revoke')).map((row) => row.target_id)).toEqual([theirs]);
    expect((await events('admin.tokens.revoke_denied')).map((row) => [row.actor_user_id, row.target_id])).toEqual([[staff.userId, superusers]]);
    expect(await flashOn('/admin/tokens', staff)).toBe('“Revoke” on 2 tokens: 1 done; 1 left alone (toolkit token of alice: Only a superuser may use “Revoke” on this token.).');
  });

  it('refuses a post without a bulk action, without rows, with too many, or without the CSRF token; sends back only to the list; staff only', async () => {
    const id = await tokenIdOf(superuser.userId);
    for (const [fields, message] of [
      [[['ids', id]], 'Choose an action for the ticked rows.'],
      [[['action', 'forget'], ['ids', id]], 'Choose an action for the ticked rows.'],
      [[['action', 'refresh']], 'Tick the tokens to refresh now first.'],
      [[['action', 'refresh'], ...Array.from({ length: 101 }, (_, n): [string, string] => ['ids', `t${n}`])], 'At most 100 rows at a time.'],
    ] as Array<[Array<[string, string]>, string]>) {
      const refused = await post('/admin/tokens/actions', superuser, fields);
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(message);
    }
    expect((await post('/admin/tokens/actions', superuser, [['action', 'refresh'], ['ids', id]], false)).statusCode).toBe(403);
    expect((await post('/admin/tokens/actions', member, [['action', 'refresh'], ['ids', id]])).statusCode).toBe(403);
    expect((await post('/admin/nothing/actions', superuser, [['action', 'refresh'], ['ids', id]])).statusCode).toBe(404);

    for (const back of ['//evil.example/admin/tokens', 'https://evil.example/', '/admin/tokens/../users', '/admin/tokensX', '/admin/tokens?\\evil']) {
      const answer = await post('/admin/tokens/actions', superuser, [['action', 'refresh'], ['ids', id], ['back', back]]);
      expect(answer.headers.location, back).toBe('/admin/tokens');
    }
    // Only a dangerous action has a page that asks; the page sends back only to the list; showing it does nothing.
    const refreshes = app().provider.stats.refreshTokenGrants;
    expect((await get(`/admin/tokens/actions?action=refresh&ids=${id}`, superuser)).statusCode).toBe(404);
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes);
    const asking = await get(`/admin/tokens/actions?action=revoke&ids=${id}&back=${encodeURIComponent('//evil.example/admin/tokens')}`, superuser);
    expect(asking.statusCode).toBe(200);
    expect(asking.body).toContain('<a class="button secondary" href="/admin/tokens">No, go back</a>');
    expect(asking.body).not.toContain('evil.example');
    expect((await get(`/admin/tokens/actions?action=revoke`, superuser)).statusCode).toBe(400);
    expect((await get(`/admin/tokens/actions?action=revoke&ids=${id}`, member)).statusCode).toBe(403);
    expect(await tokenIdOf(superuser.userId)).toBe(id);
    // A row gone meanwhile is counted, not an error.
    const gone = await post('/admin/tokens/actions', superuser, [['action', 'refresh'], ['ids', id], ['ids', 'no-such-token']]);
    expect(gone.statusCode).toBe(303);
    expect(await flashOn('/admin/tokens', superuser)).toBe('“Refresh now” on 2 tokens: 1 done; 1 no longer there.');
  });
});
