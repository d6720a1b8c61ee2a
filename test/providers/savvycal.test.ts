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
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SAVVYCAL_ACCESS_TOKEN_SECONDS, startSavvyCalEmulator, type SavvyCalEmulator, type SavvyCalUser } from './savvycal.emulator.js';

// A client id and secret of the kind a SavvyCal OAuth application is given.
const CLIENT_ID = 'oa_01HZX3K9Q2M7V8T4N6B5C1D0EF';
const CLIENT_SECRET = 'sk_oa_Yc3Nq8vT2wX6bJ9mK4rF7hL1sD5gA0eUp2Zr';
const REDIRECT_URI = `${APP_ORIGIN}/auth/savvycal/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, firstName: string, lastName: string): SavvyCalUser {
  return { id: `user_01ED74HMFGVZ92YVCWTD8Y${String(id).padStart(4, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function savvycalEnv(savvycal: SavvyCalEmulator): Record<string, string> {
  return presetEnv('savvycal', CLIENT_ID, CLIENT_SECRET, {
    SAVVYCAL_AUTHORIZE_URL: `${savvycal.origin}/oauth/authorize`,
    SAVVYCAL_ACCESS_TOKEN_URL: `${savvycal.origin}/oauth/token`,
    SAVVYCAL_API_BASE_URL: `${savvycal.origin}/v1`,
  });
}

const SAVVYCAL: StandardProvider<SavvyCalUser, SavvyCalEmulator> = {
  preset: 'savvycal',
  displayName: 'SavvyCal',
  startEmulator: () => startSavvyCalEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: savvycalEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const links = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/savvycal/proxy/links`);

describeEachDialect('SavvyCal, against an emulator of SavvyCal', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SAVVYCAL);

  const signIn = (user: SavvyCalUser) => signInAs(context, 'savvycal', user);

  it('signs in as the id of /v1/me, named by its display_name, with an unverified e-mail; no scope, no PKCE, the client in the form with the redirect_uri again, a 2-hour token with a refresh token', async () => {
    const { database, emulator: savvycal, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'savvycal');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, SAVVYCAL_ACCESS_TOKEN_SECONDS - 100, SAVVYCAL_ACCESS_TOKEN_SECONDS);
    const exchange = savvycal.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = savvycal.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(savvycal.server.requests.filter((r) => r.path === '/v1/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator: savvycal } = context;
    const { browser, userId } = await signIn(person(102, 'Grace', 'Hopper'));
    const first = await links(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ entries: [{ name: 'Chat with Grace' }], metadata: { limit: 20 } });
    const { after } = await expectRotatedAfterStorm(context, 'savvycal', userId, () => links(browser));
    expectAccessTokenLifetime(after, SAVVYCAL_ACCESS_TOKEN_SECONDS - 100, SAVVYCAL_ACCESS_TOKEN_SECONDS);
    const refresh = savvycal.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const refreshed = await refreshAtProvider(`${savvycal.origin}/oauth/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: SAVVYCAL_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it('an API call with a token SavvyCal no longer takes is its 401 "Unauthenticated"', async () => {
    const { emulator: savvycal } = context;
    const response = await fetch(`${savvycal.origin}/v1/links`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ message: 'Unauthenticated' }] });
  });

  it("the app's access removed in SavvyCal marks the connection 'needs re-auth' after one refresh SavvyCal refuses", async () => {
    const { emulator: savvycal } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    savvycal.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'savvycal', userId, () => links(browser));
  });

  it('disconnect asks SavvyCal nothing (it documents no revocation) and forgets the tokens, which SavvyCal still takes', async () => {
    const { emulator: savvycal, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'savvycal'))!;
    await expectDisconnectAsksNothing(context, 'savvycal', { browser, userId });
    expect(savvycal.accepts(stored.accessToken)).toBe(true);
  });

  it('/v1/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SAVVYCAL, person(110, 'Outage', 'Profile'), (savvycal) => savvycal.failNextProfile(500));
  });

  standardCases(() => context, SAVVYCAL, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SAVVYCAL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('SavvyCal in production', () => {
  it('with the client alone, signs in at savvycal.com, reads api.savvycal.com/v1/me and calls the API there, with no scope and the client in the form', () => {
    const { settings } = presetInProduction('savvycal', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'SavvyCal',
      endpoints: {
        authorizationEndpoint: 'https://savvycal.com/oauth/authorize',
        tokenEndpoint: 'https://savvycal.com/oauth/token',
        userinfoEndpoint: 'https://api.savvycal.com/v1/me',
      },
      scope: '',
      apiBaseUrl: 'https://api.savvycal.com/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
