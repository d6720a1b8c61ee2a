import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from '../support/clock.js';
import { describeEachDialect, DIALECTS, type TestDatabase } from '../support/postgres.js';
import { newServiceKey, serviceApiClient } from '../support/service-api.js';
import { startGitHubEmulator, type GitHubEmulator, type GitHubUser } from './github.emulator.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, presetEnv, signInThrough, startProviderTestApp, type ProviderTestApp } from './kit/provider-app.js';
import { countRows, describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'Iv1.0123456789abcdef';
const CLIENT_SECRET = 'github-test-secret';

const OCTOCAT: GitHubUser = {
  id: 583231,
  login: 'octocat',
  name: 'The Octocat',
  email: 'octocat@github.com',
  emails: [{ email: 'octocat@github.com', primary: true, verified: true, visibility: 'public' }],
};

/** A user whose e-mail is private: /user says null, /user/emails has the primary one. */
const PRIVATE: GitHubUser = {
  id: 9_000_001,
  login: 'quiet',
  name: null,
  email: null,
  emails: [
    { email: 'old@example.com', primary: false, verified: true, visibility: null },
    { email: 'quiet@example.com', primary: true, verified: true, visibility: 'private' },
  ],
};

/**
 * Only the documented variables: the preset, the client, and the three endpoint variables that point it at the
 * emulator (the profile, /user and /user/emails, is read from the API base).
 */
function githubEnv(github: GitHubEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('github', CLIENT_ID, CLIENT_SECRET, {
    GITHUB_AUTHORIZE_URL: `${github.origin}/login/oauth/authorize`,
    GITHUB_ACCESS_TOKEN_URL: `${github.origin}/login/oauth/access_token`,
    GITHUB_API_BASE_URL: github.origin,
    ...extra,
  });
}

const GITHUB: StandardProvider<GitHubUser, GitHubEmulator> = {
  preset: 'github',
  displayName: 'GitHub',
  startEmulator: () => startGitHubEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackUrl: `${APP_ORIGIN}/auth/github/callback`, kind: 'oauth-app' }),
  env: githubEnv,
  people: {
    cancelled: { ...OCTOCAT, id: 76, login: 'changedmind' },
    'refused-code': { ...OCTOCAT, id: 77, login: 'badcode' },
    'wrong-secret': OCTOCAT,
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('GitHub OAuth app, against an emulator of GitHub', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), GITHUB);

  it('signs in with the iss GitHub sends, as the numeric id, with PKCE, and reads the public e-mail from /user', async () => {
    const { database, emulator: github, app } = context;
    github.signInAs(OCTOCAT);
    const browser = app.browser();
    const page = await signInThrough(browser, 'github');
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    expect(page.text).toContain('The Octocat');

    const authorize = github.server.requests.find((request) => request.path.startsWith('/login/oauth/authorize'))!;
    const query = new URL(authorize.path, github.origin).searchParams;
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('scope')).toBe('read:user user:email');
    const account = await database.db.selectFrom('accounts').select(['provider', 'issuer', 'subject']).where('subject', '=', '583231').executeTakeFirstOrThrow();
    expect(account).toEqual({ provider: 'github', issuer: 'https://github.com/login/oauth', subject: '583231' });
    const user = await database.db.selectFrom('users').select(['id', 'username', 'email', 'email_verified']).where('username', '=', 'octocat').executeTakeFirstOrThrow();
    expect(user.email).toBe('octocat@github.com');
    // /user says nothing of its address's verification: not said, rather than assumed.
    expect(user.email_verified).toBeNull();
    const token = await app.runtime.tokenStore.findToken(user.id, 'github');
    expect(token).toMatchObject({ tokenType: 'bearer', refreshToken: null, expiresAt: null, scope: 'read:user user:email' });
    expect(token!.accessToken).toMatch(/^gho_/);
    // Every call to GitHub's API carried a User-Agent, which GitHub requires.
    for (const request of github.server.requests.filter((r) => r.path.startsWith('/user'))) expect(request.headers['user-agent']).toBe('Tokenkeeper');
  });

  it('finds a private e-mail at /user/emails: the primary, verified one', async () => {
    const { database, emulator: github, app } = context;
    github.signInAs(PRIVATE);
    await signInThrough(app.browser(), 'github');
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'username']).where('username', '=', 'quiet').executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'quiet@example.com', email_verified: 1 });
  });

  it('a returning sign-in that brings no e-mail keeps the stored one and its verification; a new address comes with its own', async () => {
    const { database, emulator: github, app } = context;
    const stored = () => database.db.selectFrom('users').select(['email', 'email_verified']).where('username', '=', 'quiet').executeTakeFirstOrThrow();
    github.signInAs(PRIVATE);
    await signInThrough(app.browser(), 'github');
    expect(await stored()).toEqual({ email: 'quiet@example.com', email_verified: 1 });

    github.signInAs({ ...PRIVATE, emails: [{ email: 'quiet@example.com', primary: true, verified: false, visibility: 'private' }] });
    await signInThrough(app.browser(), 'github');
    expect(await stored()).toEqual({ email: 'quiet@example.com', email_verified: 1 });

    github.signInAs({ ...PRIVATE, email: 'public@example.com', emails: [] });
    await signInThrough(app.browser(), 'github');
    expect(await stored()).toEqual({ email: 'public@example.com', email_verified: null });
  });

  it("the proxy reaches the API with the token, a User-Agent (the caller's, else the preset's) and GitHub's media type", async () => {
    const { database, emulator: github, app } = context;
    github.signInAs(OCTOCAT);
    const browser = app.browser();
    await signInThrough(browser, 'github');
    const answer = await browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user/repos`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual([expect.objectContaining({ full_name: 'octocat/hello-world' })]);
    const call = github.server.requests.findLast((request) => request.path === '/user/repos')!;
    expect(call.headers.authorization).toMatch(/^Bearer gho_/);
    // The browser's own User-Agent is passed on (light-my-request's, here); the preset's fills in when a caller sends none.
    expect(call.headers['user-agent']).toBe('lightMyRequest');
    expect(call.headers.accept).toBe('application/vnd.github+json');
    const userId = (await database.db.selectFrom('users').select('id').where('username', '=', 'octocat').executeTakeFirstOrThrow()).id;
    const direct = await app.runtime.providerApi.fetch(userId, 'github', '/user');
    expect(direct.status).toBe(200);
    expect(github.server.requests.findLast((request) => request.path === '/user')!.headers['user-agent']).toBe('Tokenkeeper');
  });

  it('the proxy sends the caller\'s X-GitHub-Api-Version on and passes back the scopes GitHub reports', async () => {
    const { emulator: github, app } = context;
    github.signInAs(OCTOCAT);
    const browser = app.browser();
    await signInThrough(browser, 'github');
    const answer = await browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user/repos`, { headers: { 'x-github-api-version': '2022-11-28' } });
    expect(answer.status).toBe(200);
    expect(github.server.requests.findLast((request) => request.path === '/user/repos')!.headers['x-github-api-version']).toBe('2022-11-28');
    expect(answer.headers.get('x-oauth-scopes')).toBe('read:user, user:email');
    expect(answer.headers.get('x-accepted-oauth-scopes')).toBe('repo');
    // A version GitHub does not support is GitHub's 400 to read, not one of ours.
    const old = await browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user/repos`, { headers: { 'x-github-api-version': '2021-01-01' } });
    expect(old.status).toBe(400);
    expect(old.headers.get('tokenkeeper-upstream')).toBe('true');
  });

  it("a repository archive: the browser proxy passes GitHub's 302 back with the absolute codeload URL, which gives the bytes without the token", async () => {
    const { emulator: github, app } = context;
    github.signInAs(OCTOCAT);
    const browser = app.browser();
    await signInThrough(browser, 'github');
    const downloads = github.downloads.server.requests.length;
    const answer = await browser.get(`${APP_ORIGIN}/api/providers/github/proxy/repos/octocat/hello-world/tarball/main`, { followRedirects: false });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('tokenkeeper-upstream')).toBe('true');
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    const location = answer.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${github.downloads.origin}/octocat/hello-world/legacy\\.tar\\.gz/refs/heads/main\\?token=`));
    // The proxy did not follow it: the download host has seen nothing yet.
    expect(github.downloads.server.requests.length).toBe(downloads);
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(github.archiveOf('octocat', 'hello-world', 'main', 'tarball'));
    expect(github.downloads.sawAuthorization).toBe(false);
  });

  it('a repository archive through the service API proxy: the 302 and its absolute Location, as the OpenAPI document says', async () => {
    const { database, emulator: github, app } = context;
    github.signInAs(OCTOCAT);
    await signInThrough(app.browser(), 'github');
    const userId = (await database.db.selectFrom('users').select('id').where('username', '=', 'octocat').executeTakeFirstOrThrow()).id;
    const api = await serviceApiClient(app);
    const key = await newServiceKey(app, 'archiver', ['proxy']);
    const answer = await api.call({
      method: 'GET',
      template: '/users/{id}/connections/{provider}/proxy/{path}',
      params: { id: userId, provider: 'github' },
      rest: 'repos/octocat/hello-world/zipball/main',
      key,
    });
    expect(answer.status).toBe(302);
    expect(answer.headers['tokenkeeper-upstream']).toBe('true');
    const location = String(answer.headers.location);
    expect(location.startsWith(`${github.downloads.origin}/octocat/hello-world/legacy.zip/refs/heads/main?token=`)).toBe(true);
    const download = await fetch(location);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(github.archiveOf('octocat', 'hello-world', 'main', 'zipball'));
    expect(github.downloads.sawAuthorization).toBe(false);
  });

  it("the library's api.fetch returns GitHub's 302 as it is, its Location followed by the caller alone; codeload refuses a second credential", async () => {
    const { database, emulator: github, app } = context;
    github.signInAs(OCTOCAT);
    await signInThrough(app.browser(), 'github');
    const userId = (await database.db.selectFrom('users').select('id').where('username', '=', 'octocat').executeTakeFirstOrThrow()).id;
    const answer = await app.runtime.providerApi.fetch(userId, 'github', '/repos/octocat/hello-world/tarball/v1.0');
    expect(answer.status).toBe(302);
    const location = answer.headers.get('location')!;
    expect(location.startsWith(`${github.downloads.origin}/`)).toBe(true);
    expect(github.downloads.sawAuthorization).toBe(false);
    // What following it with the token would meet: 400, so a proxy that did so could not pass these tests.
    const withToken = await fetch(location, { headers: { authorization: 'Bearer gho_anything' } });
    expect(withToken.status).toBe(400);
    const download = await fetch(location);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(github.archiveOf('octocat', 'hello-world', 'v1.0', 'tarball'));
  });

  standardCases(() => context, GITHUB, {
    cancelled: { sentAs: 'error=access_denied with iss' },
    refusedCode: { sentAs: 'bad_verification_code, sent with HTTP 200' },
  });

  it('a callback naming another issuer is refused before any token request', async () => {
    const { emulator: github, app } = context;
    github.signInAs(OCTOCAT);
    const browser = app.browser();
    const stopped = await browser.get(`${APP_ORIGIN}/login/github`, { stopAt: `${APP_ORIGIN}/auth/github/callback` });
    const callback = new URL(stopped.location!);
    callback.searchParams.set('iss', 'https://github.example.net/login/oauth');
    const exchanges = github.server.counts.authorization_code ?? 0;
    const page = await browser.get(callback);
    expect(page.status).toBe(400);
    expect(page.text).toContain('did not come from GitHub as expected');
    expect(github.server.counts.authorization_code ?? 0).toBe(exchanges);
  });

  it('disconnect: a grant deletion GitHub refuses with 404 for client credentials it no longer accepts is not reported as done while the token still works', async () => {
    const { database, emulator: github, app } = context;
    github.signInAs({ ...OCTOCAT, id: 78, login: 'rotated' });
    const browser = app.browser();
    await signInThrough(browser, 'github');
    const userId = (await database.db.selectFrom('accounts').select('user_id').where('subject', '=', '78').executeTakeFirstOrThrow()).user_id;
    const stored = await app.runtime.tokenStore.findToken(userId, 'github');
    // The app's secret was regenerated at GitHub (and the old one deleted) since this person signed in.
    github.renewClientSecret('github-regenerated-secret');
    try {
      expect(await disconnectThrough(browser, 'github')).toEqual({ disconnected: true, revokedAtProvider: false });
      expect(github.accepts(stored!.accessToken)).toBe(true);
    } finally {
      github.renewClientSecret(CLIENT_SECRET);
    }
  });

  it('disconnect: a token GitHub no longer knows (404, and the token refused) counts as revoked', async () => {
    const { database, emulator: github, app } = context;
    github.signInAs({ ...OCTOCAT, id: 79, login: 'gone' });
    const browser = app.browser();
    await signInThrough(browser, 'github');
    const userId = (await database.db.selectFrom('accounts').select('user_id').where('subject', '=', '79').executeTakeFirstOrThrow()).user_id;
    // The person revoked the app in their GitHub settings.
    github.revokeGrantOf((await app.runtime.tokenStore.findToken(userId, 'github'))!.accessToken);
    expect(await disconnectThrough(browser, 'github')).toEqual({ disconnected: true, revokedAtProvider: true });
  });
});

