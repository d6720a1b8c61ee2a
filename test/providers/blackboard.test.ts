import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { BLACKBOARD_ACCESS_TOKEN_SECONDS, startBlackboardEmulator, type BlackboardEmulator, type BlackboardUser } from './blackboard.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A REST application's key (a UUID, sent as client_id) and secret, as the Developer Portal issues them.
const CLIENT_ID = '8dbba050-b830-414f-b7f1-0b448a6320c9';
const CLIENT_SECRET = 'kLpiuq34320jqreaiJIRoareASELERREv56';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/blackboard/callback`;

function person(id: number, given: string, family: string): BlackboardUser {
  const login = `${given[0]!.toLowerCase()}${family.toLowerCase()}`;
  return { uuid: `${id.toString(16).padStart(8, '0')}bd0d467882943ed06fbfe72c`, pk1: `_${id}_1`, given, family, userName: login, email: `${login}@myschool.edu`, courses: [`${family.toUpperCase()}-101`] };
}

/** Only the documented variables: the preset, the application, and the install, which the emulator is. */
function blackboardEnv(blackboard: BlackboardEmulator): Record<string, string> {
  return presetEnv('blackboard', CLIENT_ID, CLIENT_SECRET, { BLACKBOARD_BASE_URL: blackboard.origin });
}

const subjectAt = (blackboard: BlackboardEmulator, user: BlackboardUser) => `${user.uuid}@${new URL(blackboard.origin).host}`;

let started: BlackboardEmulator | undefined;
const BLACKBOARD: StandardProvider<BlackboardUser, BlackboardEmulator> = {
  preset: 'blackboard',
  displayName: 'Blackboard Learn',
  startEmulator: async () => (started = await startBlackboardEmulator({ ...CLIENT, redirectUri: REDIRECT_URI })),
  env: blackboardEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => subjectAt(started!, user),
};

const memberships = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/blackboard/proxy/v1/users/me/courses`);

describeEachDialect('Blackboard Learn, against an emulator of one install', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BLACKBOARD);
  const signIn = (user: BlackboardUser) => signInAs(context, 'blackboard', user);
  const tokenUrl = () => `${context.emulator.origin}/learn/api/public/v1/oauth2/token`;

  it("signs in as the uuid of /users/me at the install's host, with the names, the userName and an unverified e-mail; read offline with PKCE, the client as Basic, an hour's token and a refresh token", async () => {
    const { database, emulator: blackboard, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read offline');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(subjectAt(blackboard, ada));
    expect(JSON.parse(account.claims)).toMatchObject({ uuid: ada.uuid, preferred_username: 'alovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'alovelace@myschool.edu' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'alovelace@myschool.edu' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'blackboard');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read offline' });
    expectAccessTokenLifetime(token, BLACKBOARD_ACCESS_TOKEN_SECONDS - 100, BLACKBOARD_ACCESS_TOKEN_SECONDS);
    const exchange = blackboard.server.requests.findLast((r) => r.path.startsWith('/learn/api/public/v1/oauth2/token'))!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(blackboard.server.requests.findLast((r) => r.path === '/learn/api/public/v1/users/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the qualified uuid, whatever the userName and primary id became (a migrated install)', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), userName: 'admiral', pk1: '_9105_1' });
    expect(second.userId).toBe(first.userId);
  });

  it("the proxy calls the install's REST API under /learn/api/public; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept", async () => {
    const { emulator: blackboard } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await memberships(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ results: [{ courseId: 'TURING-101', courseRoleId: 'Student' }] });
    const { after, answers } = await expectRotatedAfterStorm(context, 'blackboard', userId, () => memberships(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, BLACKBOARD_ACCESS_TOKEN_SECONDS - 100, BLACKBOARD_ACCESS_TOKEN_SECONDS);
    expect(blackboard.server.counts.refresh_token).toBeGreaterThanOrEqual(1);
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!);
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: BLACKBOARD_ACCESS_TOKEN_SECONDS, scope: 'read offline', refresh_token: expect.any(String) });
  });

  it('the token endpoint takes the parameters in the URL query too, as Anthology shows them, and refuses a client that is not the key and secret', async () => {
    const { emulator: blackboard } = context;
    const { userId } = await signIn(person(106, 'Query', 'Params'));
    const stored = (await context.app.runtime.tokenStore.findToken(userId, 'blackboard'))!;
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const inQuery = await fetch(`${tokenUrl()}?refresh_token=${encodeURIComponent(stored.refreshToken!)}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token',
    });
    expect(inQuery.status).toBe(200);
    expect(await inQuery.json()).toMatchObject({ user_id: person(106, 'Query', 'Params').uuid });
    const wrongSecret = await statusAndBody(refreshAtProvider(tokenUrl(), { clientId: CLIENT_ID, clientSecret: 'not-the-secret' }, stored.refreshToken!));
    expect(wrongSecret).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(blackboard.server.counts.token_request).toBeGreaterThanOrEqual(3);
  });

  it("an API call with a token Learn does not take is its 401 in Learn's error shape", async () => {
    const response = await fetch(`${context.emulator.origin}/learn/api/public/v1/users/me/courses`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ status: 401, message: 'API request is not authorized.' });
  });

  it("the person's access taken away: the refused refresh marks the connection needs re-auth after one try", async () => {
    const { emulator: blackboard } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    blackboard.revokeAccessOf(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'blackboard', userId, () => memberships(browser));
  });

  it('disconnect asks Learn nothing (it documents no revocation) and deletes the tokens here', async () => {
    const signedIn = await signIn(person(104, 'Radia', 'Perlman'));
    await expectDisconnectAsksNothing(context, 'blackboard', signedIn);
  });

  it('/users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, BLACKBOARD, person(110, 'Outage', 'Profile'), (blackboard) => blackboard.failNextProfile(500));
  });

  standardCases(() => context, BLACKBOARD, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BLACKBOARD, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the blackboard preset in production', () => {
  const { settings, refusal } = presetInProduction('blackboard', CLIENT);

  it("takes the install's URL, and needs it; every endpoint and the API are on the install", () => {
    expect(settings({ BLACKBOARD_BASE_URL: 'https://myschool.blackboard.com/' })).toMatchObject({
      displayName: 'Blackboard Learn',
      endpoints: {
        authorizationEndpoint: 'https://myschool.blackboard.com/learn/api/public/v1/oauth2/authorizationcode',
        tokenEndpoint: 'https://myschool.blackboard.com/learn/api/public/v1/oauth2/token',
        userinfoEndpoint: 'https://myschool.blackboard.com/learn/api/public/v1/users/me',
      },
      scope: 'read offline',
      apiBaseUrl: 'https://myschool.blackboard.com/learn/api/public',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
    });
    expect(refusal({})).toContain('BLACKBOARD_BASE_URL');
  });
});
