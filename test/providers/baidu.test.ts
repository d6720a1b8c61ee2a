import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { BAIDU_ACCESS_TOKEN_SECONDS, startBaiduEmulator, type BaiduEmulator, type BaiduUser } from './baidu.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An API Key and Secret Key of the kind Baidu's developer platform gives an application.
const CLIENT_ID = 'Va5yQRHlA4Fq4eR3LT0vuXV4';
const CLIENT_SECRET = '0rDSjzQ20XUj5itV7WRtznPQSzr5pVw2';
const REDIRECT_URI = `${APP_ORIGIN}/auth/baidu/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, username: string): BaiduUser {
  return { openid: `oPXyY4O0ZTmUqSX4MRxYDDCc${String(id).padStart(6, '0')}`, username };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function baiduEnv(baidu: BaiduEmulator): Record<string, string> {
  return presetEnv('baidu', CLIENT_ID, CLIENT_SECRET, {
    BAIDU_AUTHORIZE_URL: `${baidu.origin}/oauth/2.0/authorize`,
    BAIDU_ACCESS_TOKEN_URL: `${baidu.origin}/oauth/2.0/token`,
    BAIDU_API_BASE_URL: `${baidu.origin}/rest/2.0`,
  });
}

const BAIDU: StandardProvider<BaiduUser, BaiduEmulator> = {
  preset: 'baidu',
  displayName: 'Baidu',
  startEmulator: () => startBaiduEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: baiduEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.openid,
};

const isAppUser = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/baidu/proxy/passport/users/isAppUser`);

describeEachDialect('Baidu, against an emulator of its OAuth 2.0 and REST API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BAIDU);
  const signIn = (user: BaiduUser) => signInAs(context, 'baidu', user);

  it('signs in as the openid of getInfo, named by its username; scope basic, no PKCE, the client in the form, a one-month token with a refresh token', async () => {
    const { database, emulator: baidu, app } = context;
    const ada = person(101, 'ada_baidu');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('basic');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.has('code_challenge')).toBe(false);
    const exchange = baidu.server.requests.find((r) => r.path === '/oauth/2.0/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = baidu.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    const token = await app.runtime.tokenStore.findToken(userId, 'baidu');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, BAIDU_ACCESS_TOKEN_SECONDS - 100, BAIDU_ACCESS_TOKEN_SECONDS);
    const profile = baidu.server.requests.filter((r) => r.path.startsWith('/rest/2.0/passport/users/getInfo')).at(-1)!;
    expect(profile.headers.authorization).toBeUndefined();
    expect(new URL(profile.path, baidu.origin).searchParams.get('access_token')).toBe(token!.accessToken);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.openid);
    expect(JSON.parse(account.claims)).toEqual({ openid: ada.openid, name: 'ada_baidu' });
  });

  it('the proxy calls the REST API with the token as the access_token parameter; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept and the spent one refused', async () => {
    const { emulator: baidu } = context;
    const { browser, userId } = await signIn(person(102, 'grace_h'));
    const first = await isAppUser(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ result: '1' });
    const { before, after } = await expectRotatedAfterStorm(context, 'baidu', userId, () => isAppUser(browser));
    expectAccessTokenLifetime(after, BAIDU_ACCESS_TOKEN_SECONDS - 100, BAIDU_ACCESS_TOKEN_SECONDS);
    const refresh = baidu.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const spent = await refreshAtProvider(`${baidu.origin}/oauth/2.0/token`, CLIENT, before.refreshToken!, { by: 'form' });
    expect(spent.status).toBe(400);
    expect(await spent.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it("the app's authorization removed at Baidu (its error 110) marks the connection 'needs re-auth' after one refresh Baidu refuses", async () => {
    const { emulator: baidu } = context;
    const leaving = person(103, 'leaving');
    const { browser, userId } = await signIn(leaving);
    baidu.removeAuthorization(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'baidu', userId, () => isAppUser(browser));
  });

  it('disconnect asks Baidu nothing (no revocation is documented) and forgets the tokens', async () => {
    const { emulator: baidu, app } = context;
    const { browser, userId } = await signIn(person(104, 'goodbye'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'baidu'))!;
    await expectDisconnectAsksNothing(context, 'baidu', { browser, userId });
    expect(baidu.accepts(stored.accessToken)).toBe(true);
  });

  it('getInfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, BAIDU, person(110, 'outage'), (baidu) => baidu.failNextProfile(500));
  });

  it('the token endpoint refuses a code exchange without the Secret Key in the form', async () => {
    const { emulator: baidu } = context;
    const response = await fetch(`${baidu.origin}/oauth/2.0/token`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, grant_type: 'authorization_code', code: 'any', redirect_uri: REDIRECT_URI }) });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  standardCases(() => context, BAIDU, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BAIDU, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Baidu in production', () => {
  it('with the client alone, signs in at openapi.baidu.com, reads passport/users/getInfo and calls the REST API there, with scope basic, the client in the form and the token as a parameter', () => {
    const settings = presetInProduction('baidu', CLIENT).settings({});
    expect(settings).toMatchObject({
      displayName: 'Baidu',
      endpoints: {
        authorizationEndpoint: 'https://openapi.baidu.com/oauth/2.0/authorize',
        tokenEndpoint: 'https://openapi.baidu.com/oauth/2.0/token',
        userinfoEndpoint: 'https://openapi.baidu.com/rest/2.0/passport/users/getInfo',
      },
      scope: 'basic',
      apiBaseUrl: 'https://openapi.baidu.com/rest/2.0',
      tokenEndpointAuthMethod: 'client_secret_post',
      accessTokenParameter: 'access_token',
      subjectClaim: 'openid',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
  });
});
