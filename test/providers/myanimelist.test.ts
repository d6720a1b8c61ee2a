import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { MYANIMELIST_ACCESS_TOKEN_SECONDS, startMyAnimeListEmulator, type MyAnimeListEmulator, type MyAnimeListUser } from './myanimelist.emulator.js';

// A client id and secret of the lengths MyAnimeList states: 32 and 64 bytes (hex).
const CLIENT_ID = '6f1c2e3d4b5a69788796a5b4c3d2e1f0';
const CLIENT_SECRET = '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
const REDIRECT_URI = `${APP_ORIGIN}/auth/myanimelist/callback`;

function person(id: number, name: string): MyAnimeListUser {
  return { id, name: name.replace(' ', '_') };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (the profile moves with it). */
function myanimelistEnv(mal: MyAnimeListEmulator): Record<string, string> {
  return presetEnv('myanimelist', CLIENT_ID, CLIENT_SECRET, {
    MYANIMELIST_AUTHORIZE_URL: `${mal.origin}/v1/oauth2/authorize`,
    MYANIMELIST_ACCESS_TOKEN_URL: `${mal.origin}/v1/oauth2/token`,
    MYANIMELIST_API_BASE_URL: `${mal.origin}/v2`,
  });
}

/** A refresh at MyAnimeList itself, the client in the form as its token requests send it. */
function refreshAtMyAnimeList(mal: MyAnimeListEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${mal.origin}/v1/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const startEmulator = (now?: () => number) => startMyAnimeListEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const MYANIMELIST: StandardProvider<MyAnimeListUser, MyAnimeListEmulator> = {
  preset: 'myanimelist',
  displayName: 'MyAnimeList',
  startEmulator: () => startEmulator(),
  env: myanimelistEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const animelist = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/myanimelist/proxy/users/@me/animelist?limit=2`);

describeEachDialect('MyAnimeList, against an emulator of MyAnimeList', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MYANIMELIST);

  const signIn = (user: MyAnimeListUser) => signInAs(context, 'myanimelist', user);

  it('signs in as the numeric id of /users/@me, its name the username, no e-mail; no scope asked, a plain PKCE challenge that is the verifier sent at the code exchange, the client in the form, an hour-long token with a refresh token', async () => {
    const { database, emulator: mal, app } = context;
    const ada = person(1_234_567, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('code_challenge_method')).toBe('plain');
    const challenge = request.get('code_challenge')!;
    expect(challenge).toMatch(/^[A-Za-z0-9_~.-]{43,128}$/);
    expect(mal.tokenForms).toEqual([
      { grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, code_verifier: challenge, client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    ]);
    expect(mal.server.requests.find((r) => r.path === '/v1/oauth2/token')!.headers.authorization).toBeUndefined();
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1234567');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 1_234_567, name: 'Ada_Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ada_Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'myanimelist');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, MYANIMELIST_ACCESS_TOKEN_SECONDS - 100, MYANIMELIST_ACCESS_TOKEN_SECONDS);
  });

  it('each sign-in sends a fresh verifier as its challenge', async () => {
    const first = await signIn(person(1_234_570, 'First Time'));
    const second = await signIn(person(1_234_571, 'Second Time'));
    expect(second.request.get('code_challenge')).not.toBe(first.request.get('code_challenge'));
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, the client in the form, the new pair kept, and the spent refresh token is refused', async () => {
    const { emulator: mal } = context;
    const { browser, userId } = await signIn(person(1_234_568, 'Alan Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'myanimelist', userId, () => animelist(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ node: { id: 5114 } }, { node: { id: 9253 } }] });
    expect(mal.tokenForms.at(-1)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(await statusAndBody(refreshAtMyAnimeList(mal, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app's access removed in the person's MyAnimeList account marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: mal, database } = context;
    const leaving = person(1_234_569, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    mal.removeApp(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'myanimelist', userId, () => animelist(browser));
  });

  it('disconnect deletes the tokens here and asks MyAnimeList nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(person(1_234_572, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'myanimelist', { browser, userId });
  });

  standardCases(() => context, MYANIMELIST, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(MYANIMELIST, {
  title: 'MyAnimeList refresh tokens (a month) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 30, and the connection outlives that refresh token',
  startEmulator: (now) => startEmulator(now),
  person: person(2_000_001, 'Idle Person'),
  dueAfterDays: 23,
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (mal, refreshToken) => {
    expect((await refreshAtMyAnimeList(mal, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(MYANIMELIST, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls MyAnimeList itself, with a plain PKCE challenge, no scope and the keep-alive at 30 days', () => {
  const settings = presetInProduction('myanimelist', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://myanimelist.net/v1/oauth2/authorize',
    tokenEndpoint: 'https://myanimelist.net/v1/oauth2/token',
    userinfoEndpoint: 'https://api.myanimelist.net/v2/users/@me',
  });
  expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
  expect(settings).toMatchObject({ apiBaseUrl: 'https://api.myanimelist.net/v2', pkce: 'plain', scope: '', tokenEndpointAuthMethod: 'client_secret_post', refreshTokenIdleSeconds: 30 * 86_400 });
});
