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
import { SMARTTHINGS_ACCESS_TOKEN_SECONDS, startSmartThingsEmulator, type SmartThingsAccount, type SmartThingsEmulator } from './smartthings.emulator.js';

// A client id and secret of the form the SmartThings CLI shows for an OAuth-In app (UUIDs).
const CLIENT_ID = 'c6a1f1b2-3d4e-4f50-8a9b-0c1d2e3f4a5b';
const CLIENT_SECRET = '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0';
const DEVELOPER_ACCOUNT_ID = 'bcf8648b-b94b-43bf-aed8-8eac51fd866e';
const REDIRECT_URI = `${APP_ORIGIN}/auth/smartthings/callback`;

function account(n: number, home: string): SmartThingsAccount {
  const suffix = String(n).padStart(12, '0');
  return { accountId: `a1b2c3d4-0000-4000-8000-${suffix}`, location: { locationId: `10c0a7e1-0000-4000-8000-${suffix}`, name: `${home} Home` } };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base. */
function smartthingsEnv(smartthings: SmartThingsEmulator): Record<string, string> {
  return presetEnv('smartthings', CLIENT_ID, CLIENT_SECRET, {
    SMARTTHINGS_AUTHORIZE_URL: `${smartthings.origin}/v1/oauth/authorize`,
    SMARTTHINGS_ACCESS_TOKEN_URL: `${smartthings.origin}/v1/oauth/token`,
    SMARTTHINGS_API_BASE_URL: `${smartthings.origin}/v1`,
  });
}

/** A refresh at SmartThings itself, as its token-management page shows it: Basic credentials and client_id in the form. */
function refreshAtSmartThings(smartthings: SmartThingsEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${smartthings.origin}/v1/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { extra: { client_id: CLIENT_ID } });
}

const startEmulator = (now?: () => number) =>
  startSmartThingsEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, developerAccountId: DEVELOPER_ACCOUNT_ID, ...(now ? { now } : {}) });

const SMARTTHINGS: StandardProvider<SmartThingsAccount, SmartThingsEmulator> = {
  preset: 'smartthings',
  displayName: 'SmartThings',
  startEmulator: () => startEmulator(),
  env: smartthingsEnv,
  people: standardPeople((n, name) => account(n, name)),
  subjectOf: (person) => person.accountId,
};

const locations = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/smartthings/proxy/locations`);

describeEachDialect('SmartThings, against an emulator of SmartThings', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SMARTTHINGS);

  const signIn = (person: SmartThingsAccount) => signInAs(context, 'smartthings', person);

  it("signs in as the token answer's owner_account_id, keeping the installed app and no name or e-mail (SmartThings has no profile call); the read scopes asked without PKCE, the code exchanged with Basic credentials and client_id in the form, a day-long token with a refresh token", async () => {
    const { database, emulator: smartthings, app } = context;
    const home = account(101, 'Lovelace');
    const { userId, request } = await signIn(home);
    expect(request.get('scope')).toBe('r:locations:* r:devices:*');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'smartthings');
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe(home.accountId);
    expect(JSON.parse(stored.claims)).toEqual({ owner_account_id: home.accountId, installed_app_id: smartthings.installedAppOf(token!.accessToken) });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, email_verified: null, name: null });
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'r:locations:* r:devices:*', tokenType: 'bearer' });
    expectAccessTokenLifetime(token, SMARTTHINGS_ACCESS_TOKEN_SECONDS - 100, SMARTTHINGS_ACCESS_TOKEN_SECONDS);
    const exchange = smartthings.server.requests.find((r) => r.path === '/v1/oauth/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(smartthings.tokenForms).toEqual([{ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID }]);
    expect(smartthings.server.requests.some((r) => r.path.startsWith('/v1/') && !r.path.startsWith('/v1/oauth/'))).toBe(false);
  });

  it('the proxy calls the API under /v1 with the token as Bearer', async () => {
    const { emulator: smartthings, app } = context;
    const home = account(102, 'Hopper');
    const { browser, userId } = await signIn(home);
    const answer = await locations(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ items: [{ locationId: home.location.locationId, name: 'Hopper Home' }] });
    const stored = await app.runtime.tokenStore.findToken(userId, 'smartthings');
    expect(smartthings.server.requests.filter((r) => r.path === '/v1/locations').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it('20 concurrent calls on an expired token make one refresh, with Basic credentials and client_id in the form; the new pair is kept, and SmartThings refuses the refresh token used (401 invalid_grant)', async () => {
    const { emulator: smartthings } = context;
    const { browser, userId } = await signIn(account(103, 'Turing'));
    const { before, after } = await expectRotatedAfterStorm(context, 'smartthings', userId, () => locations(browser));
    const refresh = smartthings.server.requests.filter((r) => r.path === '/v1/oauth/token').at(-1)!;
    expect(smartthings.tokenForms.at(-1)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID });
    expect(refresh.headers.authorization).toMatch(/^Basic /);
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshAtSmartThings(smartthings, before.refreshToken!))).toEqual({ status: 401, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } });
  });

  it("the app removed in the person's SmartThings app: the refresh is refused (401 invalid_grant), and the connection needs re-auth after one try", async () => {
    const { emulator: smartthings, database } = context;
    const leaving = account(104, 'Leaving');
    const { browser, userId } = await signIn(leaving);
    smartthings.uninstall(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'smartthings', userId, () => locations(browser));
  });

  it('disconnect deletes the tokens here and asks SmartThings nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(account(105, 'Goodbye'));
    await expectDisconnectAsksNothing(context, 'smartthings', { browser, userId });
  });

  standardCases(() => context, SMARTTHINGS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(SMARTTHINGS, {
  title: 'SmartThings refresh tokens (30 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 30, and the connection outlives that refresh token',
  startEmulator: (now) => startEmulator(now),
  person: account(201, 'Idle'),
  dueAfterDays: 23,
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (smartthings, refreshToken) => {
    expect((await refreshAtSmartThings(smartthings, refreshToken)).status).toBe(401);
  },
});

describeClientFailures(SMARTTHINGS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls SmartThings itself: api.smartthings.com for the OAuth endpoints and the API, with no userinfo or revocation endpoint', () => {
  const settings = presetInProduction('smartthings', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://api.smartthings.com/v1/oauth/authorize',
    tokenEndpoint: 'https://api.smartthings.com/v1/oauth/token',
  });
  expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
  expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
  expect(settings.apiBaseUrl).toBe('https://api.smartthings.com/v1');
  expect(settings.refreshTokenIdleSeconds).toBe(30 * 86_400);
});
