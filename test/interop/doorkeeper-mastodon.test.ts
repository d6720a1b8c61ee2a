// The mastodon preset against a real Doorkeeper, the Rails engine Mastodon's
// OAuth server is built on, as Debian packages it, shaped as a Mastodon
// instance (test/interop/doorkeeper/, DOORKEEPER_SHAPE=mastodon: tokens that
// do not expire, no refresh token, Mastodon's scopes, stand-ins for
// verify_credentials and preferences), and configured only through the
// documented variables: the preset, the client and the instance's URL.
import { randomBytes } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { expect, it } from 'vitest';
import { APP_ORIGIN } from '../providers/kit/provider-app.js';
import { startMastodonEmulator } from '../providers/mastodon.emulator.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { describeEachDialectWithDoorkeeper, signInAtDoorkeeper, startDoorkeeper } from './doorkeeper-server.js';
import { countsDelta, expectDisconnected, proxied, storedToken, useInteropCase, withAppConfiguredBy } from './interop-case.js';

const CLIENT_ID = randomBytes(32).toString('base64url');
const CLIENT_SECRET = randomBytes(32).toString('base64url');
const PASSWORD = 'correct horse battery staple';
/** One user per test, so no test depends on another's tokens. */
const USERNAMES = ['alice', 'bob', 'carol', 'dave', 'erin'];

