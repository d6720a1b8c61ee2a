// Tokenkeeper against a real third-party server: Django OAuth Toolkit as
// Debian packages it (test/interop/dot/), configured only through the
// documented TOOLKIT_* variables. DOT publishes no revocation_endpoint in its
// discovery document, so TOOLKIT_REVOCATION_URL adds it.
import { randomBytes } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { expect, it } from 'vitest';
import { APP_ORIGIN } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { describeEachDialectWithDot, startDot } from './dot-server.js';
import { countsDelta, expectAllAnswered, expectDisconnected, expectOneRefreshAfterItsRefusal, expectOneRefusedRefreshThenNeedsReauth, expectRefreshed, expectSignedIn, proxied, storedToken, userIdOf, useInteropCase, withAppConfiguredBy } from './interop-case.js';

const CLIENT_ID = 'tokenkeeper-interop';
const CLIENT_SECRET = randomBytes(24).toString('hex');
/** RFC 6749 §2.3.1 client_secret_basic (both values are URL-safe as they are). */
const CLIENT_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const PASSWORD = 'correct horse battery staple';
const SCOPE = 'openid profile email read';
/** One DOT user per test, so no test depends on another's tokens. */
const USERNAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
/**
 * DOT's short tokens, as long as the default refresh leeway (60 s): the leeway
 * is capped at half a token's lifetime, so a fresh token is used, not refreshed.
 */
const ACCESS_TOKEN_SECONDS = 60;
const STORM = 30;

