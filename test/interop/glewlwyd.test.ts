// Tokenkeeper against a second real third-party server: Glewlwyd 2.7.5, as
// Debian packages it, with its OpenID Connect plugin (test/interop/glewlwyd-server.ts),
// configured only through the documented GLEWLWYD_* variables: the glewlwyd
// preset, for where Glewlwyd departs from RFC 6749
// (Basic credentials read as they are, a refused refresh token answered with an
// empty HTTP 400), the issuer alone (its discovery names every endpoint,
// revocation included) and, for the proxy, the plugin's own path as the API
// base, where its userinfo endpoint is an API that takes the access token.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { APP_ORIGIN } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { describeEachDialectWithGlewlwyd, signInAtGlewlwyd, startGlewlwyd, type GlewlwydTokenRows } from './glewlwyd-server.js';
import { expectAllAnswered, expectDisconnected, expectNeedsReauth, expectRefreshed, expectSignedIn, proxied, storedToken, userIdOf, useInteropCase } from './interop-case.js';

const PROVIDER = 'glewlwyd';
/** With a `-`: the glewlwyd preset sends Basic credentials as they are, which is how Glewlwyd reads them. */
const CLIENT_ID = 'tokenkeeper-interop';
const CLIENT_SECRET = randomBytes(24).toString('hex');
/** Basic credentials as Glewlwyd reads them: as they are (RFC 7617). */
const CLIENT_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const PASSWORD = 'correct horse battery staple';
const SCOPE = 'openid profile email';
/** One Glewlwyd user per test, so no test depends on another's tokens. */
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((username) => ({
  username,
  name: `${username[0]!.toUpperCase()}${username.slice(1)} Example`,
  email: `${username}@example.test`,
}));
/**
 * Glewlwyd's short access tokens, as long as the default refresh leeway (60 s): the leeway
 * is capped at half a token's lifetime, so a fresh token is used, not refreshed.
 */
const ACCESS_TOKEN_SECONDS = 60;
const STORM = 30;
/** What Glewlwyd logs, as a warning, for each refresh token it refuses. */
const REFRESH_REFUSED = 'Security - Token invalid';

