// OpenID Connect Back-Channel Logout 1.0: a provider posts a logout token to
// /auth/<name>/backchannel-logout when a person's session there ends, and the
// sessions here that signed in through that session (sid), or as that person
// (sub), end. Every check of §2.6 is proved with a hostile provider's tokens;
// the whole round trip with oidc-provider (the dev provider) signing a person out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from './support/browser.js';
import { startHostileProvider, type HostileProvider } from './support/hostile-provider.js';
import { startLiveApp, type LiveApp } from './support/live-app.js';
import { describeEachDialect, DIALECTS, type TestDatabase } from './support/postgres.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const ME = `${APP_ORIGIN}/api/me`;
const LOGOUT = '/auth/toolkit/backchannel-logout';
const now = () => Math.floor(Date.now() / 1000);

function post(app: TestApp, logoutToken: string | null, path = LOGOUT) {
  return app.runtime.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: logoutToken === null ? '' : new URLSearchParams({ logout_token: logoutToken }).toString(),
  });
}

describeEachDialect('back-channel logout', (dialect) => {
  let hostile: HostileProvider;
  beforeAll(async () => {
    hostile = await startHostileProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterAll(() => hostile?.close());
  const { app, database } = useTestApp(dialect, () => ({
    env: { TOOLKIT_ISSUER: hostile.issuer, TOOLKIT_CLIENT_ID: CLIENT_ID, TOOLKIT_CLIENT_SECRET: CLIENT_SECRET, TOOLKIT_API_BASE_URL: `${hostile.issuer}/api` },
  }));

  /** Signs `sub` in, its ID token naming the provider's session `sid` (or none); the browser's session is checked to work. */
  async function signIn(sub: string, sid: string | null): Promise<TestBrowser> {
    hostile.signInAs({ sub, name: `User ${sub}` });
    hostile.misbehave(sid === null ? {} : { idToken: { claims: { sid } } });
    const browser = app().browser();
    expect((await browser.get(`${APP_ORIGIN}/login/toolkit`)).url).toBe(`${APP_ORIGIN}/`);
    hostile.behave();
    expect((await browser.get(ME)).status).toBe(200);
    return browser;
  }
  const signedIn = async (browser: TestBrowser) => (await browser.get(ME)).status === 200;
  const sessionCount = async (db: TestDatabase) => (await db.db.selectFrom('sessions').select('id').where('user_id', 'is not', null).execute()).length;

  it("ends the session its sid names, and only that one: the same person's other session and everyone else's stay, and so do the tokens", async () => {
    const laptop = await signIn('ada', 'op-session-1');
    const phone = await signIn('ada', 'op-session-2');
    const bystander = await signIn('grace', 'op-session-3');
    const tokens = await database().db.selectFrom('tokens').select('id').execute();

    const answer = await post(app(), await hostile.logoutToken({ sub: 'ada', sid: 'op-session-1' }));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(await signedIn(laptop)).toBe(false);
    expect(await signedIn(phone)).toBe(true);
    expect(await signedIn(bystander)).toBe(true);
    expect(await database().db.selectFrom('tokens').select('id').execute()).toEqual(tokens);
    const audit = await database().db.selectFrom('audit_log').select(['event', 'target_id', 'detail']).where('event', '=', 'user.signed_out').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail ?? '{}')).toEqual({ provider: 'toolkit', by: 'back-channel logout' });

    // Posted again (a provider retrying): nothing left to end, still 200.
    expect((await post(app(), await hostile.logoutToken({ sid: 'op-session-1' }))).statusCode).toBe(200);
  });

  it('with a sub and no sid, ends every session that signed in through this provider as that person', async () => {
    const first = await signIn('alan', 'op-session-4');
    const second = await signIn('alan', null);
    const bystander = await signIn('edsger', null);
    expect((await post(app(), await hostile.logoutToken({ sub: 'alan' }))).statusCode).toBe(200);
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn(second)).toBe(false);
    expect(await signedIn(bystander)).toBe(true);
    // A person never seen here: nothing to end.
    expect((await post(app(), await hostile.logoutToken({ sub: 'nobody' }))).statusCode).toBe(200);
  });

  const past = () => now() - 3600;
  const REFUSED: Array<{ name: string; token: () => Promise<string>; reason: RegExp }> = [
    { name: 'signed by a key the provider never published', token: () => withSigning('forged-key'), reason: /signature/ },
    { name: 'alg: none', token: () => withSigning('none'), reason: /not allowed|alg/ },
    { name: 'HS256 with the public key as the secret', token: () => withSigning('hs256-with-public-key'), reason: /not allowed|alg/ },
    { name: 'a payload changed after signing', token: () => withSigning('tampered-payload'), reason: /signature/ },
    { name: 'another issuer', token: () => hostile.logoutToken({ sid: 'target', iss: 'https://evil.example' }), reason: /iss/ },
    { name: 'another audience', token: () => hostile.logoutToken({ sid: 'target', aud: 'another-client' }), reason: /aud/ },
    { name: 'no logout event', token: () => hostile.logoutToken({ sid: 'target', events: { 'http://schemas.openid.net/event/other': {} } }), reason: /events/ },
    { name: 'the logout event not an object', token: () => hostile.logoutToken({ sid: 'target', events: { 'http://schemas.openid.net/event/backchannel-logout': true } }), reason: /events/ },
    { name: 'no events claim (an ID token)', token: () => hostile.logoutToken({ sid: 'target', events: undefined }), reason: /events/ },
    { name: 'a nonce (an ID token)', token: () => hostile.logoutToken({ sid: 'target', nonce: 'n' }), reason: /nonce/ },
    { name: 'no jti', token: () => hostile.logoutToken({ sid: 'target', jti: undefined }), reason: /jti/ },
    { name: 'no iat', token: () => hostile.logoutToken({ sid: 'target', iat: undefined }), reason: /iat/ },
    { name: 'issued an hour ago (a replay)', token: () => hostile.logoutToken({ sid: 'target', iat: past() }), reason: /iat|age|too old/ },
    { name: 'issued in the future', token: () => hostile.logoutToken({ sid: 'target', iat: now() + 3600 }), reason: /iat/ },
    { name: 'expired', token: () => hostile.logoutToken({ sid: 'target', exp: past() + 60 }), reason: /exp/ },
    { name: 'neither sub nor sid', token: () => hostile.logoutToken({}), reason: /neither a sub nor a sid/ },
    { name: 'a sid that is not a string', token: () => hostile.logoutToken({ sid: 42 }), reason: /sid/ },
    { name: 'another type of JWT (an access token)', token: () => hostile.logoutToken({ sid: 'target' }, 'at+jwt'), reason: /typ/ },
  ];
  async function withSigning(signing: 'forged-key' | 'none' | 'hs256-with-public-key' | 'tampered-payload'): Promise<string> {
    hostile.misbehave({ idToken: { signing } });
    try {
      return await hostile.logoutToken({ sid: 'target' });
    } finally {
      hostile.behave();
    }
  }

  it.each(REFUSED)('refuses a logout token with $name: 400 invalid_request saying why, no session ended', async ({ token, reason }) => {
    const browser = await signIn('barbara', 'target');
    const sessions = await sessionCount(database());
    const answer = await post(app(), await token());
    expect(answer.statusCode).toBe(400);
    const body = answer.json<{ error: string; error_description: string }>();
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(reason);
    expect(await signedIn(browser)).toBe(true);
    expect(await sessionCount(database())).toBe(sessions);
  });

  it('a logout token posted again is refused and ends nothing more: a session signed in since stays; the same token posted twice at once is taken once', async () => {
    await signIn('edsger', null);
    const token = await hostile.logoutToken({ sub: 'edsger' });
    expect((await post(app(), token)).statusCode).toBe(200);
    const since = await signIn('edsger', null);
    const again = await post(app(), token);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ error: 'invalid_request', error_description: 'the logout token was already taken (its jti was seen before)' });
    expect(await signedIn(since)).toBe(true);

    const twice = await hostile.logoutToken({ sub: 'edsger' });
    const answers = await Promise.all([post(app(), twice), post(app(), twice)]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 400]);
    expect(await signedIn(since)).toBe(false);
  });

  it('refuses a request without a logout token, and is 404 for a provider that does not exist', async () => {
    const missing = await post(app(), null);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/logout_token is missing/) });
    const unknown = await post(app(), await hostile.logoutToken({ sid: 'x' }), '/auth/nosuch/backchannel-logout');
    expect(unknown.statusCode).toBe(404);
  });

  it('takes the JWT type or none as well as logout+jwt, as providers send', async () => {
    const typed = await signIn('katherine', 'op-session-5');
    expect((await post(app(), await hostile.logoutToken({ sid: 'op-session-5' }, 'JWT'))).statusCode).toBe(200);
    expect(await signedIn(typed)).toBe(false);
    const untyped = await signIn('katherine', 'op-session-6');
    expect((await post(app(), await hostile.logoutToken({ sid: 'op-session-6' }, null))).statusCode).toBe(200);
    expect(await signedIn(untyped)).toBe(false);
  });
});