describeEachDialectWithDot('Django OAuth Toolkit 1.7, a real OpenID provider', (dialect) => {
  const toolkit = useInteropCase(dialect, {
    provider: 'toolkit',
    proxyPath: 'notes',
    start: () =>
      startDot({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: `${APP_ORIGIN}/auth/toolkit/callback`,
        password: PASSWORD,
        usernames: USERNAMES,
        accessTokenSeconds: ACCESS_TOKEN_SECONDS,
      }),
    env: (dot) => ({
      OAUTH_PROVIDERS: 'toolkit',
      TOOLKIT_CLIENT_ID: CLIENT_ID,
      TOOLKIT_CLIENT_SECRET: CLIENT_SECRET,
      // With the trailing slash: DOT serves the document only there (without it, 404 here; 301 where Django's CommonMiddleware runs).
      TOOLKIT_SERVER_METADATA_URL: `${dot.origin}/o/.well-known/openid-configuration/`,
      TOOLKIT_REVOCATION_URL: `${dot.origin}/o/revoke_token/`,
      TOOLKIT_SCOPE: SCOPE,
      TOOLKIT_API_BASE_URL: `${dot.origin}/api`,
    }),
  });

  it('configured by its issuer alone, the sign-in page names the discovery URL DOT answered 404 and hints at the trailing slash', async () => {
    const dot = toolkit.server;
    const env = {
      OAUTH_PROVIDERS: 'toolkit',
      TOOLKIT_CLIENT_ID: CLIENT_ID,
      TOOLKIT_CLIENT_SECRET: CLIENT_SECRET,
      TOOLKIT_ISSUER: `${dot.origin}/o`,
      TOOLKIT_SCOPE: SCOPE,
      TOOLKIT_API_BASE_URL: `${dot.origin}/api`,
    };
    await withAppConfiguredBy(toolkit, env, async (issuerOnly) => {
      const page = await issuerOnly.browser().get(`${APP_ORIGIN}/login/toolkit`);
      expect(page.status).toBe(502);
      expect(page.text).toContain(
        `Toolkit answered the discovery at ${dot.origin}/o/.well-known/openid-configuration with HTTP 404. Some servers (Django OAuth Toolkit) serve it only with a trailing slash: try the metadata URL ${dot.origin}/o/.well-known/openid-configuration/`,
      );
    });
  });

  /** Signs `username` in through DOT's own login and consent forms. */
  async function signIn(username: string): Promise<{ browser: TestBrowser; userId: string; authorization: URL; landed: BrowserResponse }> {
    const dot = toolkit.server;
    const browser = toolkit.app.browser();
    const login = await browser.get(`${APP_ORIGIN}/login/toolkit?next=/account`);
    expect(login.url).toContain(`${dot.origin}/accounts/login/?next=/o/authorize/`);
    const consent = await browser.submitForm(login, { username, password: PASSWORD });
    expect(consent.url).toContain(`${dot.origin}/o/authorize/?`);
    expect(consent.text).toContain('Authorize Tokenkeeper?');
    // The consent form's "Authorize" button is a submit control named allow.
    const landed = await browser.submitForm(consent, { allow: 'Authorize' });
    return { browser, userId: await userIdOf(toolkit, dot.subjects[username]!), authorization: new URL(consent.url), landed };
  }

  function callApiAtDot(accessToken: string): Promise<Response> {
    return fetch(`${toolkit.server.origin}/api/notes`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  /** A refresh grant sent straight to DOT, as the app would send it. */
  function refreshAtDot(refreshToken: string): Promise<Response> {
    return fetch(`${toolkit.server.origin}/o/token/`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
  }

  /** DOT's own record of a refresh token: undefined when unknown, `revoked` null while it is live. */
  function refreshTokenAtDot(token: string): { revoked: string | null } | undefined {
    const dotDb = new Sqlite(toolkit.server.databasePath, { readonly: true, fileMustExist: true });
    try {
      return dotDb.prepare('select revoked from oauth2_provider_refreshtoken where token = ?').get(token) as { revoked: string | null } | undefined;
    } finally {
      dotDb.close();
    }
  }

  it("signs in through DOT's login and consent forms with PKCE, as DOT's sub, and stores the refresh token DOT issued", async () => {
    const dot = toolkit.server;
    let signedIn!: Awaited<ReturnType<typeof signIn>>;
    const delta = await countsDelta(toolkit.server, async () => {
      signedIn = await signIn('alice');
    });
    expect(delta).toEqual({ 'token:authorization_code': 1, 'token:authorization_code:200': 1 });
    const expected = { name: 'Alice Example', issuer: `${dot.origin}/o`, subject: dot.subjects.alice!, email: 'alice@example.test', scope: SCOPE };
    const token = await expectSignedIn(toolkit, signedIn, { ...expected, accessTokenSeconds: ACCESS_TOKEN_SECONDS });
    expect(refreshTokenAtDot(token.refreshToken!)).toEqual({ revoked: null });
    // DOT's own userinfo names the same subject for the stored access token.
    const userinfo = await fetch(`${dot.origin}/o/userinfo/`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: dot.subjects.alice, preferred_username: 'alice' });
  });

  it("the proxy calls DOT's protected API with the user's token, without a refresh", async () => {
    const { browser } = await signIn('bob');
    let answer!: BrowserResponse;
    const delta = await countsDelta(toolkit.server, async () => {
      answer = await proxied(toolkit, browser);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ username: 'bob', name: 'Bob Example', notes: ["bob's first note", "bob's second note"] });
    expect(delta).toEqual({});
  });

  it(`${STORM} concurrent calls with an expired token make exactly one refresh at DOT, and the rotated refresh token is saved`, async () => {
    const { browser, userId } = await signIn('carol');
    const before = await storedToken(toolkit, userId);
    await expireStoredAccessToken(toolkit.database, userId);

    const delta = await countsDelta(toolkit.server, () => expectAllAnswered(toolkit, browser, STORM, { username: 'carol' }));
    expect(delta).toEqual({ 'token:refresh_token': 1, 'token:refresh_token:200': 1 });

    const after = await expectRefreshed(toolkit, userId, before, ACCESS_TOKEN_SECONDS);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // DOT rotated: the saved refresh token is the live one, the old one is revoked there.
    expect(refreshTokenAtDot(after.refreshToken!)).toEqual({ revoked: null });
    expect(refreshTokenAtDot(before.refreshToken!)?.revoked).toEqual(expect.any(String));
    expect((await callApiAtDot(after.accessToken)).status).toBe(200);
    const replay = await refreshAtDot(before.refreshToken!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('disconnect revokes the grant at DOT (RFC 7009), so neither token works there any more', async () => {
    const { browser, userId } = await signIn('dave');
    const stored = await storedToken(toolkit, userId);
    expect((await callApiAtDot(stored.accessToken)).status).toBe(200);

    const delta = await countsDelta(toolkit.server, () => expectDisconnected(toolkit, browser, userId, true));
    // The refresh token, then the access token: two RFC 7009 requests, both accepted.
    expect(delta).toEqual({ revoke: 2, 'revoke:200': 2 });

    const call = await callApiAtDot(stored.accessToken);
    expect(call.status).toBe(401);
    expect(call.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const refresh = await refreshAtDot(stored.refreshToken!);
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a refresh token revoked at DOT turns an expired token into 401 needs_reauth, with one refresh attempt only', async () => {
    const { browser, userId } = await signIn('erin');
    const stored = await storedToken(toolkit, userId);
    const revoke = await fetch(`${toolkit.server.origin}/o/revoke_token/`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ token: stored.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    expect(refreshTokenAtDot(stored.refreshToken!)?.revoked).toEqual(expect.any(String));
    await expectOneRefusedRefreshThenNeedsReauth(toolkit, browser, userId);
  });

  it('a token DOT expired before the app expected is refreshed once after DOT answers 401, and the call retried', async () => {
    const { browser, userId } = await signIn('frank');
    const stored = await storedToken(toolkit, userId);
    // Expire it on DOT's side only: the app still thinks it has two minutes left.
    const dotDb = new Sqlite(toolkit.server.databasePath, { fileMustExist: true, timeout: 10_000 });
    try {
      const changed = dotDb.prepare("update oauth2_provider_accesstoken set expires = '2000-01-01 00:00:00' where token = ?").run(stored.accessToken);
      expect(changed.changes).toBe(1);
    } finally {
      dotDb.close();
    }
    expect((await callApiAtDot(stored.accessToken)).status).toBe(401);

    await expectOneRefreshAfterItsRefusal(toolkit, browser, userId, stored, { username: 'frank' });
  });
});
