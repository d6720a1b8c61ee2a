import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SERVICEM8_ACCESS_TOKEN_SECONDS, startServiceM8Emulator, type ServiceM8Emulator, type ServiceM8Vendor } from './servicem8.emulator.js';

// An App Id (a number) and App Secret of the kind a ServiceM8 add-on is issued.
const CLIENT_ID = '853518';
const CLIENT_SECRET = '5d0c2f4e9a7b4c1e8f3a6b2d9e0c7a41';
const REDIRECT_URI = `${APP_ORIGIN}/auth/servicem8/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function vendor(id: number, name: string): ServiceM8Vendor {
  return { uuid: `3f4cd183-5c5b-47d1-b3c1-${String(id).padStart(12, '0')}`, name };
}

/** Only the documented variables: the preset, the client, the scope, and the endpoints and API base pointed at the emulator (/vendor.json moves with the API base). */
function servicem8Env(servicem8: ServiceM8Emulator): Record<string, string> {
  return presetEnv('servicem8', CLIENT_ID, CLIENT_SECRET, {
    SERVICEM8_SCOPE: 'vendor read_staff',
    SERVICEM8_AUTHORIZE_URL: `${servicem8.origin}/oauth/authorize`,
    SERVICEM8_ACCESS_TOKEN_URL: `${servicem8.origin}/oauth/access_token`,
    SERVICEM8_API_BASE_URL: `${servicem8.origin}/api_1.0`,
  });
}

const SERVICEM8: StandardProvider<ServiceM8Vendor, ServiceM8Emulator> = {
  preset: 'servicem8',
  displayName: 'ServiceM8',
  startEmulator: () => startServiceM8Emulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: servicem8Env,
  people: standardPeople(vendor),
  subjectOf: (user) => user.uuid,
};

const staff = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/servicem8/proxy/staff.json`);

describeEachDialect('ServiceM8, against an emulator of ServiceM8', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SERVICEM8);

  const signIn = (user: ServiceM8Vendor) => signInAs(context, 'servicem8', user);

  it("signs in as the uuid of /vendor.json's record, the business's name the name and no e-mail; the scopes asked without PKCE, the client in the form, an hour-long token with a refresh token", async () => {
    const { database, emulator: servicem8, app } = context;
    const acme = vendor(101, 'Acme Plumbing');
    const { userId, request } = await signIn(acme);
    expect(request.get('scope')).toBe('vendor read_staff');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.has('code_challenge')).toBe(false);
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe(acme.uuid);
    expect(JSON.parse(stored.claims)).toEqual({ id: acme.uuid, name: 'Acme Plumbing' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Acme Plumbing', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'servicem8');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, SERVICEM8_ACCESS_TOKEN_SECONDS - 100, SERVICEM8_ACCESS_TOKEN_SECONDS);
    const exchange = servicem8.server.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(servicem8.server.requests.filter((r) => r.path === '/api_1.0/vendor.json').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy lists the staff; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator: servicem8 } = context;
    const { browser, userId } = await signIn(vendor(102, 'Hopper Electrical'));
    const first = await staff(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject([{ first: 'Sam', last: 'Hopper' }]);
    const { after } = await expectRotatedAfterStorm(context, 'servicem8', userId, () => staff(browser));
    expectAccessTokenLifetime(after, SERVICEM8_ACCESS_TOKEN_SECONDS - 100, SERVICEM8_ACCESS_TOKEN_SECONDS);
    expect(servicem8.server.requests.filter((r) => r.path === '/oauth/access_token').at(-1)!.headers.authorization).toBeUndefined();
    const refreshed = await refreshAtProvider(`${servicem8.origin}/oauth/access_token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ expires_in: SERVICEM8_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it('the token endpoint takes the client in the form only: as Basic it is 401 invalid_client', async () => {
    const { emulator: servicem8 } = context;
    const response = await refreshAtProvider(`${servicem8.origin}/oauth/access_token`, CLIENT, 'anything', { by: 'basic' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('an API call with a token ServiceM8 does not take is its 401', async () => {
    const { emulator: servicem8 } = context;
    const response = await fetch(`${servicem8.origin}/api_1.0/staff.json`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Your OAuth2 token is incorrect or has expired' });
  });

  it("the add-on removed from the account marks the connection 'needs re-auth' after one refresh ServiceM8 refuses", async () => {
    const { emulator: servicem8 } = context;
    const leaving = vendor(103, 'Liskov Roofing');
    const { browser, userId } = await signIn(leaving);
    servicem8.disconnectAddon(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'servicem8', userId, () => staff(browser));
  });

  it('disconnect asks ServiceM8 nothing (it documents no revocation) and forgets the tokens, which ServiceM8 still takes', async () => {
    const { emulator: servicem8, app } = context;
    const { browser, userId } = await signIn(vendor(104, 'Goodbye Ltd'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'servicem8'))!;
    await expectDisconnectAsksNothing(context, 'servicem8', { browser, userId });
    expect(servicem8.accepts(stored.accessToken)).toBe(true);
  });

  it('/vendor.json failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SERVICEM8, vendor(110, 'Outage Profile'), (servicem8) => servicem8.failNextProfile(500));
  });

  standardCases(() => context, SERVICEM8, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SERVICEM8, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('ServiceM8 in production', () => {
  it('with the client alone, authorizes and exchanges at go.servicem8.com, reads /vendor.json at api.servicem8.com and calls the API there, asking for vendor with the client in the form', () => {
    const { settings } = presetInProduction('servicem8', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'ServiceM8',
      endpoints: {
        authorizationEndpoint: 'https://go.servicem8.com/oauth/authorize',
        tokenEndpoint: 'https://go.servicem8.com/oauth/access_token',
        userinfoEndpoint: 'https://api.servicem8.com/api_1.0/vendor.json',
      },
      scope: 'vendor',
      apiBaseUrl: 'https://api.servicem8.com/api_1.0',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
