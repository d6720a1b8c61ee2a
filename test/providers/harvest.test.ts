import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { HARVEST_ACCESS_TOKEN_SECONDS, startHarvestEmulator, type HarvestEmulator, type HarvestUser } from './harvest.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Harvest ID's Developers section shows for an OAuth2 application.
const CLIENT_ID = 'Wl3h0r4KKNhfOsmPJw7bX1yQ';
const CLIENT_SECRET = 'q8Zt2VnR5yLm0KcX7bWd3FhJ9sPa6GeT1uYo4NiBr-Ck_Ex2Mv';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/harvest/callback`;
const USER_AGENT = `Tokenkeeper (Harvest OAuth2 application ${CLIENT_ID})`;

function person(id: number, firstName: string, lastName: string): HarvestUser {
  return {
    id: 3000000 + id,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}@example.com`,
    accounts: [
      { id: 100000 + id, name: `${firstName}'s Studio`, product: 'harvest' },
      { id: 200000 + id, name: `${firstName}'s Studio`, product: 'forecast' },
    ],
  };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (Harvest ID's, and the API's). */
function harvestEnv(harvest: HarvestEmulator): Record<string, string> {
  return presetEnv('harvest', CLIENT_ID, CLIENT_SECRET, {
    HARVEST_AUTHORIZE_URL: `${harvest.origin}/oauth2/authorize`,
    HARVEST_ACCESS_TOKEN_URL: `${harvest.origin}/api/v2/oauth2/token`,
    HARVEST_USERINFO_URL: `${harvest.origin}/api/v2/accounts`,
    HARVEST_API_BASE_URL: `${harvest.origin}/v2`,
  });
}

const HARVEST: StandardProvider<HarvestUser, HarvestEmulator> = {
  preset: 'harvest',
  displayName: 'Harvest',
  startEmulator: () => startHarvestEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: harvestEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const me = (browser: TestBrowser, accountId: number | undefined, headers: Record<string, string> = {}) =>
  browser.get(`${APP_ORIGIN}/api/providers/harvest/proxy/users/me`, { headers: { ...(accountId === undefined ? {} : { 'harvest-account-id': String(accountId) }), ...headers } });

describeEachDialect('Harvest, against an emulator of Harvest ID and the Harvest API v2', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), HARVEST);

  const signIn = (user: HarvestUser) => signInAs(context, 'harvest', user);

  it("signs in as the Harvest ID's user id of /api/v2/accounts, keeping its accounts, with the e-mail unverified; no scope or PKCE, the client in the form, a 14-day token with a refresh token", async () => {
    const { database, emulator: harvest, app } = context;
    const jane = person(101, 'Jane', 'Doe');
    const { userId, request } = await signIn(jane);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('3000101');
    expect(JSON.parse(account.claims)).toEqual({
      id: '3000101',
      name: 'Jane Doe',
      given_name: 'Jane',
      family_name: 'Doe',
      email: 'jane@example.com',
      email_verified: false,
      harvest_accounts: [
        { id: 100101, name: "Jane's Studio", product: 'harvest' },
        { id: 200101, name: "Jane's Studio", product: 'forecast' },
      ],
    });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Jane Doe', email: 'jane@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'harvest');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, HARVEST_ACCESS_TOKEN_SECONDS - 100, HARVEST_ACCESS_TOKEN_SECONDS);
    const exchange = harvest.server.requests.find((r) => r.path === '/api/v2/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = harvest.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    const profile = harvest.server.requests.findLast((r) => r.path === '/api/v2/accounts')!;
    expect(profile.headers).toMatchObject({ 'user-agent': USER_AGENT, authorization: `Bearer ${token!.accessToken}` });
  });

  it("the proxy passes the caller's Harvest-Account-Id on, with the application's User-Agent whatever the caller sends; without an account, or with another's, it is Harvest's 403", async () => {
    const { emulator: harvest } = context;
    const grace = person(102, 'Grace', 'Hopper');
    const { browser } = await signIn(grace);
    const answer = await me(browser, grace.accounts[0]!.id, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', is_active: true });
    const call = harvest.server.requests.findLast((r) => r.path.startsWith('/v2/users/me'))!;
    expect(call.headers).toMatchObject({ 'user-agent': USER_AGENT, 'harvest-account-id': String(grace.accounts[0]!.id), authorization: expect.stringMatching(/^Bearer /) });
    expect((await me(browser, undefined)).status).toBe(403);
    expect((await me(browser, 424242)).status).toBe(403);
  });

  it('20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator: harvest } = context;
    const alan = person(103, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const { after } = await expectRotatedAfterStorm(context, 'harvest', userId, () => me(browser, alan.accounts[0]!.id));
    expectAccessTokenLifetime(after, HARVEST_ACCESS_TOKEN_SECONDS - 100, HARVEST_ACCESS_TOKEN_SECONDS);
    const refresh = harvest.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const refreshed = await refreshAtProvider(`${harvest.origin}/api/v2/oauth2/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: HARVEST_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it('a request without a User-Agent is 400 and a token Harvest does not take is 401, as its API answers them', async () => {
    const { emulator: harvest } = context;
    expect((await fetch(`${harvest.origin}/api/v2/accounts`, { headers: { authorization: 'Bearer not-a-token', 'user-agent': '' } })).status).toBe(400);
    const refused = await fetch(`${harvest.origin}/v2/users/me`, { headers: { authorization: 'Bearer not-a-token', 'user-agent': USER_AGENT, 'harvest-account-id': '1' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_token' });
  });

  it("the application's access removed in Harvest ID marks the connection 'needs re-auth' after one refresh Harvest refuses", async () => {
    const { emulator: harvest } = context;
    const leaving = person(104, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    harvest.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'harvest', userId, () => me(browser, leaving.accounts[0]!.id));
  });

  it('disconnect asks Harvest nothing (it documents no revocation) and forgets the tokens, which Harvest still takes', async () => {
    const { emulator: harvest, app } = context;
    const { browser, userId } = await signIn(person(105, 'Barbara', 'Liskov'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'harvest'))!;
    await expectDisconnectAsksNothing(context, 'harvest', { browser, userId });
    expect(harvest.accepts(stored.accessToken)).toBe(true);
  });

  it('/api/v2/accounts failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, HARVEST, person(110, 'Outage', 'Profile'), (harvest) => harvest.failNextProfile(500));
  });

  standardCases(() => context, HARVEST, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(HARVEST, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Harvest in production', () => {
  it('with the client alone, signs in and reads the person at id.getharvest.com and calls the API at api.harvestapp.com/v2, with no scope and the client in the form', () => {
    const { settings } = presetInProduction('harvest', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Harvest',
      endpoints: {
        authorizationEndpoint: 'https://id.getharvest.com/oauth2/authorize',
        tokenEndpoint: 'https://id.getharvest.com/api/v2/oauth2/token',
        userinfoEndpoint: 'https://id.getharvest.com/api/v2/accounts',
      },
      scope: '',
      apiBaseUrl: 'https://api.harvestapp.com/v2',
      apiHeaders: { 'user-agent': USER_AGENT },
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
