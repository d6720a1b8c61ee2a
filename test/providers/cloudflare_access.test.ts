import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startCloudflareAccessEmulator, type AccessUser, type CloudflareAccessEmulator, type CloudflareAccessEmulatorOptions } from './cloudflare_access.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An OIDC SaaS application's client id and secret as Zero Trust shows them (64 hex digits each), and a team domain.
const CLIENT_ID = '4b8a2f7c1e9d3a5b6c0d8e7f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const CLIENT_SECRET = '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const TEAM_DOMAIN = 'acme.cloudflareaccess.com';
const REDIRECT_URI = `${APP_ORIGIN}/auth/cloudflare_access/callback`;

function person(n: number, name: string): AccessUser {
  return { id: `7335d417-61da-459d-899c-${String(n).padStart(12, '0')}`, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, name };
}

const subjectOf = (user: AccessUser) => `${user.id}@${TEAM_DOMAIN}`;

const start = (more: Partial<CloudflareAccessEmulatorOptions> = {}) => startCloudflareAccessEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, ...more });

/** The documented variables: the team domain, and the application's endpoints and API pointed at the emulator. */
function accessEnv(access: CloudflareAccessEmulator): Record<string, string> {
  return presetEnv('cloudflare_access', CLIENT_ID, CLIENT_SECRET, {
    CLOUDFLARE_ACCESS_DOMAIN: TEAM_DOMAIN,
    CLOUDFLARE_ACCESS_AUTHORIZE_URL: `${access.issuer}/authorization`,
    CLOUDFLARE_ACCESS_ACCESS_TOKEN_URL: `${access.issuer}/token`,
    CLOUDFLARE_ACCESS_USERINFO_URL: `${access.issuer}/userinfo`,
    CLOUDFLARE_ACCESS_API_BASE_URL: access.issuer,
  });
}

const ACCESS: StandardProvider<AccessUser, CloudflareAccessEmulator> = {
  preset: 'cloudflare_access',
  displayName: 'Cloudflare Access',
  startEmulator: () => start(),
  env: accessEnv,
  people: standardPeople(person),
  subjectOf,
};

/** Userinfo through the app's proxy, as the signed-in browser. */
const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/cloudflare_access/proxy/userinfo`);

describeEachDialect('Cloudflare Access, against an emulator of an OIDC SaaS application', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ACCESS);
  const signIn = (user: AccessUser) => signInAs(context, 'cloudflare_access', user);

  it("signs in as userinfo's sub qualified by the team domain, with the name and an e-mail of unknown verification; openid email profile offline_access with PKCE and no nonce, the client as Basic, the application's token lifetime and a refresh token", async () => {
    const { database, emulator: access, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid email profile offline_access');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.has('nonce')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`7335d417-61da-459d-899c-000000000101@${TEAM_DOMAIN}`);
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.id, email: 'ada@example.com', name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'cloudflare_access');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid email profile offline_access' });
    expectAccessTokenLifetime(token, 250, 300);
    expect(access.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(access.server.counts.client_secret_post).toBeUndefined();
  });

  it('signing in again finds the same person by the qualified sub, whatever the e-mail became', async () => {
    const first = await signIn(person(102, 'Grace Hopper'));
    const second = await signIn({ ...person(102, 'Grace Hopper'), email: 'admiral@example.com' });
    expect(second.userId).toBe(first.userId);
  });

  it("a person the application's Access policies do not allow sees Access's block page, is never sent back, and nothing is stored", async () => {
    const { database, emulator: access, app } = context;
    const before = await rowCounts(database);
    const exchanges = access.server.counts.authorization_code ?? 0;
    access.signInAs(person(103, 'Not Allowed'));
    access.denyNextAuthorization();
    const page = await signInThrough(app.browser(), 'cloudflare_access');
    expect(page.status).toBe(403);
    expect(access.server.counts.authorization_code ?? 0).toBe(exchanges);
    expect(await rowCounts(database)).toEqual(before);
  });

  it("the proxy reaches the application's issuer (userinfo); 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept", async () => {
    const { emulator: access } = context;
    const alan = person(104, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const first = await userinfo(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ sub: alan.id, email: 'alan@example.com', name: 'Alan Turing' });
    expect(access.server.requests.findLast((r) => r.path.endsWith('/userinfo'))!.headers.authorization).toMatch(/^Bearer /);
    const { answers } = await expectRotatedAfterStorm(context, 'cloudflare_access', userId, () => userinfo(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  });

  it("a person the Access policies no longer allow: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const { emulator: access } = context;
    const leaving = person(105, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    access.removeFromPolicy(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'cloudflare_access', userId, () => userinfo(browser));
  });

  it('disconnect asks Cloudflare nothing (it documents no revocation) and deletes the tokens here', async () => {
    const signedIn = await signIn(person(106, 'Radia Perlman'));
    await expectDisconnectAsksNothing(context, 'cloudflare_access', signedIn);
  });

  standardCases(() => context, ACCESS, { refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Cloudflare Access, an application without refresh tokens and CLOUDFLARE_ACCESS_SCOPE without offline_access', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => start({ refreshTokens: false }),
    env: (access) => ({ ...accessEnv(access), CLOUDFLARE_ACCESS_SCOPE: 'openid email profile' }),
  });

  it('signs in the same way, and keeps no refresh token', async () => {
    const { app } = context;
    const { userId, request } = await signInAs(context, 'cloudflare_access', person(110, 'Short Lived'));
    expect(request.get('scope')).toBe('openid email profile');
    expect(await app.runtime.tokenStore.findToken(userId, 'cloudflare_access')).toMatchObject({ refreshToken: null });
  });
});

describeClientFailures(ACCESS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the cloudflare_access preset in production', () => {
  const { settings, refusal } = presetInProduction('cloudflare_access', CLIENT);

  it("makes the application's issuer on the team domain from its client id, where its endpoints and API are", () => {
    const issuer = `https://${TEAM_DOMAIN}/cdn-cgi/access/sso/oidc/${CLIENT_ID}`;
    expect(settings({ CLOUDFLARE_ACCESS_DOMAIN: TEAM_DOMAIN })).toMatchObject({
      displayName: 'Cloudflare Access',
      endpoints: { authorizationEndpoint: `${issuer}/authorization`, tokenEndpoint: `${issuer}/token`, userinfoEndpoint: `${issuer}/userinfo` },
      scope: 'openid email profile offline_access',
      apiBaseUrl: issuer,
    });
  });

  it('needs the team domain, and only a team domain', () => {
    expect(refusal({})).toContain('CLOUDFLARE_ACCESS_DOMAIN');
    expect(refusal({ CLOUDFLARE_ACCESS_DOMAIN: 'app.acme.com' })).toContain('is not a Cloudflare Zero Trust team domain: give <team-name>.cloudflareaccess.com');
  });
});
