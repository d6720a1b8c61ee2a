// A NUL character (U+0000) is bad input: PostgreSQL text cannot hold it, so
// it is refused with 400 at the boundary, before any query, on both dialects.
// Other control characters are ordinary (if odd) input.
import { beforeAll, expect, it } from 'vitest';
import { setUserFlags } from '../src/db/user.repository.js';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

describeEachDialect('a NUL byte in the input', (dialect) => {
  const { app, database } = useTestApp(dialect);
  let staff: SignedInUser;

  beforeAll(async () => {
    staff = await signedInUser(app(), 'alice');
    await setUserFlags(database().db, staff.userId, { isStaff: true });
  });

  const inject = (method: 'GET' | 'POST', url: string, cookie?: string, payload?: string | object) =>
    app().runtime.app.inject({
      method,
      url,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(typeof payload === 'string' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(payload === undefined ? {} : { payload }),
    });

  function expectRefused(response: Awaited<ReturnType<typeof inject>>, label: string): void {
    expect(response.statusCode, `${label}: ${response.body.slice(0, 200)}`).toBe(400);
    if (response.headers['content-type']?.toString().startsWith('application/json')) {
      expect(JSON.parse(response.body), label).toMatchObject({ error: 'invalid_character' });
    } else {
      expect(response.body, label).toContain('NUL character');
    }
  }

  it('in the callback\'s state, of a browser that has a pending sign-in: 400', async () => {
    const started = await inject('GET', '/login/toolkit');
    const cookie = started.cookies.find((c) => c.name === 'tokenkeeper_session')!;
    for (const state of ['%00', 'abc%00def']) {
      expectRefused(await inject('GET', `/auth/toolkit/callback?state=${state}&code=x`, `tokenkeeper_session=${cookie.value}`), state);
    }
  });

  it('in a provider name, signed in or not: 400', async () => {
    expectRefused(await inject('GET', '/login/%00'), 'login');
    expectRefused(await inject('GET', '/auth/tool%00kit/callback?state=s'), 'callback');
    expectRefused(await inject('GET', '/api/providers/%00/proxy/notes', staff.cookie), 'proxy');
    expectRefused(await inject('GET', '/account/connections/%00/call?path=/notes', staff.cookie), 'call');
    expectRefused(await inject('POST', '/account/connections/%00/refresh', staff.cookie, `_csrf=${encodeURIComponent(staff.csrfToken)}`), 'refresh');
  });

  it('in the admin login username, as a form field or in JSON: 400, and nothing is audited', async () => {
    const page = await inject('GET', '/admin/login');
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const csrfCookie = page.cookies.find((c) => c.name === 'tokenkeeper_csrf')!;
    const cookie = `tokenkeeper_csrf=${csrfCookie.value}`;
    const form = new URLSearchParams({ _csrf: csrfToken, username: 'ad\0min', password: 'whatever it is' }).toString();
    expectRefused(await inject('POST', '/admin/login', cookie, form), 'form');
    expectRefused(await inject('POST', '/admin/login', cookie, { _csrf: csrfToken, username: 'ad\0min', password: 'x' }), 'json');
    expectRefused(await inject('POST', '/admin/login', cookie, { _csrf: csrfToken, username: 'admin', password: 'x', ['key\0']: 1 }), 'json key');
    const audited = await database().db.selectFrom('audit_log').select('event').where('event', '=', 'admin.sign_in_failed').execute();
    expect(audited).toEqual([]);
  });

  it('in the admin search q and in an admin id: 400', async () => {
    expectRefused(await inject('GET', '/admin/users?q=%00', staff.cookie), 'q');
    expectRefused(await inject('GET', '/admin/users?q=a%00b&page=2', staff.cookie), 'q inside');
    expectRefused(await inject('GET', '/admin/users/%00', staff.cookie), 'id');
    expectRefused(await inject('GET', '/admin/tokens/x%00y', staff.cookie), 'token id');
    expectRefused(await inject('POST', '/admin/users/%00/deactivate', staff.cookie, `_csrf=${encodeURIComponent(staff.csrfToken)}`), 'action');
  });

  it('other control characters are ordinary input: never a 5xx, and the NUL check does not misread %2500', async () => {
    for (const q of ['%01', '%1B%5B31m', '%7F', '%0D%0A', '%09', '%2500']) {
      const search = await inject('GET', `/admin/users?q=${q}`, staff.cookie);
      expect(search.statusCode, q).toBe(200);
      expect((await inject('GET', `/admin/users/${q}`, staff.cookie)).statusCode, q).toBe(404);
      expect((await inject('GET', `/login/${q}`)).statusCode, q).toBe(404);
    }
    const page = await inject('GET', '/admin/login');
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = `tokenkeeper_csrf=${page.cookies.find((c) => c.name === 'tokenkeeper_csrf')!.value}`;
    const odd = await inject('POST', '/admin/login', cookie, new URLSearchParams({ _csrf: csrfToken, username: 'ad\x01\x1bmin', password: 'x' }).toString());
    expect(odd.statusCode).toBe(401);
  });
});
