import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAniListEmulator, type AniListEmulator, type AniListUser } from './anilist.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (a number) and secret (40 letters and digits), as AniList's developer settings show them.
const CLIENT_ID = '23456';
const CLIENT_SECRET = 'Xq3vN8mR2tY7wK1pL9sD4fG6hJ0zC5bV8nM2aQ7e';
const REDIRECT_URI = `${APP_ORIGIN}/auth/anilist/callback`;

function person(id: number, name: string): AniListUser {
  return { id: 5_000_000 + id, name: name.replace(/\s/g, '') };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the GraphQL API is both the user API and the API base). */
function anilistEnv(anilist: AniListEmulator): Record<string, string> {
  return presetEnv('anilist', CLIENT_ID, CLIENT_SECRET, {
    ANILIST_AUTHORIZE_URL: `${anilist.origin}/api/v2/oauth/authorize`,
    ANILIST_ACCESS_TOKEN_URL: `${anilist.origin}/api/v2/oauth/token`,
    ANILIST_USERINFO_URL: `${anilist.origin}/`,
    ANILIST_API_BASE_URL: anilist.origin,
  });
}

const ANILIST: StandardProvider<AniListUser, AniListEmulator> = {
  preset: 'anilist',
  displayName: 'AniList',
  startEmulator: () => startAniListEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: anilistEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const LIST_QUERY = 'query ($userId: Int) { MediaListCollection(userId: $userId, type: ANIME) { lists { name entries { mediaId progress } } } }';
const graphql = async (browser: TestBrowser, query = LIST_QUERY) =>
  browser.request(`${APP_ORIGIN}/api/providers/anilist/proxy/`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query } });

describeEachDialect('AniList, against an emulator of its OAuth and GraphQL API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ANILIST);

  const signIn = (user: AniListUser) => signInAs(context, 'anilist', user);

  it('signs in as the Viewer id of the GraphQL API, its name the name, no e-mail; no scope and no PKCE asked, the code exchanged as JSON with the client in it, a one-year token and no refresh token', async () => {
    const { database, emulator: anilist, app } = context;
    const { userId, request } = await signIn(person(101, 'Kuroneko'));
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('5000101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 5_000_101, profile: 'https://anilist.co/user/5000101', picture: expect.stringContaining('/large/') });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Kuroneko', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'anilist');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, 365 * 86_400 - 100, 365 * 86_400);
    expect(anilist.tokenContentTypes.at(-1)).toMatch(/^application\/json/);
    expect(anilist.server.requests.findLast((r) => r.path === '/api/v2/oauth/token')!.headers.authorization).toBeUndefined();
    expect(anilist.server.counts.viewer).toBeGreaterThan(0);
  });

  it('signing in again after a change of username finds the same person by the id', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Old Name'));
    const second = await signIn(person(105, 'New Name'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('users').select('name').where('id', '=', first.userId).executeTakeFirstOrThrow()).toEqual({ name: 'NewName' });
  });

  it('the proxy posts GraphQL queries with the token as Bearer, and passes a query error back as it came', async () => {
    const { emulator: anilist } = context;
    const { browser } = await signIn(person(102, 'Senpai'));
    const answer = await graphql(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ data: { MediaListCollection: { lists: [{ name: 'Watching' }] } } });
    expect(anilist.server.requests.findLast((r) => r.path === '/')!.headers.authorization).toMatch(/^Bearer /);
    const broken = await graphql(browser, '{');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text)).toMatchObject({ errors: [{ message: 'Syntax Error: Unexpected <EOF>.' }] });
  });

  it('once the year-long token has ended, 20 concurrent calls answer needs_reauth without asking AniList for anything (it has no refresh), and the connection is marked', async () => {
    const { database, emulator: anilist, app } = context;
    const { browser, userId } = await signIn(person(103, 'Expired'));
    await expireAccessTokens(database, userId);
    const tokenRequests = anilist.server.counts.token_request ?? 0;
    const calls = anilist.server.counts.graphql ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => graphql(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(anilist.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(anilist.server.counts.graphql ?? 0).toBe(calls);
    expect((await app.runtime.tokenStore.findToken(userId, 'anilist'))!.status).toBe('needs_reauth');
  });

  it('the app removed at AniList: its 400 "Invalid token" is read as the token refused, the connection needs re-auth, and no refresh is tried', async () => {
    const { emulator: anilist, app } = context;
    const leaving = person(104, 'Leaving');
    const { browser, userId } = await signIn(leaving);
    anilist.removeApp(leaving);
    const tokenRequests = anilist.server.counts.token_request ?? 0;
    const call = await graphql(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(anilist.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'anilist'))!.status).toBe('needs_reauth');
  });

  it('disconnect deletes the token here and asks AniList nothing: it has no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(106, 'Goodbye'));
    await expectDisconnectAsksNothing(context, 'anilist', { browser, userId });
  });

  standardCases(() => context, ANILIST, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ANILIST, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