/** An OAuth app at the GitHub emulator and the app configured with `overrides`, one database, for one describe block. */
function useMisconfiguredGitHub(overrides: Record<string, string> | ((github: GitHubEmulator) => Record<string, string>)) {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), {
    startEmulator: GITHUB.startEmulator,
    env: (github) => githubEnv(github, typeof overrides === 'function' ? overrides(github) : overrides),
  });
  return { database: () => context.database, github: () => context.emulator, app: () => context.app };
}

describeClientFailures(GITHUB, { wrongSecret: { sentAs: 'incorrect_client_credentials, with HTTP 200' } }, { title: 'GitHub with a wrong client secret' });

describe('GitHub with a callback URL registered on another origin than BASE_URL', () => {
  // The app at GitHub has http://app.test/auth/github/callback; this site says it is http://localhost:3000.
  const { database, github, app } = useMisconfiguredGitHub({ BASE_URL: 'http://localhost:3000' });

  it("GitHub's redirect_uri_mismatch, sent back to the registered URL where this browser has no session, names the URL to register, not 'sign in again'", async () => {
    github().signInAs(OCTOCAT);
    const stopped = await app().browser().get(`${APP_ORIGIN}/login/github`, { stopAt: `${APP_ORIGIN}/auth/github/callback` });
    expect(new URL(stopped.location!).searchParams.get('error')).toBe('redirect_uri_mismatch');
    // The registered URL's origin is another site for the browser: no session cookie goes there.
    const page = await app().browser().get(stopped.location!);
    expect(page.status).toBe(400);
    expect(page.text).toContain('GitHub refused the sign-in (redirect_uri_mismatch): the callback URL registered for the app there is not http://localhost:3000/auth/github/callback');
    expect(github().server.counts.authorization_code ?? 0).toBe(0);
    expect(await countRows(database(), 'users')).toBe(0);
  });
});

