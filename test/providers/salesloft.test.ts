import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSalesloftEmulator, type SalesloftEmulator, type SalesloftUser } from './salesloft.emulator.js';

// An application id and secret of the form Salesloft's OAuth Applications page shows.
const CLIENT_ID = '5c3a9e0b1f2d4e6a8b7c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a';
const CLIENT_SECRET = 'a0f9e8d7c6b5a4938271605f4e3d2c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1';
const REDIRECT_URI = `${APP_ORIGIN}/auth/salesloft/callback`;

function person(id: number, firstName: string, lastName: string): SalesloftUser {
  return { id, guid: `7d1c${String(id).padStart(4, '0')}-3b2a-4f0e-9c8d-5e6f7a8b9c0d`, firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, teamId: 21 };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (`/v2/me`, the profile, moves with the API base). */
function salesloftEnv(emulator: SalesloftEmulator): Record<string, string> {
  return presetEnv('salesloft', CLIENT_ID, CLIENT_SECRET, {
    SALESLOFT_AUTHORIZE_URL: `${emulator.origin}/oauth/authorize`,
    SALESLOFT_ACCESS_TOKEN_URL: `${emulator.origin}/oauth/token`,
    SALESLOFT_API_BASE_URL: emulator.origin,
  });
}

/** A refresh at Salesloft itself, as its example client sends it (the client in the form). */
function refreshThere(emulator: SalesloftEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${emulator.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const INVALID_GRANT = {
  error: 'invalid_grant',
  error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
};

const SALESLOFT: StandardProvider<SalesloftUser, SalesloftEmulator> = {
  preset: 'salesloft',
  displayName: 'Salesloft',
  startEmulator: () => startSalesloftEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: salesloftEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.guid,
};

const people = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/salesloft/proxy/v2/people?per_page=2`);

describeEachDialect('Salesloft, against an emulator of Salesloft', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SALESLOFT);

  const signIn = (user: SalesloftUser) => signInAs(context, 'salesloft', user);

  it("signs in as the guid of /v2/me's data (not its id or e-mail), named by its first and last name, its e-mail unverified; no scope asked, no PKCE, the client in the form, 2-hour tokens with a refresh token and the application's scopes", async () => {
    const { database, emulator, app } = context;
    const debora = person(4012, 'Debora', 'Lang');
    const { userId, request } = await signIn(debora);
    expect([...request.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'response_type', 'state']);
    expect(request.get('response_type')).toBe('code');
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe(debora.guid);
    expect(JSON.parse(stored.claims)).toMatchObject({ guid: debora.guid, id: 4012, name: 'Debora Lang', given_name: 'Debora', family_name: 'Lang' });
    const row = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ email: 'debora@example.com', email_verified: null, name: 'Debora Lang' });
    const token = await app.runtime.tokenStore.findToken(userId, 'salesloft');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'people:read users:read' });
    expectAccessTokenLifetime(token, 7_100, 7_200);
    const exchange = emulator.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(emulator.tokenForms[0]).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  });

  it('the proxy reaches the REST API v2; 20 concurrent calls on an expired token make one refresh, the rotated refresh token is kept, and the used one is refused', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(person(4013, 'Storm', 'Person'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'salesloft', userId, () => people(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ metadata: { paging: { per_page: 2, next_page: null } }, data: [{ id: 9001, owner: { id: 4013 } }, { id: 9002 }] });
    expect(after.scope).toBe(before.scope);
    expect(emulator.tokenForms.at(-1)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(await statusAndBody(refreshThere(emulator, before.refreshToken!))).toEqual({ status: 400, body: INVALID_GRANT });
  });

  it("the application removed in Salesloft marks the connection 'needs re-auth' after the API's 401, with one refused refresh", async () => {
    const { emulator } = context;
    const leaving = person(4014, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    emulator.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'salesloft', userId, () => people(browser));
  });

  it("a refresh token Salesloft no longer takes (rotated by another copy) marks the connection 'needs re-auth' once the access token ends", async () => {
    const { database, emulator, app } = context;
    const { browser, userId } = await signIn(person(4015, 'Refused', 'Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'salesloft');
    expect((await refreshThere(emulator, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'salesloft', userId, () => people(browser));
  });

  it('disconnect deletes the tokens here and asks Salesloft nothing: it documents no revocation', async () => {
    const { emulator, app } = context;
    const { browser, userId } = await signIn(person(4016, 'Goodbye', 'Person'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'salesloft'))!;
    await expectDisconnectAsksNothing(context, 'salesloft', { browser, userId });
    expect(emulator.accepts(accessToken)).toBe(true);
  });

  standardCases(() => context, SALESLOFT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

it('in production, the preset needs only the client: the endpoints are accounts.salesloft.com and api.salesloft.com', () => {
  const settings = presetInProduction('salesloft', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings).toMatchObject({
    endpoints: { authorizationEndpoint: 'https://accounts.salesloft.com/oauth/authorize', tokenEndpoint: 'https://accounts.salesloft.com/oauth/token', userinfoEndpoint: 'https://api.salesloft.com/v2/me' },
    apiBaseUrl: 'https://api.salesloft.com',
  });
});

describeClientFailures(SALESLOFT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
