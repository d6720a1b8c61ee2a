// Tokenkeeper against a real third-party server: an OpenID provider built on
// Authlib 1.2 with Flask, as Debian packages them, the way Authlib's
// documentation builds one (test/interop/authlib/), configured only through
// the documented variables of a provider without a preset: its issuer (for
// discovery), client, scope and API base.
import { randomBytes } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { expect, it } from 'vitest';
import { APP_ORIGIN } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { describeEachDialectWithAuthlib, startAuthlib } from './authlib-server.js';
import { countsDelta, expectAllAnswered, expectDisconnected, expectOneRefreshAfterItsRefusal, expectOneRefusedRefreshThenNeedsReauth, expectRefreshed, expectSignedIn, proxied, storedToken, userIdOf, useInteropCase } from './interop-case.js';

const PROVIDER = 'shelf';
const CLIENT_ID = randomBytes(12).toString('hex');
const CLIENT_SECRET = randomBytes(24).toString('hex');
/** RFC 6749 §2.3.1 client_secret_basic (both values are URL-safe as they are). */
const CLIENT_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const PASSWORD = 'correct horse battery staple';
const SCOPE = 'openid profile email notes:read';
/** One user per test, so no test depends on another's tokens. */
const USERNAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const ACCESS_TOKEN_SECONDS = 3600;
const STORM = 30;

