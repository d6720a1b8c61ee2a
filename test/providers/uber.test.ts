import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startUberEmulator, UBER_ACCESS_TOKEN_SECONDS, type UberEmulator, type UberUser } from './uber.emulator.js';

// A client id and secret of the form Uber's dashboard shows.
const CLIENT_ID = 'Zq8Xr3Lm5Tb7Wc9Vd1Nf4Hg6Jk2Ps0Ya';
const CLIENT_SECRET = 'uQ4wE7rT1yU3iO6pA9sD2fG5hJ8kL0zXcVbNm';
const REDIRECT_URI = `${APP_ORIGIN}/auth/uber/callback`;

function person(n: number, givenName: string, familyName: string): UberUser {
  return { sub: `8OlTlUG1TyeAQf1JiBZZdkKxuSSOUwu2IkO0Hf9d2HV52Pm25A0NvsbmbnZr85tL${String(n).padStart(4, '0')}==`, givenName, familyName, email: `${givenName.toLowerCase()}@rider.example` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/v3/me moves with it). */
function uberEnv(uber: UberEmulator): Record<string, string> {
  return presetEnv('uber', CLIENT_ID, CLIENT_SECRET, {
    UBER_AUTHORIZE_URL: `${uber.origin}/oauth/v2/authorize`,
    UBER_ACCESS_TOKEN_URL: `${uber.origin}/oauth/v2/token`,
    UBER_REVOCATION_URL: `${uber.origin}/oauth/v2/revoke`,
    UBER_API_BASE_URL: uber.origin,
  });
}

const UBER: StandardProvider<UberUser, UberEmulator> = {
  preset: 'uber',
  displayName: 'Uber',
  startEmulator: () => startUberEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: uberEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/uber/proxy/v3/me`);

describeEachDialect('Uber, against an emulator of Uber', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), UBER);

  const signIn = (user: UberUser) => signInAs(context, 'uber', user);

  it("signs in as /v3/me's sub (the rider id), named by its given and family names, its e-mail stored with its verification unknown; profile and offline_access asked, the client in the form, 30-day tokens with a refresh token", async () => {
    const { database, emulator: uber, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('profile offline_access');
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.sub);
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.sub, given_name: 'Ada', family_name: 'Lovelace', email: ada.email });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: ada.email, email_verified: null, name: 'Ada Lovelace' });
    const exchange = uber.server.requests.find((r) => r.path === '/oauth/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const token = await app.runtime.tokenStore.findToken(userId, 'uber');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'profile offline_access' });
    expectAccessTokenLifetime(token, UBER_ACCESS_TOKEN_SECONDS - 100, UBER_ACCESS_TOKEN_SECONDS);
  });

  it('the proxy calls the API on api.uber.com with the token as Bearer', async () => {
    const { emulator: uber, app } = context;
    const grace = person(102, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const answer = await me(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: grace.sub, given_name: 'Grace' });
    const stored = await app.runtime.tokenStore.findToken(userId, 'uber');
    expect(uber.server.requests.filter((r) => r.path === '/v3/me').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it('20 concurrent calls on an expired token make one refresh; the refresh token Uber answers is kept in place of the old', async () => {
    const { emulator: uber } = context;
    const { browser, userId } = await signIn(person(103, 'Alan', 'Turing'));
    const { after } = await expectRotatedAfterStorm(context, 'uber', userId, () => me(browser));
    expect(uber.refreshTokenLive(after.refreshToken!)).toBe(true);
  });

  it('a refresh token Uber refuses (400 invalid_grant: revoked behind the app) marks the connection for re-auth after one try', async () => {
    const { emulator: uber, database, app } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving', 'Soon'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'uber');
    const revoked = await fetch(`${uber.origin}/oauth/v2/revoke`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored!.refreshToken! }) });
    expect(await revoked.json()).toEqual({ message: 'OK' });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'uber', userId, () => me(browser));
  });

  it('disconnect revokes at /oauth/v2/revoke the refresh token and then the access token (Uber ends only the token it is given), the client in the form', async () => {
    const { emulator: uber } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'uber', { browser, userId }, { requests: 2 });
    expect(uber.refreshTokenLive(stored.refreshToken!)).toBe(false);
    expect(uber.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, UBER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(UBER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls Uber itself: auth.uber.com for OAuth, api.uber.com for /v3/me and the API', () => {
  const settings = presetInProduction('uber', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://auth.uber.com/oauth/v2/authorize',
    tokenEndpoint: 'https://auth.uber.com/oauth/v2/token',
    userinfoEndpoint: 'https://api.uber.com/v3/me',
    revocationEndpoint: 'https://auth.uber.com/oauth/v2/revoke',
  });
  expect(settings.apiBaseUrl).toBe('https://api.uber.com');
});
