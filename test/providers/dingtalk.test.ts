import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { DINGTALK_ACCESS_TOKEN_SECONDS, startDingTalkEmulator, type DingTalkEmulator, type DingTalkUser } from './dingtalk.emulator.js';

// A Client ID (formerly AppKey) and Client Secret of the kind a DingTalk app is given.
const CLIENT_ID = 'dingxq4nfmgkzbo2tlwe';
const CLIENT_SECRET = 'Qm3v8ZkT1pW6yR9sL2dF5hJ7nB4cX0aE-GtYu8Ii2Op1As3Df5Gh7Jk9Lz0Xc2Vb';
const REDIRECT_URI = `${APP_ORIGIN}/auth/dingtalk/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, nick: string): DingTalkUser {
  const n = String(id).padStart(4, '0');
  return { unionId: `ii6Ew2uIaVcPiE${n}zJyGCQiEiE`, openId: `Xo5vQk3lRbpiE${n}nWSV7EgiEiE`, nick, email: `${nick.split(' ')[0]!.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function dingtalkEnv(dingtalk: DingTalkEmulator): Record<string, string> {
  return presetEnv('dingtalk', CLIENT_ID, CLIENT_SECRET, {
    DINGTALK_AUTHORIZE_URL: `${dingtalk.origin}/oauth2/auth`,
    DINGTALK_ACCESS_TOKEN_URL: `${dingtalk.origin}/v1.0/oauth2/userAccessToken`,
    DINGTALK_API_BASE_URL: dingtalk.origin,
  });
}

const DINGTALK: StandardProvider<DingTalkUser, DingTalkEmulator> = {
  preset: 'dingtalk',
  displayName: 'DingTalk',
  startEmulator: () => startDingTalkEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: dingtalkEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.unionId,
};

const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/dingtalk/proxy/v1.0/contact/users/me`);

describeEachDialect('DingTalk, against an emulator of DingTalk', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DINGTALK);

  const signIn = (user: DingTalkUser) => signInAs(context, 'dingtalk', user);

  it('signs in as the unionId of /v1.0/contact/users/me, read with x-acs-dingtalk-access-token; scope openid, prompt=consent, no PKCE; the code exchanged as a camelCase JSON body with the client in it', async () => {
    const { database, emulator: dingtalk, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid');
    expect(request.get('prompt')).toBe('consent');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.unionId);
    expect(JSON.parse(account.claims)).toMatchObject({ union_id: ada.unionId, open_id: ada.openId, name: 'Ada Lovelace', email: 'ada@acme.test' });
    expect(JSON.parse(account.claims)).not.toHaveProperty('mobile');
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'dingtalk');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, DINGTALK_ACCESS_TOKEN_SECONDS - 100, DINGTALK_ACCESS_TOKEN_SECONDS);
    const exchange = dingtalk.tokenRequests[0]!;
    expect(exchange.contentType).toContain('application/json');
    expect(exchange.body).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, grantType: 'authorization_code', code: expect.any(String) });
    const profileRequest = dingtalk.server.requests.filter((r) => r.path === '/v1.0/contact/users/me').at(-1)!;
    expect(profileRequest.headers['x-acs-dingtalk-access-token']).toBe(token!.accessToken);
    expect(profileRequest.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the API with the token in x-acs-dingtalk-access-token; 20 concurrent calls on an expired token make one refresh, a camelCase JSON body, whose new refresh token is kept', async () => {
    const { emulator: dingtalk } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await me(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ unionId: grace.unionId, nick: 'Grace Hopper' });
    const { after } = await expectRotatedAfterStorm(context, 'dingtalk', userId, () => me(browser));
    expectAccessTokenLifetime(after, DINGTALK_ACCESS_TOKEN_SECONDS - 100, DINGTALK_ACCESS_TOKEN_SECONDS);
    expect(dingtalk.tokenRequests.at(-1)!.body).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, grantType: 'refresh_token', refreshToken: expect.any(String) });
    expect(dingtalk.server.requests.filter((r) => r.path === '/v1.0/contact/users/me').at(-1)!.headers['x-acs-dingtalk-access-token']).toBe(after.accessToken);
  });

  it('DingTalk refuses what it does not take: a form body, a token sent as Bearer, an authorization without prompt=consent', async () => {
    const { emulator: dingtalk } = context;
    const form = await fetch(`${dingtalk.origin}/v1.0/oauth2/userAccessToken`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(form.status).toBe(401);
    const bearer = await fetch(`${dingtalk.origin}/v1.0/contact/users/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(bearer.status).toBe(401);
    expect(await bearer.json()).toMatchObject({ code: 'InvalidAuthentication' });
    const page = await fetch(`${dingtalk.origin}/oauth2/auth?${new URLSearchParams({ redirect_uri: REDIRECT_URI, response_type: 'code', client_id: CLIENT_ID, scope: 'openid', state: 's' })}`, { redirect: 'manual' });
    expect(new URL(page.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it("the app's authorization removed marks the connection 'needs re-auth' after one refresh DingTalk refuses", async () => {
    const { emulator: dingtalk } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    dingtalk.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'dingtalk', userId, () => me(browser));
  });

  it('disconnect asks DingTalk nothing (it documents no revocation) and forgets the tokens, which DingTalk still takes', async () => {
    const { emulator: dingtalk, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'dingtalk'))!;
    await expectDisconnectAsksNothing(context, 'dingtalk', { browser, userId });
    expect(dingtalk.accepts(stored.accessToken)).toBe(true);
  });

  it('/v1.0/contact/users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DINGTALK, person(110, 'Outage Profile'), (dingtalk) => dingtalk.failNextProfile(500));
  });

  standardCases(() => context, DINGTALK, { cancelled: {}, refusedCode: { sentAs: '400 invalidParameter.authCode.invalid' } });
});

describeClientFailures(DINGTALK, { wrongSecret: { sentAs: '401 invalidClientSecret' }, exchangeFailure: {} });

describe('DingTalk in production', () => {
  it('with the client alone, signs in at login.dingtalk.com, exchanges at api.dingtalk.com and reads /v1.0/contact/users/me there with its own token header', () => {
    const { settings } = presetInProduction('dingtalk', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'DingTalk',
      endpoints: {
        authorizationEndpoint: 'https://login.dingtalk.com/oauth2/auth',
        tokenEndpoint: 'https://api.dingtalk.com/v1.0/oauth2/userAccessToken',
        userinfoEndpoint: 'https://api.dingtalk.com/v1.0/contact/users/me',
      },
      scope: 'openid',
      authorizationParams: { prompt: 'consent' },
      apiBaseUrl: 'https://api.dingtalk.com',
      accessTokenHeader: 'x-acs-dingtalk-access-token',
      subjectClaim: 'union_id',
    });
  });
});
