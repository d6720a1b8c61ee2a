import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startGiteaEmulator, type GiteaEmulator, type GiteaUser } from './gitea.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (a UUID) and secret (gto_ and 52 base32 characters), as Gitea shows them for a new OAuth2 application.
const CLIENT_ID = 'b2d0c8a4-6f1e-4c3a-9d7b-5e2f1a0c9b84';
const CLIENT_SECRET = 'gto_7kq2m4xw5zr3t6yv8bn2c4dh6fj7gl3mp5qs7tu2vw4xy6za3bc5';
const REDIRECT_URI = `${APP_ORIGIN}/auth/gitea/callback`;
const DAY = 86_400;

function person(id: number, login: string, fullName: string, active = true): GiteaUser {
  return { id, login, fullName, email: `${login}@example.com`, active };
}

/** Only the documented variables: the preset, the client, and the instance's URL. */
function giteaEnv(gitea: GiteaEmulator): Record<string, string> {
  return { OAUTH_PROVIDERS: 'gitea', GITEA_PRESET: 'gitea', GITEA_CLIENT_ID: CLIENT_ID, GITEA_CLIENT_SECRET: CLIENT_SECRET, GITEA_BASE_URL: gitea.origin };
}

/** A refresh at Gitea itself, as another copy of the token would make it. */
function refreshAtGitea(gitea: GiteaEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${gitea.origin}/login/oauth/access_token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const GITEA: StandardProvider<GiteaUser, GiteaEmulator> = {
  preset: 'gitea',
  displayName: 'Gitea',
  // With INVALIDATE_REFRESH_TOKENS on: a spent refresh token is refused.
  startEmulator: () => startGiteaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, invalidateRefreshTokens: true }),
  env: giteaEnv,
  people: {
    cancelled: person(1108, 'changed', 'Changed Mind'),
    'refused-code': person(1109, 'refused', 'Refused Code'),
    'wrong-secret': person(1301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': person(1302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Gitea, against an emulator of a Gitea instance', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), GITEA);

  const signIn = (user: GiteaUser) => signInAs(context, 'gitea', user);
  const apiUser = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/gitea/proxy/user`);

  it('signs in through discovery at the instance as the numeric sub (not the login), with the name and an e-mail verified as the ID token says; openid profile email read:user with PKCE, the client in the form, a 1-hour token and a refresh token', async () => {
    const { database, emulator: gitea, app } = context;
    const { userId, request } = await signIn(person(1101, 'ada', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('openid profile email read:user');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: gitea.issuer, subject: '1101' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'gitea');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid profile email read:user' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(3500);
    expect(lifetime).toBeLessThanOrEqual(3600);
    expect(gitea.server.counts.client_secret_post).toBeGreaterThan(0);
    expect(gitea.server.counts.client_secret_basic).toBeUndefined();
  });

  it('an inactive account (its e-mail not confirmed) has no email_verified from Gitea: the e-mail is kept as not known to be verified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(1107, 'pending', 'Pending Confirmation', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('pending@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy reaches the REST API at /api/v1 with the token as Bearer', async () => {
    const { emulator: gitea } = context;
    const { browser } = await signIn(person(1102, 'grace', 'Grace Hopper'));
    const answer = await apiUser(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ id: 1102, login: 'grace', full_name: 'Grace Hopper' });
    expect(gitea.server.requests.findLast((request) => request.path === '/api/v1/user')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and Gitea refuses the spent one', async () => {
    const { emulator: gitea } = context;
    const { browser, userId } = await signIn(person(1103, 'alan', 'Alan Turing'));
    const { before } = await expectRotatedAfterStorm(context, 'gitea', userId, () => apiUser(browser));
    expect(await statusAndBody(refreshAtGitea(gitea, before.refreshToken!))).toEqual({ status: 400, body: { error: 'unauthorized_client', error_description: 'token was already used' } });
  });

  it("the app revoked in the person's Gitea settings: the API refuses the token, the refresh is refused (grant does not exist), and the connection needs re-auth after one try", async () => {
    const { emulator: gitea } = context;
    const leaving = person(1104, 'edsger', 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    gitea.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'gitea', userId, () => apiUser(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Gitea, which has no endpoint for it: no request is sent', async () => {
    const { emulator: gitea } = context;
    const { browser, userId } = await signIn(person(1105, 'barbara', 'Barbara Liskov'));
    await expectDisconnectAsksNothing(context, 'gitea', { browser, userId });
  });

  it('a person who authorized the app before signs in again without a consent page, as the same account', async () => {
    const { database, emulator: gitea } = context;
    const returning = person(1106, 'margaret', 'Margaret Hamilton');
    const first = await signIn(returning);
    const skipped = gitea.server.counts.consent_skipped ?? 0;
    const second = await signIn(returning);
    expect(gitea.server.counts.consent_skipped).toBe(skipped + 1);
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('subject').where('provider', '=', 'gitea').where('subject', '=', '1106').execute()).toHaveLength(1);
  });

  standardCases(() => context, GITEA, { cancelled: {}, refusedCode: { sentAs: '400 unauthorized_client "client is not authorized", read as invalid_grant' } });
});

describeClientFailures(GITEA, { wrongSecret: { sentAs: '400 unauthorized_client "invalid client secret", read as invalid_client' }, exchangeFailure: {} });

// Gitea's default: every refresh answers a new refresh token, and each ends 730 hours after it was issued.
describeKeepAlive(GITEA, {
  title: 'Gitea refresh tokens (730 hours from issue) and the keep-alive sweep',
  name: 'refreshes an unused connection once 7 days before its refresh token ends, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startGiteaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(1201, 'idle', 'Idle Person'),
  dueAfterDays: (730 * 3600 - 7 * DAY) / DAY,
  // 31.4 days after sign-in: the first refresh token (30.4 days) has ended, the sweep's (issued at 23.4 days) has not.
  usedAgainAfterDays: 8,
  firstRefreshTokenRefused: async (gitea, refreshToken) => {
    const refused = await refreshAtGitea(gitea, refreshToken);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'unauthorized_client', error_description: 'unable to parse refresh token' });
  },
  more: (context) => {
    it("a refresh token past its 730 hours (Gitea's unauthorized_client, read as invalid_grant) makes the connection need re-auth, not a configuration error", async () => {
      const { emulator: gitea, app, clock } = context;
      const { userId } = await signInAs(context, 'gitea', person(1202, 'lapsed', 'Lapsed Person'));
      // Nothing used the connection, and the sweep did not run: its refresh token ends at 730 hours.
      clock.advance(31 * DAY);
      const refreshes = gitea.server.counts.refresh_token ?? 0;
      await expect(app.runtime.tokens.getAccessToken(userId, 'gitea')).rejects.toMatchObject({ code: 'needs_reauth' });
      expect(gitea.server.counts.refresh_token).toBe(refreshes + 1);
      await expect(app.runtime.tokens.getAccessToken(userId, 'gitea')).rejects.toMatchObject({ code: 'needs_reauth' });
      expect(gitea.server.counts.refresh_token).toBe(refreshes + 1);
      expect((await app.runtime.tokenStore.findToken(userId, 'gitea'))!.status).toBe('needs_reauth');
    });
  },
});
