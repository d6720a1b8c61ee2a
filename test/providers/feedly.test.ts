import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startFeedlyEmulator, type FeedlyEmulator, type FeedlyUser } from './feedly.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Feedly's partnership program gives an application.
const CLIENT_ID = 'tokenkeeper';
const CLIENT_SECRET = 'FE01H8K2M4P6R8T0V2X4Z6B8D0F2H4K6';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/feedly/callback`;
const SCOPE = 'https://cloud.feedly.com/subscriptions';
const WEEK = 604_800;

function person(n: number, givenName: string, familyName: string): FeedlyUser {
  return { id: `c805fcbf-3acf-4302-a97e-${String(n).padStart(12, '0')}`, givenName, familyName, email: `${givenName.toLowerCase()}.${familyName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and Feedly's OAuth endpoints, logout and API pointed at the emulator (the profile moves with the API base). */
function feedlyEnv(feedly: FeedlyEmulator): Record<string, string> {
  return presetEnv('feedly', CLIENT_ID, CLIENT_SECRET, {
    FEEDLY_AUTHORIZE_URL: `${feedly.origin}/v3/auth/auth`,
    FEEDLY_ACCESS_TOKEN_URL: `${feedly.origin}/v3/auth/token`,
    FEEDLY_REVOCATION_URL: `${feedly.origin}/v3/auth/logout`,
    FEEDLY_API_BASE_URL: `${feedly.origin}/v3`,
  });
}

const refreshAtFeedly = (feedly: FeedlyEmulator, refreshToken: string) => refreshAtProvider(`${feedly.origin}/v3/auth/token`, CLIENT, refreshToken, { by: 'form' });

const FEEDLY: StandardProvider<FeedlyUser, FeedlyEmulator> = {
  preset: 'feedly',
  displayName: 'Feedly',
  startEmulator: () => startFeedlyEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: feedlyEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const subscriptions = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/feedly/proxy/subscriptions`);

describeEachDialect('Feedly, against an emulator of the Feedly Cloud API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FEEDLY);

  const signIn = (user: FeedlyUser) => signInAs(context, 'feedly', user);

  it("signs in as the id of /v3/profile with its fullName and an unverified e-mail; the subscriptions scope, no PKCE, the client in the form, a week's token and a refresh token", async () => {
    const { database, emulator: feedly, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada.lovelace@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'feedly');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, WEEK - 100, WEEK);
    const exchange = feedly.server.requests.find((r) => r.path === '/v3/auth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(feedly.tokenParameters[0]!)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI });
    expect(feedly.server.requests.filter((r) => r.path === '/v3/profile').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the Cloud API; 20 concurrent calls on an expired token make one refresh, with the client in the form, which answers no refresh token: the one kept still refreshes', async () => {
    const { emulator: feedly } = context;
    const grace = person(102, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const { after, answers } = await expectKeptAfterStorm(context, 'feedly', userId, () => subscriptions(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ title: 'Feedly Blog', categories: [{ id: `user/${grace.id}/category/tech` }] }]);
    expectAccessTokenLifetime(after, WEEK - 100, WEEK);
    expect(after.scope).toBe(SCOPE);
    expect(Object.fromEntries(feedly.tokenParameters.at(-1)!)).toEqual({ grant_type: 'refresh_token', refresh_token: after.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const again = await statusAndBody(refreshAtFeedly(feedly, after.refreshToken!));
    expect(again).toMatchObject({ status: 200, body: { id: grace.id, token_type: 'Bearer', expires_in: WEEK, plan: 'standard' } });
    expect(again.body).not.toHaveProperty('refresh_token');
  });

  it("logged out elsewhere: Feedly's 401 \"revoked refresh_token\" is read as refused, and the connection needs re-auth after one try", async () => {
    const { emulator: feedly, app } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    const stored = (await app.runtime.tokenStore.findToken(userId, 'feedly'))!;
    feedly.logoutElsewhere(leaving);
    expect(await statusAndBody(refreshAtFeedly(feedly, stored.refreshToken!))).toMatchObject({ status: 401, body: { errorCode: 401, errorMessage: 'revoked refresh_token' } });
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'feedly', userId, () => subscriptions(browser));
  });

  it('disconnect logs out with POST /v3/auth/logout, the access token as Bearer: it and the refresh token end', async () => {
    const { emulator: feedly } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'feedly', { browser, userId }, { requests: 1 });
    const sent = feedly.server.requests.filter((r) => r.path === '/v3/auth/logout').at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(feedly.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtFeedly(feedly, stored.refreshToken!)).status).toBe(401);
  });

  it("disconnect after a logout elsewhere: Feedly's 401 to the logout counts as revoked", async () => {
    const { emulator: feedly, app } = context;
    const gone = person(105, 'Already', 'Gone');
    const { browser, userId } = await signIn(gone);
    feedly.logoutElsewhere(gone);
    expect(await disconnectThrough(browser, 'feedly')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'feedly')).toBeUndefined();
  });

  it('/v3/profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FEEDLY, person(110, 'Outage', 'Profile'), (feedly) => feedly.failNextProfile(500));
  });

  standardCases(() => context, FEEDLY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FEEDLY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Feedly in production', () => {
  it('with the client alone, signs in at cloud.feedly.com asking the subscriptions scope, reads /v3/profile, calls the API and logs out there, the client in the form', () => {
    const { settings } = presetInProduction('feedly', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Feedly',
      endpoints: {
        authorizationEndpoint: 'https://cloud.feedly.com/v3/auth/auth',
        tokenEndpoint: 'https://cloud.feedly.com/v3/auth/token',
        userinfoEndpoint: 'https://cloud.feedly.com/v3/profile',
        revocationEndpoint: 'https://cloud.feedly.com/v3/auth/logout',
      },
      scope: SCOPE,
      apiBaseUrl: 'https://cloud.feedly.com/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