describe('back-channel logout from oidc-provider (the dev provider)', () => {
  let database: TestDatabase;
  let live: LiveApp;
  /** What the dev provider warned of (a logout token it could not deliver). */
  const providerWarnings: string[] = [];
  beforeAll(async () => {
    database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    const logger = { info: () => {}, warn: (fields: object, message?: string) => void providerWarnings.push(`${message} ${JSON.stringify(fields)}`) };
    live = await startLiveApp({ databaseUrl: database.url, backchannelLogout: true, provider: { logger } });
  });
  afterAll(async () => {
    await live?.close();
    await database?.close();
  });

  async function signIn(browser: TestBrowser, username: string): Promise<void> {
    const login = await browser.get(`${live.origin}/login/toolkit`);
    const afterLogin = await browser.submitForm(login, { username, password: username });
    const landed = afterLogin.url.startsWith(live.origin) ? afterLogin : await browser.submitForm(afterLogin);
    expect(landed.url).toBe(`${live.origin}/`);
    expect((await browser.get(`${live.origin}/api/me`)).status).toBe(200);
  }

  it('signing out at the provider ends the session here that signed in there, and no other', async () => {
    const alice = new TestBrowser();
    const bob = new TestBrowser();
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    const stored = await database.db.selectFrom('sessions').select(['signed_in_with', 'provider_sid']).where('user_id', 'is not', null).execute();
    expect(stored).toHaveLength(2);
    for (const session of stored) expect(session).toEqual({ signed_in_with: 'toolkit', provider_sid: expect.any(String) });

    const logoutPage = await alice.get(`${live.provider.issuer}/session/end`);
    expect(logoutPage.text).toContain('<title>Sign out</title>');
    await alice.submitForm(logoutPage, { logout: 'yes' });

    expect(providerWarnings).toEqual([]);
    expect((await alice.get(`${live.origin}/api/me`)).status).toBe(401);
    expect((await bob.get(`${live.origin}/api/me`)).status).toBe(200);
  });
});
