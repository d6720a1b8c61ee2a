import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTeslaEmulator, type TeslaEmulator, type TeslaUser } from './tesla.emulator.js';

// A client id and secret of the form developer.tesla.com shows.
const CLIENT_ID = '9f3c2b1a-7e6d-4c5b-8a9f-0e1d2c3b4a59';
const CLIENT_SECRET = 'ta-secret.Xq7Lm2Np9Rs4Tv6Wy8Za1Bc3De5Fg7Hj';
const REDIRECT_URI = `${APP_ORIGIN}/auth/tesla/callback`;
const SCOPE = 'openid offline_access user_data vehicle_device_data vehicle_cmds vehicle_charging_cmds';

function person(n: number, fullName: string): TeslaUser {
  return { vaultUuid: `b5c443af-a286-49eb-a4ad-${String(n).padStart(12, '0')}`, fullName, email: `${fullName.toLowerCase().replace(/ /g, '.')}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (users/region is asked at the API base). */
function teslaEnv(tesla: TeslaEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'tesla',
    TESLA_PRESET: 'tesla',
    TESLA_CLIENT_ID: CLIENT_ID,
    TESLA_CLIENT_SECRET: CLIENT_SECRET,
    TESLA_AUTHORIZE_URL: `${tesla.origin}/oauth2/v3/authorize`,
    TESLA_ACCESS_TOKEN_URL: `${tesla.origin}/oauth2/v3/token`,
    TESLA_API_BASE_URL: tesla.origin,
  };
}

/** A refresh at Tesla itself, as another copy of the token would make it. */
function refreshAtTesla(tesla: TeslaEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${tesla.origin}/oauth2/v3/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const TESLA: StandardProvider<TeslaUser, TeslaEmulator> = {
  preset: 'tesla',
  displayName: 'Tesla',
  startEmulator: () => startTeslaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: teslaEnv,
  people: {
    cancelled: person(108, 'Changed Mind'),
    'refused-code': person(109, 'Refused Code'),
    'wrong-secret': person(301, 'Wrong Secret'),
    'exchange-failure': person(302, 'Outage Person'),
  },
  subjectOf: (user) => user.vaultUuid,
};

const vehicles = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/tesla/proxy/api/1/vehicles`);

describeEachDialect('Tesla, against an emulator of Tesla', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TESLA);

  const signIn = (user: TeslaUser) => signInAs(context, 'tesla', user);

  it('signs in as the vault_uuid of /api/1/users/me with full_name and the e-mail (verification unknown), the connection API base the fleet_api_base_url of /api/1/users/region; openid, offline_access and the vehicle scopes asked, PKCE S256, the client in the form, an 8-hour token with a refresh token', async () => {
    const { database, emulator: tesla, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toBeTruthy();
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.vaultUuid);
    expect(JSON.parse(account.claims)).toMatchObject({ vault_uuid: ada.vaultUuid, name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'tesla');
    expect(token).toMatchObject({ refreshToken: expect.any(String), apiBaseUrl: tesla.origin });
    expect(tesla.server.requests.filter((r) => r.path === '/api/1/users/region').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(8 * 3600 - 100);
    expect(lifetime).toBeLessThanOrEqual(8 * 3600);
    const exchange = tesla.server.requests.find((r) => r.path === '/oauth2/v3/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = tesla.tokenForms.find((sent) => sent.get('grant_type') === 'authorization_code')!;
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9_~.-]{43,128}$/);
  });

  it('the proxy calls the Fleet API; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and the spent refresh token is refused', async () => {
    const { emulator: tesla } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'tesla', userId, () => vehicles(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ response: [{ id: 100021, vin: '5YJ3E1EA1JF000001' }], count: 1 });
    expectAccessTokenLifetime(after, 8 * 3600 - 100, 8 * 3600);
    expect(await statusAndBody(refreshAtTesla(tesla, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed in the person's Tesla account marks the connection 'needs re-auth' after Tesla's 401, with one refused refresh", async () => {
    const { emulator: tesla } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    tesla.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'tesla', userId, () => vehicles(browser));
  });

  it('disconnect asks Tesla nothing (no revocation endpoint is documented) and deletes the token here', async () => {
    const signedIn = await signIn(person(104, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'tesla', signedIn);
  });

  it("a person of Europe's region: users/region, asked at the configured base, names Europe's, where the profile is read and the proxy calls; North America's base is never asked for the profile or the API", async () => {
    const { emulator: tesla, app } = context;
    const regionAsked = (path: string) => tesla.server.requests.filter((r) => r.path === path).length;
    const counts = (name: string) => tesla.server.counts[name] ?? 0;
    const before = { profileEu: counts('profile_eu'), profileNa: counts('profile_na'), vehiclesEu: counts('vehicles_eu'), vehiclesNa: counts('vehicles_na'), naRegion: regionAsked('/api/1/users/region'), euRegion: regionAsked('/eu/api/1/users/region') };
    const { browser, userId } = await signIn({ ...person(112, 'Euro Pean'), region: 'eu' });
    expect(await app.runtime.tokenStore.findToken(userId, 'tesla')).toMatchObject({ apiBaseUrl: `${tesla.origin}/eu` });
    expect(regionAsked('/api/1/users/region')).toBe(before.naRegion + 1);
    expect(regionAsked('/eu/api/1/users/region')).toBe(before.euRegion);
    expect(counts('profile_eu')).toBe(before.profileEu + 1);
    expect(counts('profile_na')).toBe(before.profileNa);
    expect((await vehicles(browser)).status).toBe(200);
    expect(counts('vehicles_eu')).toBe(before.vehiclesEu + 1);
    expect(counts('vehicles_na')).toBe(before.vehiclesNa);
  });

  it.each([
    ['a host outside the Fleet API regions', 'https://fleet-api.example.net', 'named an API origin (fleet_api_base_url) outside its own domains'],
    ['a look-alike host', 'https://fleet-api.prd.eu.vn.cloud.tesla.com.example.net', 'named an API origin (fleet_api_base_url) outside its own domains'],
    ['no base', undefined, 'did not name an API origin (fleet_api_base_url) for this connection'],
  ])('users/region naming %s fails the sign-in before the token goes there: 502, no profile or API call, nothing stored', async (_name, base, message) => {
    const { database, emulator: tesla, app } = context;
    const before = await rowCounts(database);
    const calls = tesla.server.counts.vehicles ?? 0;
    const profiles = tesla.server.counts.profile ?? 0;
    tesla.setRegionBase(base);
    try {
      tesla.signInAs(person(111, 'Eve Mallory'));
      const page = await signInThrough(app.browser(), 'tesla');
      expect(page.status).toBe(502);
      expect(page.text).toContain(`Tesla ${message}`);
    } finally {
      tesla.setRegionBase(null);
    }
    expect(await rowCounts(database)).toEqual(before);
    expect(tesla.server.counts.vehicles ?? 0).toBe(calls);
    expect(tesla.server.counts.profile ?? 0).toBe(profiles);
  });

  it('the profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TESLA, person(110, 'Outage Profile'), (tesla) => tesla.failNextProfile(500));
  });

  standardCases(() => context, TESLA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Tesla without offline_access', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: TESLA.startEmulator, env: (tesla) => ({ ...teslaEnv(tesla), TESLA_SCOPE: 'openid user_data vehicle_device_data' }) });

  it('keeps no refresh token; once the access token ends, the connection needs signing in again and Tesla is asked for no token', async () => {
    const { database, emulator: tesla, app } = context;
    const { browser, userId } = await signInAs(context, 'tesla', person(120, 'Short Lived'));
    expect(await app.runtime.tokenStore.findToken(userId, 'tesla')).toMatchObject({ refreshToken: null });
    expect((await vehicles(browser)).status).toBe(200);
    await expireAccessTokens(database, userId);
    const tokenRequests = tesla.server.counts.token_request ?? 0;
    const call = await vehicles(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(tesla.server.counts.token_request ?? 0).toBe(tokenRequests);
  });
});

describeClientFailures(TESLA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
