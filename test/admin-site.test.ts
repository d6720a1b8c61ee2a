import * as oidc from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeAuditEvent } from '../src/db/audit.repository.js';
import { generateEncryptionKey, parseEncryptionKeys, TokenCipher, tokenAssociatedData } from '../src/db/token-cipher.js';
import { createUser, deleteUser, findUserById, setUserFlags } from '../src/db/user.repository.js';
import { DIALECTS, describeEachDialect } from './support/postgres.js';
import { expireStoredAccessToken, signedInUser, type SignedInUser } from './support/signed-in.js';
import { CLIENT_ID, CLIENT_SECRET } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describeEachDialect('the admin site', (dialect) => {
  const { app, database } = useTestApp(dialect);
  let staff: SignedInUser;
  let member: SignedInUser;
  let mallory: SignedInUser;

  beforeAll(async () => {
    staff = await signedInUser(app(), 'alice');
    await setUserFlags(database().db, staff.userId, { isStaff: true });
    member = await signedInUser(app(), 'bob');
    mallory = await signedInUser(app(), 'mallory');
  });

  const get = (url: string, cookie?: string) => app().runtime.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const post = (url: string, user: SignedInUser, csrf: string | null = user.csrfToken) =>
    app().runtime.app.inject({
      method: 'POST',
      url,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: csrf === null ? '' : `_csrf=${encodeURIComponent(csrf)}`,
    });
  /** A dangerous action's second post, from its confirmation page. */
  const postConfirmed = (url: string, user: SignedInUser) =>
    app().runtime.app.inject({
      method: 'POST',
      url,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: user.csrfToken, confirmed: 'yes' }).toString(),
    });

  async function adminRoutes(): Promise<string[]> {
    const token = await app().runtime.tokenStore.listTokenSummariesForUser(member.userId);
    const audit = await database().db.selectFrom('audit_log').select('id').limit(1).executeTakeFirstOrThrow();
    return ['/admin', '/admin/users', `/admin/users/${member.userId}`, '/admin/tokens', `/admin/tokens/${token[0]!.id}`, '/admin/audit', `/admin/audit/${audit.id}`];
  }

  it('sends signed-out visitors to the login page and refuses non-staff on every page', async () => {
    for (const url of await adminRoutes()) {
      const signedOut = await get(url);
      expect(signedOut.statusCode, url).toBe(302);
      expect(signedOut.headers.location, url).toBe(`/admin/login?next=${encodeURIComponent(url)}`);
      expect((await get(url, member.cookie)).statusCode, url).toBe(403);
      expect((await get(url, staff.cookie)).statusCode, url).toBe(200);
    }
    const token = await app().runtime.tokenStore.listTokenSummariesForUser(member.userId);
    for (const url of [`/admin/tokens/${token[0]!.id}/refresh`, `/admin/users/${member.userId}/deactivate`]) {
      expect((await post(url, member)).statusCode, url).toBe(403);
      expect((await app().runtime.app.inject({ method: 'POST', url })).statusCode, url).toBe(403);
    }
  });

  it('refuses actions without the CSRF token', async () => {
    const answer = await post(`/admin/users/${member.userId}/deactivate`, staff, null);
    expect(answer.statusCode).toBe(403);
    const user = await database().db.selectFrom('users').select('is_active').where('id', '=', member.userId).executeTakeFirstOrThrow();
    expect(user.is_active).toBe(1);
  });

  it('shows provider-supplied markup as text', async () => {
    const page = await get(`/admin/users/${mallory.userId}`, staff.cookie);
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.body).not.toContain('<img src=x');
    // The actions column is named for screen readers.
    expect(page.body).toContain('<th><span class="visually-hidden">Actions</span></th>');
    // What a token user is, said where it is shown.
    expect(page.body).toContain('yes: made by a sign-in at a provider, with no password here');
    // The dev provider says its addresses are verified (email_verified), and the page says so beside the address.
    expect(page.body).toContain('mallory@example.test <span class="muted">verified by its provider</span>');
    const list = await get('/admin/users', staff.cookie);
    expect(list.body).not.toContain('<img src=x');
  });

  it('searches by username or e-mail prefix, and hostile search text is harmless and shown as text', async () => {
    const byName = await get('/admin/users?q=BO', staff.cookie);
    expect(byName.body).toContain('bob@example.test');
    expect(byName.body).not.toContain('alice@example.test');
    const byEmail = await get('/admin/users?q=mallory%40', staff.cookie);
    expect(byEmail.body).toContain('mallory@example.test');
    for (const hostile of ['%', "'", '"', '<script>alert(1)</script>', "' or 1=1 --", '_']) {
      const page = await get(`/admin/users?q=${encodeURIComponent(hostile)}`, staff.cookie);
      expect(page.statusCode, hostile).toBe(200);
      expect(page.body, hostile).toContain('Nothing matches.');
      expect(page.body, hostile).not.toContain('<script>alert(1)</script>');
    }
    const tokens = await get('/admin/tokens?q=%25', staff.cookie);
    expect(tokens.body).toContain('Nothing matches.');
  });

  it('lists tokens masked, filters them, and never shows a token value', async () => {
    const stored = await app().runtime.tokenStore.findToken(member.userId, 'toolkit');
    const list = await get('/admin/tokens', staff.cookie);
    expect(list.body).toContain(`${stored!.accessToken.slice(0, 4)}… (${stored!.accessToken.length} chars)`);
    await expireStoredAccessToken(database(), member.userId);
    const expired = await get('/admin/tokens?state=expired', staff.cookie);
    expect(expired.body).toContain('>bob<');
    expect(expired.body).not.toContain('>alice<');
    for (const page of [list, expired, await get(`/admin/users/${member.userId}`, staff.cookie)]) {
      for (const value of [stored!.accessToken, stored!.refreshToken!, stored!.idToken!]) expect(page.body).not.toContain(value);
    }
  });

  it("the token page says when the refresh token expires, when the provider said, and never the token", async () => {
    const [summary] = await app().runtime.tokenStore.listTokenSummariesForUser(member.userId);
    const stored = await app().runtime.tokenStore.findToken(member.userId, 'toolkit');
    expect((await get(`/admin/tokens/${summary!.id}`, staff.cookie)).body).toMatch(/<dd>stored \(encrypted\)<\/dd>/);
    // As refresh_token_expires_in would have set it: 100 days from now.
    const expiresAt = Math.floor(Date.now() / 1000) + 100 * 86_400;
    await database().db.updateTable('tokens').set({ refresh_token_expires_at: expiresAt }).where('id', '=', summary!.id).execute();
    const detail = await get(`/admin/tokens/${summary!.id}`, staff.cookie);
    const shown = new Date(expiresAt * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    expect(detail.body).toContain(`stored (encrypted), <span class="">expires in 100 d</span>\n<span class="muted">${shown}</span>`);
    expect(detail.body).not.toContain(stored!.refreshToken!);
  });

  it('refresh now that the provider refuses (needs re-auth): back to the token page, saying so in words for the admin, and audited as failed', async () => {
    const mallory = await signedInUser(app(), 'mallory');
    const stored = await app().runtime.tokenStore.findToken(mallory.userId, 'toolkit');
    // The grant ends at the provider behind Tokenkeeper's back.
    const config = await oidc.discovery(new URL(app().provider.issuer), CLIENT_ID, CLIENT_SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
    await oidc.tokenRevocation(config, stored!.refreshToken!, { token_type_hint: 'refresh_token' });
    const [summary] = await app().runtime.tokenStore.listTokenSummariesForUser(mallory.userId);
    const refused = await post(`/admin/tokens/${summary!.id}/refresh`, staff);
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe(`/admin/tokens/${summary!.id}`);
    const detail = await get(`/admin/tokens/${summary!.id}`, staff.cookie);
    expect(detail.body).toContain('“Refresh now” failed: toolkit refused the refresh token; the connection needs re-auth until its user signs in with toolkit again. (needs_reauth)');
    expect(detail.body).not.toContain('Your Toolkit connection has expired');
    const audit = await database().db.selectFrom('audit_log').select(['event', 'detail']).where('event', '=', 'admin.tokens.refresh_failed').where('target_id', '=', summary!.id).execute();
    expect(audit.map((row) => JSON.parse(row.detail!))).toEqual([{ code: 'needs_reauth' }]);
  });

  it('refresh now and revoke work from the token page, and are audited', async () => {
    const [summary] = await app().runtime.tokenStore.listTokenSummariesForUser(member.userId);
    const before = await app().runtime.tokenStore.findToken(member.userId, 'toolkit');
    const refreshed = await post(`/admin/tokens/${summary!.id}/refresh`, staff);
    expect(refreshed.statusCode).toBe(303);
    expect(refreshed.headers.location).toBe(`/admin/tokens/${summary!.id}`);
    const after = await app().runtime.tokenStore.findToken(member.userId, 'toolkit');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    const detail = await get(`/admin/tokens/${summary!.id}`, staff.cookie);
    expect(detail.body).toContain('Refreshed: expires');

    const revoked = await postConfirmed(`/admin/tokens/${summary!.id}/revoke`, staff);
    expect(revoked.headers.location).toBe('/admin/tokens');
    expect(await app().runtime.tokenStore.findToken(member.userId, 'toolkit')).toBeUndefined();
    const audit = await database().db.selectFrom('audit_log').select(['event', 'actor_user_id']).where('event', 'like', 'admin.tokens.%').execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        { event: 'admin.tokens.refresh', actor_user_id: staff.userId },
        { event: 'admin.tokens.revoke', actor_user_id: staff.userId },
      ]),
    );
  });

  it('a token that cannot be sent to its provider (its key is gone, its provider no longer configured): Revoke says why in words, and “Delete here only” deletes it, audited', async () => {
    const owner = await signedInUser(app(), 'mallory');
    const [summary] = await app().runtime.tokenStore.listTokenSummariesForUser(owner.userId);
    const lost = new TokenCipher(parseEncryptionKeys(generateEncryptionKey()));
    await database().db.updateTable('tokens').set({ access_token: lost.encrypt('x', tokenAssociatedData(owner.userId, 'toolkit', 'access_token')) }).where('id', '=', summary!.id).execute();
    expect((await get(`/admin/tokens/${summary!.id}`, staff.cookie)).statusCode).toBe(200);
    const refused = await postConfirmed(`/admin/tokens/${summary!.id}/revoke`, staff);
    expect(refused.statusCode).toBe(303);
    const page = await get(refused.headers.location as string, staff.cookie);
    expect(page.body).toContain('This token cannot be read: value was encrypted with key');
    expect(page.body).toContain('use “Delete here only”');

    const asked = await post(`/admin/tokens/${summary!.id}/forget`, staff);
    expect((await get(asked.headers.location!, staff.cookie)).body).toContain('will be deleted here without being sent to toolkit');
    const revocations = app().provider.stats.revocations;
    const deleted = await postConfirmed(`/admin/tokens/${summary!.id}/forget`, staff);
    expect(deleted.statusCode).toBe(303);
    expect(await app().runtime.tokenStore.findTokenSummaryById(summary!.id)).toBeUndefined();
    expect(app().provider.stats.revocations).toBe(revocations);
    const audit = await database().db.selectFrom('audit_log').select(['event', 'detail']).where('target_id', 'in', [summary!.id, `${owner.userId}:toolkit`]).execute();
    expect(audit.map((entry) => entry.event)).toEqual(expect.arrayContaining(['admin.tokens.revoke_failed', 'admin.tokens.forget', 'token.revoked']));

    // A provider OAUTH_PROVIDERS no longer lists: Refresh and Revoke are refused, saying why.
    await signedInUser(app(), 'mallory');
    const [again] = await app().runtime.tokenStore.listTokenSummariesForUser(owner.userId);
    await database().db.updateTable('tokens').set({ provider: 'retired' }).where('id', '=', again!.id).execute();
    expect((await get(`/admin/tokens/${again!.id}`, staff.cookie)).statusCode).toBe(200);
    for (const action of ['refresh', 'revoke']) {
      const answer = await postConfirmed(`/admin/tokens/${again!.id}/${action}`, staff);
      expect(answer.body, action).toContain('retired is no longer configured (OAUTH_PROVIDERS): this token cannot be sent to it.');
    }
    expect((await postConfirmed(`/admin/tokens/${again!.id}/forget`, staff)).statusCode).toBe(303);
    expect(await app().runtime.tokenStore.findTokenSummaryById(again!.id)).toBeUndefined();
  });

  it('a dangerous action asks first, without JavaScript: the first post redirects to a page saying what will happen; only the confirmed post acts, and is audited once', async () => {
    const doomed = await createUser(database().db, { username: 'doomed', dateJoined: 0, isActive: true });
    const url = `/admin/users/${doomed.id}/delete`;
    const detail = await get(`/admin/users/${doomed.id}`, staff.cookie);
    expect(detail.body).toContain(`<form class="inline" method="post" action="${url}">`);

    // POST, 303, GET: going back to the question later asks it again, instead of offering to send the form again.
    const redirected = await post(url, staff);
    expect(redirected.statusCode).toBe(303);
    expect(redirected.headers.location).toBe(url);
    const asked = await get(url, staff.cookie);
    expect(asked.statusCode).toBe(200);
    // Asking, as often as the page is shown, does nothing.
    expect((await get(url, staff.cookie)).statusCode).toBe(200);
    // A link from another site lands on the object's page, not on a question already asked for the admin to confirm.
    for (const site of ['cross-site', 'same-site']) {
      const linked = await app().runtime.app.inject({ method: 'GET', url, headers: { cookie: staff.cookie, 'sec-fetch-site': site } });
      expect(linked.statusCode, site).toBe(303);
      expect(linked.headers.location, site).toBe(`/admin/users/${doomed.id}`);
    }
    expect((await app().runtime.app.inject({ method: 'GET', url, headers: { cookie: staff.cookie, 'sec-fetch-site': 'same-origin' } })).statusCode).toBe(200);
    expect(asked.body).toContain('<nav class="admin-nav">');
    expect(asked.body).toContain('<h1>Are you sure?</h1>');
    expect(asked.body).toContain(
      '<p class="consequence">doomed will be deleted for good: their tokens revoked at each provider, then their account, identities and sessions removed (the audit log keeps its record).</p>',
    );
    const form = /<form method="post" action="([^"]+)">(.*?)<\/form>/s.exec(asked.body);
    expect(form?.[1]).toBe(url);
    expect(form?.[2]).toContain(`<input type="hidden" name="_csrf" value="${staff.csrfToken}">`);
    expect(form?.[2]).toContain('<input type="hidden" name="confirmed" value="yes">');
    expect(form?.[2]).toMatch(/<button type="submit" class="danger" data-confirm="delete">Yes, delete user<\/button>/);
    expect(form?.[2]).toContain(`<a class="button secondary" href="/admin/users/${doomed.id}">No, go back</a>`);
    expect(await findUserById(database().db, doomed.id)).toBeDefined();
    const audited = () => database().db.selectFrom('audit_log').select('event').where('target_id', '=', doomed.id).execute();
    expect(await audited()).toEqual([]);
    // Anything but "yes" is not a confirmation.
    const unconfirmed = await app().runtime.app.inject({
      method: 'POST',
      url,
      headers: { cookie: staff.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: staff.csrfToken, confirmed: 'no' }).toString(),
    });
    expect(unconfirmed.statusCode).toBe(303);
    expect(unconfirmed.headers.location).toBe(url);
    expect(await findUserById(database().db, doomed.id)).toBeDefined();

    const done = await postConfirmed(url, staff);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin/users');
    expect(await findUserById(database().db, doomed.id)).toBeUndefined();
    expect((await audited()).map((entry) => entry.event).sort()).toEqual(['admin.users.delete', 'user.deleted']);

    // Each dangerous action asks; the others act at once.
    const [token] = await app().runtime.tokenStore.listTokenSummariesForUser(staff.userId);
    for (const [dangerous, consequence] of [
      [`/admin/users/${member.userId}/deactivate`, 'bob will be signed out everywhere, and cannot sign in until activated again.'],
      [`/admin/tokens/${token!.id}/revoke`, 'The toolkit token of alice will be revoked at toolkit and deleted: alice is no longer connected to toolkit until they sign in with it again.'],
    ]) {
      const answer = await post(dangerous!, staff);
      expect(answer.statusCode, dangerous).toBe(303);
      expect(answer.headers.location, dangerous).toBe(dangerous);
      const page = await get(dangerous!, staff.cookie);
      expect(page.body, dangerous).toContain(`<p class="consequence">${consequence}</p>`);
    }
    expect(await app().runtime.tokenStore.findTokenSummary(staff.userId, 'toolkit')).toBeDefined();
    expect((await findUserById(database().db, member.userId))!.isActive).toBe(true);
    expect((await post(`/admin/tokens/${token!.id}/refresh`, staff)).statusCode).toBe(303);
    // An action that asks nothing has no page to ask on; an action refused to the admin is refused on its page too.
    expect((await get(`/admin/tokens/${token!.id}/refresh`, staff.cookie)).statusCode).toBe(404);
    expect((await get(`/admin/users/${member.userId}/nothing`, staff.cookie)).statusCode).toBe(404);
    expect((await get(`/admin/users/${doomed.id}/delete`, staff.cookie)).statusCode).toBe(404);
    expect((await get(`/admin/users/${member.userId}/deactivate`, member.cookie)).statusCode).toBe(403);
    expect((await get(`/admin/users/${member.userId}/deactivate`)).statusCode).toBe(302);
  });

  it('deactivating a user signs them out; activating lets them back', async () => {
    const target = await signedInUser(app(), 'bob');
    expect((await postConfirmed(`/admin/users/${target.userId}/deactivate`, staff)).statusCode).toBe(303);
    expect((await get('/api/me', target.cookie)).statusCode).toBe(401);
    expect((await post(`/admin/users/${target.userId}/activate`, staff)).statusCode).toBe(303);
    const user = await database().db.selectFrom('users').select('is_active').where('id', '=', target.userId).executeTakeFirstOrThrow();
    expect(user.is_active).toBe(1);
  });

  it("a refusal shown to staff keeps the admin's navigation and leads back into the admin, not to the start page", async () => {
    const adminPage = (answer: { body: string }) => ({
      nav: answer.body.includes('<nav class="admin-nav">'),
      back: /<p class="error-message">[^<]*<\/p>\s*<p><a href="([^"]+)">/.exec(answer.body)?.[1],
    });
    const missingUser = await get('/admin/users/not-an-id', staff.cookie);
    expect(missingUser.statusCode).toBe(404);
    expect(adminPage(missingUser)).toEqual({ nav: true, back: '/admin/users' });
    expect(missingUser.body).not.toContain('Back to the start page');
    const notApplicable = await post(`/admin/users/${staff.userId}/activate`, staff);
    expect(notApplicable.statusCode).toBe(409);
    expect(adminPage(notApplicable)).toEqual({ nav: true, back: `/admin/users/${staff.userId}` });
    const noSuchAction = await post(`/admin/users/${member.userId}/explode`, staff);
    expect(noSuchAction.statusCode).toBe(404);
    expect(adminPage(noSuchAction)).toEqual({ nav: true, back: `/admin/users/${member.userId}` });
    // An action that asks nothing first has no page at its address.
    const noPage = await get(`/admin/users/${staff.userId}/activate`, staff.cookie);
    expect(noPage.statusCode).toBe(404);
    expect(adminPage(noPage)).toEqual({ nav: true, back: `/admin/users/${staff.userId}` });
    for (const url of ['/admin/nothing', '/admin/users/a/b/c']) {
      const unknown = await get(url, staff.cookie);
      expect(unknown.statusCode, url).toBe(404);
      expect(adminPage(unknown), url).toEqual({ nav: true, back: '/admin' });
    }
    const forged = await post(`/admin/users/${member.userId}/deactivate`, staff, 'wrong');
    expect(forged.statusCode).toBe(403);
    expect(adminPage(forged)).toEqual({ nav: true, back: '/admin' });

    // Not to anyone else, nor as JSON.
    const outsider = await signedInUser(app(), 'mallory');
    const notStaff = await get('/admin/users', outsider.cookie);
    expect(notStaff.statusCode).toBe(403);
    expect(adminPage(notStaff).nav).toBe(false);
    expect((await get('/admin/users/a/b/c')).statusCode).toBe(302);
    const json = await app().runtime.app.inject({ method: 'GET', url: '/admin/users/not-an-id', headers: { cookie: staff.cookie, accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(JSON.parse(json.body)).toEqual({ error: 'not_found', message: 'No such user.' });
  });

  it('a form of an admin page posted after its session ended says so and leads to the staff sign-in, not to the start page', async () => {
    const gone = await signedInUser(app(), 'alice');
    expect((await post('/admin/logout', gone)).statusCode).toBe(303);
    // The user's page, still open in another tab: its Make staff, posted after the sign-out.
    const stale = await post(`/admin/users/${mallory.userId}/make-staff`, gone);
    expect(stale.statusCode).toBe(403);
    expect(stale.body).toContain('You have been signed out since this page was shown');
    expect(stale.body).toContain('<a href="/admin/login">Sign in to the admin site</a>');
    expect(stale.body).not.toContain('Back to the start page');
    expect((await findUserById(database().db, mallory.userId))!.isStaff).toBe(false);
  });

  it('list filters read as separate words and wrap; one with many values is a drop-down in a GET form giving the same query string', async () => {
    const tokens = await get('/admin/tokens?state=expired&q=b', staff.cookie);
    const show = /<div class="filter"><span class="muted">Show:<\/span>(.*?)<\/div>/s.exec(tokens.body)?.[1] ?? '';
    expect(show.replace(/<[^>]+>/g, '').trim()).toBe('all expiring within 10 minutes expired needs re-auth');
    expect(show).not.toMatch(/<\/a><a/);
    expect(show).toContain('<a href="/admin/tokens?q=b&amp;state=needs_reauth">needs re-auth</a>');
    expect(show).toContain('<a href="/admin/tokens?q=b&amp;state=expired" aria-current="true">expired</a>');

    for (let n = 0; n < 12; n += 1) await writeAuditEvent(database().db, { event: `test.filter_${String(n).padStart(2, '0')}`, at: 0 });
    const audit = await get('/admin/audit?q=test.&event=test.filter_03', staff.cookie);
    // AUDIT_LOG_RETENTION_DAYS is unset: entries are kept for ever, and the page says so.
    expect(audit.body).toContain('<p class="muted note">Entries are kept for ever (AUDIT_LOG_RETENTION_DAYS).</p>');
    const form = /<form class="filter" method="get" action="\/admin\/audit">(.*?)<\/form>/s.exec(audit.body)?.[1] ?? '';
    expect(form).toContain('<input type="hidden" name="q" value="test.">');
    expect(form).not.toContain('type="hidden" name="event"');
    expect(form).toContain('<option value="">all</option>');
    expect(form).toContain('<option value="test.filter_03" selected>test.filter_03</option>');
    expect(form).toContain('<option value="test.filter_11">test.filter_11</option>');
    expect(form).toContain('<button type="submit" class="secondary">Show</button>');
    expect(audit.body).not.toContain('href="/admin/audit?q=test.&amp;event=test.filter_11"');
    // What the form submits is what a link gives.
    const submitted = await get('/admin/audit?q=test.&event=test.filter_11', staff.cookie);
    expect(submitted.body).toContain('<option value="test.filter_11" selected>');
    expect(submitted.body).toMatch(/1–1 of 1/);
  });

  it('the column a list is sorted by says so to assistive technology (aria-sort), its arrow hidden from it; the page links are a labelled navigation', async () => {
    const byDefault = (await get('/admin/users', staff.cookie)).body;
    expect(byDefault).toContain('<th aria-sort="descending"><a href="/admin/users?sort=date_joined">Joined<span aria-hidden="true"> ▼</span></a></th>');
    expect(byDefault).toContain('<th><a href="/admin/users?sort=username');
    expect(byDefault).toContain('<nav class="pages" aria-label="Pages">');
    const byName = (await get('/admin/users?sort=username&direction=asc', staff.cookie)).body;
    expect(byName).toMatch(/<th aria-sort="ascending"><a [^>]+>Username<span aria-hidden="true"> ▲<\/span><\/a><\/th>/);
    expect(byName.match(/aria-sort=/g)).toHaveLength(1);
  });

  it('an empty list says there are none yet, and "Nothing matches." only when searched or filtered', async () => {
    const none = await get('/admin/services', staff.cookie);
    expect(none.body).toContain('<p class="muted count">No service keys yet.</p>');
    expect(none.body).not.toContain('rel="prev"');
    // No empty table under the words.
    expect(none.body).not.toContain('<table class="list">');
    expect((await get('/admin/webhooks', staff.cookie)).body).toContain('<p class="muted count">No webhook deliveries yet.</p>');
    expect((await get('/admin/services?q=crm', staff.cookie)).body).toContain('<p class="muted count">Nothing matches.</p>');
    expect((await get('/admin/webhooks?status=failed', staff.cookie)).body).toContain('<p class="muted count">Nothing matches.</p>');
  });

  it('the audit log and dashboard name the actor by username, linked to their page; a user or object deleted since is its id, not a link to a 404', async () => {
    const gone = await createUser(database().db, { username: 'gone', dateJoined: 0, isActive: true });
    const kept = await createUser(database().db, { username: 'kept', dateJoined: 0, isActive: true });
    await writeAuditEvent(database().db, { event: 'test.named_actor', actorUserId: staff.userId, targetType: 'user', targetId: kept.id, at: 1 });
    await writeAuditEvent(database().db, { event: 'test.deleted_actor', actorUserId: gone.id, targetType: 'user', targetId: gone.id, at: 2 });
    await writeAuditEvent(database().db, { event: 'test.deleted_token', actorUserId: staff.userId, targetType: 'token', targetId: '01JNOSUCHTOKEN', at: 3 });
    await deleteUser(database().db, gone.id);

    const row = (body: string, event: string) => new RegExp(`<tr><td><a href="/admin/audit/[^"]+"[^>]*>.*?<code>${event}</code></td>(.*?)</tr>`, 's').exec(body)?.[1] ?? '';
    const cells = (body: string, event: string) => [...row(body, event).matchAll(/<td>(.*?)<\/td>/gs)].map((cell) => cell[1]);
    for (const url of ['/admin/audit?q=test.', '/admin']) {
      const page = await get(url, staff.cookie);
      expect(cells(page.body, 'test.named_actor').slice(0, 2), url).toEqual([`<a href="/admin/users/${staff.userId}">alice</a>`, `user <a href="/admin/users/${kept.id}">kept</a>`]);
      expect(cells(page.body, 'test.deleted_actor').slice(0, 2), url).toEqual([gone.id, `user ${gone.id}`]);
      expect(cells(page.body, 'test.deleted_token')[1], url).toBe('token 01JNOSUCHTOKEN');
      expect(page.body, url).not.toContain(`href="/admin/users/${gone.id}"`);
    }
    const entry = await database().db.selectFrom('audit_log').select('id').where('event', '=', 'test.named_actor').executeTakeFirstOrThrow();
    const detail = await get(`/admin/audit/${entry.id}`, staff.cookie);
    expect(detail.body).toContain(`<dt>Actor</dt><dd><a href="/admin/users/${staff.userId}">alice</a> <code class="muted">${staff.userId}</code></dd>`);
  });

  it('sends a list URL with a malformed page, sort or filter to its canonical URL, keeping the rest; unknown pages are 404', async () => {
    const canonical: Array<[string, string]> = [
      ['/admin/users?page=abc&sort=username', '/admin/users?sort=username'],
      ['/admin/users?page=0&q=al', '/admin/users?q=al'],
      ['/admin/users?page=-3&staff=yes', '/admin/users?staff=yes'],
      ['/admin/users?page=1.5', '/admin/users'],
      ['/admin/users?page=0x1', '/admin/users'],
      ['/admin/users?page=1&page=2', '/admin/users'],
      ['/admin/users?q=al&q=bo&sort=username', '/admin/users?sort=username'],
      ['/admin/users?page=-1&sort=password_hash&staff=maybe', '/admin/users'],
      ['/admin/tokens?page=abc&sort=--x&state=%01', '/admin/tokens'],
      ['/admin/users?sort=username&staff=maybe', '/admin/users?sort=username'],
      // A page number too large to be a page is past the end.
      ['/admin/audit?page=99999999999&q=test.', '/admin/audit?q=test.'],
    ];
    for (const [url, location] of canonical) {
      const answer = await get(url, staff.cookie);
      expect(answer.statusCode, url).toBe(302);
      expect(answer.headers.location, url).toBe(location);
      expect((await get(location, staff.cookie)).statusCode, location).toBe(200);
    }
    // Canonical already, or carrying only parameters the list does not read: shown as they are.
    // An empty value is none: a GET form sends its empty fields.
    for (const url of ['/admin/users?page=1', '/admin/users?page=&sort=&staff=&q=', '/admin/users?sort=username&direction=asc', '/admin/audit?event[]=x']) {
      expect((await get(url, staff.cookie)).statusCode, url).toBe(200);
    }
    // Except a NUL, refused before any query (PostgreSQL text cannot hold one): test/security-input.test.ts.
    expect((await get('/admin/tokens?state=%00', staff.cookie)).statusCode).toBe(400);
    // A page past the end is the last page.
    const pastTheEnd = await get('/admin/users?page=999&sort=username', staff.cookie);
    expect(pastTheEnd.statusCode).toBe(302);
    expect(pastTheEnd.headers.location).toBe('/admin/users?sort=username');
    expect((await get(pastTheEnd.headers.location!, staff.cookie)).body).toContain('page 1 of 1');
    expect((await get('/admin/services?page=2', staff.cookie)).headers.location).toBe('/admin/services');
    expect((await get('/admin/nothing', staff.cookie)).statusCode).toBe(404);
    expect((await get('/admin/users/not-an-id', staff.cookie)).statusCode).toBe(404);
    expect((await post(`/admin/users/${member.userId}/explode`, staff)).statusCode).toBe(404);
  });
});

describe('the admin search indexes', () => {
  for (const dialect of DIALECTS) {
    it.skipIf(!dialect.available)(`serve the username prefix search [${dialect.name}]`, async () => {
      const database = await dialect.openTestDatabase();
      try {
        const { listUsersForAdmin } = await import('../src/db/admin-lists.js');
        const { sql } = await import('kysely');
        if (dialect.name === 'postgres') {
          await sql`set enable_seqscan = off`.execute(database.db);
          const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from users where lower(username) collate "C" >= 'ab' and lower(username) collate "C" < ${'ab\u{10FFFF}'}`.execute(database.db);
          expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('users_username_lower_idx');
        } else {
          const plan = await sql<{ detail: string }>`explain query plan select id from users where lower(username) >= 'ab' and lower(username) < ${'ab\u{10FFFF}'}`.execute(database.db);
          expect(plan.rows.map((r) => r.detail).join('\n')).toContain('users_username_lower_idx');
        }
        expect((await listUsersForAdmin(database, { search: 'x', sort: 'username', direction: 'asc', offset: 0, limit: 10 })).total).toBe(0);
      } finally {
        await database.close();
      }
    });
  }
});
