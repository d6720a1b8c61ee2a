import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startZeplinEmulator, ZEPLIN_ACCESS_TOKEN_SECONDS, ZEPLIN_REFRESH_TOKEN_SECONDS, type ZeplinEmulator, type ZeplinUser } from './zeplin.emulator.js';

// A client id and secret of the form Zeplin's apps show.
const CLIENT_ID = '5d92048e7d61eb5d8634f49e';
const CLIENT_SECRET = 'zpl-Yc3Nq8vT2wX6bJ9mK4rF7hL1sD5gA0eU';
const REDIRECT_URI = `${APP_ORIGIN}/auth/zeplin/callback`;

function person(n: number, name: string): ZeplinUser {
  const username = name.split(' ')[0]!.toLowerCase();
  return { id: `5d92048e7d61eb5d8634${String(n).padStart(4, '0')}`, username, emailAlias: `${username}.${n}@alias.zeplin.example` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/users/me moves with it). */
function zeplinEnv(zeplin: ZeplinEmulator): Record<string, string> {
  return presetEnv('zeplin', CLIENT_ID, CLIENT_SECRET, {
    ZEPLIN_AUTHORIZE_URL: `${zeplin.origin}/v1/oauth/authorize`,
    ZEPLIN_ACCESS_TOKEN_URL: `${zeplin.origin}/v1/oauth/token`,
    ZEPLIN_API_BASE_URL: `${zeplin.origin}/v1`,
  });
}

/** A refresh at Zeplin itself, as its reference shows it: a JSON body with the client in it. */
function refreshAtZeplin(zeplin: ZeplinEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${zeplin.origin}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
}

const ZEPLIN: StandardProvider<ZeplinUser, ZeplinEmulator> = {
  preset: 'zeplin',
  displayName: 'Zeplin',
  startEmulator: () => startZeplinEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: zeplinEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const projects = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/zeplin/proxy/projects`);

describeEachDialect('Zeplin, against an emulator of Zeplin', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ZEPLIN);

  const signIn = (user: ZeplinUser) => signInAs(context, 'zeplin', user);

  it("signs in as the id of /v1/users/me, named by its username and keeping no e-mail (Zeplin shows OAuth apps an alias); no scope, PKCE S256, the code exchanged in a JSON body with the client in it, and the tokens kept with the lifetimes Zeplin answered", async () => {
    const { database, emulator: zeplin, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, username: 'ada' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, email_verified: null, name: 'ada', username: 'ada' });
    const exchange = zeplin.server.requests.find((r) => r.path === '/v1/oauth/token')!;
    expect(exchange.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(zeplin.tokenBodies.at(-1)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, code_verifier: expect.any(String) });
    const token = await app.runtime.tokenStore.findToken(userId, 'zeplin');
    expect(token).toMatchObject({ refreshToken: expect.any(String), tokenType: 'bearer' });
    expectAccessTokenLifetime(token, ZEPLIN_ACCESS_TOKEN_SECONDS - 100, ZEPLIN_ACCESS_TOKEN_SECONDS);
    const now = Math.floor(Date.now() / 1000);
    expect(token!.refreshTokenExpiresAt! - now).toBeGreaterThan(ZEPLIN_REFRESH_TOKEN_SECONDS - 100);
    expect(token!.refreshTokenExpiresAt! - now).toBeLessThanOrEqual(ZEPLIN_REFRESH_TOKEN_SECONDS);
  });

  it('the proxy calls the API under /v1 with the token as Bearer', async () => {
    const { emulator: zeplin, app } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const answer = await projects(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject([{ name: "grace's app", platform: 'web' }]);
    const stored = await app.runtime.tokenStore.findToken(userId, 'zeplin');
    expect(zeplin.server.requests.filter((r) => r.path === '/v1/projects').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it('20 concurrent calls on an expired token make one refresh, in a JSON body; the new refresh token is kept, and Zeplin refuses the one used', async () => {
    const { emulator: zeplin } = context;
    const alan = person(103, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { before, after } = await expectRotatedAfterStorm(context, 'zeplin', userId, () => projects(browser));
    expect(zeplin.tokenBodies.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(after.refreshTokenExpiresAt).toEqual(expect.any(Number));
    expect(await statusAndBody(refreshAtZeplin(zeplin, before.refreshToken!))).toEqual({ status: 400, body: { message: 'invalid_grant', detail: 'Provided `refresh_token` is malformed' } });
  });

  it("the person's grant ended at Zeplin: the refresh is refused ({ message: invalid_grant }), and the connection needs re-auth after one try", async () => {
    const { emulator: zeplin, database } = context;
    const leaving = person(104, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    zeplin.endGrants(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'zeplin', userId, () => projects(browser));
  });

  it('disconnect deletes the tokens here and asks Zeplin nothing: it documents no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(105, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'zeplin', { browser, userId });
  });

  standardCases(() => context, ZEPLIN, { cancelled: {}, refusedCode: { sentAs: '400 { message: invalid_grant }' } });
});

describeClientFailures(ZEPLIN, { wrongSecret: { sentAs: '400 { message: invalid_client }' }, exchangeFailure: {} });

it('in production the preset calls Zeplin itself: api.zeplin.dev for the OAuth endpoints, /v1/users/me and the API', () => {
  const settings = presetInProduction('zeplin', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://api.zeplin.dev/v1/oauth/authorize',
    tokenEndpoint: 'https://api.zeplin.dev/v1/oauth/token',
    userinfoEndpoint: 'https://api.zeplin.dev/v1/users/me',
  });
  expect(settings.apiBaseUrl).toBe('https://api.zeplin.dev/v1');
  expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
});
