import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { describeEachDialect } from '../support/postgres.js';
import { startVercelEmulator, type VercelEmulator, type VercelUser } from './vercel.emulator.js';

// A client id and secret of the forms a Vercel App's Manage page shows.
const CLIENT_ID = 'cl_be6c3c8b9f340d4a20feefab2862a49a';
const CLIENT_SECRET = 'vcs_4Tq9Lm2Rx7Vb1Nz8Kp3Wd6Hy0Fs5Jc';
const REDIRECT_URI = `${APP_ORIGIN}/auth/vercel/callback`;
const SCOPE = 'openid email profile offline_access';
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, name: string, avatar = true): VercelUser {
  const username = name.toLowerCase().replace(/\s+/g, '-');
  return { id: n.toString(16).padStart(24, '0'), username, name, email: `${username}@example.com`, ...(avatar ? { avatar: `00159aa4c88348dedc91a456b457d1ba${n}` } : {}) };
}

/** Only the documented variables: the preset, the client, the issuer pointed at the emulator (its discovery names the rest), and the REST API. */
function vercelEnv(vercel: VercelEmulator): Record<string, string> {
  return presetEnv('vercel', CLIENT_ID, CLIENT_SECRET, { VERCEL_ISSUER: vercel.issuer, VERCEL_API_BASE_URL: vercel.origin });
}

/** A refresh at Vercel itself, as another copy of the token would make it. */
function refreshAtVercel(vercel: VercelEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${vercel.origin}/login/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const startEmulator = (now?: () => number) => startVercelEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const VERCEL: StandardProvider<VercelUser, VercelEmulator> = {
  preset: 'vercel',
  displayName: 'Vercel',
  startEmulator: () => startEmulator(),
  env: vercelEnv,
  people: standardPeople((n, name) => person(n, name)),
  subjectOf: (user) => user.id,
};

const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/vercel/proxy/v2/user`);

describeEachDialect('Vercel, against an emulator of Sign in with Vercel', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), VERCEL);

  const signIn = (user: VercelUser) => signInAs(context, 'vercel', user);

  it("signs in through discovery as the ID token's sub (not the username), with the name, username and avatar, the e-mail unverified (Vercel sends no email_verified); offline_access with PKCE S256, a nonce and no prompt, the client by Basic, an hour-long token and a refresh token", async () => {
    const { database, emulator: vercel, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: vercel.issuer, subject: ada.id });
    expect(JSON.parse(account.claims)).toMatchObject({ picture: `https://api.vercel.com/www/avatar/${ada.avatar}` });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada-lovelace@example.com', username: 'ada-lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'vercel');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^vcr_/), scope: SCOPE });
    expectAccessTokenLifetime(token, 3600 - 100, 3600);
    const exchange = vercel.server.requests.find((r) => r.path === '/login/oauth/token')!;
    expect(exchange.headers.authorization).toBe(basic);
    expect(vercel.server.counts.client_secret_post).toBeUndefined();
  });

  it('a person without an avatar signs in without a picture', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'Plain Person', false));
    const account = await database.db.selectFrom('accounts').select('claims').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(JSON.parse(account.claims).picture).toBeUndefined();
  });

  it("the proxy calls Vercel's REST API with the token as Bearer", async () => {
    const { emulator: vercel } = context;
    const grace = person(103, 'Grace Hopper');
    const { browser } = await signIn(grace);
    const answer = await me(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ user: { id: grace.id, username: 'grace-hopper', email: 'grace-hopper@example.com' } });
    expect(vercel.server.requests.findLast((r) => r.path === '/v2/user')!.headers.authorization).toMatch(/^Bearer vca_/);
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept with the same scope, and Vercel refuses the spent one', async () => {
    const { emulator: vercel } = context;
    const { browser, userId } = await signIn(person(104, 'Alan Turing'));
    const { before, after } = await expectRotatedAfterStorm(context, 'vercel', userId, () => me(browser));
    expect(after.scope).toBe(SCOPE);
    expect(await statusAndBody(refreshAtVercel(vercel, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the app removed from the person’s Vercel account: the refresh is refused, and the connection needs re-auth after one try', async () => {
    const { database, emulator: vercel } = context;
    const leaving = person(105, 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    vercel.removeAuthorization(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'vercel', userId, () => me(browser));
  });

  it('disconnect revokes at /login/oauth/token/revoke (RFC 7009) with the client by Basic, the only way that endpoint takes it: both tokens stop working, and they are deleted here', async () => {
    const { emulator: vercel } = context;
    const { browser, userId } = await signIn(person(106, 'Barbara Liskov'));
    const stored = await expectDisconnectRevokes(context, 'vercel', { browser, userId });
    expect(vercel.server.requests.filter((r) => r.path === '/login/oauth/token/revoke').every((r) => r.headers.authorization === basic)).toBe(true);
    expect(vercel.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtVercel(vercel, stored.refreshToken!)).status).toBe(400);
  });

  it('signing in again finds the same person by the user id, even after a new username', async () => {
    const { database } = context;
    const returning = person(107, 'Margaret Hamilton');
    const first = await signIn(returning);
    const second = await signIn({ ...returning, username: 'mhamilton' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'vercel').where('subject', '=', returning.id).execute()).toHaveLength(1);
  });

  standardCases(() => context, VERCEL, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(VERCEL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeKeepAlive(VERCEL, {
  title: 'Vercel refresh tokens (30 days, a new one with each refresh) and the keep-alive sweep',
  name: 'refreshes an unused connection once 7 days before its refresh token’s 30 days end, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startEmulator(now),
  person: person(201, 'Idle Person'),
  dueAfterDays: 23,
  usedAgainAfterDays: 8,
  firstRefreshTokenRefused: async (vercel, refreshToken) => {
    expect(await statusAndBody(refreshAtVercel(vercel, refreshToken))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  },
});

describe('the vercel preset in production', () => {
  it("takes Vercel's issuer, with discovery naming the endpoints, the REST API, Basic, and a 30-day refresh token", () => {
    expect(providerSettings({ VERCEL_PRESET: 'vercel', VERCEL_CLIENT_ID: CLIENT_ID, VERCEL_CLIENT_SECRET: CLIENT_SECRET }, 'vercel', true)).toMatchObject({
      displayName: 'Vercel',
      discovery: { issuer: 'https://vercel.com' },
      scope: SCOPE,
      apiBaseUrl: 'https://api.vercel.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
    });
  });
});
