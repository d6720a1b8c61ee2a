// Tokenkeeper against a real third-party server: Better Auth 1.7 with its
// OAuth 2.1 Provider plugin (@better-auth/oauth-provider), from npm
// (test/interop/better-auth/, installed by .ci/install-better-auth),
// configured only through the documented variables of a provider without a
// preset: its issuer (for discovery), client, scope and API base.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { APP_ORIGIN } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { authorizeAtBetterAuth, describeEachDialectWithBetterAuth, startBetterAuth } from './better-auth-server.js';
import { countsDelta, expectAllAnswered, expectDisconnected, expectOneRefusedRefreshThenNeedsReauth, expectRefreshed, expectSignedIn, proxied, storedToken, userIdOf, useInteropCase } from './interop-case.js';

const PROVIDER = 'keep';
const CLIENT_ID = randomBytes(12).toString('hex');
const CLIENT_SECRET = randomBytes(24).toString('hex');
/** RFC 6749 §2.3.1 client_secret_basic (both values are URL-safe as they are). */
const CLIENT_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const PASSWORD = 'correct horse battery staple';
const API_SCOPE = 'notes:read';
/** offline_access: Better Auth issues a refresh token only when it is granted. */
const SCOPE = `openid profile email offline_access ${API_SCOPE}`;
/** One user per test, so no test depends on another's tokens. */
const USERNAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const ACCESS_TOKEN_SECONDS = 3600;
const STORM = 30;

