// Service keys in the admin site: staff see them; superusers create and
// rotate (the key shown once) and revoke them; every change and refusal is
// audited.
import { expect, it } from 'vitest';
import { describeEachDialect } from './support/postgres.js';
import { useAdminSite } from './support/admin-users.js';
import type { SignedInUser } from './support/signed-in.js';

describeEachDialect('service keys in the admin site', (dialect) => {
  const { app, database, superuser, staff, member, post, events } = useAdminSite(dialect);

  const get = (url: string, user?: SignedInUser) => app().runtime.app.inject({ method: 'GET', url, headers: user ? { cookie: user.cookie } : {} });
  const callApi = (key: string) => app().runtime.app.inject({ method: 'GET', url: `/api/v1/users/${member.userId}`, headers: { authorization: `Bearer ${key}` } });
  const secretVersionOn = (page: string) => /name="secret_version" value="([^"]+)"/.exec(page)![1]!;

  async function create(name: string, permissions: string[], providers: string[] = []): Promise<string> {
    const answer = await post('/admin/services/new', superuser, [['name', name], ...permissions.map((p): [string, string] => ['permissions', p]), ...providers.map((p): [string, string] => ['providers', p])]);
    expect(answer.statusCode).toBe(200);
    const key = /<code class="service-key">(tks_[^<]+)<\/code>/.exec(answer.body)?.[1];
    expect(key).toBeDefined();
    return key!;
  }

  it('a superuser creates a key: shown once on the answer (not cached), working, audited with the admin as actor', async () => {
    const form = await get('/admin/services/new', superuser);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="connections:read"');
    expect(form.body).toContain('value="toolkit"');

    const answer = await post('/admin/services/new', superuser, [['name', 'crm'], ['permissions', 'connections:read'], ['permissions', 'tokens:read'], ['providers', 'toolkit']]);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const key = /<code class="service-key">(tks_[^<]+)<\/code>/.exec(answer.body)![1]!;
    expect((await callApi(key)).statusCode).toBe(200);

    const [created] = await events('service_key.created');
    expect(created).toMatchObject({ actor_user_id: superuser.userId, target_type: 'service_key' });
    expect(JSON.parse(created!.detail!)).toEqual({ name: 'crm', permissions: ['connections:read', 'tokens:read'], providers: ['toolkit'], via: 'admin' });
    expect(await events('admin.services.create')).toHaveLength(1);

    // Never again: not on the list, the detail page, nor the session's flash.
    const list = await get('/admin/services', superuser);
    const detail = await get(`/admin/services/${created!.target_id}`, superuser);
    for (const page of [list, detail]) expect(page.body).not.toContain(key.slice(4, 40));
    const sessions = await database().db.selectFrom('sessions').select('data').execute();
    expect(JSON.stringify(sessions)).not.toContain(key.slice(31));
  });

  it('lists each key with its permissions, providers, creation and last use', async () => {
    const key = await create('analytics', ['connections:read']);
    expect((await callApi(key)).statusCode).toBe(200);
    const list = await get('/admin/services', staff);
    expect(list.statusCode).toBe(200);
    const row = /<tr><td><a href="\/admin\/services\/[^"]+">analytics<\/a><\/td>(.*?)<\/tr>/s.exec(list.body)?.[1];
    expect(row).toMatch(/<td>connections:read<\/td>\s*<td><span class="muted">all<\/span><\/td>\s*<td><span title="[^"]+">[^<]+<\/span><\/td>\s*<td><span title="[^"]+">[^<]+<\/span><\/td>/);
    expect(list.body).toContain('href="/admin/services"');
  });

  it('a bad form is shown again with what is wrong (400), nothing created', async () => {
    const before = (await events('service_key.created')).length;
    const noPermission = await post('/admin/services/new', superuser, [['name', 'empty']]);
    expect(noPermission.statusCode).toBe(400);
    expect(noPermission.body).toContain('A service key needs at least one permission');
    expect(noPermission.body).toContain('value="empty"');
    const taken = await post('/admin/services/new', superuser, [['name', 'crm'], ['permissions', 'proxy']]);
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('A service key named &quot;crm&quot; exists already');
    expect((await events('service_key.created')).length).toBe(before);
  });

  it('staff who are not superusers see keys but may not create or revoke one (403, audited); others are refused', async () => {
    const list = await get('/admin/services', staff);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('href="/admin/services/new"');
    expect((await get('/admin/services', superuser)).body).toContain('href="/admin/services/new"');
    expect((await get('/admin/services/new', staff)).statusCode).toBe(403);
    expect((await post('/admin/services/new', staff, [['name', 'sneaky'], ['permissions', 'tokens:read']])).statusCode).toBe(403);
    expect(await database().db.selectFrom('service_keys').select('id').where('name', '=', 'sneaky').executeTakeFirst()).toBeUndefined();
    expect((await events('admin.services.create_denied')).map((row) => row.actor_user_id)).toEqual([staff.userId, staff.userId]);

    const key = await create('kept', ['connections:read']);
    const id = /^tks_([^_]+)_/.exec(key)![1]!;
    expect((await post(`/admin/services/${id}/revoke`, staff, [['confirmed', 'yes']])).statusCode).toBe(403);
    expect((await callApi(key)).statusCode).toBe(200);
    expect((await get('/admin/services', member)).statusCode).toBe(403);
    expect((await get('/admin/services/new', member)).statusCode).toBe(403);
  });

  it('a superuser revokes a key (CSRF-checked, once confirmed): it stops working at once; audited', async () => {
    const key = await create('revoked', ['connections:read']);
    const id = /^tks_([^_]+)_/.exec(key)![1]!;
    expect((await post(`/admin/services/${id}/revoke`, superuser, [['confirmed', 'yes']], false)).statusCode).toBe(403);
    expect((await callApi(key)).statusCode).toBe(200);
    const redirected = await post(`/admin/services/${id}/revoke`, superuser, []);
    expect(redirected.statusCode).toBe(303);
    const asked = await get(redirected.headers.location!, superuser);
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('<p class="consequence">Service key revoked will be deleted: every service that uses it is refused from its next request.</p>');
    expect((await callApi(key)).statusCode).toBe(200);
    const answer = await post(`/admin/services/${id}/revoke`, superuser, [['confirmed', 'yes']]);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/admin/services');
    expect((await callApi(key)).statusCode).toBe(401);
    expect((await events('service_key.revoked')).map((row) => [row.actor_user_id, row.target_id])).toEqual([[superuser.userId, id]]);
    expect((await events('admin.services.revoke')).map((row) => row.target_id)).toEqual([id]);
  });

  it('a superuser rotates a key from its page: the new key shown once, the old one working for the grace period given; audited; staff may not', async () => {
    const key = await create('rotated', ['connections:read']);
    const id = /^tks_([^_]+)_/.exec(key)![1]!;
    const detail = await get(`/admin/services/${id}`, superuser);
    expect(detail.body).toContain(`<form method="post" action="/admin/services/${id}/rotate">`);
    const version = secretVersionOn(detail.body);
    expect((await get(`/admin/services/${id}`, staff)).body).not.toContain('/rotate"');
    expect((await post(`/admin/services/${id}/rotate`, staff, [['grace_seconds', '60'], ['secret_version', version]])).statusCode).toBe(403);
    expect(await events('admin.services.rotate_denied')).toHaveLength(1);
    expect((await post(`/admin/services/${id}/rotate`, superuser, [['grace_seconds', '60'], ['secret_version', version]], false)).statusCode).toBe(403);

    for (const bad of ['-1', '2592001', 'soon', '']) {
      const refused = await post(`/admin/services/${id}/rotate`, superuser, [['grace_seconds', bad], ['secret_version', version]]);
      expect(refused.statusCode, bad).toBe(400);
      expect(refused.body).toContain('The grace period is a whole number of seconds from 0 to 2592000 (30 days).');
    }
    expect((await callApi(key)).statusCode).toBe(200);

    const answer = await post(`/admin/services/${id}/rotate`, superuser, [['grace_seconds', '60'], ['secret_version', version]]);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toContain('The previous key works until');
    const rotated = /<code class="service-key">(tks_[^<]+)<\/code>/.exec(answer.body)![1]!;
    expect(rotated).not.toBe(key);
    expect((await callApi(rotated)).statusCode).toBe(200);
    expect((await callApi(key)).statusCode).toBe(200);
    expect((await events('service_key.rotated')).map((row) => [row.actor_user_id, row.target_id])).toEqual([[superuser.userId, id]]);
    expect((await events('admin.services.rotate')).map((row) => row.target_id)).toEqual([id]);

    // Without a grace period the old key stops at once. And a key keeps one old secret: rotating again while the
    // first rotation's grace period runs ends the first key too, which the form says before and the answer after.
    const page = (await get(`/admin/services/${id}`, superuser)).body;
    expect(page).toMatch(/An earlier rotation left the key before the current one working until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: rotating now ends it at once/);
    const again = await post(`/admin/services/${id}/rotate`, superuser, [['grace_seconds', '0'], ['secret_version', secretVersionOn(page)]]);
    expect(again.body).toContain('The previous key no longer works.');
    expect(again.body).toMatch(/The key before it, which an earlier rotation left working until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, no longer works: a key keeps one old secret at a time\./);
    expect((await callApi(rotated)).statusCode).toBe(401);
    expect((await callApi(key)).statusCode).toBe(401);
    // With no grace period running, the form has no such warning.
    expect((await get(`/admin/services/${id}`, superuser)).body).not.toContain('An earlier rotation left');
  });

  it('a rotation posted again (a reload of its answer, a second click) rotates nothing: the key it showed keeps working, and so does the old one for its grace period', async () => {
    const key = await create('reloaded', ['connections:read']);
    const id = /^tks_([^_]+)_/.exec(key)![1]!;
    const form: Array<[string, string]> = [['grace_seconds', '3600'], ['secret_version', secretVersionOn((await get(`/admin/services/${id}`, superuser)).body)]];
    const first = await post(`/admin/services/${id}/rotate`, superuser, form);
    const shown = /<code class="service-key">(tks_[^<]+)<\/code>/.exec(first.body)![1]!;

    const again = await post(`/admin/services/${id}/rotate`, superuser, form);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('was rotated at');
    expect(again.body).toContain('after this form was shown');
    expect(again.body).not.toContain('class="service-key"');
    expect((await callApi(shown)).statusCode).toBe(200);
    expect((await callApi(key)).statusCode).toBe(200);
    expect((await events('service_key.rotated')).filter((row) => row.target_id === id)).toHaveLength(1);

    const incomplete = await post(`/admin/services/${id}/rotate`, superuser, [['grace_seconds', '0']]);
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.body).toContain('The rotation form is incomplete');
    expect((await callApi(key)).statusCode).toBe(200);
  });

  it('creating needs the CSRF token', async () => {
    const answer = await post('/admin/services/new', superuser, [['name', 'forged'], ['permissions', 'tokens:read']], false);
    expect(answer.statusCode).toBe(403);
    expect(await database().db.selectFrom('service_keys').select('id').where('name', '=', 'forged').executeTakeFirst()).toBeUndefined();
  });
});
