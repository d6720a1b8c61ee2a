import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startBungieEmulator, type BungieEmulator, type BungieUser } from './bungie.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (a number), a client secret and an API key (32 hex digits), of the forms Bungie.net's application portal shows.
const CLIENT_ID = '45678';
const CLIENT_SECRET = 'TqlCb4VTZc89.7NKgBp9eFgjNbXq2Lm0rS5vW8yZ1aB';
const API_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/bungie/callback`;

function person(id: number, name: string): BungieUser {
  return { membershipId: String(20_000_000 + id), globalName: name.replace(/\s/g, ''), nameCode: id, destinyMembershipId: String(4_611_686_018_400_000_000n + BigInt(id)) };
}

/** Only the documented variables: the preset, the client, its API key, and each endpoint pointed at the emulator (the user API moves with the API base). */
function bungieEnv(bungie: BungieEmulator): Record<string, string> {
  return presetEnv('bungie', CLIENT_ID, CLIENT_SECRET, {
    BUNGIE_X_API_KEY: API_KEY,
    BUNGIE_AUTHORIZE_URL: `${bungie.origin}/en/OAuth/Authorize`,
    BUNGIE_ACCESS_TOKEN_URL: `${bungie.origin}/Platform/App/OAuth/token/`,
    BUNGIE_API_BASE_URL: `${bungie.origin}/Platform`,
  });
}

/** A refresh at Bungie.net itself, as another copy of the token would make it. */
function refreshAtBungie(bungie: BungieEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${bungie.origin}/Platform/App/OAuth/token/`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const startEmulator = (now?: () => number) => startBungieEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiKey: API_KEY, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const BUNGIE: StandardProvider<BungieUser, BungieEmulator> = {
  preset: 'bungie',
  displayName: 'Bungie.net',
  startEmulator: () => startEmulator(),
  env: bungieEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.membershipId,
};

const destinyProfile = (browser: TestBrowser, user: BungieUser, headers: Record<string, string> = {}) =>
  browser.get(`${APP_ORIGIN}/api/providers/bungie/proxy/Destiny2/3/Profile/${user.destinyMembershipId}/?components=100`, { headers });

describeEachDialect('Bungie.net, against an emulator of its OAuth and the Bungie.Net API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BUNGIE);

  const signIn = (user: BungieUser) => signInAs(context, 'bungie', user);

  it('signs in as the Bungie.net membership id, the Bungie Name the name, the Destiny memberships kept, no e-mail; no scope and no PKCE asked, the client in the form, X-API-Key on the user API, a 1-hour token and a refresh token', async () => {
    const { database, emulator: bungie, app } = context;
    const guardian = person(101, 'Saint Fourteen');
    const { userId, request } = await signIn(guardian);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('20000101');
    expect(JSON.parse(account.claims)).toMatchObject({
      membership_id: '20000101',
      picture: 'https://www.bungie.net/img/profile/avatars/cc21.jpg',
      destiny_memberships: [{ membershipType: 3, membershipId: guardian.destinyMembershipId, displayName: 'SaintFourteen' }],
    });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'SaintFourteen#0101', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'bungie');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(bungie.server.requests.findLast((r) => r.path === '/Platform/App/OAuth/token/')!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(bungie.tokenForms.at(-1)!)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(bungie.tokenForms.at(-1)!.has('scope')).toBe(false);
    expect(bungie.server.requests.findLast((r) => r.path === '/Platform/User/GetMembershipsForCurrentUser/')!.headers['x-api-key']).toBe(API_KEY);
  });

  it('the proxy calls the Destiny 2 API with the API key, in place of one the caller sends', async () => {
    const { emulator: bungie } = context;
    const guardian = person(102, 'Osiris');
    const { browser } = await signIn(guardian);
    const answer = await destinyProfile(browser, guardian, { 'x-api-key': 'the-callers-own-key' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ Response: { profile: { data: { userInfo: { membershipId: guardian.destinyMembershipId } } } }, ErrorStatus: 'Success' });
    expect(bungie.apiKeys.at(-1)).toBe(API_KEY);
  });

  it('20 concurrent calls on an expired token make one refresh, with the API key on each call; the new refresh token is kept and the used one is refused', async () => {
    const { emulator: bungie } = context;
    const guardian = person(103, 'Eris Morn');
    const { browser, userId } = await signIn(guardian);
    const keys = bungie.apiKeys.length;
    const { before, answers } = await expectRotatedAfterStorm(context, 'bungie', userId, () => destinyProfile(browser, guardian));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(bungie.apiKeys.slice(keys).every((key) => key === API_KEY)).toBe(true);
    expect(await statusAndBody(refreshAtBungie(bungie, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'AuthorizationRecordRevoked' } });
  });

  it("the application removed in the person's Bungie.net settings marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: bungie } = context;
    const leaving = person(104, 'Leaving');
    const { browser, userId } = await signIn(leaving);
    bungie.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'bungie', userId, () => destinyProfile(browser, leaving));
  });

  it('disconnect deletes the tokens here and asks Bungie.net nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(person(105, 'Goodbye'));
    await expectDisconnectAsksNothing(context, 'bungie', { browser, userId });
  });

  standardCases(() => context, BUNGIE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(BUNGIE, {
  title: 'Bungie.net refresh tokens (90 days unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 90, and the connection outlives that refresh token',
  startEmulator: (now) => startEmulator(now),
  person: person(106, 'Idle Guardian'),
  dueAfterDays: 83,
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (bungie, refreshToken) => {
    expect((await refreshAtBungie(bungie, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(BUNGIE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