describeEachDialectWithAuthlib('Authlib 1.2 (Flask), a real OpenID provider', (dialect) => {
  const shelf = useInteropCase(dialect, {
    provider: PROVIDER,
    proxyPath: 'notes',
    start: () =>
      startAuthlib({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: `${APP_ORIGIN}/auth/${PROVIDER}/callback`,
        password: PASSWORD,
        usernames: USERNAMES,
        accessTokenSeconds: ACCESS_TOKEN_SECONDS,
      }),
    env: (authlib) => ({
      OAUTH_PROVIDERS: PROVIDER,
      SHELF_ISSUER: authlib.origin,
      SHELF_CLIENT_ID: CLIENT_ID,
      SHELF_CLIENT_SECRET: CLIENT_SECRET,
      SHELF_SCOPE: SCOPE,
      SHELF_API_BASE_URL: `${authlib.origin}/api`,
    }),
  });

  /** Signs `username` in through the login form and the consent page. */
  async function signIn(username: string): Promise<{ browser: TestBrowser; userId: string; authorization: URL; landed: BrowserResponse }> {
    const authlib = shelf.server;
    const browser = shelf.app.browser();
    const login = await browser.get(`${APP_ORIGIN}/login/${PROVIDER}?next=/account`);
    expect(login.url).toContain(`${authlib.origin}/login?next=`);
    const consent = await browser.submitForm(login, { username, password: PASSWORD });
    expect(consent.url).toContain(`${authlib.origin}/oauth/authorize?`);
    expect(consent.text).toContain(`Authorize Tokenkeeper for ${username}?`);
    // The first form is the one that approves.
    const landed = await browser.submitForm(consent);
    return { browser, userId: await userIdOf(shelf, authlib.subjects[username]!), authorization: new URL(consent.url), landed };
  }

  function callApiAtAuthlib(accessToken: string): Promise<Response> {
    return fetch(`${shelf.server.origin}/api/notes`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  function refreshAtAuthlib(refreshToken: string): Promise<Response> {
    return fetch(`${shelf.server.origin}/oauth/token`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
  }

  /** Authlib's own record of a token row: undefined when unknown; its revocation times, 0 while live. */
  function tokenAtAuthlib(column: 'access_token' | 'refresh_token', value: string): { access_token_revoked_at: number; refresh_token_revoked_at: number } | undefined {
    const db = new Sqlite(shelf.server.databasePath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(`select access_token_revoked_at, refresh_token_revoked_at from o_auth2_token where ${column} = ?`).get(value) as
        | { access_token_revoked_at: number; refresh_token_revoked_at: number }
        | undefined;
    } finally {
      db.close();
    }
  }

  it('signs in through the login form and consent page with PKCE and a nonce, as the ID token’s sub, and stores the refresh token Authlib issued', async () => {
    const authlib = shelf.server;
    let signedIn!: Awaited<ReturnType<typeof signIn>>;
    const delta = await countsDelta(shelf.server, async () => {
      signedIn = await signIn('alice');
    });
    expect(delta).toEqual({ 'token:authorization_code': 1, 'token:authorization_code:200': 1 });
    expect(signedIn.authorization.searchParams.get('nonce')).toEqual(expect.any(String));
    const expected = { name: 'Alice Example', issuer: authlib.origin, subject: authlib.subjects.alice!, email: 'alice@example.test', scope: SCOPE };
    const token = await expectSignedIn(shelf, signedIn, { ...expected, accessTokenSeconds: ACCESS_TOKEN_SECONDS });
    expect(tokenAtAuthlib('refresh_token', token.refreshToken!)).toEqual({ access_token_revoked_at: 0, refresh_token_revoked_at: 0 });
    const userinfo = await fetch(`${authlib.origin}/oauth/userinfo`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: authlib.subjects.alice, preferred_username: 'alice', email_verified: true });
  });

  it('the proxy calls the protected API with the user’s token, without a refresh', async () => {
    const { browser } = await signIn('bob');
    let answer!: BrowserResponse;
    const delta = await countsDelta(shelf.server, async () => {
      answer = await proxied(shelf, browser);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ username: 'bob', notes: ["bob's first note"] });
    expect(delta).toEqual({});
  });

  it(`${STORM} concurrent calls with an expired token make exactly one refresh at Authlib; the rotated refresh token is saved, and the old pair is revoked there`, async () => {
    const { browser, userId } = await signIn('carol');
    const before = await storedToken(shelf, userId);
    await expireStoredAccessToken(shelf.database, userId, PROVIDER);

    const delta = await countsDelta(shelf.server, () => expectAllAnswered(shelf, browser, STORM, { username: 'carol' }));
    expect(delta).toEqual({ 'token:refresh_token': 1, 'token:refresh_token:200': 1 });

    const after = await expectRefreshed(shelf, userId, before, ACCESS_TOKEN_SECONDS);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(tokenAtAuthlib('refresh_token', after.refreshToken!)).toEqual({ access_token_revoked_at: 0, refresh_token_revoked_at: 0 });
    expect(tokenAtAuthlib('refresh_token', before.refreshToken!)?.refresh_token_revoked_at).toBeGreaterThan(0);
    expect((await callApiAtAuthlib(before.accessToken)).status).toBe(401);
    const replay = await refreshAtAuthlib(before.refreshToken!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('disconnect revokes at Authlib (RFC 7009), so neither token works there any more', async () => {
    const { browser, userId } = await signIn('dave');
    const stored = await storedToken(shelf, userId);
    expect((await callApiAtAuthlib(stored.accessToken)).status).toBe(200);

    const delta = await countsDelta(shelf.server, () => expectDisconnected(shelf, browser, userId, true));
    expect(delta.revoke).toBeGreaterThanOrEqual(1);
    expect(delta.revoke).toBe(delta['revoke:200']);

    expect((await callApiAtAuthlib(stored.accessToken)).status).toBe(401);
    const refresh = await refreshAtAuthlib(stored.refreshToken!);
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a refresh token revoked at Authlib turns an expired token into 401 needs_reauth, with one refresh attempt only', async () => {
    const { browser, userId } = await signIn('erin');
    const stored = await storedToken(shelf, userId);
    const revoke = await fetch(`${shelf.server.origin}/oauth/revoke`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ token: stored.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    await expectOneRefusedRefreshThenNeedsReauth(shelf, browser, userId);
  });

  it('an access token Authlib revoked before the app expected is refreshed once after its 401, and the call retried', async () => {
    const { browser, userId } = await signIn('frank');
    const stored = await storedToken(shelf, userId);
    // Revoke only the access token, on Authlib's side: the app still thinks it has an hour left.
    const db = new Sqlite(shelf.server.databasePath, { fileMustExist: true, timeout: 10_000 });
    try {
      expect(db.prepare('update o_auth2_token set access_token_revoked_at = 1 where access_token = ?').run(stored.accessToken).changes).toBe(1);
    } finally {
      db.close();
    }
    expect((await callApiAtAuthlib(stored.accessToken)).status).toBe(401);

    await expectOneRefreshAfterItsRefusal(shelf, browser, userId, stored, { username: 'frank' });
  });
});
