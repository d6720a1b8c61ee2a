import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { BENTLEY_ACCESS_TOKEN_SECONDS, BENTLEY_ORGANIZATION, startBentleyEmulator, type BentleyEmulator, type BentleyUser } from './bentley.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form My Apps gives a Web App.
const CLIENT_ID = 'webapp-Zq4hN8tK2mR7vX1cB5jW9';
const CLIENT_SECRET = 'Jd8sK2nQ7vR1xT5mW9bZ3cF6hL0pY4gA8eU2iO6tS1rN5wV';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/bentley/callback`;
const SCOPE = 'itwin-platform offline_access';

function person(n: number, givenName: string, surname: string): BentleyUser {
  return { id: `e7aee7b1-4967-4f40-b220-${String(n).padStart(12, '0')}`, givenName, surname, email: `${givenName.toLowerCase()}.${surname.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the user moves with the API base). */
function bentleyEnv(bentley: BentleyEmulator): Record<string, string> {
  return presetEnv('bentley', CLIENT_ID, CLIENT_SECRET, {
    BENTLEY_AUTHORIZE_URL: `${bentley.origin}/connect/authorize`,
    BENTLEY_ACCESS_TOKEN_URL: `${bentley.origin}/connect/token`,
    BENTLEY_API_BASE_URL: bentley.origin,
  });
}

const BENTLEY: StandardProvider<BentleyUser, BentleyEmulator> = {
  preset: 'bentley',
  displayName: 'Bentley iTwin Platform',
  startEmulator: () => startBentleyEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: bentleyEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/bentley/proxy/users/me`);

describeEachDialect('Bentley iTwin Platform, against an emulator of Bentley IMS and the Users API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BENTLEY);
  const signIn = (user: BentleyUser) => signInAs(context, 'bentley', user);
  const tokenUrl = () => `${context.emulator.origin}/connect/token`;

  it("signs in as the id of /users/me with the given name and surname, an unverified e-mail and the organization's name; itwin-platform offline_access, no PKCE, the client in the form, an hour's token with a refresh token", async () => {
    const { database, emulator: bentley, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada.lovelace@example.com', organization_name: BENTLEY_ORGANIZATION });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada.lovelace@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'bentley');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, BENTLEY_ACCESS_TOKEN_SECONDS - 100, BENTLEY_ACCESS_TOKEN_SECONDS);
    const exchange = bentley.server.requests.findLast((r) => r.path === '/connect/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(bentley.server.requests.findLast((r) => r.path === '/users/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the iTwin Platform API; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept, and the spent one is refused', async () => {
    const alan = person(102, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const first = await me(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ user: { id: alan.id, givenName: 'Alan', surname: 'Turing' } });
    const { before, after } = await expectRotatedAfterStorm(context, 'bentley', userId, () => me(browser));
    expectAccessTokenLifetime(after, BENTLEY_ACCESS_TOKEN_SECONDS - 100, BENTLEY_ACCESS_TOKEN_SECONDS);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a token the Users API does not take is its 401 with an error object', async () => {
    const { emulator: bentley } = context;
    expect(await statusAndBody(fetch(`${bentley.origin}/users/me`, { headers: { authorization: 'Bearer not-a-token' } }))).toEqual({
      status: 401,
      body: { error: { code: 'InvalidToken', message: 'Access token is invalid or expired.' } },
    });
  });

  it("a user removed from the organization: the refused refresh marks the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    context.emulator.disableUser(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'bentley', userId, () => me(browser));
  });

  it('disconnect asks Bentley nothing (no revocation is named) and forgets the tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'bentley', { browser, userId });
  });

  it('/users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, BENTLEY, person(110, 'Outage', 'Profile'), (bentley) => bentley.failNextProfile(500));
  });

  standardCases(() => context, BENTLEY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BENTLEY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the bentley preset in production', () => {
  it('with the client alone, signs in at ims.bentley.com, reads api.bentley.com/users/me, asking itwin-platform offline_access with the client in the form', () => {
    expect(presetInProduction('bentley', CLIENT).settings({})).toMatchObject({
      displayName: 'Bentley iTwin Platform',
      endpoints: {
        authorizationEndpoint: 'https://ims.bentley.com/connect/authorize',
        tokenEndpoint: 'https://ims.bentley.com/connect/token',
        userinfoEndpoint: 'https://api.bentley.com/users/me',
      },
      scope: SCOPE,
      apiBaseUrl: 'https://api.bentley.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
  });
});
