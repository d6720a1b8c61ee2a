import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SNAPCHAT_ACCESS_TOKEN_SECONDS, startSnapchatEmulator, type SnapchatEmulator, type SnapchatUser } from './snapchat.emulator.js';

// A client id and secret of the kind the Snap Kit portal shows for a confidential OAuth2 client.
const CLIENT_ID = '6d1f3c2a-94b8-4e07-a5c1-2f8e9b0d7a41';
const CLIENT_SECRET = 'Qm7Zr2Xk9Lp4Vt8Nc1Hs6Bw3Jd5Fg0Ya-Ue_Io';
const REDIRECT_URI = `${APP_ORIGIN}/auth/snapchat/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const SCOPES = 'https://auth.snapchat.com/oauth2/api/user.external_id https://auth.snapchat.com/oauth2/api/user.display_name';

function person(id: number, displayName: string): SnapchatUser {
  return { externalId: `CAESIH${String(id).padStart(6, '0')}q8Zt3Lm0Vx2Kp9Rb4Ns7Wc1Jd6Fh5Gy=`, displayName };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the user query moves with the API base). */
function snapchatEnv(snapchat: SnapchatEmulator): Record<string, string> {
  return presetEnv('snapchat', CLIENT_ID, CLIENT_SECRET, {
    SNAPCHAT_AUTHORIZE_URL: `${snapchat.origin}/accounts/oauth2/auth`,
    SNAPCHAT_ACCESS_TOKEN_URL: `${snapchat.origin}/accounts/oauth2/token`,
    SNAPCHAT_API_BASE_URL: `${snapchat.origin}/v1`,
  });
}

const SNAPCHAT: StandardProvider<SnapchatUser, SnapchatEmulator> = {
  preset: 'snapchat',
  displayName: 'Snapchat',
  startEmulator: () => startSnapchatEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: snapchatEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.externalId,
};

const me = async (browser: TestBrowser, query = '{ me { displayName } }') =>
  browser.request(`${APP_ORIGIN}/api/providers/snapchat/proxy/me`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query } });

describeEachDialect('Snapchat, against an emulator of Login Kit', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SNAPCHAT);

  const signIn = (user: SnapchatUser) => signInAs(context, 'snapchat', user);

  it('signs in as the externalId of the `me` query, its displayName the name, no e-mail; the external id and display name scopes with PKCE, the client as Basic, an hour-long token with a refresh token', async () => {
    const { database, emulator: snapchat, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPES);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.externalId);
    expect(JSON.parse(account.claims)).toEqual({ externalId: ada.externalId, name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'snapchat');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPES });
    expectAccessTokenLifetime(token, SNAPCHAT_ACCESS_TOKEN_SECONDS - 100, SNAPCHAT_ACCESS_TOKEN_SECONDS);
    const exchange = snapchat.server.requests.find((r) => r.path === '/accounts/oauth2/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(snapchat.queries[0]).toBe('{ me { externalId displayName } }');
    expect(snapchat.server.requests.find((r) => r.path === '/v1/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again after a change of display name finds the same person by the external id', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Old Name'));
    const second = await signIn(person(105, 'New Name'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('users').select('name').where('id', '=', first.userId).executeTakeFirstOrThrow()).toEqual({ name: 'New Name' });
  });

  it('the proxy posts queries to /v1/me and passes refusals back as they came (the Bitmoji was not asked); 20 concurrent calls on an expired token make one refresh, the client as Basic, whose new refresh token is kept', async () => {
    const { emulator: snapchat } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await me(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ data: { me: { displayName: 'Grace Hopper' } } });
    const bitmoji = await me(browser, '{ me { bitmoji { avatar } } }');
    expect(bitmoji.status).toBe(403);
    const broken = await me(browser, '{');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text)).toMatchObject({ errors: [{ message: 'Invalid query' }] });
    const { after } = await expectRotatedAfterStorm(context, 'snapchat', userId, () => me(browser));
    expectAccessTokenLifetime(after, SNAPCHAT_ACCESS_TOKEN_SECONDS - 100, SNAPCHAT_ACCESS_TOKEN_SECONDS);
    const refresh = snapchat.server.requests.filter((r) => r.path === '/accounts/oauth2/token').at(-1)!;
    expect(refresh.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const refreshed = await refreshAtProvider(`${snapchat.origin}/accounts/oauth2/token`, CLIENT, after.refreshToken!);
    expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', expires_in: SNAPCHAT_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String), scope: SCOPES });
    expect((await refreshAtProvider(`${snapchat.origin}/accounts/oauth2/token`, CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it("the app removed in Snapchat's Connected Apps marks the connection 'needs re-auth' after one refresh Snapchat refuses", async () => {
    const { emulator: snapchat } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    snapchat.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'snapchat', userId, () => me(browser));
  });

  it('disconnect asks Snapchat nothing (Login Kit documents no revocation for a server) and forgets the tokens, which Snapchat still takes', async () => {
    const { emulator: snapchat, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'snapchat'))!;
    await expectDisconnectAsksNothing(context, 'snapchat', { browser, userId });
    expect(snapchat.accepts(stored.accessToken)).toBe(true);
  });

  it('the `me` query failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SNAPCHAT, person(110, 'Outage Profile'), (snapchat) => snapchat.failNextProfile(500));
  });

  standardCases(() => context, SNAPCHAT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SNAPCHAT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Snapchat in production', () => {
  it('with the client alone, signs in at accounts.snapchat.com, reads `me` from kit.snapchat.com/v1/me and calls the API there, asking the external id and display name with the client as Basic', () => {
    const { settings } = presetInProduction('snapchat', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Snapchat',
      endpoints: {
        authorizationEndpoint: 'https://accounts.snapchat.com/accounts/oauth2/auth',
        tokenEndpoint: 'https://accounts.snapchat.com/accounts/oauth2/token',
        userinfoEndpoint: 'https://kit.snapchat.com/v1/me',
      },
      scope: SCOPES,
      apiBaseUrl: 'https://kit.snapchat.com/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'externalId',
    });
  });
});
