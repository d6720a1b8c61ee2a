import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startStartggEmulator, type StartggEmulator, type StartggUser } from './startgg.emulator.js';

// A client of the form start.gg's developer portal shows: a numeric id and a 64-hex-digit secret.
const CLIENT_ID = '1187';
const CLIENT_SECRET = '4f9d2c7a1e6b3d8f0a5c9e2b7d4f1a6c3e8b5d0f7a2c9e4b1d6f3a8c5e0b7d2f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/startgg/callback`;
const SCOPE = 'user.identity user.email';

function person(id: number, name: string | null, gamerTag = name!.split(' ')[0]!): StartggUser {
  return { id, name, email: `${gamerTag.toLowerCase()}@startgg.test`, gamerTag, slug: `user/${id.toString(16).padStart(8, '0')}` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the refresh URL through <NAME>_REFRESH_URL; the currentUser query moves with the API base). */
function startggEnv(startgg: StartggEmulator): Record<string, string> {
  return presetEnv('startgg', CLIENT_ID, CLIENT_SECRET, {
    STARTGG_AUTHORIZE_URL: `${startgg.origin}/oauth/authorize`,
    STARTGG_ACCESS_TOKEN_URL: `${startgg.origin}/oauth/access_token`,
    STARTGG_REFRESH_URL: `${startgg.origin}/oauth/refresh`,
    STARTGG_API_BASE_URL: startgg.origin,
  });
}

/** A refresh at start.gg itself, as another copy of the token would make it: start.gg's JSON body, `parameters` replacing its members (undefined: left out). */
function refreshAtStartgg(startgg: StartggEmulator, refreshToken: string, parameters: Record<string, string | undefined> = {}): Promise<Response> {
  const body = { grant_type: 'refresh_token', refresh_token: refreshToken, scope: SCOPE, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, ...parameters };
  return fetch(`${startgg.origin}/oauth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const STARTGG: StandardProvider<StartggUser, StartggEmulator> = {
  preset: 'startgg',
  displayName: 'start.gg',
  startEmulator: () => startStartggEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: startggEnv,
  people: standardPeople((id, name) => person(id, name)),
  subjectOf: (user) => String(user.id),
};

const gql = async (browser: TestBrowser, query: string) =>
  browser.request(`${APP_ORIGIN}/api/providers/startgg/proxy/gql/alpha`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query } });
const tournament = (browser: TestBrowser) => gql(browser, '{ tournament(slug: "genesis-9") { id name } }');

it('the preset as production reads it sends the scope in every token request and the redirect URI again at refresh, at /oauth/refresh', () => {
  expect(presetInProduction('startgg', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({})).toMatchObject({
    tokenRequestsSendScope: true,
    refreshSendsRedirectUri: true,
    pkce: false,
    scope: SCOPE,
    endpoints: { tokenEndpoint: 'https://api.start.gg/oauth/access_token', refreshEndpoint: 'https://api.start.gg/oauth/refresh', userinfoEndpoint: 'https://api.start.gg/gql/alpha' },
  });
});

describeEachDialect('start.gg, against an emulator of start.gg', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), STARTGG);

  const signIn = (user: StartggUser) => signInAs(context, 'startgg', user);

  it('signs in as the currentUser id of a POSTed GraphQL query (not the gamer tag, kept beside it), its name and e-mail (verification unknown); space-separated scopes, no PKCE; the code exchanged in a JSON body with the client, the redirect URI and the scope; 7-day tokens', async () => {
    const { database, emulator: startgg, app } = context;
    const hungrybox = person(1_212_332, 'Juan Debiedma', 'Hungrybox');
    const { userId, request } = await signIn(hungrybox);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1212332');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 1_212_332, gamerTag: 'Hungrybox', slug: hungrybox.slug, name: 'Juan Debiedma' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Juan Debiedma', email: 'hungrybox@startgg.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'startgg');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, 604_800 - 60, 604_800);
    const exchange = startgg.server.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(exchange.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(startgg.tokenBodies.at(-1)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, scope: SCOPE, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const profile = startgg.server.requests.find((r) => r.path === '/gql/alpha')!;
    expect(profile).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token!.accessToken}` } });
  });

  it('a person who publishes no name is named by their gamer tag', async () => {
    const { database } = context;
    const { userId } = await signIn(person(1_212_333, null, 'Mang0'));
    expect(await database.db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'Mang0' });
  });

  it("the proxy POSTs GraphQL; 20 concurrent calls on an expired token make one refresh, at /oauth/refresh with the connection's scope and redirect URI in a JSON body; the new refresh token is kept and the spent one refused", async () => {
    const { emulator: startgg } = context;
    const { browser, userId } = await signIn(person(1_212_334, 'Storm Rotating'));
    const exchanges = startgg.server.counts.token_request ?? 0;
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'startgg', userId, () => tournament(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual({ data: { tournament: { id: 485_262, name: 'Genesis 9' } } });
    expect(startgg.server.counts.token_request ?? 0).toBe(exchanges);
    const refresh = startgg.server.requests.filter((r) => r.path === '/oauth/refresh').at(-1)!;
    expect(refresh.headers['content-type']).toMatch(/^application\/json/);
    expect(startgg.tokenBodies.at(-1)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken, scope: SCOPE, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(after.scope).toBe(SCOPE);
    expectAccessTokenLifetime(after, 604_800 - 60, 604_800);
    expect(await statusAndBody(refreshAtStartgg(startgg, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('start.gg refuses a refresh that leaves out the scope or the redirect URI, or names other scopes: what the preset always sends', async () => {
    const { emulator: startgg, app } = context;
    const { userId } = await signIn(person(1_212_335, 'Strict Refresh'));
    const { refreshToken } = (await app.runtime.tokenStore.findToken(userId, 'startgg'))!;
    expect(await statusAndBody(refreshAtStartgg(startgg, refreshToken!, { scope: undefined }))).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await statusAndBody(refreshAtStartgg(startgg, refreshToken!, { redirect_uri: undefined }))).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await statusAndBody(refreshAtStartgg(startgg, refreshToken!, { scope: 'user.identity tournament.manager' }))).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    // The refused requests spent nothing: the stored refresh token still works through the app.
    const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'startgg');
    expect(startgg.accepts(accessToken)).toBe(true);
  });

  it("the app removed from the person's start.gg account marks the connection 'needs re-auth' after start.gg's 401, with one refused refresh", async () => {
    const { database, emulator: startgg } = context;
    const leaving = person(1_212_336, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    startgg.removeApp(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'startgg', userId, () => tournament(browser));
  });

  it('disconnect deletes the tokens here and asks start.gg nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(person(1_212_337, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'startgg', { browser, userId });
  });

  it('the GraphQL profile query failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, STARTGG, person(1_212_338, 'Outage Profile'), (startgg) => startgg.failNextGraphql(500));
  });

  standardCases(() => context, STARTGG, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(STARTGG, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
