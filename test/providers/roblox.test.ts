import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startRobloxEmulator, type RobloxEmulator, type RobloxUser } from './roblox.emulator.js';

// A numeric client id and an RBX- secret, as the Creator Dashboard shows them for an OAuth 2.0 app.
const CLIENT_ID = '840974200211308101';
const CLIENT_SECRET = 'RBX-CR9aK2mQ7vX4pL8sT1wZ5nB3dF6gH0jSt12L';
const REDIRECT_URI = `${APP_ORIGIN}/auth/roblox/callback`;

function person(id: number, displayName: string): RobloxUser {
  return { id: String(1_516_563_000 + id), username: `${displayName.replace(/\s/g, '').toLowerCase()}${id}`, displayName };
}

/** Only the documented variables: the preset, the client, and the issuer, revocation endpoint and API pointed at the emulator. */
function robloxEnv(roblox: RobloxEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('roblox', CLIENT_ID, CLIENT_SECRET, {
    ROBLOX_ISSUER: roblox.issuer,
    ROBLOX_REVOCATION_URL: `${roblox.origin}/oauth/v1/token/revoke`,
    ROBLOX_API_BASE_URL: roblox.origin,
    ...extra,
  });
}

/** A refresh at Roblox itself, as another copy of the token would make it. */
function refreshAtRoblox(roblox: RobloxEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${roblox.origin}/oauth/v1/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const startEmulator = (options: { now?: () => number } = {}) => startRobloxEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...options });

const ROBLOX: StandardProvider<RobloxUser, RobloxEmulator> = {
  preset: 'roblox',
  displayName: 'Roblox',
  startEmulator: () => startEmulator(),
  env: robloxEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Roblox, against an emulator of its OAuth 2.0 server and Open Cloud', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ROBLOX);

  const signIn = (user: RobloxUser) => signInAs(context, 'roblox', user);
  const openCloudUser = (browser: TestBrowser, user: RobloxUser) => browser.get(`${APP_ORIGIN}/api/providers/roblox/proxy/cloud/v2/users/${user.id}`);

  it('signs in through discovery at the issuer with its trailing slash, as the ID token’s sub (the user id), with the display name and username, no e-mail; openid profile with PKCE and a nonce, the client in the form, a 15-minute token and a refresh token', async () => {
    const { database, emulator: roblox, app } = context;
    const ada = person(101, 'Ada Builder');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(roblox.server.requests.some((r) => r.path === '/oauth/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: roblox.issuer, subject: ada.id });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.id, nickname: 'Ada Builder', preferred_username: 'adabuilder101', profile: `https://www.roblox.com/users/${ada.id}/profile` });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Builder', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'roblox');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid profile' });
    expectAccessTokenLifetime(token, 899 - 60, 899);
    const exchange = roblox.server.requests.find((r) => r.path === '/oauth/v1/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('signing in again finds the same person by the user id, whatever the username became', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Grace Maker'));
    const second = await signIn({ ...person(105, 'Grace Maker'), username: 'renamed105' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'roblox').where('subject', '=', person(105, '').id).execute()).toHaveLength(1);
  });

  it('the proxy calls Open Cloud; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: roblox } = context;
    const alan = person(102, 'Alan Scripter');
    const { browser, userId } = await signIn(alan);
    const first = await openCloudUser(browser, alan);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ path: `users/${alan.id}`, name: 'alanscripter102', displayName: 'Alan Scripter' });
    const { before } = await expectRotatedAfterStorm(context, 'roblox', userId, () => openCloudUser(browser, alan));
    expect(await statusAndBody(refreshAtRoblox(roblox, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app's authorization revoked in Roblox marks the connection 'needs re-auth' after one refused refresh; disconnect then counts the session as revoked", async () => {
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    context.emulator.revokeAppInRoblox(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'roblox', userId, () => openCloudUser(browser, leaving));
    expect(await disconnectThrough(browser, 'roblox')).toEqual({ disconnected: true, revokedAtProvider: true });
  });

  it('disconnect ends the session with one request to /oauth/v1/token/revoke, the refresh token and the client in the form: neither token works after', async () => {
    const { emulator: roblox } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'roblox', { browser, userId }, { requests: 1 });
    expect(roblox.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtRoblox(roblox, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, ROBLOX, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(ROBLOX, {
  title: 'Roblox refresh tokens (90 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 90, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startEmulator({ now }),
  person: person(107, 'Idle Person'),
  dueAfterDays: 83,
  // 114 days after sign-in: the first refresh token (90 days, and spent) has ended; the sweep's still works.
  usedAgainAfterDays: 31,
  firstRefreshTokenRefused: async (roblox, refreshToken) => {
    expect((await refreshAtRoblox(roblox, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(ROBLOX, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
