import type { LightMyRequestResponse } from 'fastify';
import { expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/server/admin/auth/passwords.js';
import { createUser, findUserCredentials, setPassword, setUserFlags } from '../src/db/user.repository.js';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

const SESSION_COOKIE = 'tokenkeeper_session';
const PASSWORD = 'correct horse battery';
const GENERIC_FAILURE = 'Wrong username or password, or this account may not use the admin site.';

/** A browser's view of one admin visit: its CSRF cookie and the login form's CSRF token. */
interface LoginForm {
  cookie: string;
  csrfToken: string;
}

function sessionCookieOf(response: LightMyRequestResponse): string | undefined {
  const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
  return cookie && cookie.value !== '' ? `${SESSION_COOKIE}=${cookie.value}` : undefined;
}

/** The anonymous CSRF cookie the login form comes with (showing the form stores no session). */
function csrfCookieOf(response: LightMyRequestResponse): string | undefined {
  const cookie = response.cookies.find((c) => c.name === 'tokenkeeper_csrf');
  return cookie && cookie.value !== '' ? `tokenkeeper_csrf=${cookie.value}` : undefined;
}

function errorMessageOf(body: string): string | undefined {
  return /<p class="error"[^>]* role="alert">([^<]*)<\/p>/.exec(body)?.[1];
}

describeEachDialect('admin sign-in', (dialect) => {
  const { app, database } = useTestApp(dialect);
  /** Each test attempts from its own client IP, so the per-IP rate limit only meets the test about it. */
  let ipCounter = 0;
  const nextIp = () => `198.51.100.${(ipCounter += 1)}`;

  const get = (url: string, cookie?: string) => app().runtime.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  async function openLoginForm(next?: string): Promise<LoginForm> {
    const page = await get(`/admin/login${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`);
    expect(page.statusCode).toBe(200);
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    expect(sessionCookieOf(page)).toBeUndefined();
    const cookie = csrfCookieOf(page);
    if (!csrfToken || !cookie) throw new Error('the login page gave no CSRF cookie or no CSRF token');
    return { cookie, csrfToken };
  }

  function postLogin(form: LoginForm | null, fields: Record<string, string>, ip: string) {
    const payload = new URLSearchParams({ ...(form ? { _csrf: form.csrfToken } : {}), ...fields }).toString();
    return app().runtime.app.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(form ? { cookie: form.cookie } : {}) },
      payload,
    });
  }

  async function createStaff(username: string, flags: { isStaff?: boolean; isActive?: boolean } = {}): Promise<string> {
    const user = await createUser(database().db, {
      username,
      email: `${username}@example.test`,
      isStaff: flags.isStaff ?? true,
      isSuperuser: false,
      isActive: flags.isActive ?? true,
      passwordHash: await hashPassword(PASSWORD),
      dateJoined: Math.floor(Date.now() / 1000),
    });
    return user.id;
  }

  async function auditOf(event: string) {
    return database().db.selectFrom('audit_log').selectAll().where('event', '=', event).orderBy('id').execute();
  }

  it('shows a login form with the CSRF token and a next kept under /admin', async () => {
    const page = await get(`/admin/login?next=${encodeURIComponent('/admin/users?q=a"b')}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('name="username"');
    expect(page.body).toContain('type="password" name="password"');
    expect(page.body).toContain('<input type="hidden" name="next" value="/admin/users?q=a%22b">');
    for (const elsewhere of ['https://evil.example/admin', '//evil.example/admin', '/account', '/administrator', '/admin/../account', '/admin/login']) {
      const other = await get(`/admin/login?next=${encodeURIComponent(elsewhere)}`);
      expect(other.body, elsewhere).toContain('<input type="hidden" name="next" value="/admin">');
    }
  });

  it('staff sign in with a password: a new session id, last login and the audit log are updated, and /admin opens', async () => {
    const userId = await createStaff('ops-anna');
    const form = await openLoginForm('/admin/users?q=ops');
    const ip = nextIp();

    const answer = await postLogin(form, { username: 'ops-anna', password: PASSWORD, next: '/admin/users?q=ops' }, ip);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/admin/users?q=ops');
    const cookie = sessionCookieOf(answer);
    expect(cookie).toBeDefined();
    expect(cookie).not.toBe(form.cookie);

    expect((await get('/admin', cookie)).statusCode).toBe(200);
    expect((await get('/admin/users?q=ops', cookie)).body).toContain('ops-anna');
    // The anonymous session the form came with is gone: no fixation.
    expect((await get('/admin', form.cookie)).statusCode).toBe(302);
    // Signed-in staff asking for the form again go straight on.
    expect((await get('/admin/login', cookie)).headers.location).toBe('/admin');

    const user = await database().db.selectFrom('users').select('last_login').where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.last_login).not.toBeNull();
    const signedIn = (await auditOf('admin.signed_in')).find((e) => e.actor_user_id === userId);
    expect(signedIn).toMatchObject({ target_type: 'user', target_id: userId, ip });
    expect(signedIn!.detail).not.toContain(PASSWORD);
  });

  it('a wrong password and an unknown username get the same 401 and message, take as long, and are audited without the password', async () => {
    await createStaff('ops-bert');
    const attempt = async (username: string) => {
      const form = await openLoginForm();
      const started = performance.now();
      const answer = await postLogin(form, { username, password: 'wrong password 123' }, nextIp());
      return { answer, ms: performance.now() - started };
    };
    const wrongPassword = await attempt('ops-bert');
    const unknownUser = await attempt('nobody-here');

    for (const { answer } of [wrongPassword, unknownUser]) {
      expect(answer.statusCode).toBe(401);
      expect(sessionCookieOf(answer)).toBeUndefined();
      expect(errorMessageOf(answer.body)).toBe(GENERIC_FAILURE);
      expect(answer.body).not.toContain('wrong password 123');
    }
    expect(wrongPassword.answer.body).toContain('value="ops-bert"');
    // Both ran scrypt (about 50-200 ms); without the dummy hash the unknown name would answer many times faster.
    expect(unknownUser.ms).toBeGreaterThan(wrongPassword.ms / 3);

    const failures = await auditOf('admin.sign_in_failed');
    const details = failures.map((f) => JSON.parse(f.detail!) as Record<string, unknown>);
    expect(details).toEqual(expect.arrayContaining([{ username: 'ops-bert', reason: 'wrong_password' }, { username: 'nobody-here', reason: 'unknown_user' }]));
    for (const failure of failures) expect(failure.detail).not.toContain('wrong password 123');
  });

  it('after a failed attempt the username and password fields are marked invalid and described by the message (WCAG 3.3.1)', async () => {
    const first = await get('/admin/login');
    expect(first.body).not.toContain('aria-invalid');
    const form = await openLoginForm();
    const answer = await postLogin(form, { username: 'nobody-here', password: 'wrong password 123' }, nextIp());
    expect(answer.statusCode).toBe(401);
    expect(answer.body).toContain(`<p class="error" id="login-error" role="alert">${GENERIC_FAILURE}</p>`);
    for (const field of ['name="username"', 'type="password" name="password"']) {
      const input = new RegExp(`<input ${field}[^>]*>`).exec(answer.body)?.[0];
      expect(input, field).toContain('aria-invalid="true"');
      expect(input, field).toContain('aria-describedby="login-error"');
    }
  });

  it('a provider user who is not staff gets 403 on /admin and cannot sign in with a password, even one that is right', async () => {
    const bob = await signedInUser(app(), 'bob');
    const page = await get('/admin', bob.cookie);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Staff only');
    const action = await app().runtime.app.inject({
      method: 'POST',
      url: `/admin/users/${bob.userId}/deactivate`,
      headers: { cookie: bob.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(bob.csrfToken)}`,
    });
    expect(action.statusCode).toBe(403);

    const { user } = (await findUserCredentials(database().db, (await database().db.selectFrom('users').select('username').where('id', '=', bob.userId).executeTakeFirstOrThrow()).username))!;
    const noPassword = await postLogin(await openLoginForm(), { username: user.username, password: 'bob' }, nextIp());
    expect(noPassword.statusCode).toBe(401);
    expect(errorMessageOf(noPassword.body)).toBe(GENERIC_FAILURE);

    await setPassword(database().db, user.id, await hashPassword(PASSWORD));
    const rightPassword = await postLogin(await openLoginForm(), { username: user.username, password: PASSWORD }, nextIp());
    expect(rightPassword.statusCode).toBe(401);
    expect(errorMessageOf(rightPassword.body)).toBe(GENERIC_FAILURE);
    const reasons = (await auditOf('admin.sign_in_failed')).filter((f) => f.target_id === user.id).map((f) => (JSON.parse(f.detail!) as { reason: string }).reason);
    expect(reasons).toEqual(['no_password', 'not_staff']);
  });

  it('a staff user who signed in through the provider is admitted', async () => {
    const alice = await signedInUser(app(), 'alice');
    expect((await get('/admin', alice.cookie)).statusCode).toBe(403);
    await setUserFlags(database().db, alice.userId, { isStaff: true });
    const page = await get('/admin', alice.cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Dashboard');
  });

  it('a deactivated staff user is refused at login and on every page of a session they already have', async () => {
    const userId = await createStaff('ops-carl');
    const signedIn = await postLogin(await openLoginForm(), { username: 'ops-carl', password: PASSWORD }, nextIp());
    const cookie = sessionCookieOf(signedIn);
    expect((await get('/admin', cookie)).statusCode).toBe(200);

    await setUserFlags(database().db, userId, { isActive: false });
    expect((await get('/admin', cookie)).statusCode).toBe(403);
    const again = await postLogin(await openLoginForm(), { username: 'ops-carl', password: PASSWORD }, nextIp());
    expect(again.statusCode).toBe(401);
    expect(errorMessageOf(again.body)).toBe(GENERIC_FAILURE);
  });

  it('signed out: pages redirect to the login form with next, other methods get 401', async () => {
    const page = await get('/admin/users?q=a%26b');
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe(`/admin/login?next=${encodeURIComponent('/admin/users?q=a%26b')}`);
    // An anonymous visitor with a valid CSRF token passes the CSRF check, and the staff check still stops it.
    const form = await openLoginForm();
    const action = await app().runtime.app.inject({
      method: 'POST',
      url: '/admin/users/someone/deactivate',
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(form.csrfToken)}`,
    });
    expect(action.statusCode).toBe(401);
  });

  it('POST /admin/login without the CSRF token, or with another session\'s, is refused with 403 before any password check', async () => {
    const userId = await createStaff('ops-dora');
    const ip = nextIp();
    const form = await openLoginForm();
    const other = await openLoginForm();
    const withoutToken = await postLogin(null, { username: 'ops-dora', password: PASSWORD }, ip);
    const withoutTokenButSession = await app().runtime.app.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress: ip,
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: 'ops-dora', password: PASSWORD }).toString(),
    });
    const wrongToken = await postLogin({ cookie: form.cookie, csrfToken: other.csrfToken }, { username: 'ops-dora', password: PASSWORD }, ip);
    for (const answer of [withoutToken, withoutTokenButSession, wrongToken]) {
      expect(answer.statusCode).toBe(403);
      expect(sessionCookieOf(answer)).toBeUndefined();
    }
    // Refused before the handler: neither a sign-in nor a failed attempt is recorded.
    const audited = await database().db.selectFrom('audit_log').select('event').where('target_id', '=', userId).execute();
    expect(audited).toEqual([]);
  });

  it('the 11th login attempt from one IP within a minute gets 429 and a clear page; another IP is not affected', async () => {
    const ip = nextIp();
    const form = await openLoginForm();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await postLogin(form, { username: `guess-${i}`, password: 'wrong password 123' }, ip)).statusCode);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);

    const limited = await postLogin(form, { username: 'ops-anna', password: PASSWORD }, ip);
    expect(limited.statusCode).toBe(429);
    expect(errorMessageOf(limited.body)).toBe('Too many failed sign-in attempts: wait a minute and try again.');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(sessionCookieOf(limited)).toBeUndefined();
    // The limit is on password attempts from that IP, not on the form or on other clients.
    expect((await get('/admin/login')).statusCode).toBe(200);
    expect((await postLogin(form, { username: 'guess', password: 'wrong password 123' }, nextIp())).statusCode).toBe(401);
  });

  it('requests refused before the password check (no CSRF token) do not count: after 20 from one IP, staff still sign in from it', async () => {
    await createStaff('ops-gus');
    const ip = nextIp();
    for (let i = 0; i < 20; i += 1) expect((await postLogin(null, { username: 'ops-gus', password: 'junk' }, ip)).statusCode).toBe(403);
    const signedIn = await postLogin(await openLoginForm(), { username: 'ops-gus', password: PASSWORD }, ip);
    expect(signedIn.statusCode).toBe(303);
    expect(sessionCookieOf(signedIn)).toBeDefined();
  });

  it('10 failed password checks for one account, from 10 IPs, hold that account (any case of its name) for a minute, and no other', async () => {
    await createStaff('ops-hal');
    await createStaff('ops-ida');
    for (let i = 0; i < 10; i += 1) expect((await postLogin(await openLoginForm(), { username: 'ops-hal', password: `wrong password ${i}` }, nextIp())).statusCode).toBe(401);
    const ip = nextIp();
    for (const username of ['ops-hal', 'OPS-HAL']) {
      const held = await postLogin(await openLoginForm(), { username, password: PASSWORD }, ip);
      expect(held.statusCode, username).toBe(429);
      expect(errorMessageOf(held.body)).toBe('Too many failed sign-in attempts: wait a minute and try again.');
      expect(sessionCookieOf(held)).toBeUndefined();
    }
    expect((await postLogin(await openLoginForm(), { username: 'ops-ida', password: PASSWORD }, ip)).statusCode).toBe(303);
  });

  it('a right password is not counted as a failure', async () => {
    await createStaff('ops-jon');
    const ip = nextIp();
    for (let i = 0; i < 12; i += 1) expect((await postLogin(await openLoginForm(), { username: 'ops-jon', password: PASSWORD }, ip)).statusCode).toBe(303);
  });

  it('logout ends the session and goes back to the login form', async () => {
    const userId = await createStaff('ops-emil');
    const signedIn = await postLogin(await openLoginForm(), { username: 'ops-emil', password: PASSWORD }, nextIp());
    const cookie = sessionCookieOf(signedIn)!;
    const dashboard = await get('/admin', cookie);
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(dashboard.body)?.[1];
    expect(csrfToken).toBeDefined();

    const logout = await app().runtime.app.inject({
      method: 'POST',
      url: '/admin/logout',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrfToken!)}`,
    });
    expect(logout.statusCode).toBe(303);
    expect(logout.headers.location).toBe('/admin/login');
    expect(logout.cookies.find((c) => c.name === SESSION_COOKIE)?.value).toBe('');
    expect((await get('/admin', cookie)).statusCode).toBe(302);
    const sessions = await database().db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
    expect(sessions).toEqual([]);
    expect((await auditOf('admin.signed_out')).map((e) => e.actor_user_id)).toContain(userId);
  });

  it('a hash made with older, cheaper parameters is upgraded at the next sign-in', async () => {
    const userId = await createStaff('ops-fay');
    await setPassword(database().db, userId, await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }));
    const signedIn = await postLogin(await openLoginForm(), { username: 'ops-fay', password: PASSWORD }, nextIp());
    expect(signedIn.statusCode).toBe(303);
    const { passwordHash } = (await findUserCredentials(database().db, 'ops-fay'))!;
    expect(passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword(PASSWORD, passwordHash!)).toBe(true);
  });
});