describeEachDialectWithDoorkeeper('Doorkeeper 5.5 shaped as a Mastodon instance, through the mastodon preset', (dialect) => {
  const env = (origin: string): Record<string, string> => ({
    OAUTH_PROVIDERS: 'mastodon',
    MASTODON_PRESET: 'mastodon',
    MASTODON_CLIENT_ID: CLIENT_ID,
    MASTODON_CLIENT_SECRET: CLIENT_SECRET,
    MASTODON_BASE_URL: origin,
  });
  const mastodon = useInteropCase(dialect, {
    provider: 'mastodon',
    proxyPath: 'v1/preferences',
    start: () => startDoorkeeper({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/mastodon/callback`, password: PASSWORD, usernames: USERNAMES, shape: 'mastodon' }),
    env: (doorkeeper) => env(doorkeeper.origin),
  });

  const signIn = (username: string, browser?: TestBrowser) => signInAtDoorkeeper(mastodon, username, PASSWORD, browser);

  function callApiAtDoorkeeper(accessToken: string): Promise<Response> {
    return fetch(`${mastodon.server.origin}/api/v1/preferences`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  /** Doorkeeper's own record of an access token (stored as it is, as Mastodon stores it). */
  function tokenAtDoorkeeper(accessToken: string): { expires_in: number | null; refresh_token: string | null; revoked_at: string | null } | undefined {
    const db = new Sqlite(mastodon.server.databasePath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('select expires_in, refresh_token, revoked_at from oauth_access_tokens where token = ?').get(accessToken) as ReturnType<typeof tokenAtDoorkeeper>;
    } finally {
      db.close();
    }
  }

  it("signs in through the sign-in form and Doorkeeper's consent page with PKCE and read:accounts, as the account id of verify_credentials, and stores a token with no end and no refresh token, as Doorkeeper issued it", async () => {
    const doorkeeper = mastodon.server;
    let signedIn!: Awaited<ReturnType<typeof signInAtDoorkeeper>>;
    const delta = await countsDelta(mastodon.server, async () => {
      signedIn = await signIn('alice');
    });
    expect(delta).toEqual({ 'token:authorization_code': 1, 'token:authorization_code:200': 1 });
    expect(signedIn.landed.status).toBe(200);
    expect(signedIn.landed.url).toBe(`${APP_ORIGIN}/account`);
    expect(signedIn.landed.text).toContain('Alice Example');
    expect(signedIn.authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(signedIn.authorization.searchParams.get('scope')).toBe('read:accounts');
    const account = await mastodon.database.db.selectFrom('accounts').select('subject').where('user_id', '=', signedIn.userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(doorkeeper.subjects.alice);
    const user = await mastodon.database.db.selectFrom('users').select(['name', 'email']).where('id', '=', signedIn.userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Alice Example', email: null });
    const token = await storedToken(mastodon, signedIn.userId);
    expect(token).toMatchObject({ status: 'active', scope: 'read:accounts', refreshToken: null, expiresAt: null });
    expect(tokenAtDoorkeeper(token.accessToken)).toEqual({ expires_in: null, refresh_token: null, revoked_at: null });
  });

  it('the proxy calls GET /api/v1/preferences with the token, asking Doorkeeper for nothing', async () => {
    const { browser } = await signIn('bob');
    let answers!: BrowserResponse[];
    const delta = await countsDelta(mastodon.server, async () => {
      answers = await Promise.all(Array.from({ length: 20 }, () => proxied(mastodon, browser)));
    });
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ 'posting:default:visibility': 'public' });
    expect(delta).toEqual({});
  });

  it("the app revoked on the authorized applications page: the API's 401 makes the connection needs_reauth, with no token request; disconnect then counts Doorkeeper's 200 as revoked", async () => {
    const { browser, userId } = await signIn('carol');
    const stored = await storedToken(mastodon, userId);
    const applications = await browser.get(`${mastodon.server.origin}/oauth/authorized_applications`);
    expect(applications.text).toContain('Tokenkeeper');
    expect((await browser.submitForm(applications)).status).toBe(200);
    const refused = await callApiAtDoorkeeper(stored.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');

    let first!: BrowserResponse;
    let second!: BrowserResponse;
    const delta = await countsDelta(mastodon.server, async () => {
      first = await proxied(mastodon, browser);
      second = await proxied(mastodon, browser);
    });
    expect(delta).toEqual({});
    for (const answer of [first, second]) {
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    }
    expect((await storedToken(mastodon, userId)).status).toBe('needs_reauth');

    const revocations = await countsDelta(mastodon.server, () => expectDisconnected(mastodon, browser, userId, true));
    expect(revocations).toEqual({ revoke: 1, 'revoke:200': 1 });
  });

  it('disconnect revokes the access token at POST /oauth/revoke, and Doorkeeper takes it no more', async () => {
    const { browser, userId } = await signIn('dave');
    const stored = await storedToken(mastodon, userId);
    expect((await callApiAtDoorkeeper(stored.accessToken)).status).toBe(200);
    const delta = await countsDelta(mastodon.server, () => expectDisconnected(mastodon, browser, userId, true));
    expect(delta).toEqual({ revoke: 1, 'revoke:200': 1 });
    expect(tokenAtDoorkeeper(stored.accessToken)?.revoked_at).toEqual(expect.any(String));
    expect((await callApiAtDoorkeeper(stored.accessToken)).status).toBe(401);
  });

  it('with MASTODON_SCOPE=profile the token reads the person only: the proxied preferences are 403 from the API, and the connection stays', async () => {
    await withAppConfiguredBy(mastodon, { ...env(mastodon.server.origin), MASTODON_SCOPE: 'profile' }, async (app) => {
      const { browser, userId, authorization } = await signIn('erin', app.browser());
      expect(authorization.searchParams.get('scope')).toBe('profile');
      const answer = await browser.get(`${APP_ORIGIN}/api/providers/mastodon/proxy/v1/preferences`);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text)).toEqual({ error: 'This action is outside the authorized scopes' });
      expect(await app.runtime.tokenStore.findToken(userId, 'mastodon')).toMatchObject({ scope: 'profile', status: 'active' });
    });
  });

  it("refuses an unknown code, a refresh grant and a wrong secret as the provider test's emulator does: the same status and error, with Doorkeeper's Bearer challenge", async () => {
    const emulator = await startMastodonEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/mastodon/callback` });
    try {
      const requests: Array<Record<string, string>> = [
        { grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: `${APP_ORIGIN}/auth/mastodon/callback`, client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
        { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
        { grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: `${APP_ORIGIN}/auth/mastodon/callback`, client_id: CLIENT_ID, client_secret: 'not-the-secret' },
      ];
      const refusal = async (origin: string, form: Record<string, string>) => {
        const answer = await fetch(`${origin}/oauth/token`, { method: 'POST', body: new URLSearchParams(form) });
        const challenge = answer.headers.get('www-authenticate') ?? '';
        return { status: answer.status, error: ((await answer.json()) as { error: string }).error, challenge: /^Bearer realm="Doorkeeper", error="([a-z_]+)"/.exec(challenge)?.[1] };
      };
      const real = await Promise.all(requests.map((form) => refusal(mastodon.server.origin, form)));
      expect(real).toEqual([
        { status: 400, error: 'invalid_grant', challenge: 'invalid_grant' },
        { status: 400, error: 'unsupported_grant_type', challenge: 'unsupported_grant_type' },
        { status: 401, error: 'invalid_client', challenge: 'invalid_client' },
      ]);
      expect(await Promise.all(requests.map((form) => refusal(emulator.origin, form)))).toEqual(real);
    } finally {
      await emulator.close();
    }
  });
});