describeEachDialectWithGlewlwyd('Glewlwyd 2.7.5, a real OpenID provider', (dialect) => {
  const interop = useInteropCase(dialect, {
    provider: PROVIDER,
    proxyPath: 'userinfo',
    start: () =>
      startGlewlwyd({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: `${APP_ORIGIN}/auth/${PROVIDER}/callback`,
        password: PASSWORD,
        users: USERS,
        scopes: ['profile', 'email'],
        accessTokenSeconds: ACCESS_TOKEN_SECONDS,
      }),
    env: (glewlwyd) => ({
      OAUTH_PROVIDERS: PROVIDER,
      GLEWLWYD_PRESET: 'glewlwyd',
      GLEWLWYD_ISSUER: glewlwyd.issuer,
      GLEWLWYD_CLIENT_ID: CLIENT_ID,
      GLEWLWYD_CLIENT_SECRET: CLIENT_SECRET,
      GLEWLWYD_SCOPE: SCOPE,
      GLEWLWYD_API_BASE_URL: glewlwyd.issuer,
    }),
  });

  /** Signs `username` in through Glewlwyd's login API and its grant of the client's scopes. */
  async function signIn(username: string): Promise<{ browser: TestBrowser; userId: string; loginUrl: URL; landed: BrowserResponse }> {
    const glewlwyd = interop.server;
    const browser = interop.app.browser();
    const loginPage = await browser.get(`${APP_ORIGIN}/login/${PROVIDER}?next=/account`, { stopAt: `${glewlwyd.origin}/login.html` });
    expect(loginPage.location).toContain(`${glewlwyd.origin}/login.html?`);
    const landed = await signInAtGlewlwyd(browser, loginPage, glewlwyd, { username, password: PASSWORD, clientId: CLIENT_ID, scope: SCOPE });
    return { browser, userId: await userIdOf(interop, glewlwyd.subjectOf(username)), loginUrl: new URL(loginPage.location!), landed };
  }

  /** What `action` changed in Glewlwyd's own token tables for `username`. */
  async function tokenRowsDelta(username: string, action: () => Promise<unknown>): Promise<GlewlwydTokenRows> {
    const before = interop.server.tokenRows(username);
    await action();
    const after = interop.server.tokenRows(username);
    return { accessTokens: after.accessTokens - before.accessTokens, refreshTokens: after.refreshTokens - before.refreshTokens };
  }

  function userinfoAtGlewlwyd(accessToken: string): Promise<Response> {
    return fetch(`${interop.server.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  /** A grant or revocation sent straight to Glewlwyd's `endpoint`, as the app would send it. */
  function postAtGlewlwyd(endpoint: 'token' | 'introspect' | 'revoke', form: Record<string, string>): Promise<Response> {
    return fetch(`${interop.server.issuer}/${endpoint}`, { method: 'POST', headers: { authorization: CLIENT_BASIC }, body: new URLSearchParams(form) });
  }

  /** Glewlwyd's RFC 7662 introspection of a token, as the client. */
  async function introspectAtGlewlwyd(token: string, hint: 'refresh_token' | 'access_token'): Promise<{ active: boolean }> {
    const response = await postAtGlewlwyd('introspect', { token, token_type_hint: hint });
    expect(response.status).toBe(200);
    return (await response.json()) as { active: boolean };
  }

  it("signs in through Glewlwyd's login API with PKCE, as Glewlwyd's sub, and stores the refresh token it issued", async () => {
    const glewlwyd = interop.server;
    let signedIn!: Awaited<ReturnType<typeof signIn>>;
    const delta = await tokenRowsDelta('alice', async () => {
      signedIn = await signIn('alice');
    });
    expect(delta).toEqual({ accessTokens: 1, refreshTokens: 1 });
    const authorization = new URL(signedIn.loginUrl.searchParams.get('callback_url')!);
    expect(authorization.href.startsWith(`${glewlwyd.issuer}/auth?`)).toBe(true);
    const expected = { name: 'Alice Example', issuer: glewlwyd.issuer, subject: glewlwyd.subjectOf('alice'), email: 'alice@example.test', scope: SCOPE };
    const token = await expectSignedIn(interop, { ...signedIn, authorization }, { ...expected, accessTokenSeconds: ACCESS_TOKEN_SECONDS });
    expect(glewlwyd.refreshTokenEnabled(token.refreshToken!)).toBe(true);
    // Glewlwyd's own userinfo names the same subject for the stored access token.
    const userinfo = await userinfoAtGlewlwyd(token.accessToken);
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: glewlwyd.subjectOf('alice'), name: 'Alice Example', email: 'alice@example.test' });
  });

  it("the proxy calls Glewlwyd's userinfo API with the user's token, without a refresh", async () => {
    const { browser } = await signIn('bob');
    let answer!: BrowserResponse;
    const delta = await tokenRowsDelta('bob', async () => {
      answer = await proxied(interop, browser);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: interop.server.subjectOf('bob'), name: 'Bob Example', email: 'bob@example.test' });
    expect(delta).toEqual({ accessTokens: 0, refreshTokens: 0 });
  });

  it(`${STORM} concurrent calls with an expired token make exactly one refresh at Glewlwyd, and its new single-use refresh token is saved`, async () => {
    const glewlwyd = interop.server;
    const { browser, userId } = await signIn('carol');
    const before = await storedToken(interop, userId);
    await expireStoredAccessToken(interop.database, userId, PROVIDER);

    const delta = await tokenRowsDelta('carol', () => expectAllAnswered(interop, browser, STORM, { sub: glewlwyd.subjectOf('carol') }));
    // One refresh: one access token and one refresh token more in Glewlwyd's tables. A second refresh
    // with the same single-use token would also have disabled the chain's newest one, checked below.
    expect(delta).toEqual({ accessTokens: 1, refreshTokens: 1 });

    const after = await expectRefreshed(interop, userId, before, ACCESS_TOKEN_SECONDS);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(glewlwyd.refreshTokenEnabled(after.refreshToken!)).toBe(true);
    expect(glewlwyd.refreshTokenEnabled(before.refreshToken!)).toBe(false);
    expect((await userinfoAtGlewlwyd(after.accessToken)).status).toBe(200);
  });

  it('disconnect revokes the grant at Glewlwyd (RFC 7009), so neither token works there any more', async () => {
    const { browser, userId } = await signIn('dave');
    const stored = await storedToken(interop, userId);
    expect((await userinfoAtGlewlwyd(stored.accessToken)).status).toBe(200);
    expect(await introspectAtGlewlwyd(stored.refreshToken!, 'refresh_token')).toMatchObject({ active: true });

    await expectDisconnected(interop, browser, userId, true);

    expect(interop.server.refreshTokenEnabled(stored.refreshToken!)).toBe(false);
    expect(await introspectAtGlewlwyd(stored.refreshToken!, 'refresh_token')).toEqual({ active: false });
    expect(await introspectAtGlewlwyd(stored.accessToken, 'access_token')).toEqual({ active: false });
    expect((await userinfoAtGlewlwyd(stored.accessToken)).status).toBe(401);
    expect((await postAtGlewlwyd('token', { grant_type: 'refresh_token', refresh_token: stored.refreshToken! })).status).toBe(400);
  });

  it('a refresh token revoked at Glewlwyd turns an expired token into 401 needs_reauth, with one refresh attempt only', async () => {
    const glewlwyd = interop.server;
    const { browser, userId } = await signIn('erin');
    const stored = await storedToken(interop, userId);
    const revoke = await postAtGlewlwyd('revoke', { token: stored.refreshToken!, token_type_hint: 'refresh_token' });
    expect(revoke.status).toBe(200);
    expect(glewlwyd.refreshTokenEnabled(stored.refreshToken!)).toBe(false);
    await expireStoredAccessToken(interop.database, userId, PROVIDER);

    const refusedBefore = glewlwyd.logged(REFRESH_REFUSED);
    const first = await proxied(interop, browser);
    const second = await proxied(interop, browser);
    // Glewlwyd refused the one refresh (an empty HTTP 400, which the preset reads as invalid_grant); the second call did not ask again.
    expect(glewlwyd.logged(REFRESH_REFUSED) - refusedBefore).toBe(1);
    await expectNeedsReauth(interop, browser, userId, first, second);
  });

  it('an access token Glewlwyd revoked before it expired is refreshed once after its userinfo answers 401, and the call retried', async () => {
    const { browser, userId } = await signIn('frank');
    const stored = await storedToken(interop, userId);
    // Revoked at Glewlwyd only: the app still thinks it has a minute left.
    const revoke = await postAtGlewlwyd('revoke', { token: stored.accessToken, token_type_hint: 'access_token' });
    expect(revoke.status).toBe(200);
    const refused = await userinfoAtGlewlwyd(stored.accessToken);
    // RFC 6750 §3 asks for a WWW-Authenticate challenge with the 401; Glewlwyd 2.7.5 sends none, and the 401 alone is enough.
    expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, null]);

    let answer!: BrowserResponse;
    const delta = await tokenRowsDelta('frank', async () => {
      answer = await proxied(interop, browser);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: interop.server.subjectOf('frank') });
    expect(delta).toEqual({ accessTokens: 1, refreshTokens: 1 });
    expect((await storedToken(interop, userId)).accessToken).not.toBe(stored.accessToken);
  });
});
