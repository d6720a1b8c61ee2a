// Tokenkeeper against a second real third-party server: Glewlwyd 2.7.5, as
// Debian packages it, with its OpenID Connect plugin (test/interop/glewlwyd-server.ts),
// configured only through the documented GLEWLWYD_* variables: the glewlwyd
// preset, for where Glewlwyd departs from RFC 6749
// (Basic credentials read as they are, a refused refresh token answered with an
// empty HTTP 400), the issuer alone (its discovery names every endpoint,
// revocation included) and, for the proxy, the plugin's own path as the API
// base, where its userinfo endpoint is an API that takes the access token.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APP_ORIGIN, csrfTokenOf, startProviderTestApp, type ProviderTestApp } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import type { TestDatabase } from '../support/postgres.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { describeEachDialectWithGlewlwyd, signInAtGlewlwyd, startGlewlwyd, type GlewlwydServer, type GlewlwydTokenRows } from './glewlwyd-server.js';

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
  let glewlwyd: GlewlwydServer;
  let database: TestDatabase;
  let app: ProviderTestApp;

  beforeAll(async () => {
    glewlwyd = await startGlewlwyd({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${APP_ORIGIN}/auth/${PROVIDER}/callback`,
      password: PASSWORD,
      users: USERS,
      scopes: ['profile', 'email'],
      accessTokenSeconds: ACCESS_TOKEN_SECONDS,
    });
    database = await dialect.openTestDatabase();
    app = await startProviderTestApp({
      databaseUrl: database.url,
      env: {
        OAUTH_PROVIDERS: PROVIDER,
        GLEWLWYD_PRESET: 'glewlwyd',
        GLEWLWYD_ISSUER: glewlwyd.issuer,
        GLEWLWYD_CLIENT_ID: CLIENT_ID,
        GLEWLWYD_CLIENT_SECRET: CLIENT_SECRET,
        GLEWLWYD_SCOPE: SCOPE,
        GLEWLWYD_API_BASE_URL: glewlwyd.issuer,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await glewlwyd?.close();
  });

  /** Signs `username` in through Glewlwyd's login API and its grant of the client's scopes. */
  async function signIn(username: string): Promise<{ browser: TestBrowser; userId: string; loginUrl: URL; landed: BrowserResponse }> {
    const browser = app.browser();
    const loginPage = await browser.get(`${APP_ORIGIN}/login/${PROVIDER}?next=/account`, { stopAt: `${glewlwyd.origin}/login.html` });
    expect(loginPage.location).toContain(`${glewlwyd.origin}/login.html?`);
    const landed = await signInAtGlewlwyd(browser, loginPage, glewlwyd, { username, password: PASSWORD, clientId: CLIENT_ID, scope: SCOPE });
    const account = await database.db
      .selectFrom('accounts')
      .select('user_id')
      .where('provider', '=', PROVIDER)
      .where('subject', '=', glewlwyd.subjectOf(username))
      .executeTakeFirstOrThrow();
    return { browser, userId: account.user_id, loginUrl: new URL(loginPage.location!), landed };
  }

  /** What `action` changed in Glewlwyd's own token tables for `username`. */
  async function tokenRowsDelta(username: string, action: () => Promise<unknown>): Promise<GlewlwydTokenRows> {
    const before = glewlwyd.tokenRows(username);
    await action();
    const after = glewlwyd.tokenRows(username);
    return { accessTokens: after.accessTokens - before.accessTokens, refreshTokens: after.refreshTokens - before.refreshTokens };
  }

  function userinfoAtGlewlwyd(accessToken: string): Promise<Response> {
    return fetch(`${glewlwyd.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  /** A refresh grant sent straight to Glewlwyd, as the app would send it. */
  function refreshAtGlewlwyd(refreshToken: string): Promise<Response> {
    return fetch(`${glewlwyd.issuer}/token`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
  }

  /** Glewlwyd's RFC 7662 introspection of a token, as the client. */
  async function introspectAtGlewlwyd(token: string, hint: 'refresh_token' | 'access_token'): Promise<{ active: boolean }> {
    const response = await fetch(`${glewlwyd.issuer}/introspect`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ token, token_type_hint: hint }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { active: boolean };
  }

  it("signs in through Glewlwyd's login API with PKCE, as Glewlwyd's sub, and stores the refresh token it issued", async () => {
    let signedIn!: Awaited<ReturnType<typeof signIn>>;
    const delta = await tokenRowsDelta('alice', async () => {
      signedIn = await signIn('alice');
    });
    const { landed, userId, loginUrl } = signedIn;
    expect(landed.status).toBe(200);
    expect(landed.url).toBe(`${APP_ORIGIN}/account`);
    expect(landed.text).toContain('Alice Example');
    const authorization = new URL(loginUrl.searchParams.get('callback_url')!);
    expect(authorization.href.startsWith(`${glewlwyd.issuer}/auth?`)).toBe(true);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('scope')).toBe(SCOPE);
    expect(delta).toEqual({ accessTokens: 1, refreshTokens: 1 });

    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: glewlwyd.issuer, subject: glewlwyd.subjectOf('alice') });
    const user = await database.db.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('alice@example.test');

    const token = (await app.runtime.tokenStore.findToken(userId, PROVIDER))!;
    expect(token).toMatchObject({ status: 'active', scope: SCOPE });
    expect(token.refreshToken).toEqual(expect.any(String));
    expect(glewlwyd.refreshTokenEnabled(token.refreshToken!)).toBe(true);
    expect(Math.abs(token.expiresAt! - (Math.floor(Date.now() / 1000) + ACCESS_TOKEN_SECONDS))).toBeLessThan(15);
    // Glewlwyd's own userinfo names the same subject for the stored access token.
    const userinfo = await userinfoAtGlewlwyd(token.accessToken);
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: glewlwyd.subjectOf('alice'), name: 'Alice Example', email: 'alice@example.test' });
  });

  it("the proxy calls Glewlwyd's userinfo API with the user's token, without a refresh", async () => {
    const { browser } = await signIn('bob');
    let answer!: BrowserResponse;
    const delta = await tokenRowsDelta('bob', async () => {
      answer = await browser.get(`${APP_ORIGIN}/api/providers/${PROVIDER}/proxy/userinfo`);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: glewlwyd.subjectOf('bob'), name: 'Bob Example', email: 'bob@example.test' });
    expect(delta).toEqual({ accessTokens: 0, refreshTokens: 0 });
  });

  it(`${STORM} concurrent calls with an expired token make exactly one refresh at Glewlwyd, and its new single-use refresh token is saved`, async () => {
    const { browser, userId } = await signIn('carol');
    const before = (await app.runtime.tokenStore.findToken(userId, PROVIDER))!;
    await expireStoredAccessToken(database, userId, PROVIDER);

    let answers: BrowserResponse[] = [];
    const delta = await tokenRowsDelta('carol', async () => {
      answers = await Promise.all(Array.from({ length: STORM }, () => browser.get(`${APP_ORIGIN}/api/providers/${PROVIDER}/proxy/userinfo`)));
    });
    expect(answers.map((answer) => answer.status)).toEqual(Array(STORM).fill(200));
    for (const answer of answers) expect(JSON.parse(answer.text)).toMatchObject({ sub: glewlwyd.subjectOf('carol') });
    // One refresh: one access token and one refresh token more in Glewlwyd's tables. A second refresh
    // with the same single-use token would also have disabled the chain's newest one, checked below.
    expect(delta).toEqual({ accessTokens: 1, refreshTokens: 1 });

    const after = (await app.runtime.tokenStore.findToken(userId, PROVIDER))!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(ACCESS_TOKEN_SECONDS - 15);
    expect(glewlwyd.refreshTokenEnabled(after.refreshToken!)).toBe(true);
    expect(glewlwyd.refreshTokenEnabled(before.refreshToken!)).toBe(false);
    expect((await userinfoAtGlewlwyd(after.accessToken)).status).toBe(200);
  });

  it('disconnect revokes the grant at Glewlwyd (RFC 7009), so neither token works there any more', async () => {
    const { browser, userId } = await signIn('dave');
    const stored = (await app.runtime.tokenStore.findToken(userId, PROVIDER))!;
    expect((await userinfoAtGlewlwyd(stored.accessToken)).status).toBe(200);
    expect(await introspectAtGlewlwyd(stored.refreshToken!, 'refresh_token')).toMatchObject({ active: true });
    const csrf = await csrfTokenOf(browser);

    const answer = await browser.request(`${APP_ORIGIN}/account/connections/${PROVIDER}`, { method: 'DELETE', headers: { 'x-csrf-token': csrf } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, PROVIDER)).toBeUndefined();

    expect(glewlwyd.refreshTokenEnabled(stored.refreshToken!)).toBe(false);
    expect(await introspectAtGlewlwyd(stored.refreshToken!, 'refresh_token')).toEqual({ active: false });
    expect(await introspectAtGlewlwyd(stored.accessToken, 'access_token')).toEqual({ active: false });
    expect((await userinfoAtGlewlwyd(stored.accessToken)).status).toBe(401);
    expect((await refreshAtGlewlwyd(stored.refreshToken!)).status).toBe(400);
  });

  it('a refresh token revoked at Glewlwyd turns an expired token into 401 needs_reauth, with one refresh attempt only', async () => {
    const { browser, userId } = await signIn('erin');
    const stored = (await app.runtime.tokenStore.findToken(userId, PROVIDER))!;
    const revoke = await fetch(`${glewlwyd.issuer}/revoke`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ token: stored.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    expect(glewlwyd.refreshTokenEnabled(stored.refreshToken!)).toBe(false);
    await expireStoredAccessToken(database, userId, PROVIDER);

    const proxied = () => browser.get(`${APP_ORIGIN}/api/providers/${PROVIDER}/proxy/userinfo`);
    const refusedBefore = glewlwyd.logged(REFRESH_REFUSED);
    const first = await proxied();
    const second = await proxied();
    // Glewlwyd refused the one refresh (an empty HTTP 400, which the preset reads as invalid_grant); the second call did not ask again.
    expect(glewlwyd.logged(REFRESH_REFUSED) - refusedBefore).toBe(1);
    expect(first.status).toBe(401);
    expect(JSON.parse(first.text)).toMatchObject({ error: 'needs_reauth' });
    expect(second.status).toBe(401);
    expect(JSON.parse(second.text)).toMatchObject({ error: 'needs_reauth' });

    expect((await app.runtime.tokenStore.findToken(userId, PROVIDER))!.status).toBe('needs_reauth');
    const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { connections: Array<{ provider: string; status: string }> };
    expect(me.connections).toEqual([expect.objectContaining({ provider: PROVIDER, status: 'needs_reauth' })]);
  });

  it('an access token Glewlwyd revoked before it expired is refreshed once after its userinfo answers 401, and the call retried', async () => {
    const { browser, userId } = await signIn('frank');
    const stored = (await app.runtime.tokenStore.findToken(userId, PROVIDER))!;
    // Revoked at Glewlwyd only: the app still thinks it has a minute left.
    const revoke = await fetch(`${glewlwyd.issuer}/revoke`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC },
      body: new URLSearchParams({ token: stored.accessToken, token_type_hint: 'access_token' }),
    });
    expect(revoke.status).toBe(200);
    const refused = await userinfoAtGlewlwyd(stored.accessToken);
    // RFC 6750 §3 asks for a WWW-Authenticate challenge with the 401; Glewlwyd 2.7.5 sends none, and the 401 alone is enough.
    expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, null]);

    let answer!: BrowserResponse;
    const delta = await tokenRowsDelta('frank', async () => {
      answer = await browser.get(`${APP_ORIGIN}/api/providers/${PROVIDER}/proxy/userinfo`);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: glewlwyd.subjectOf('frank') });
    expect(delta).toEqual({ accessTokens: 1, refreshTokens: 1 });
    expect((await app.runtime.tokenStore.findToken(userId, PROVIDER))!.accessToken).not.toBe(stored.accessToken);
  });
});
