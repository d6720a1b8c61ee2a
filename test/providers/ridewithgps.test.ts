import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startRideWithGpsEmulator, type RideWithGpsEmulator, type RideWithGpsUser } from './ridewithgps.emulator.js';

const CLIENT_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const CLIENT_SECRET = 'rwgps-secret-5f4dcc3b5aa765d61d8327deb882cf99';
const REDIRECT_URI = `${APP_ORIGIN}/auth/ridewithgps/callback`;

const person = (id: number, name: string): RideWithGpsUser => ({ id, name });

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (the profile moves with it). */
function rideWithGpsEnv(rwgps: RideWithGpsEmulator): Record<string, string> {
  return presetEnv('ridewithgps', CLIENT_ID, CLIENT_SECRET, {
    RIDEWITHGPS_AUTHORIZE_URL: `${rwgps.origin}/oauth/authorize`,
    RIDEWITHGPS_ACCESS_TOKEN_URL: `${rwgps.origin}/oauth/token.json`,
    RIDEWITHGPS_REVOCATION_URL: `${rwgps.origin}/oauth/revoke.json`,
    RIDEWITHGPS_API_BASE_URL: `${rwgps.origin}/api/v1`,
  });
}

const RIDEWITHGPS: StandardProvider<RideWithGpsUser, RideWithGpsEmulator> = {
  preset: 'ridewithgps',
  displayName: 'Ride with GPS',
  startEmulator: () => startRideWithGpsEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: rideWithGpsEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const routes = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/ridewithgps/proxy/routes.json`);

it('in production the preset points at ridewithgps.com, the profile and API under /api/v1', () => {
  const settings = presetInProduction('ridewithgps', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://ridewithgps.com/oauth/authorize',
    tokenEndpoint: 'https://ridewithgps.com/oauth/token.json',
    userinfoEndpoint: 'https://ridewithgps.com/api/v1/users/current.json',
    revocationEndpoint: 'https://ridewithgps.com/oauth/revoke.json',
  });
  expect(settings.apiBaseUrl).toBe('https://ridewithgps.com/api/v1');
});

describeEachDialect('Ride with GPS, against an emulator of Ride with GPS', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), RIDEWITHGPS);

  const signIn = (user: RideWithGpsUser) => signInAs(context, 'ridewithgps', user);

  it("signs in as the id of /users/current.json's user with the name, no e-mail; no scope asked, the code exchanged with a JSON body that carries the client, a Bearer token scoped `user` that never expires and no refresh token", async () => {
    const { database, emulator: rwgps, app } = context;
    const { userId, request } = await signIn(person(1001, 'Bob Rider'));
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1001');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 1001, name: 'Bob Rider' });
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'Bob Rider', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'ridewithgps');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer', scope: 'user' });
    const exchange = rwgps.server.requests.filter((r) => r.path === '/oauth/token.json').at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(rwgps.contentTypes.at(-1)).toMatch(/^application\/json/);
    expect(rwgps.server.requests.filter((r) => r.path === '/api/v1/users/current.json').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls API v1 with the token as Bearer; 20 concurrent calls ask Ride with GPS for no token, as there is nothing to refresh', async () => {
    const { browser } = await signIn(person(1002, 'Grace Climber'));
    const answers = await expectNoTokenRequestFor20Calls(context.emulator, () => routes(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ routes: [{ id: 999, user_id: 1002 }, { id: 844 }], meta: { pagination: { record_count: 2 } } });
  });

  it("access revoked in the person's Ride with GPS account (401) marks the connection 'needs re-auth', with no token request", async () => {
    const leaving = person(1003, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    context.emulator.revokeAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'ridewithgps', userId, () => routes(browser));
  });

  it('disconnect revokes the access token at /oauth/revoke.json with a JSON body, and Ride with GPS then refuses it', async () => {
    const { emulator: rwgps } = context;
    const signedIn = await signIn(person(1004, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'ridewithgps', signedIn, { requests: 1 });
    expect(rwgps.contentTypes.at(-1)).toMatch(/^application\/json/);
    expect(rwgps.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, RIDEWITHGPS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(RIDEWITHGPS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
