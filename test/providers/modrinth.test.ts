import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { MODRINTH_ACCESS_TOKEN_SECONDS, startModrinthEmulator, type ModrinthEmulator, type ModrinthUser } from './modrinth.emulator.js';

// A client id and secret of the kind Modrinth's application settings show (a base62 id, an `mro_…`-like secret).
const CLIENT_ID = 'Kd8fQ2xZ';
const CLIENT_SECRET = 'Zx9Qm4Tn7Vb2Lc5Hk8Jd1Fs6Gp3Wr0Ya4Ue7Io2';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/modrinth/callback`;
const USER_AGENT = 'acme/modpack-sync/1.4.0 (ops@acme.test)';

function person(id: number, name: string): ModrinthUser {
  const username = name.toLowerCase().replace(/\s/g, '_');
  return { id: `Ab${String(id).padStart(6, '0')}`, username, name, email: `${username}@acme.test` };
}

/** Only the documented variables: the preset, the client, the User-Agent, and the endpoints and API base pointed at the emulator (the user moves with the API base). */
function modrinthEnv(modrinth: ModrinthEmulator): Record<string, string> {
  return presetEnv('modrinth', CLIENT_ID, CLIENT_SECRET, {
    MODRINTH_AUTHORIZE_URL: `${modrinth.origin}/auth/authorize`,
    MODRINTH_ACCESS_TOKEN_URL: `${modrinth.origin}/_internal/oauth/token`,
    MODRINTH_API_BASE_URL: `${modrinth.origin}/v2`,
    MODRINTH_USER_AGENT: USER_AGENT,
  });
}

const MODRINTH: StandardProvider<ModrinthUser, ModrinthEmulator> = {
  preset: 'modrinth',
  displayName: 'Modrinth',
  startEmulator: () => startModrinthEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: modrinthEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const follows = (browser: TestBrowser, owner: string) => browser.get(`${APP_ORIGIN}/api/providers/modrinth/proxy/user/${owner}/follows`);

describeEachDialect('Modrinth, against an emulator of its OAuth and API v2', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MODRINTH);
  const signIn = (user: ModrinthUser) => signInAs(context, 'modrinth', user);

  it('signs in as the id of /v2/user with the display name, username and verified e-mail; USER_READ+USER_READ_EMAIL asked, no PKCE, the secret alone as Authorization, a token with no refresh token', async () => {
    const { database, emulator: modrinth, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    expect(modrinth.authorizeQueries.at(-1)).toContain('scope=USER_READ+USER_READ_EMAIL');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, name: 'Ada Lovelace', preferred_username: 'ada_lovelace', email: 'ada_lovelace@acme.test', email_verified: true });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada_lovelace@acme.test' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'modrinth');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, MODRINTH_ACCESS_TOKEN_SECONDS - 100, MODRINTH_ACCESS_TOKEN_SECONDS);
    const exchange = modrinth.server.requests.findLast((r) => r.path === '/_internal/oauth/token')!;
    expect(exchange.headers.authorization).toBe(CLIENT_SECRET);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(exchange.headers['user-agent']).toBe(USER_AGENT);
    const profile = modrinth.server.requests.findLast((r) => r.path === '/v2/user')!;
    expect(profile.headers.authorization).toBe(token!.accessToken);
    expect(profile.headers['user-agent']).toBe(USER_AGENT);
  });

  it('signing in again after a change of username finds the same person by the id', async () => {
    const first = await signIn(person(105, 'Grace Hopper'));
    const second = await signIn({ ...person(105, 'Grace Hopper'), username: 'admiral' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls API v2 with the token as it is in Authorization and the configured User-Agent', async () => {
    const { emulator: modrinth, app } = context;
    const alan = person(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const answer = await follows(browser, alan.id);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject([{ id: 'AABBCCDD', slug: 'my_project' }]);
    const call = modrinth.server.requests.findLast((r) => r.path.endsWith('/follows'))!;
    expect(call.headers.authorization).toBe((await app.runtime.tokenStore.findToken(userId, 'modrinth'))!.accessToken);
    expect(call.headers['user-agent']).toBe(USER_AGENT);
  });

  it('a token sent as Bearer is not the documented form, and Modrinth answers its 401 AuthError', async () => {
    const { emulator: modrinth, app } = context;
    const { userId } = await signIn(person(106, 'Radia Perlman'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'modrinth'))!;
    const response = await fetch(`${modrinth.origin}/v2/user`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'unauthorized', description: 'Authentication Error: Invalid Authentication Credentials' });
  });

  it('once the token has ended, calls answer needs_reauth without asking Modrinth (it issues no refresh token), and the connection is marked', async () => {
    const { database, emulator: modrinth, app } = context;
    const leaving = person(103, 'Expired Token');
    const { browser, userId } = await signIn(leaving);
    await expireAccessTokens(database, userId);
    const tokenRequests = modrinth.server.counts.token_request ?? 0;
    const calls = modrinth.server.counts.follows ?? 0;
    const answers = await Promise.all(Array.from({ length: 5 }, () => follows(browser, leaving.id)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(5).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(modrinth.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(modrinth.server.counts.follows ?? 0).toBe(calls);
    expect((await app.runtime.tokenStore.findToken(userId, 'modrinth'))!.status).toBe('needs_reauth');
  });

  it("the application removed in the person's Modrinth settings: the API's 401 marks the connection needs re-auth, and no refresh is tried", async () => {
    const { emulator: modrinth, app } = context;
    const leaving = person(104, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    modrinth.removeApp(leaving);
    const tokenRequests = modrinth.server.counts.token_request ?? 0;
    const call = await follows(browser, leaving.id);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(modrinth.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'modrinth'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks Modrinth nothing (it documents no revocation) and forgets the token, which Modrinth still takes', async () => {
    const { emulator: modrinth, app } = context;
    const { browser, userId } = await signIn(person(107, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'modrinth'))!;
    await expectDisconnectAsksNothing(context, 'modrinth', { browser, userId });
    expect(modrinth.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MODRINTH, person(110, 'Outage Profile'), (modrinth) => modrinth.failNextProfile(500));
  });

  standardCases(() => context, MODRINTH, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(MODRINTH, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Modrinth in production', () => {
  it('with the client alone, signs in at modrinth.com, exchanges the code at api.modrinth.com and reads /v2/user there, asking USER_READ USER_READ_EMAIL', () => {
    const { settings } = presetInProduction('modrinth', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Modrinth',
      endpoints: {
        authorizationEndpoint: 'https://modrinth.com/auth/authorize',
        tokenEndpoint: 'https://api.modrinth.com/_internal/oauth/token',
        userinfoEndpoint: 'https://api.modrinth.com/v2/user',
      },
      scope: 'USER_READ USER_READ_EMAIL',
      apiBaseUrl: 'https://api.modrinth.com/v2',
      accessTokenHeader: 'authorization',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
