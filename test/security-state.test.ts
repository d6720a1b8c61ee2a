// Anonymous visitors cannot make the server store state per request: the
// admin login form stores nothing (its CSRF token is bound to a signed
// cookie), and one browser session holds at most a few pending sign-ins.
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { MAX_PENDING_SIGN_INS_PER_SESSION } from '../src/db/login-transaction.repository.js';
import { createUser } from '../src/db/user.repository.js';
import { hashPassword } from '../src/server/admin/auth/passwords.js';
import { describeEachDialect } from './support/postgres.js';
import { APP_ORIGIN, signIn } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const PASSWORD = 'correct horse battery';

function cookieOf(response: LightMyRequestResponse, name: string): string | undefined {
  const cookie = response.cookies.find((c) => c.name === name && c.value !== '');
  return cookie && `${name}=${cookie.value}`;
}

function csrfTokenOf(body: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

describeEachDialect('bounded state for anonymous visitors', (dialect) => {
  const { app, database } = useTestApp(dialect);

  beforeAll(async () => {
    await createUser(database().db, {
      username: 'ops-state',
      email: 'ops-state@example.test',
      isStaff: true,
      isSuperuser: false,
      isActive: true,
      passwordHash: await hashPassword(PASSWORD),
      dateJoined: Math.floor(Date.now() / 1000),
    });
  });

  const sessionCount = async () => Number((await database().db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const loginForm = () => app().runtime.app.inject({ method: 'GET', url: '/admin/login' });
  const postLogin = (cookie: string | undefined, fields: Record<string, string>, remoteAddress: string) =>
    app().runtime.app.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      payload: new URLSearchParams(fields).toString(),
    });

  it('2,000 visits to GET /admin/login store no session; the form they show still signs staff in', async () => {
    const before = await sessionCount();
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 2_000; i += 1) {
      last = await loginForm();
      expect(last.statusCode).toBe(200);
    }
    expect((await sessionCount()) - before).toBe(0);
    expect(cookieOf(last!, 'tokenkeeper_session')).toBeUndefined();

    const cookie = cookieOf(last!, 'tokenkeeper_csrf');
    expect(last!.cookies.find((c) => c.name === 'tokenkeeper_csrf')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const signedIn = await postLogin(cookie, { _csrf: csrfTokenOf(last!.body), username: 'ops-state', password: PASSWORD }, '198.51.100.10');
    expect(signedIn.statusCode).toBe(303);
    expect(cookieOf(signedIn, 'tokenkeeper_session')).toBeDefined();
    expect(await sessionCount()).toBe(before + 1);
  });

  it('a failed admin sign-in stores no session, and its form works for the next try', async () => {
    const page = await loginForm();
    const cookie = cookieOf(page, 'tokenkeeper_csrf');
    const before = await sessionCount();
    const failed = await postLogin(cookie, { _csrf: csrfTokenOf(page.body), username: 'ops-state', password: 'wrong password 123' }, '198.51.100.11');
    expect(failed.statusCode).toBe(401);
    expect(cookieOf(failed, 'tokenkeeper_session')).toBeUndefined();
    expect(await sessionCount()).toBe(before);
    const again = await postLogin(cookie, { _csrf: csrfTokenOf(failed.body), username: 'ops-state', password: PASSWORD }, '198.51.100.11');
    expect(again.statusCode).toBe(303);
  });

  it('the anonymous CSRF token fits only its own cookie: with another browser\'s, a made-up one or none, 403', async () => {
    const mine = await loginForm();
    const theirs = await loginForm();
    const token = csrfTokenOf(mine.body);
    const attempts = [
      cookieOf(theirs, 'tokenkeeper_csrf'),
      `tokenkeeper_csrf=${'A'.repeat(43)}`,
      `tokenkeeper_csrf=${token}`,
      undefined,
    ];
    for (const [index, cookie] of attempts.entries()) {
      const answer = await postLogin(cookie, { _csrf: token, username: 'ops-state', password: PASSWORD }, `198.51.100.${20 + index}`);
      expect(answer.statusCode, cookie).toBe(403);
      expect(answer.body).toContain('did not come from this site');
      expect(cookieOf(answer, 'tokenkeeper_session')).toBeUndefined();
    }
  });

  it(`one browser session holds at most ${MAX_PENDING_SIGN_INS_PER_SESSION} pending sign-ins: the oldest are dropped, the newest completes`, async () => {
    const browser = app().browser();
    const states: string[] = [];
    for (let i = 0; i < MAX_PENDING_SIGN_INS_PER_SESSION + 2; i += 1) {
      const started = await browser.get(`${APP_ORIGIN}/login/toolkit`, { followRedirects: false });
      expect(started.status).toBe(303);
      states.push(new URL(started.location!).searchParams.get('state')!);
      // Back-date what is stored, so "oldest" is told apart within one second of the clock.
      await database().db.updateTable('login_transactions').set((eb) => ({ created_at: eb('created_at', '-', 10) })).execute();
    }
    const sessionId = createHash('sha256').update(browser.cookies.get('tokenkeeper_session', APP_ORIGIN)!).digest('hex');
    const kept = await database().db.selectFrom('login_transactions').select('state').where('session_id', '=', sessionId).execute();
    expect(kept.map((row) => row.state).sort()).toEqual(states.slice(-MAX_PENDING_SIGN_INS_PER_SESSION).sort());

    // A dropped one is refused like any unknown state; starting once more and finishing works.
    const dropped = await browser.get(`${APP_ORIGIN}/auth/toolkit/callback?state=${states[0]}&code=x`, { followRedirects: false });
    expect(dropped.status).toBe(400);
    expect(dropped.text).toContain('not valid in this browser');
    const landed = await signIn(browser, 'alice');
    expect(landed.status).toBe(200);
    expect(landed.url.startsWith(APP_ORIGIN)).toBe(true);
    expect(JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text)).toMatchObject({ connections: [{ provider: 'toolkit', status: 'active' }] });
  });
});
