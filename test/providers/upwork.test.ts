import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startUpworkEmulator, type UpworkEmulator, type UpworkUser } from './upwork.emulator.js';

// A key and secret of the forms Upwork's API Center shows.
const CLIENT_ID = '3b7c9e1f5a2d4c6e8f0a1b2c3d4e5f6a';
const CLIENT_SECRET = '9f8e7d6c5b4a3210';
const REDIRECT_URI = `${APP_ORIGIN}/auth/upwork/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(rid: number, name: string): UpworkUser {
  const first = name.split(' ')[0]!.toLowerCase();
  return { id: `~01${rid.toString(16).padStart(16, '0')}`, nid: `${first}${rid}`, rid: String(1_400_000_000_000 + rid), name, email: `${first}@upwork.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user query moves with the API base). */
function upworkEnv(upwork: UpworkEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('upwork', CLIENT_ID, CLIENT_SECRET, {
    UPWORK_AUTHORIZE_URL: `${upwork.origin}/ab/account-security/oauth2/authorize`,
    UPWORK_ACCESS_TOKEN_URL: `${upwork.origin}/api/v3/oauth2/token`,
    UPWORK_API_BASE_URL: upwork.origin,
    ...extra,
  });
}

/** A refresh at Upwork itself, as another copy of the token would make it. */
function refreshAtUpwork(upwork: UpworkEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${upwork.origin}/api/v3/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const UPWORK: StandardProvider<UpworkUser, UpworkEmulator> = {
  preset: 'upwork',
  displayName: 'Upwork',
  startEmulator: () => startUpworkEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: upworkEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Upwork, against an emulator of Upwork', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), UPWORK);

  const signIn = (user: UpworkUser) => signInAs(context, 'upwork', user);

  const graphql = async (browser: TestBrowser, query: string) =>
    browser.request(`${APP_ORIGIN}/api/providers/upwork/proxy/graphql`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query } });

  it('signs in as the id of the GraphQL user query, POSTed, with its name and e-mail (verification unknown); no scope, no PKCE, Basic credentials, one-day tokens', async () => {
    const { database, emulator: upwork, app } = context;
    const ada = person(1, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect([...request.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'response_type', 'state']);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', email: 'ada@upwork.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@upwork.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'upwork');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^oauth2v2_r_/) });
    expectAccessTokenLifetime(token, 86_000, 86_399);
    expect(upwork.server.requests.find((r) => r.path === '/api/v3/oauth2/token')!.headers.authorization).toBe(basic);
    const query = upwork.server.requests.find((r) => r.path === '/graphql')!;
    expect(query).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', authorization: expect.stringMatching(/^Bearer oauth2v2_/) } });
  });

  it('the proxy POSTs GraphQL; 20 concurrent calls on an expired token make one refresh, and the refresh token is kept', async () => {
    const { emulator: upwork } = context;
    const storm = person(2, 'Storm Static');
    const { browser, userId } = await signIn(storm);
    const { after, answers } = await expectKeptAfterStorm(context, 'upwork', userId, () => graphql(browser, '{ organization { id name } }'));
    expect(JSON.parse(answers[0]!.text)).toEqual({ data: { organization: { id: `org-${storm.rid}`, name: "Storm Static's organization" } } });
    // Upwork still takes the refresh token kept.
    expect((await refreshAtUpwork(upwork, after.refreshToken!)).status).toBe(200);
  });

  it("a refresh token Upwork refuses (the person took the app's access away) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: upwork, app } = context;
    const leaving = person(3, 'Refused Refresh');
    const { browser, userId } = await signIn(leaving);
    upwork.removeApp(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: upwork }, 'upwork', userId, () => graphql(browser, '{ user { id } }'));
  });

  it('disconnect deletes the tokens here and asks Upwork nothing: it documents no revocation', async () => {
    const { emulator: upwork, app } = context;
    const { browser, userId } = await signIn(person(4, 'Leaving Person'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'upwork');
    await expectDisconnectAsksNothing(context, 'upwork', { browser, userId });
    // Nothing ended at Upwork: the person takes the app's access away there.
    expect(upwork.accepts(stored!.accessToken)).toBe(true);
  });

  it('a user answer without an id names no one: the sign-in fails (502) and nothing is stored', async () => {
    const { database, emulator: upwork, app } = context;
    const before = await rowCounts(database);
    upwork.signInAs({ ...person(5, 'Blank Id'), id: '' });
    const page = await signInThrough(app.browser(), 'upwork');
    expect(page.status).toBe(502);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, UPWORK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(UPWORK, {
  title: 'Upwork refresh tokens (two weeks unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last quarter (3½ days) of its refresh token’s two weeks, and the connection outlives them',
  startEmulator: (now) => startUpworkEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(6, 'Idle Person'),
  // The sweep's window is a quarter of a lifetime this short.
  dueAfterDays: 10.5,
  // Upwork keeps the refresh token: the sweep's refresh starts its two weeks again.
  rotates: false,
  // Past two weeks from sign-in, ten days after the sweep's refresh: the same refresh token still renews the access token.
  usedAgainAfterDays: 10,
});

it('in production the preset reads the person at Upwork’s GraphQL endpoint and refreshes at its token URL', () => {
  const settings = presetInProduction('upwork', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toEqual({
    authorizationEndpoint: 'https://www.upwork.com/ab/account-security/oauth2/authorize',
    tokenEndpoint: 'https://www.upwork.com/api/v3/oauth2/token',
    userinfoEndpoint: 'https://api.upwork.com/graphql',
  });
  expect(settings).toMatchObject({ apiBaseUrl: 'https://api.upwork.com', refreshTokenIdleSeconds: 14 * 86_400, tokenEndpointAuthMethod: 'client_secret_basic' });
});

describeClientFailures(UPWORK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
