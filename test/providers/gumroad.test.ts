import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startGumroadEmulator, type GumroadEmulator, type GumroadUser } from './gumroad.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An application id and secret of the kind Gumroad shows on an application's page.
const CLIENT_ID = 'Xk2v9QmT4wLp7Rz1Nc8Hb3Jd6Fs0Ga5Ye2Uo4Ii7Pq9';
const CLIENT_SECRET = 'b7Rt2Yw9Lp4Kq1Zx6Vn3Mc8Hs5Jd0Fg2Ae7Uo9Ii4Pk';
const REDIRECT_URI = `${APP_ORIGIN}/auth/gumroad/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): GumroadUser {
  const login = name.split(' ')[0]!.toLowerCase();
  return { userId: `G_-mnBf9b1j9A7a4ub${id}Q==`, name, email: `${login}@creator.test`, username: login };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function gumroadEnv(gumroad: GumroadEmulator): Record<string, string> {
  return presetEnv('gumroad', CLIENT_ID, CLIENT_SECRET, {
    GUMROAD_AUTHORIZE_URL: `${gumroad.origin}/oauth/authorize`,
    GUMROAD_ACCESS_TOKEN_URL: `${gumroad.origin}/oauth/token`,
    GUMROAD_API_BASE_URL: `${gumroad.origin}/v2`,
  });
}

const GUMROAD: StandardProvider<GumroadUser, GumroadEmulator> = {
  preset: 'gumroad',
  displayName: 'Gumroad',
  startEmulator: () => startGumroadEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: gumroadEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.userId,
};

const products = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/gumroad/proxy/products`);

describeEachDialect('Gumroad, against an emulator of its OAuth and API v2', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), GUMROAD);

  const signIn = (user: GumroadUser) => signInAs(context, 'gumroad', user);

  it('signs in as the user_id of /v2/user with its name, profile page and picture (no e-mail without view_sales); view_profile asked without PKCE, the client in the form with the redirect_uri again, a token without an end and a refresh token', async () => {
    const { database, emulator: gumroad, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('view_profile');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userId);
    expect(JSON.parse(account.claims)).toEqual({ user_id: ada.userId, name: 'Ada Lovelace', profile: 'https://gumroad.com/ada', picture: expect.stringMatching(/^https:\/\/public-files\.gumroad\.com\//) });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'gumroad');
    expect(token).toMatchObject({ refreshToken: expect.any(String), expiresAt: null, scope: 'view_profile' });
    const exchange = gumroad.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = gumroad.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(gumroad.server.requests.findLast((r) => r.path === '/v2/user')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls /v2/products with the token as Bearer; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token replaces the spent one, which Gumroad then refuses', async () => {
    const { emulator: gumroad } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await products(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ success: true, products: [{ name: 'Pencil Icon PSD' }] });
    const { before, after } = await expectRotatedAfterStorm(context, 'gumroad', userId, () => products(browser));
    expect(after.expiresAt).toBeNull();
    const refresh = gumroad.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect((await refreshAtProvider(`${gumroad.origin}/oauth/token`, CLIENT, before.refreshToken!, { by: 'form' })).status).toBe(400);
    const refreshed = await refreshAtProvider(`${gumroad.origin}/oauth/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'created_at', 'refresh_token', 'scope', 'token_type']);
  });

  it("the application's access removed in Gumroad: the API's 401 leads to one refresh, which Gumroad refuses, and the connection needs re-auth", async () => {
    const { emulator: gumroad } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    gumroad.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'gumroad', userId, () => products(browser));
  });

  it('disconnect asks Gumroad nothing (its reference documents no revocation) and forgets the tokens, which Gumroad still takes', async () => {
    const { emulator: gumroad, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'gumroad'))!;
    await expectDisconnectAsksNothing(context, 'gumroad', { browser, userId });
    expect(gumroad.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, GUMROAD, person(110, 'Outage Profile'), (gumroad) => gumroad.failNextProfile(500));
  });

  standardCases(() => context, GUMROAD, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(GUMROAD, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Gumroad in production', () => {
  it('with the client alone, signs in at gumroad.com, reads /v2/user and calls the API at api.gumroad.com/v2, asking view_profile with the client in the form', () => {
    const { settings } = presetInProduction('gumroad', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Gumroad',
      endpoints: {
        authorizationEndpoint: 'https://gumroad.com/oauth/authorize',
        tokenEndpoint: 'https://gumroad.com/oauth/token',
        userinfoEndpoint: 'https://api.gumroad.com/v2/user',
      },
      scope: 'view_profile',
      apiBaseUrl: 'https://api.gumroad.com/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'user_id',
    });
  });
});
