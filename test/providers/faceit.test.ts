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
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { FACEIT_ACCESS_TOKEN_SECONDS, startFaceitEmulator, type FaceitEmulator, type FaceitUser } from './faceit.emulator.js';

// A client id (always a GUID at FACEIT) and secret of the kind the Developer Portal's App Studio gives.
const CLIENT_ID = '5f1c9a2e-7b3d-4e6f-8a1b-2c3d4e5f6a7b';
const CLIENT_SECRET = 'Qw8rT2yU6iO0pA4sD7fG1hJ5kL9zX3cV';
const REDIRECT_URI = `${APP_ORIGIN}/auth/faceit/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, nickname: string): FaceitUser {
  return { guid: `b2c4e6f8-1a3c-4e5f-9a7b-${String(id).padStart(12, '0')}`, nickname, email: `${nickname.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the authorization page, the token endpoint and the API base (userinfo moves with it). */
function faceitEnv(faceit: FaceitEmulator): Record<string, string> {
  return presetEnv('faceit', CLIENT_ID, CLIENT_SECRET, {
    FACEIT_AUTHORIZE_URL: `${faceit.origin}/accounts?redirect_popup=true`,
    FACEIT_ACCESS_TOKEN_URL: `${faceit.origin}/auth/v1/oauth/token`,
    FACEIT_API_BASE_URL: faceit.origin,
  });
}

const FACEIT: StandardProvider<FaceitUser, FaceitEmulator> = {
  preset: 'faceit',
  displayName: 'FACEIT',
  startEmulator: () => startFaceitEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: faceitEnv,
  people: standardPeople((id, name) => person(id, name.replace(/\W/g, ''))),
  subjectOf: (user) => user.guid,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/faceit/proxy/auth/v1/resources/userinfo`);

describeEachDialect('FACEIT, against an emulator of FACEIT Connect', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FACEIT);
  const signIn = (user: FaceitUser) => signInAs(context, 'faceit', user);

  it("signs in as userinfo's guid, named by the nickname, the e-mail unverified; openid profile email with PKCE S256 and redirect_popup, the client as Basic, the ID token unread, a 1-hour token with a refresh token", async () => {
    const { database, emulator: faceit, app } = context;
    const ada = person(1, 'AdaL');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid profile email');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('redirect_popup')).toBe('true');
    expect(request.has('nonce')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.guid);
    expect(JSON.parse(account.claims)).toMatchObject({ guid: ada.guid, name: 'AdaL', preferred_username: 'AdaL', email: 'adal@example.com', email_verified: false });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'adal@example.com', name: 'AdaL' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'faceit');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, FACEIT_ACCESS_TOKEN_SECONDS - 100, FACEIT_ACCESS_TOKEN_SECONDS);
    const exchange = faceit.server.requests.find((r) => r.path === '/auth/v1/oauth/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(faceit.server.requests.filter((r) => r.path === '/auth/v1/resources/userinfo').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the token endpoint takes the client as Basic only: the client in the form is a 401 invalid_client', async () => {
    const { emulator: faceit } = context;
    const url = `${faceit.origin}/auth/v1/oauth/token`;
    const inForm = await statusAndBody(fetch(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c', redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) }));
    expect(inForm).toEqual({ status: 401, body: { error: 'invalid_client' } });
  });

  it('the proxy calls api.faceit.com; 20 concurrent calls on an expired token make one refresh, with the client as Basic, whose new refresh token is kept and the spent one refused', async () => {
    const { emulator: faceit } = context;
    const { browser, userId } = await signIn(person(2, 'Grace'));
    const first = await userinfo(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ nickname: 'Grace' });
    const { before, after } = await expectRotatedAfterStorm(context, 'faceit', userId, () => userinfo(browser));
    expectAccessTokenLifetime(after, FACEIT_ACCESS_TOKEN_SECONDS - 100, FACEIT_ACCESS_TOKEN_SECONDS);
    const refresh = faceit.server.requests.filter((r) => r.path === '/auth/v1/oauth/token').at(-1)!;
    expect(refresh.headers.authorization).toMatch(/^Basic /);
    expect(await statusAndBody(refreshAtProvider(`${faceit.origin}/auth/v1/oauth/token`, CLIENT, before.refreshToken!, { by: 'basic' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed in FACEIT marks the connection 'needs re-auth' after userinfo's 401 and one refused refresh", async () => {
    const { emulator: faceit } = context;
    const leaving = person(3, 'Leaving');
    const { browser, userId } = await signIn(leaving);
    faceit.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'faceit', userId, () => userinfo(browser));
  });

  it('disconnect asks FACEIT nothing (it documents no revocation) and forgets the tokens, which FACEIT still takes', async () => {
    const { emulator: faceit, app } = context;
    const { browser, userId } = await signIn(person(4, 'Goodbye'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'faceit'))!;
    await expectDisconnectAsksNothing(context, 'faceit', { browser, userId });
    expect(faceit.accepts(stored.accessToken)).toBe(true);
  });

  it('userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FACEIT, person(10, 'Outage'), (faceit) => faceit.failNextProfile(500));
  });

  standardCases(() => context, FACEIT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FACEIT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('FACEIT in production', () => {
  it('with the client alone, signs in at accounts.faceit.com, exchanges the code and reads userinfo at api.faceit.com, the client as Basic, with PKCE', () => {
    const { settings } = presetInProduction('faceit', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'FACEIT',
      endpoints: {
        authorizationEndpoint: 'https://accounts.faceit.com/accounts?redirect_popup=true',
        tokenEndpoint: 'https://api.faceit.com/auth/v1/oauth/token',
        userinfoEndpoint: 'https://api.faceit.com/auth/v1/resources/userinfo',
      },
      scope: 'openid profile email',
      apiBaseUrl: 'https://api.faceit.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      idTokenUnused: true,
      subjectClaim: 'guid',
    });
  });
});
