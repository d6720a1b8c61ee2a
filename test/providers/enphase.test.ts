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
import { ENPHASE_ACCESS_TOKEN_SECONDS, startEnphaseEmulator, type EnphaseEmulator, type EnphaseOwner } from './enphase.emulator.js';

// A client id, secret and API key of the form the Enphase Developer Portal shows (32 hex digits each).
const CLIENT_ID = 'f2a479f3c6067f0d9517cadae7f00b47';
const CLIENT_SECRET = '5035ca64c13f793a7c1bca435591d5ea';
const API_KEY = 'b2b2fb0ea2ae4bc5d9b5e8c1d7f5d6a4';
const REDIRECT_URI = `${APP_ORIGIN}/auth/enphase/callback`;

function owner(n: number, name: string): EnphaseOwner {
  return { enlUid: String(217_000 + n), system: { systemId: 698_000 + n, name: `${name} Residence` } };
}

/** Only the documented variables: the preset, the client, the API key, the OAuth endpoints and the API base. */
function enphaseEnv(enphase: EnphaseEmulator): Record<string, string> {
  return presetEnv('enphase', CLIENT_ID, CLIENT_SECRET, {
    ENPHASE_X_API_KEY: API_KEY,
    ENPHASE_AUTHORIZE_URL: `${enphase.origin}/oauth/authorize`,
    ENPHASE_ACCESS_TOKEN_URL: `${enphase.origin}/oauth/token`,
    ENPHASE_API_BASE_URL: `${enphase.origin}/api/v4`,
  });
}

/** A refresh at Enphase itself, Basic credentials as its examples send them. */
function refreshAtEnphase(enphase: EnphaseEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${enphase.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const startEmulator = (now?: () => number) => startEnphaseEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, apiKey: API_KEY, ...(now ? { now } : {}) });

const ENPHASE: StandardProvider<EnphaseOwner, EnphaseEmulator> = {
  preset: 'enphase',
  displayName: 'Enphase',
  startEmulator: () => startEmulator(),
  env: enphaseEnv,
  people: standardPeople(owner),
  subjectOf: (person) => person.enlUid,
};

const systems = (browser: TestBrowser, query = '') => browser.get(`${APP_ORIGIN}/api/providers/enphase/proxy/systems${query}`);

describeEachDialect('Enphase, against an emulator of Enphase', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ENPHASE);

  const signIn = (person: EnphaseOwner) => signInAs(context, 'enphase', person);

  it("signs in as the token answer's enl_uid, with no name or e-mail (Enphase has no profile call); no scope or PKCE asked, the code exchanged with Basic credentials, a day-long token with a refresh token and the scope Enphase answered", async () => {
    const { database, emulator: enphase, app } = context;
    const ada = owner(101, 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('217101');
    expect(JSON.parse(account.claims)).toEqual({ enl_uid: '217101' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, email_verified: null, name: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'enphase');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read write', tokenType: 'bearer' });
    expectAccessTokenLifetime(token, ENPHASE_ACCESS_TOKEN_SECONDS - 100, ENPHASE_ACCESS_TOKEN_SECONDS);
    const exchange = enphase.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(enphase.server.requests.some((r) => r.path.startsWith('/api/'))).toBe(false);
  });

  it("the proxy calls API v4 with the token as Bearer and the application's API key as `key`, which a caller's own `key` does not replace", async () => {
    const { emulator: enphase, app } = context;
    const grace = owner(102, 'Hopper');
    const { browser, userId } = await signIn(grace);
    const answer = await systems(browser, '?size=5&key=forged');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ total: 1, items: 'systems', systems: [{ system_id: grace.system.systemId, name: 'Hopper Residence' }] });
    expect(enphase.apiKeys).toEqual([API_KEY]);
    const stored = await app.runtime.tokenStore.findToken(userId, 'enphase');
    expect(enphase.server.requests.filter((r) => r.path.startsWith('/api/v4/systems')).at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect((await systems(browser)).status).toBe(200);
    expect(enphase.apiKeys).toEqual([API_KEY, API_KEY]);
  });

  it('20 concurrent calls on an expired token make one refresh, with Basic credentials; the new pair is kept, each call carrying the key', async () => {
    const { emulator: enphase } = context;
    const { browser, userId } = await signIn(owner(103, 'Turing'));
    const { before, after } = await expectRotatedAfterStorm(context, 'enphase', userId, () => systems(browser));
    expect(enphase.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!.headers.authorization).toMatch(/^Basic /);
    expect(after.scope).toBe(before.scope);
    expect(enphase.apiKeys.length).toBeGreaterThanOrEqual(20);
    expect(new Set(enphase.apiKeys)).toEqual(new Set([API_KEY]));
  });

  it("the owner took the application's access away: the refresh is refused (invalid_grant), and the connection needs re-auth after one try", async () => {
    const { emulator: enphase, database } = context;
    const leaving = owner(104, 'Leaving');
    const { browser, userId } = await signIn(leaving);
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'enphase');
    enphase.revokeAccess(leaving);
    expect(await statusAndBody(refreshAtEnphase(enphase, stored!.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'enphase', userId, () => systems(browser));
  });

  it('disconnect deletes the tokens here and asks Enphase nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(owner(105, 'Goodbye'));
    await expectDisconnectAsksNothing(context, 'enphase', { browser, userId });
  });

  standardCases(() => context, ENPHASE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(ENPHASE, {
  title: 'Enphase refresh tokens (30 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 30, and the connection outlives that refresh token',
  startEmulator: (now) => startEmulator(now),
  person: owner(201, 'Idle'),
  dueAfterDays: 23,
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (enphase, refreshToken) => {
    expect((await refreshAtEnphase(enphase, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(ENPHASE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls Enphase itself: api.enphaseenergy.com for the OAuth endpoints and API v4, the API key as `key`, with no userinfo or revocation endpoint', () => {
  const production = presetInProduction('enphase', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const settings = production.settings({ ENPHASE_X_API_KEY: API_KEY });
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://api.enphaseenergy.com/oauth/authorize',
    tokenEndpoint: 'https://api.enphaseenergy.com/oauth/token',
  });
  expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
  expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
  expect(settings.apiBaseUrl).toBe('https://api.enphaseenergy.com/api/v4');
  expect(settings.apiQueryParameters).toEqual({ key: API_KEY });
  expect(production.refusal({})).toMatch(/ENPHASE_X_API_KEY is missing/);
});