describe('GitHub with a wrong user URL', () => {
  const { database, github, app } = useMisconfiguredGitHub((emulator) => ({ GITHUB_USERINFO_URL: `${emulator.origin}/users/me` }));

  it('the 404 it answers is a 502 naming the status and the URL (not "did not answer with a profile"), and nothing is stored', async () => {
    github().signInAs(OCTOCAT);
    const page = await signInThrough(app().browser(), 'github');
    expect(page.status).toBe(502);
    expect(page.text).toContain(`GitHub answered the userinfo request at ${github().origin}/users/me with HTTP 404.`);
    expect(await countRows(database(), 'users')).toBe(0);
  });
});

describeEachDialect('GitHub App with expiring user tokens, against an emulator of GitHub', (dialect) => {
  /** How far GitHub's clock is ahead of the real one, to let its tokens expire there. */
  let githubClockAhead = 0;
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startGitHubEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackUrl: `${APP_ORIGIN}/auth/github/callback`, kind: 'github-app', now: () => Math.floor(Date.now() / 1000) + githubClockAhead }),
    env: githubEnv,
  });

  afterEach(() => {
    const { emulator: github } = context;
    github.signInAs(OCTOCAT);
    github.failTokenRequests(null);
    githubClockAhead = 0;
  });

  async function signedIn(user: GitHubUser) {
    const { database, emulator: github, app } = context;
    github.signInAs(user);
    const browser = app.browser();
    await signInThrough(browser, 'github');
    const row = await database.db
      .selectFrom('accounts')
      .select('user_id')
      .where('provider', '=', 'github')
      .where('subject', '=', String(user.id))
      .executeTakeFirstOrThrow();
    return { browser, userId: row.user_id };
  }

  async function expireAccessToken(userId: string) {
    const { database } = context;
    await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', userId).execute();
  }

  it('stores an 8-hour token and its refresh token; 20 concurrent calls on an expired one make exactly one refresh, and the rotation is kept', async () => {
    const { emulator: github, app } = context;
    const { browser, userId } = await signedIn({ ...OCTOCAT, id: 1001, login: 'storm' });
    const before = await app.runtime.tokenStore.findToken(userId, 'github');
    expect(before!.accessToken).toMatch(/^ghu_/);
    expect(before!.refreshToken).toMatch(/^ghr_/);
    expect(before!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(28_700);
    // GitHub's refresh_token_expires_in: six months, sent as a string in a form answer, a number in JSON.
    expect(before!.refreshTokenExpiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(15_800_000);

    await expireAccessToken(userId);
    await expectOneRefreshFor20Calls(github, () => browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user`));

    const after = await app.runtime.tokenStore.findToken(userId, 'github');
    expect(after!.refreshToken).toMatch(/^ghr_/);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.refreshTokenExpiresAt).toBeGreaterThanOrEqual(before!.refreshTokenExpiresAt!);
    expect(github.accepts(after!.accessToken)).toBe(true);
    // GitHub ended the access token the used refresh token came with.
    expect(github.accepts(before!.accessToken)).toBe(false);
  });

  it('the account page and /api/me say when the six-month refresh token expires, as GitHub said', async () => {
    const { app } = context;
    const { browser, userId } = await signedIn({ ...OCTOCAT, id: 1004, login: 'expiry' });
    const stored = await app.runtime.tokenStore.findToken(userId, 'github');
    const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { connections: Array<Record<string, unknown>> };
    expect(me.connections).toEqual([expect.objectContaining({ provider: 'github', hasRefreshToken: true, refreshTokenExpiresAt: stored!.refreshTokenExpiresAt })]);
    const page = await browser.get(`${APP_ORIGIN}/account`);
    const cell = /<dd class="refresh-token">([\s\S]*?)<\/dd>/.exec(page.text)?.[1] ?? '';
    expect(cell.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()).toMatch(/^yes, expires in 18\d d \(20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/);
  });

  it('bad_refresh_token (HTTP 200 at GitHub) marks the connection "needs re-auth" with no retries', async () => {
    const { emulator: github, app } = context;
    const { browser, userId } = await signedIn({ ...OCTOCAT, id: 1002, login: 'revoked' });
    const stored = await app.runtime.tokenStore.findToken(userId, 'github');
    github.revokeGrantOf(stored!.refreshToken!);
    await expireAccessToken(userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: github }, 'github', userId, () => browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user`));
  });

  it('a client secret GitHub no longer accepts, at refresh: 502 naming the credentials, and the calls held back after it say why, not only that GitHub failed', async () => {
    const { emulator: github, app } = context;
    const { browser, userId } = await signedIn({ ...OCTOCAT, id: 1007, login: 'secret-rotated' });
    await expireAccessToken(userId);
    github.renewClientSecret('github-regenerated-secret');
    try {
      const first = await browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user`);
      expect(first.status).toBe(502);
      const refusal = 'GitHub refused the token refresh (invalid_client); check the client id and secret configured for it (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET).';
      expect(JSON.parse(first.text)).toEqual({ error: 'provider_error', message: refusal });
      const refreshes = github.server.counts.token_error;
      const held = await browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user`);
      expect(held.status).toBe(503);
      expect(JSON.parse(held.text)).toEqual({ error: 'provider_unavailable', message: expect.stringMatching(/^GitHub failed recently; trying again in \d s\. Last refresh: /) });
      expect(JSON.parse(held.text).message).toContain(refusal);
      expect(github.server.counts.token_error).toBe(refreshes);
      expect((await app.runtime.tokenStore.findToken(userId, 'github'))!.status).toBe('active');
    } finally {
      github.renewClientSecret(CLIENT_SECRET);
    }
  });

  it('disconnect deletes the grant at GitHub (refreshing an expired token first), so the tokens stop working there', async () => {
    const { emulator: github, app } = context;
    const { browser, userId } = await signedIn({ ...OCTOCAT, id: 1003, login: 'leaving' });
    const signedInWith = await app.runtime.tokenStore.findToken(userId, 'github');
    await expireAccessToken(userId);
    const refreshes = github.server.counts.refresh_token ?? 0;
    const csrf = await csrfTokenOf(browser);
    const answer = await browser.request(`${APP_ORIGIN}/account/connections/github`, { method: 'DELETE', headers: { 'x-csrf-token': csrf } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ disconnected: true, revokedAtProvider: true });
    const deletion = github.server.requests.findLast((request) => request.path === `/applications/${encodeURIComponent(CLIENT_ID)}/grant`)!;
    expect(deletion.method).toBe('DELETE');
    expect(deletion.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(await app.runtime.tokenStore.findToken(userId, 'github')).toBeUndefined();
    expect(github.server.counts.refresh_token).toBe(refreshes + 1);
    // Nothing issued under that grant works any more.
    expect(github.liveGrants(1003)).toBe(0);
    expect(github.accepts(signedInWith!.accessToken)).toBe(false);
  });
  it('disconnect during an outage of the token endpoint, with an expired token: GitHub refusing it is not taken for a grant already gone', async () => {
    const { database, emulator: github } = context;
    const { browser, userId } = await signedIn({ ...OCTOCAT, id: 1005, login: 'outage' });
    // Nine hours later the 8-hour token has expired, here and at GitHub, and its refresh meets an outage.
    await expireAccessToken(userId);
    githubClockAhead = 9 * 3600;
    github.failTokenRequests(503);
    expect(await disconnectThrough(browser, 'github')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(github.liveGrants(1005)).toBe(1);
    const entry = await database.db.selectFrom('audit_log').selectAll().where('event', '=', 'token.revoked').where('target_id', 'like', `${userId}%`).orderBy('id', 'desc').executeTakeFirst();
    expect(JSON.stringify(entry)).toContain('made with an expired access token that could not be refreshed');
  });
  it('disconnect: a connection whose grant GitHub refused at refresh, with an expired token, counts as revoked', async () => {
    const { emulator: github, app } = context;
    const { browser, userId } = await signedIn({ ...OCTOCAT, id: 1006, login: 'revoked-then-leaving' });
    // The person revoked the app in their GitHub settings; the token has expired since, here and at GitHub.
    github.revokeGrantOf((await app.runtime.tokenStore.findToken(userId, 'github'))!.accessToken);
    await expireAccessToken(userId);
    githubClockAhead = 9 * 3600;
    expect(await disconnectThrough(browser, 'github')).toEqual({ disconnected: true, revokedAtProvider: true });
  });
});

