// The gitlab preset against a real third-party server: Doorkeeper and
// doorkeeper-openid_connect, the Rails engines GitLab's OAuth provider is
// built on, as Debian packages them, set up as GitLab documents its provider
// (test/interop/doorkeeper/), and configured only through the documented
// GITLAB_* variables: the preset and GITLAB_BASE_URL, as for a self-managed
// instance.
import { createHash, randomBytes } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { expect, it } from 'vitest';
import { APP_ORIGIN } from '../providers/kit/provider-app.js';
import type { BrowserResponse } from '../support/browser.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { describeEachDialectWithDoorkeeper, signInAtDoorkeeper, startDoorkeeper } from './doorkeeper-server.js';
import { countsDelta, expectAllAnswered, expectDisconnected, expectOneRefreshAfterItsRefusal, expectOneRefusedRefreshThenNeedsReauth, expectRefreshed, expectSignedIn, proxied, storedToken, useInteropCase } from './interop-case.js';

const CLIENT_ID = randomBytes(16).toString('hex');
const CLIENT_SECRET = `gloas-${randomBytes(24).toString('hex')}`;
const PASSWORD = 'correct horse battery staple';
/** The preset's scope. */
const SCOPE = 'openid profile email read_user';
/** One user per test, so no test depends on another's tokens. */
const USERNAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
/** GitLab's access tokens live two hours. */
const ACCESS_TOKEN_SECONDS = 7200;
const STORM = 30;

/** How Doorkeeper stores a token when its secrets are hashed (hash_token_secrets): SHA-256, hex. */
const hashed = (token: string) => createHash('sha256').update(token).digest('hex');

