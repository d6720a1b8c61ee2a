import { afterEach, describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startGitLabEmulator, type GitLabEmulator, type GitLabUser } from './gitlab.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { expireAccessTokens, standardCases, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';

const CLIENT_ID = '2f1c6a3e9b7d4c8a5e0f1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6';
const CLIENT_SECRET = 'gloas-0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab';

function person(id: number, username: string, name: string): GitLabUser {
  return { id, username, name, email: `${username}@example.com` };
}

const GITLAB: ProviderUnderTest<GitLabUser, GitLabEmulator> = {
  preset: 'gitlab',
  displayName: 'GitLab',
  people: {
    cancelled: person(4026, 'cancel', 'Cancel'),
    'refused-code': person(4027, 'badcode', 'Bad Code'),
    'wrong-secret': person(4028, 'secret', 'Secret'),
    'exchange-failure': person(4029, 'down', 'Down'),
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('GitLab (self-managed), against an emulator of GitLab', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startGitLabEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/gitlab/callback` }),
    // Only the documented variables: a self-managed instance is named by its URL, nothing else.
    env: (gitlab) => presetEnv('gitlab', CLIENT_ID, CLIENT_SECRET, { GITLAB_BASE_URL: gitlab.origin }),
  });
  afterEach(() => {
    const { emulator: gitlab } = context;
    gitlab.renewClientSecret(CLIENT_SECRET);
    gitlab.failTokenRequests(null);
  });

  async function signIn(browser: TestBrowser, user: GitLabUser) {
    const { emulator: gitlab } = context;
    gitlab.signInAs(user);
    const start = await browser.get(`${APP_ORIGIN}/login/gitlab?next=/api/me`, { followRedirects: false });
    const request = new URL(start.location!).searchParams;
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    return { request, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  }

  it('signs in as the numeric user id (not the username), with the name and e-mail, a 2-hour token and a refresh token', async () => {
    const { database, emulator: gitlab, app } = context;
    const { request, userId } = await signIn(app.browser(), person(4021, 'ada', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('openid profile email read_user');
    expect(request.get('code_challenge_method')).toBe('S256');
    // GitLab issues refresh tokens without consent or offline_access.
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: gitlab.origin, subject: '4021' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada' });
    const token = await app.runtime.tokenStore.findToken(userId, 'gitlab');
    expect(token!.refreshToken).toEqual(expect.any(String));
    expect(token!.scope).toBe('openid profile email read_user');
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(7100);
    // The client authenticated with its id and secret in the form, as GitLab documents.
    expect(gitlab.server.counts.client_secret_post).toBeGreaterThan(0);
    expect(gitlab.server.counts.client_secret_basic).toBeUndefined();
  });

  it('the proxy reaches the REST API (/api/v4/user) with the token', async () => {
    const { emulator: gitlab, app } = context;
    const browser = app.browser();
    await signIn(browser, person(4022, 'grace', 'Grace Hopper'));
    const answer = await browser.get(`${APP_ORIGIN}/api/providers/gitlab/proxy/user`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ id: 4022, username: 'grace' });
    expect(gitlab.server.requests.findLast((request) => request.path === '/api/v4/user')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh; the rotated refresh token is kept and the old access token is dead at GitLab', async () => {
    const { emulator: gitlab, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person(4023, 'alan', 'Alan Turing'));
    const { before } = await expectRotatedAfterStorm(context, 'gitlab', userId, () => browser.get(`${APP_ORIGIN}/api/providers/gitlab/proxy/user`));
    expect(gitlab.accepts(before.accessToken)).toBe(false);
  });

  it('disconnect revokes at /oauth/revoke: the grant ends at GitLab and the tokens are deleted', async () => {
    const { emulator: gitlab, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person(4024, 'barbara', 'Barbara Liskov'));
    // The refresh token, then the access token (which GitLab already ended with it, and answers 200 for).
    const stored = await expectDisconnectRevokes(context, 'gitlab', { browser, userId }, { requests: 2 });
    expect(gitlab.accepts(stored.accessToken)).toBe(false);
    expect(gitlab.liveGrants(4024)).toBe(0);
  });

  it('a grant revoked at GitLab: the refresh is refused (invalid_grant) and the connection needs re-auth, with one try', async () => {
    const { database, emulator: gitlab, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person(4025, 'edsger', 'Edsger Dijkstra'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'gitlab');
    // The person revokes the application under "Applications" in their GitLab settings.
    await fetch(`${gitlab.origin}/oauth/revoke`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored!.refreshToken! }) });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: gitlab }, 'gitlab', userId, () => browser.get(`${APP_ORIGIN}/api/providers/gitlab/proxy/user`));
  });

  standardCases(() => context, GITLAB, {
    cancelled: {},
    refusedCode: { sentAs: 'invalid_grant' },
    wrongSecret: {
      sentAs: 'invalid_client, 401, after the secret was renewed at GitLab',
      rotate: (emulator) => {
        emulator.renewClientSecret('gloas-renewed-secret');
        return () => emulator.renewClientSecret(CLIENT_SECRET);
      },
    },
    exchangeFailure: { fail: (emulator, status) => emulator.failTokenRequests(status), recover: (emulator) => emulator.failTokenRequests(null) },
  });

  it('GitLab failing a refresh (503) answers 503 and keeps the stored tokens as they were', async () => {
    const { database, emulator: gitlab, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person(4030, 'outage', 'Outage'));
    await expireAccessTokens(database, userId);
    const before = await app.runtime.tokenStore.findToken(userId, 'gitlab');
    gitlab.failTokenRequests(503);
    const answer = await browser.get(`${APP_ORIGIN}/api/providers/gitlab/proxy/user`);
    expect(answer.status).toBe(503);
    const after = await app.runtime.tokenStore.findToken(userId, 'gitlab');
    expect(after).toMatchObject({ status: 'active', accessToken: before!.accessToken, refreshToken: before!.refreshToken });
  });
});

describe('the gitlab preset in production', () => {
  const env = { GITLAB_PRESET: 'gitlab', GITLAB_CLIENT_ID: CLIENT_ID, GITLAB_CLIENT_SECRET: CLIENT_SECRET };

  it('is gitlab.com by default, and a self-managed instance is named by GITLAB_BASE_URL alone', () => {
    expect(providerSettings(env, 'gitlab', true)).toMatchObject({
      displayName: 'GitLab',
      discovery: { issuer: 'https://gitlab.com' },
      apiBaseUrl: 'https://gitlab.com/api/v4',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
    });
    const selfManaged = providerSettings({ ...env, GITLAB_BASE_URL: 'https://gitlab.example.com/' }, 'gitlab', true);
    expect(selfManaged).toMatchObject({ discovery: { issuer: 'https://gitlab.example.com' }, apiBaseUrl: 'https://gitlab.example.com/api/v4' });
  });
});