describe('GitHub Enterprise Server through GITHUB_BASE_URL alone, against an emulator of one (a GitHub App)', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), {
    startEmulator: () => startGitHubEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackUrl: `${APP_ORIGIN}/auth/github/callback`, kind: 'github-app', enterpriseServer: true }),
    env: (github) => presetEnv('github', CLIENT_ID, CLIENT_SECRET, { GITHUB_BASE_URL: github.origin }),
  });

  it("signs in with the server's own iss, reads the profile and calls the API under /api/v3, refreshes once for 20 concurrent calls, and disconnect deletes the grant there", async () => {
    const { database, emulator: github, app } = context;
    github.signInAs(PRIVATE);
    const browser = app.browser();
    const page = await signInThrough(browser, 'github');
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const account = await database.db.selectFrom('accounts').select(['user_id', 'issuer', 'subject']).where('provider', '=', 'github').executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: github.issuer, subject: String(PRIVATE.id) });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', account.user_id).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'quiet@example.com', email_verified: 1 });

    const repos = await browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user/repos`);
    expect(repos.status).toBe(200);
    expect(github.server.requests.findLast((request) => request.path === '/api/v3/user/repos')!.headers.authorization).toMatch(/^Bearer ghu_/);

    const signedInWith = await app.runtime.tokenStore.findToken(account.user_id, 'github');
    await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', account.user_id).execute();
    const answers = await Promise.all(Array.from({ length: 20 }, () => browser.get(`${APP_ORIGIN}/api/providers/github/proxy/user`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(github.server.counts.refresh_token).toBe(1);
    expect(github.accepts(signedInWith!.accessToken)).toBe(false);

    expect(await disconnectThrough(browser, 'github')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(github.server.requests.findLast((request) => request.method === 'DELETE')!.path).toBe(`/api/v3/applications/${encodeURIComponent(CLIENT_ID)}/grant`);
    expect(github.liveGrants(PRIVATE.id)).toBe(0);
  });
});

const DAY = 86_400;

/**
 * A GitHub App whose refresh tokens GitHub states to live `lifetime` seconds
 * (`refresh_token_expires_in`), each refresh answering a new one with a
 * lifetime of its own, and the keep-alive sweep: an unused connection is
 * refreshed once, when the window before the stated end opens
 * (`windowOpensAfter` after the sign-in), not before, not again, and it
 * outlives its first refresh token.
 */
function keepsStatedLifetimeAlive(title: string, test: string, options: { subject: number; lifetime: number; windowOpensAfter: number; refreshTokenLifetimeSeconds?: number }) {
  describeEachDialect(title, (dialect) => {
    // GitHub, the app and its sweep share one clock that moves only when told.
    const clock = testClock();
    let database: TestDatabase;
    let github: GitHubEmulator;
    let app: ProviderTestApp;

    beforeAll(async () => {
      database = await dialect.openTestDatabase();
      github = await startGitHubEmulator({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackUrl: `${APP_ORIGIN}/auth/github/callback`,
        kind: 'github-app',
        ...(options.refreshTokenLifetimeSeconds ? { refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds } : {}),
        now: clock.now,
      });
      app = await startProviderTestApp({ databaseUrl: database.url, env: githubEnv(github), now: clock.now });
    });
    afterAll(async () => {
      await app?.close();
      await github?.close();
      await database?.close();
    });

    it(test, async () => {
      const { subject, lifetime, windowOpensAfter } = options;
      github.signInAs({ ...OCTOCAT, id: subject, login: `idle${subject}` });
      await signInThrough(app.browser(), 'github');
      const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'github').where('subject', '=', String(subject)).executeTakeFirstOrThrow();
      const signedInWith = await app.runtime.tokenStore.findToken(userId, 'github');
      expect(signedInWith!.refreshTokenExpiresAt).toBe(clock.now() + lifetime);
      const refreshes = github.server.counts.refresh_token ?? 0;
      const sweep = () => app.runtime.refreshKeepalive!.sweep();

      clock.advance(windowOpensAfter - 1);
      expect(await sweep()).toMatchObject({ due: 0 });
      clock.advance(1);
      expect(await sweep()).toMatchObject({ due: 1, refreshed: 1, failed: 0 });
      expect(github.server.counts.refresh_token).toBe(refreshes + 1);
      const kept = await app.runtime.tokenStore.findToken(userId, 'github');
      expect(kept!.refreshToken).not.toBe(signedInWith!.refreshToken);
      expect(kept!.refreshTokenExpiresAt).toBe(clock.now() + lifetime);
      expect(await sweep()).toMatchObject({ due: 0 });

      // Past the first refresh token's end, the connection works: its access token is refreshed with the new one.
      clock.advance(2 * (lifetime - windowOpensAfter));
      const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'github');
      expect(github.server.counts.refresh_token).toBe(refreshes + 2);
      expect(github.accepts(accessToken)).toBe(true);
    });
  });
}

// refresh_token_expires_in is 15897600 s (184 days): its last 7 days begin on day 177.
keepsStatedLifetimeAlive(
  'GitHub App refresh tokens (six months, renewed by each refresh) and the keep-alive sweep',
  'refreshes an unused connection in the last 7 days before the end GitHub stated, once; the new refresh token outlives the old end',
  { subject: 1005, lifetime: 15_897_600, windowOpensAfter: 177 * DAY },
);

// A quarter of 2 days: its last 12 hours.
keepsStatedLifetimeAlive(
  'refresh tokens stated to live 2 days (shorter than the 7-day window) and the keep-alive sweep',
  'refreshes an unused connection in the last quarter of its refresh token’s stated lifetime, once, so the connection outlives the first refresh token',
  { subject: 1006, lifetime: 2 * DAY, windowOpensAfter: 1.5 * DAY, refreshTokenLifetimeSeconds: 2 * DAY },
);
