import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { INATURALIST_DEFAULT_SCOPE, startINaturalistEmulator, type INaturalistEmulator, type INaturalistUser } from './inaturalist.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form iNaturalist's OAuth applications have (64 hex digits each).
const CLIENT_ID = '7d1f3a5c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f';
const CLIENT_SECRET = 'c8e0a2f4b6d8e1c3a5f7b9d0e2c4a6f8b1d3e5c7a9f0b2d4e6c8a1f3b5d7e9c0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/inaturalist/callback`;

function person(id: number, name: string): INaturalistUser {
  const login = name.toLowerCase().replace(/\W+/g, '_');
  return { id, login, name, email: `${login}@naturalist.test` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/users/edit.json moves with it). */
function inaturalistEnv(inaturalist: INaturalistEmulator): Record<string, string> {
  return presetEnv('inaturalist', CLIENT_ID, CLIENT_SECRET, {
    INATURALIST_AUTHORIZE_URL: `${inaturalist.origin}/oauth/authorize`,
    INATURALIST_ACCESS_TOKEN_URL: `${inaturalist.origin}/oauth/token`,
    INATURALIST_API_BASE_URL: inaturalist.origin,
  });
}

const INATURALIST: StandardProvider<INaturalistUser, INaturalistEmulator> = {
  preset: 'inaturalist',
  displayName: 'iNaturalist',
  startEmulator: () => startINaturalistEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: inaturalistEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('iNaturalist, against an emulator of iNaturalist', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), INATURALIST);

  const signIn = (user: INaturalistUser) => signInAs(context, 'inaturalist', user);
  const apiToken = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/inaturalist/proxy/users/api_token`);

  it('signs in as the numeric id of /users/edit.json (not the login), with its name, login and an unverified e-mail; no scope (granted write login), no PKCE, the client in the form, a token with no end and no refresh token', async () => {
    const { database, emulator: inaturalist, app } = context;
    const { userId, request } = await signIn(person(477, 'Ken-ichi Ueda'));
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('477');
    expect(JSON.parse(account.claims)).toEqual({ id: '477', name: 'Ken-ichi Ueda', preferred_username: 'ken_ichi_ueda', email: 'ken_ichi_ueda@naturalist.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ken-ichi Ueda', email: 'ken_ichi_ueda@naturalist.test' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'inaturalist');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, scope: INATURALIST_DEFAULT_SCOPE });
    const exchange = inaturalist.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    const form = inaturalist.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(inaturalist.server.requests.filter((r) => r.path === '/users/edit.json').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the Rails API with the token as Bearer (its JSON Web Token for api.inaturalist.org); 20 concurrent calls ask iNaturalist for no token, as there is nothing to refresh', async () => {
    const { emulator: inaturalist } = context;
    const { browser } = await signIn(person(478, 'Scott Loarie'));
    const answers = await expectNoTokenRequestFor20Calls(inaturalist, () => apiToken(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual({ api_token: expect.stringMatching(/^eyJ/) });
    expect(inaturalist.server.counts.api_token).toBeGreaterThanOrEqual(20);
  });

  it('an API call with a token iNaturalist does not take is a 401', async () => {
    const { emulator: inaturalist } = context;
    const response = await fetch(`${inaturalist.origin}/users/edit.json`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it("the application removed in the person's iNaturalist settings (401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: inaturalist } = context;
    const leaving = person(479, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    inaturalist.revokeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'inaturalist', userId, () => apiToken(browser));
  });

  it('disconnect deletes the token here and asks iNaturalist nothing: it documents no revocation endpoint', async () => {
    const { emulator: inaturalist, app } = context;
    const { browser, userId } = await signIn(person(480, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'inaturalist'))!;
    await expectDisconnectAsksNothing(context, 'inaturalist', { browser, userId });
    expect(inaturalist.accepts(stored.accessToken)).toBe(true);
  });

  it('/users/edit.json failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, INATURALIST, person(481, 'Outage Again'), (inaturalist) => inaturalist.failNextProfile(500));
  });

  standardCases(() => context, INATURALIST, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(INATURALIST, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls iNaturalist itself: www.inaturalist.org for the authorization page, the token endpoint, /users/edit.json and the API', () => {
  const settings = presetInProduction('inaturalist', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings).toMatchObject({
    displayName: 'iNaturalist',
    endpoints: { authorizationEndpoint: 'https://www.inaturalist.org/oauth/authorize', tokenEndpoint: 'https://www.inaturalist.org/oauth/token', userinfoEndpoint: 'https://www.inaturalist.org/users/edit.json' },
    scope: '',
    apiBaseUrl: 'https://www.inaturalist.org',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
  });
});
