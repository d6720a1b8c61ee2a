import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { MENDELEY_ACCESS_TOKEN_SECONDS, startMendeleyEmulator, type MendeleyEmulator, type MendeleyUser } from './mendeley.emulator.js';

// An application ID and secret of the kind the Mendeley Developer Portal issues (a number, and a secret of letters and digits).
const CLIENT_ID = '773';
const CLIENT_SECRET = 'xzcdoG8wmRrf7Npm';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/mendeley/callback`;

function person(id: number, firstName: string, lastName: string): MendeleyUser {
  return { id: `e2cc65ad-5ef2-3838-b934-${String(id).padStart(12, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@university.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function mendeleyEnv(mendeley: MendeleyEmulator): Record<string, string> {
  return presetEnv('mendeley', CLIENT_ID, CLIENT_SECRET, {
    MENDELEY_AUTHORIZE_URL: `${mendeley.origin}/oauth/authorize`,
    MENDELEY_ACCESS_TOKEN_URL: `${mendeley.origin}/oauth/token`,
    MENDELEY_API_BASE_URL: mendeley.origin,
  });
}

const MENDELEY: StandardProvider<MendeleyUser, MendeleyEmulator> = {
  preset: 'mendeley',
  displayName: 'Mendeley',
  startEmulator: () => startMendeleyEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: mendeleyEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const documents = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/mendeley/proxy/documents`);
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

describeEachDialect('Mendeley, against an emulator of Mendeley', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MENDELEY);
  const signIn = (user: MendeleyUser) => signInAs(context, 'mendeley', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it('signs in as the id of /profiles/me with the display name and an unverified e-mail; scope all, no PKCE, the client as HTTP Basic with the redirect_uri again, an hour-long token with a refresh token', async () => {
    const { database, emulator: mendeley, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('all');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({
      id: ada.id,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@university.test',
      profile: 'https://www.mendeley.com/profiles/ada-lovelace/',
    });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@university.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'mendeley');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, MENDELEY_ACCESS_TOKEN_SECONDS - 100, MENDELEY_ACCESS_TOKEN_SECONDS);
    const exchange = mendeley.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBe(basic);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = mendeley.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.has('client_secret')).toBe(false);
    expect(mendeley.server.requests.filter((r) => r.path === '/profiles/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the profile id, whatever their names became', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Murray'), email: 'grace@navy.test' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, as HTTP Basic with the redirect_uri again, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: mendeley } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await documents(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject([{ title: 'Laser cooling of atoms', profile_id: person(102, 'Alan', 'Turing').id }]);
    const { before, after } = await expectRotatedAfterStorm(context, 'mendeley', userId, () => documents(browser));
    expectAccessTokenLifetime(after, MENDELEY_ACCESS_TOKEN_SECONDS - 100, MENDELEY_ACCESS_TOKEN_SECONDS);
    const refresh = mendeley.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(refresh.has('client_secret')).toBe(false);
    expect(mendeley.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!.headers.authorization).toBe(basic);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { extra: { redirect_uri: REDIRECT_URI } }))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid refresh token' },
    });
  });

  it('Mendeley refuses a refresh without the redirect_uri (invalid_request) or with another (invalid_grant), and a wrong client with a 401 challenge in plain text', async () => {
    const { app } = context;
    const { userId } = await signIn(person(106, 'Katherine', 'Johnson'));
    const { refreshToken } = (await app.runtime.tokenStore.findToken(userId, 'mendeley'))!;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Missing redirect_uri' } });
    expect((await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, refreshToken!, { extra: { redirect_uri: 'https://elsewhere.test/cb' } }))).body).toMatchObject({ error: 'invalid_grant' });
    const wrong = await refreshAtProvider(tokenUrl(), { clientId: CLIENT_ID, clientSecret: 'not-the-secret' }, refreshToken!, { extra: { redirect_uri: REDIRECT_URI } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await wrong.text()).toBe('Unauthorized');
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, refreshToken!, { extra: { redirect_uri: REDIRECT_URI } });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: MENDELEY_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it('an authorization asking another scope than all comes back as invalid_scope', async () => {
    const { emulator: mendeley } = context;
    const response = await fetch(`${mendeley.origin}/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'read', state: 's1' })}`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'invalid_scope', error_description: 'Invalid scope', state: 's1' });
  });

  it('an API call with a token Mendeley does not take is a 401', async () => {
    const { emulator: mendeley } = context;
    const response = await fetch(`${mendeley.origin}/documents`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it("the application's access revoked in Mendeley marks the connection 'needs re-auth' after one refresh Mendeley refuses", async () => {
    const { emulator: mendeley } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    mendeley.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'mendeley', userId, () => documents(browser));
  });

  it('disconnect asks Mendeley nothing (it documents no revocation) and forgets the tokens, which Mendeley still takes', async () => {
    const { emulator: mendeley, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'mendeley'))!;
    await expectDisconnectAsksNothing(context, 'mendeley', { browser, userId });
    expect(mendeley.accepts(stored.accessToken)).toBe(true);
  });

  it('/profiles/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MENDELEY, person(110, 'Outage', 'Profile'), (mendeley) => mendeley.failNextProfile(500));
  });

  standardCases(() => context, MENDELEY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant "Invalid access code"' } });
});

describeClientFailures(MENDELEY, { wrongSecret: { sentAs: '401 in plain text with a Basic challenge' }, exchangeFailure: {} });

describe('Mendeley in production', () => {
  it('with the client alone, signs in at api.mendeley.com, reads /profiles/me and calls the API there, asking scope all with the client as HTTP Basic and the redirect_uri at each refresh', () => {
    const { settings } = presetInProduction('mendeley', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Mendeley',
      endpoints: {
        authorizationEndpoint: 'https://api.mendeley.com/oauth/authorize',
        tokenEndpoint: 'https://api.mendeley.com/oauth/token',
        userinfoEndpoint: 'https://api.mendeley.com/profiles/me',
      },
      scope: 'all',
      apiBaseUrl: 'https://api.mendeley.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshSendsRedirectUri: true,
      subjectClaim: 'id',
    });
  });
});