describeEachDialectWithDoorkeeper('Doorkeeper 5.5 with doorkeeper-openid_connect 1.8 (GitLab’s OAuth provider), through the gitlab preset', (dialect) => {
  const gitlab = useInteropCase(dialect, {
    provider: 'gitlab',
    proxyPath: 'user',
    start: () => startDoorkeeper({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/gitlab/callback`, password: PASSWORD, usernames: USERNAMES }),
    env: (doorkeeper) => ({
      OAUTH_PROVIDERS: 'gitlab',
      GITLAB_PRESET: 'gitlab',
      GITLAB_CLIENT_ID: CLIENT_ID,
      GITLAB_CLIENT_SECRET: CLIENT_SECRET,
      GITLAB_BASE_URL: doorkeeper.origin,
    }),
  });

  const signIn = (username: string) => signInAtDoorkeeper(gitlab, username, PASSWORD);

  function callApiAtDoorkeeper(accessToken: string): Promise<Response> {
    return fetch(`${gitlab.server.origin}/api/v4/user`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  /** A refresh grant sent straight to Doorkeeper, with the client in the form as the preset sends it. */
  function refreshAtDoorkeeper(refreshToken: string): Promise<Response> {
    return fetch(`${gitlab.server.origin}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
  }

  /** Doorkeeper's own record of the access token holding `refreshToken`: undefined when unknown, `revoked_at` null while it is live. */
  function refreshTokenAtDoorkeeper(refreshToken: string): { revoked_at: string | null } | undefined {
    const db = new Sqlite(gitlab.server.databasePath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('select revoked_at from oauth_access_tokens where refresh_token = ?').get(hashed(refreshToken)) as { revoked_at: string | null } | undefined;
    } finally {
      db.close();
    }
  }

  it("signs in through the sign-in form and Doorkeeper's consent page with PKCE and a nonce, as the ID token's sub, and stores the two-hour token and the refresh token Doorkeeper issued", async () => {
    const doorkeeper = gitlab.server;
    let signedIn!: Awaited<ReturnType<typeof signInAtDoorkeeper>>;
    const delta = await countsDelta(gitlab.server, async () => {
      signedIn = await signIn('alice');
    });
    expect(delta).toEqual({ 'token:authorization_code': 1, 'token:authorization_code:200': 1 });
    expect(signedIn.authorization.searchParams.get('nonce')).toEqual(expect.any(String));
    const expected = { name: 'Alice Example', issuer: doorkeeper.origin, subject: doorkeeper.subjects.alice!, email: 'alice@example.test', scope: SCOPE };
    const token = await expectSignedIn(gitlab, signedIn, { ...expected, accessTokenSeconds: ACCESS_TOKEN_SECONDS });
    // Doorkeeper stores only hashes of what it issued; the refresh token is live there.
    expect(refreshTokenAtDoorkeeper(token.refreshToken!)).toEqual({ revoked_at: null });
    const userinfo = await fetch(`${doorkeeper.origin}/oauth/userinfo`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: doorkeeper.subjects.alice, preferred_username: 'alice', email: 'alice@example.test', email_verified: true });
  });

  it('the proxy calls GET /api/v4/user with the user’s token, without a refresh', async () => {
    const { browser } = await signIn('bob');
    let answer!: BrowserResponse;
    const delta = await countsDelta(gitlab.server, async () => {
      answer = await proxied(gitlab, browser);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ id: Number(gitlab.server.subjects.bob), username: 'bob', name: 'Bob Example', state: 'active' });
    expect(delta).toEqual({});
  });

  it(`${STORM} concurrent calls with an expired token make exactly one refresh at Doorkeeper; the new refresh token is saved, and the spent one is revoked once the new access token was used`, async () => {
    const { browser, userId } = await signIn('carol');
    const before = await storedToken(gitlab, userId);
    await expireStoredAccessToken(gitlab.database, userId, 'gitlab');

    const delta = await countsDelta(gitlab.server, () => expectAllAnswered(gitlab, browser, STORM, { username: 'carol' }));
    expect(delta).toEqual({ 'token:refresh_token': 1, 'token:refresh_token:200': 1 });

    const after = await expectRefreshed(gitlab, userId, before, ACCESS_TOKEN_SECONDS);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(refreshTokenAtDoorkeeper(after.refreshToken!)).toEqual({ revoked_at: null });
    expect(refreshTokenAtDoorkeeper(before.refreshToken!)?.revoked_at).toEqual(expect.any(String));
    const replay = await refreshAtDoorkeeper(before.refreshToken!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('disconnect revokes at Doorkeeper (RFC 7009), so neither token works there any more', async () => {
    const { browser, userId } = await signIn('dave');
    const stored = await storedToken(gitlab, userId);
    expect((await callApiAtDoorkeeper(stored.accessToken)).status).toBe(200);

    const delta = await countsDelta(gitlab.server, () => expectDisconnected(gitlab, browser, userId, true));
    expect(delta.revoke).toBeGreaterThanOrEqual(1);
    expect(delta.revoke).toBe(delta['revoke:200']);

    const call = await callApiAtDoorkeeper(stored.accessToken);
    expect(call.status).toBe(401);
    const refresh = await refreshAtDoorkeeper(stored.refreshToken!);
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('the app revoked on the authorized applications page: an expired token becomes 401 needs_reauth, with one refresh attempt only', async () => {
    const { browser, userId } = await signIn('erin');
    // The same browser is signed in at Doorkeeper too: its page lists the app with a form that revokes it.
    const applications = await browser.get(`${gitlab.server.origin}/oauth/authorized_applications`);
    expect(applications.status).toBe(200);
    expect(applications.text).toContain('Tokenkeeper');
    const revoked = await browser.submitForm(applications);
    expect(revoked.status).toBe(200);
    const stored = await storedToken(gitlab, userId);
    expect(refreshTokenAtDoorkeeper(stored.refreshToken!)?.revoked_at).toEqual(expect.any(String));
    await expectOneRefusedRefreshThenNeedsReauth(gitlab, browser, userId);
  });

  it('a token Doorkeeper ended before the app expected is refreshed once after its 401, and the call retried', async () => {
    const { browser, userId } = await signIn('frank');
    const stored = await storedToken(gitlab, userId);
    // End it on Doorkeeper's side only: the app still thinks it has two hours left.
    const db = new Sqlite(gitlab.server.databasePath, { fileMustExist: true, timeout: 10_000 });
    try {
      const changed = db.prepare("update oauth_access_tokens set created_at = '2000-01-01 00:00:00' where token = ?").run(hashed(stored.accessToken));
      expect(changed.changes).toBe(1);
    } finally {
      db.close();
    }
    expect((await callApiAtDoorkeeper(stored.accessToken)).status).toBe(401);

    await expectOneRefreshAfterItsRefusal(gitlab, browser, userId, stored, { username: 'frank' });
  });
});