describeEachDialectWithBetterAuth('Better Auth 1.7 with its OAuth 2.1 Provider, a real OpenID provider', (dialect) => {
  const keep = useInteropCase(dialect, {
    provider: PROVIDER,
    proxyPath: 'notes',
    start: () =>
      startBetterAuth({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: `${APP_ORIGIN}/auth/${PROVIDER}/callback`,
        password: PASSWORD,
        usernames: USERNAMES,
        apiScope: API_SCOPE,
        accessTokenSeconds: ACCESS_TOKEN_SECONDS,
      }),
    env: (betterAuth) => ({
      OAUTH_PROVIDERS: PROVIDER,
      // Better Auth's issuer is its base path (/api/auth), and its discovery document is served under it.
      KEEP_ISSUER: betterAuth.issuer,
      KEEP_CLIENT_ID: CLIENT_ID,
      KEEP_CLIENT_SECRET: CLIENT_SECRET,
      KEEP_SCOPE: SCOPE,
      KEEP_API_BASE_URL: `${betterAuth.origin}/api`,
    }),
  });

  /** Starts a sign-in at the app as `browser`: the authorization URL the app sent it to. */
  async function startSignIn(browser: TestBrowser): Promise<URL> {
    const start = await browser.get(`${APP_ORIGIN}/login/${PROVIDER}?next=/account`, { followRedirects: false });
    expect(start.location).toContain(`${keep.server.issuer}/oauth2/authorize?`);
    return new URL(start.location!);
  }

  /** Signs `username` in: the login page with its signed query, the e-mail sign-in, the consent accepted, the app's callback. */
  async function signIn(username: string): Promise<{ browser: TestBrowser; userId: string; authorization: URL; callback: URL; landed: BrowserResponse }> {
    const browser = keep.app.browser();
    const authorization = await startSignIn(browser);
    const { loginPage, consentPage, callback } = await authorizeAtBetterAuth(authorization.href, { email: `${username}@example.test`, password: PASSWORD }, 'accept');
    expect(loginPage.pathname).toBe('/sign-in');
    expect(loginPage.searchParams.get('sig')).toEqual(expect.any(String));
    expect(consentPage.pathname).toBe('/consent');
    const landed = await browser.get(callback);
    return { browser, userId: await userIdOf(keep, keep.server.subjects[username]!), authorization, callback: new URL(callback), landed };
  }

  function callApiAtBetterAuth(accessToken: string): Promise<Response> {
    return fetch(`${keep.server.origin}/api/notes`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  function refreshAtBetterAuth(refreshToken: string): Promise<Response> {
    return fetch(`${keep.server.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
  }

  /** Better Auth's RFC 7662 answer about `token`, asked as the client. */
  async function introspectAtBetterAuth(token: string, hint: 'access_token' | 'refresh_token'): Promise<{ active: boolean }> {
    const response = await fetch(`${keep.server.issuer}/oauth2/introspect`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ token, token_type_hint: hint }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { active: boolean };
  }

  it('signs in through the login page and consent with PKCE, a nonce and RFC 9207 iss, as the ID token’s sub, and stores the refresh token Better Auth issued', async () => {
    const betterAuth = keep.server;
    let signedIn!: Awaited<ReturnType<typeof signIn>>;
    const delta = await countsDelta(betterAuth, async () => {
      signedIn = await signIn('alice');
    });
    expect(delta).toEqual({ 'token:authorization_code': 1, 'token:authorization_code:200': 1 });
    expect(signedIn.authorization.searchParams.get('nonce')).toEqual(expect.any(String));
    expect(signedIn.callback.searchParams.get('iss')).toBe(betterAuth.issuer);
    const expected = { name: 'Alice Example', issuer: betterAuth.issuer, subject: betterAuth.subjects.alice!, email: 'alice@example.test', scope: SCOPE };
    const token = await expectSignedIn(keep, signedIn, { ...expected, accessTokenSeconds: ACCESS_TOKEN_SECONDS });
    expect(await introspectAtBetterAuth(token.refreshToken!, 'refresh_token')).toMatchObject({ active: true, sub: betterAuth.subjects.alice });
    const userinfo = await fetch(`${betterAuth.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: betterAuth.subjects.alice, email: 'alice@example.test', name: 'Alice Example' });
  });

  it('the proxy calls the protected API with the user’s token, without a refresh', async () => {
    const { browser } = await signIn('bob');
    let answer!: BrowserResponse;
    const delta = await countsDelta(keep.server, async () => {
      answer = await proxied(keep, browser);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ username: 'bob', notes: ["bob's first note"] });
    expect(delta).toEqual({});
  });

  it(`${STORM} concurrent calls with an expired token make exactly one refresh at Better Auth; the rotated refresh token is saved, and the old one is refused there`, async () => {
    const { browser, userId } = await signIn('carol');
    const before = await storedToken(keep, userId);
    await expireStoredAccessToken(keep.database, userId, PROVIDER);

    const delta = await countsDelta(keep.server, () => expectAllAnswered(keep, browser, STORM, { username: 'carol' }));
    expect(delta).toEqual({ 'token:refresh_token': 1, 'token:refresh_token:200': 1 });

    const after = await expectRefreshed(keep, userId, before, ACCESS_TOKEN_SECONDS);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(await introspectAtBetterAuth(after.refreshToken!, 'refresh_token')).toMatchObject({ active: true });
    expect(await introspectAtBetterAuth(before.refreshToken!, 'refresh_token')).toMatchObject({ active: false });
    expect((await callApiAtBetterAuth(after.accessToken)).status).toBe(200);
    const replay = await refreshAtBetterAuth(before.refreshToken!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('disconnect revokes the refresh token at Better Auth’s /oauth2/revoke (RFC 7009), which ends the access token too; Better Auth’s 400 for that access token is the grant already ended', async () => {
    const { browser, userId } = await signIn('dave');
    const stored = await storedToken(keep, userId);
    expect((await callApiAtBetterAuth(stored.accessToken)).status).toBe(200);

    // Better Auth ends the access token with the refresh token Tokenkeeper revokes first, then answers the
    // access token's revocation 400 invalid_request (not RFC 7009 §2.2's 200 for a token it no longer knows):
    // after the refresh token's revocation, the grant is gone, and the app says so.
    const delta = await countsDelta(keep.server, () => expectDisconnected(keep, browser, userId, true));
    expect(delta).toEqual({ revoke: 2, 'revoke:200': 1, 'revoke:400': 1 });
    expect(await introspectAtBetterAuth(stored.accessToken, 'access_token')).toMatchObject({ active: false });
    expect((await callApiAtBetterAuth(stored.accessToken)).status).toBe(401);
    const again = await fetch(`${keep.server.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ token: stored.accessToken, token_type_hint: 'access_token' }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_request' });
    expect(await introspectAtBetterAuth(stored.refreshToken!, 'refresh_token')).toMatchObject({ active: false });
    const refresh = await refreshAtBetterAuth(stored.refreshToken!);
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a refresh token revoked at Better Auth turns an expired token into 401 needs_reauth, with one refresh attempt only', async () => {
    const { browser, userId } = await signIn('erin');
    const stored = await storedToken(keep, userId);
    const revoke = await fetch(`${keep.server.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ token: stored.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    await expectOneRefusedRefreshThenNeedsReauth(keep, browser, userId);
  });

  it('a person who declines at Better Auth’s consent is told so, and nothing is kept', async () => {
    const browser = keep.app.browser();
    const authorization = await startSignIn(browser);
    let callback!: URL;
    const delta = await countsDelta(keep.server, async () => {
      callback = new URL((await authorizeAtBetterAuth(authorization.href, { email: 'frank@example.test', password: PASSWORD }, 'decline')).callback);
    });
    expect(delta).toEqual({});
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('iss')).toBe(keep.server.issuer);
    const page = await browser.get(callback);
    expect(page.status).toBe(400);
    expect(page.text).toContain('cancelled or refused');
    expect(await keep.database.db.selectFrom('accounts').select('id').where('subject', '=', keep.server.subjects.frank!).executeTakeFirst()).toBeUndefined();
  });
});
