import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTidalEmulator, type TidalEmulator, type TidalUser } from './tidal.emulator.js';

// A client id and secret of the form TIDAL's developer dashboard shows.
const CLIENT_ID = '9TNxqWTX847VI31Y';
const CLIENT_SECRET = 'Xq2vL8mN4pR6sT0uW3yZ5aB7cD9eF1gH2jK4lM6nP8Q=';
const REDIRECT_URI = `${APP_ORIGIN}/auth/tidal/callback`;
const SCOPE = 'user.read playlists.read';

function person(id: number, name: string, emailVerified = true): TidalUser {
  const [firstName, lastName] = name.split(' ') as [string, string];
  return { id: String(190_000_000 + id), username: firstName.toLowerCase(), firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/users/me moves with it). */
function tidalEnv(tidal: TidalEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('tidal', CLIENT_ID, CLIENT_SECRET, {
    TIDAL_AUTHORIZE_URL: `${tidal.origin}/authorize`,
    TIDAL_ACCESS_TOKEN_URL: `${tidal.origin}/v1/oauth2/token`,
    TIDAL_API_BASE_URL: `${tidal.origin}/v2`,
    ...extra,
  });
}

/** A refresh at TIDAL itself, as another copy of the token would make it: the form TIDAL's Auth module sends. */
function refreshAtTidal(tidal: TidalEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${tidal.origin}/v1/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', extra: { scope: SCOPE } });
}

const TIDAL: StandardProvider<TidalUser, TidalEmulator> = {
  preset: 'tidal',
  displayName: 'TIDAL',
  startEmulator: () => startTidalEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: tidalEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const playlists = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/tidal/proxy/playlists?filter%5Bowners.id%5D=me`);

describeEachDialect('TIDAL, against an emulator of TIDAL', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: TIDAL.startEmulator, env: (tidal) => tidalEnv(tidal, { TIDAL_SCOPE: SCOPE }) });

  const signIn = (user: TidalUser) => signInAs(context, 'tidal', user);

  it('signs in as the data.id of /v2/users/me, its first and last names the name, username kept, a verified e-mail verified; PKCE S256, the scope sent in the form exchange with the client in it, a token with a refresh token', async () => {
    const { database, emulator: tidal, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('code_challenge')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, username: 'ada', country: 'NO' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'tidal');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE, tokenType: 'bearer' });
    expectAccessTokenLifetime(token, 86_400 - 100, 86_400);
    expect(tidal.tokenScopes.at(-1)).toBe(SCOPE);
    const exchange = tidal.server.requests.filter((r) => r.path === '/v1/oauth2/token').at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('an e-mail TIDAL has not verified is stored unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'Unverified Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unverified@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the JSON:API with the token as Bearer; 20 concurrent calls on an expired token make one refresh, with the scope, answered without a refresh token: the one of the sign-in is kept and still taken', async () => {
    const { emulator: tidal } = context;
    const alan = person(103, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { before, after, answers } = await expectKeptAfterStorm(context, 'tidal', userId, () => playlists(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ type: 'playlists', attributes: { name: 'Morning' }, relationships: { owners: { data: [{ id: alan.id }] } } }] });
    expect(tidal.tokenScopes.at(-1)).toBe(SCOPE);
    expect(after.scope).toBe(SCOPE);
    expect(tidal.server.requests.filter((r) => r.path.startsWith('/v2/playlists')).at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
    expect(await statusAndBody(refreshAtTidal(tidal, before.refreshToken!))).toMatchObject({ status: 200, body: { token_type: 'Bearer', user_id: Number(alan.id) } });
  });

  it("a grant ended at TIDAL (its 401) marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: tidal } = context;
    const leaving = person(104, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    expect((await playlists(browser)).status).toBe(200);
    tidal.endGrants(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'tidal', userId, () => playlists(browser));
    expect(await statusAndBody(refreshAtTidal(tidal, (await context.app.runtime.tokenStore.findToken(userId, 'tidal'))!.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant', status: 400 } });
  });

  it('disconnect deletes the tokens here and asks TIDAL nothing: it documents no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(105, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'tidal', { browser, userId });
  });

  standardCases(() => context, TIDAL, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TIDAL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls TIDAL itself: login.tidal.com's authorization page, auth.tidal.com's token endpoint, openapi.tidal.com's API v2", () => {
  const settings = presetInProduction('tidal', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({ authorizationEndpoint: 'https://login.tidal.com/authorize', tokenEndpoint: 'https://auth.tidal.com/v1/oauth2/token', userinfoEndpoint: 'https://openapi.tidal.com/v2/users/me' });
  expect(settings.apiBaseUrl).toBe('https://openapi.tidal.com/v2');
});
