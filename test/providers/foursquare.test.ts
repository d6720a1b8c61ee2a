import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startFoursquareEmulator, type FoursquareEmulator, type FoursquareUser } from './foursquare.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret as Foursquare's Developer Console shows them (48 capitals and digits each).
const CLIENT_ID = 'QZ4XKD2WJ0M3FV1NYB5RH8TLC6PGA7SE9UQ2XKD4WJ0M3FV1N';
const CLIENT_SECRET = 'B5RH8TLC6PGA7SE9UQ2XKD4WJ0M3FV1NYB5RH8TLC6PGA7SE9';
const REDIRECT_URI = `${APP_ORIGIN}/auth/foursquare/callback`;

function person(id: number, name: string, email: string | undefined = `${name.split(' ')[0]!.toLowerCase()}@acme.test`): FoursquareUser {
  const [firstName, lastName = ''] = name.split(' ');
  return { id: String(11_200_000 + id), firstName: firstName!, lastName, ...(email ? { email } : {}), venue: `${firstName}'s Café` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/users/self moves with it). */
function foursquareEnv(foursquare: FoursquareEmulator): Record<string, string> {
  return presetEnv('foursquare', CLIENT_ID, CLIENT_SECRET, {
    FOURSQUARE_AUTHORIZE_URL: `${foursquare.origin}/oauth2/authenticate`,
    FOURSQUARE_ACCESS_TOKEN_URL: `${foursquare.origin}/oauth2/access_token`,
    FOURSQUARE_API_BASE_URL: `${foursquare.origin}/v2`,
  });
}

const FOURSQUARE: StandardProvider<FoursquareUser, FoursquareEmulator> = {
  preset: 'foursquare',
  displayName: 'Foursquare',
  startEmulator: () => startFoursquareEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: foursquareEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Foursquare, against an emulator of Foursquare', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FOURSQUARE);

  const signIn = (user: FoursquareUser) => signInAs(context, 'foursquare', user);
  const checkins = (browser: TestBrowser, query = 'v=20240601') => browser.request(`${APP_ORIGIN}/api/providers/foursquare/proxy/users/self/checkins?${query}`, { method: 'GET' });

  it('signs in as the id of /users/self with its name and unverified contact e-mail; no scope and no PKCE, the client in the form, a bare { access_token } kept with no end and no refresh token, the token sent as oauth_token', async () => {
    const { database, emulator: foursquare, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'foursquare');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = foursquare.server.requests.find((r) => r.path === '/oauth2/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const profile = foursquare.server.requests.filter((r) => r.path.startsWith('/v2/users/self?')).at(-1)!;
    expect(profile.headers.authorization).toBeUndefined();
    const query = new URL(profile.path, foursquare.origin).searchParams;
    expect(query.get('oauth_token')).toBe(token!.accessToken);
    expect(query.get('v')).toMatch(/^\d{8}$/);
  });

  it('a user who shows no e-mail signs in without one', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'Grace Hopper', ''));
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Grace Hopper' });
  });

  it("the proxy calls API v2 with the token as oauth_token in place of the caller's own, the caller's v kept; 20 concurrent calls ask Foursquare for no token, as there is nothing to refresh", async () => {
    const { emulator: foursquare, app } = context;
    const alan = person(103, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'foursquare'))!.accessToken;
    const answer = await checkins(browser, 'v=20240601&oauth_token=someone-elses');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ meta: { code: 200 }, response: { checkins: { count: 1, items: [{ venue: { name: "Alan's Café" } }] } } });
    const sent = foursquare.server.requests.filter((r) => r.path.startsWith('/v2/users/self/checkins?')).at(-1)!;
    expect(sent.headers.authorization).toBeUndefined();
    expect(new URL(sent.path, foursquare.origin).search).toBe(`?v=20240601&oauth_token=${accessToken}`);

    await expectNoTokenRequestFor20Calls(foursquare, () => checkins(browser));
  });

  it("the app removed in the person's Foursquare settings (401 invalid_auth) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: foursquare } = context;
    const joan = person(104, 'Joan Clarke');
    const { browser, userId } = await signIn(joan);
    foursquare.removeApp(joan);
    await expectNeedsReauthWithoutTokenRequest(context, 'foursquare', userId, () => checkins(browser));
  });

  it('disconnect deletes the token and asks Foursquare nothing (it documents no revocation); the token still works there', async () => {
    const { emulator: foursquare, app } = context;
    const { browser, userId } = await signIn(person(105, 'Leaving Person'));
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'foursquare'))!.accessToken;
    await expectDisconnectAsksNothing(context, 'foursquare', { browser, userId });
    expect(foursquare.accepts(accessToken)).toBe(true);
  });

  it('/users/self failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FOURSQUARE, person(110, 'Outage Profile'), (foursquare) => foursquare.failNextSelf(500));
  });

  standardCases(() => context, FOURSQUARE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FOURSQUARE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset uses Foursquare's own endpoints, the profile asked with its API version, and the token in oauth_token", () => {
  const { settings } = presetInProduction('foursquare', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const defaults = settings({});
  expect(defaults.endpoints).toMatchObject({
    authorizationEndpoint: 'https://foursquare.com/oauth2/authenticate',
    tokenEndpoint: 'https://foursquare.com/oauth2/access_token',
  });
  expect(defaults.endpoints!.userinfoEndpoint).toMatch(/^https:\/\/api\.foursquare\.com\/v2\/users\/self\?v=\d{8}$/);
  expect(defaults).toMatchObject({ apiBaseUrl: 'https://api.foursquare.com/v2', scope: '', accessTokenParameter: 'oauth_token', omitsTokenType: true });
});
