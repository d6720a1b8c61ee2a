import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { countRows, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { WECHAT_ACCESS_TOKEN_SECONDS, startWeChatEmulator, type WeChatEmulator, type WeChatUser } from './wechat.emulator.js';

// An AppID and AppSecret of the kind the WeChat open platform gives a website application.
const CLIENT_ID = 'wx5f2d8a0c3b7e9146';
const CLIENT_SECRET = '3a7c1e9f5b2d8064a1c3e5f7b9d02468';
const REDIRECT_URI = `${APP_ORIGIN}/auth/wechat/callback`;

function person(id: number, nickname: string): WeChatUser {
  const digits = String(id).padStart(4, '0');
  return { openId: `oH9d2v7NmDhsFzICG63UPSIO${digits}`, unionId: `o4wcnwx0BVC4F_hSl5qHh5Kq${digits}`, nickname };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator. */
function wechatEnv(wechat: WeChatEmulator): Record<string, string> {
  return presetEnv('wechat', CLIENT_ID, CLIENT_SECRET, {
    WECHAT_AUTHORIZE_URL: `${wechat.origin}/connect/qrconnect`,
    WECHAT_ACCESS_TOKEN_URL: `${wechat.origin}/sns/oauth2/access_token`,
    WECHAT_REFRESH_URL: `${wechat.origin}/sns/oauth2/refresh_token`,
    WECHAT_API_BASE_URL: wechat.origin,
  });
}

const WECHAT: StandardProvider<WeChatUser, WeChatEmulator> = {
  preset: 'wechat',
  displayName: 'WeChat',
  startEmulator: () => startWeChatEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: wechatEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.openId,
};

const userinfo = (browser: TestBrowser, user: WeChatUser) => browser.get(`${APP_ORIGIN}/api/providers/wechat/proxy/sns/userinfo?openid=${user.openId}`);

describeEachDialect('WeChat, against an emulator of WeChat website login', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WECHAT);
  const signIn = (user: WeChatUser) => signInAs(context, 'wechat', user);

  it("signs in as the code exchange's openid, the unionid kept beside it; the appid and snsapi_login in the QR page's query, the code exchanged by a GET with appid and secret, 2-hour tokens with a refresh token", async () => {
    const { database, emulator: wechat, app } = context;
    const ada = person(101, 'Ada');
    const { userId, request } = await signIn(ada);
    expect(request.get('appid')).toBe(CLIENT_ID);
    expect(request.get('scope')).toBe('snsapi_login');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.openId);
    expect(JSON.parse(account.claims)).toEqual({ openid: ada.openId, unionid: ada.unionId });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'wechat');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'snsapi_login' });
    expectAccessTokenLifetime(token, WECHAT_ACCESS_TOKEN_SECONDS - 100, WECHAT_ACCESS_TOKEN_SECONDS);
    const exchange = wechat.server.requests.filter((r) => r.path.startsWith('/sns/oauth2/access_token')).at(-1)!;
    expect(exchange.method).toBe('GET');
    expect(Object.fromEntries(wechat.tokenQueries.at(-1)!)).toEqual({ appid: CLIENT_ID, secret: CLIENT_SECRET, code: expect.any(String), grant_type: 'authorization_code' });
    expect(wechat.server.counts.userinfo ?? 0).toBe(0);
  });

  it('the proxy calls /sns/userinfo with the token in the query; 20 concurrent calls on an expired token make one refresh by GET with the appid alone, and the refresh token is kept', async () => {
    const { emulator: wechat } = context;
    const grace = person(102, 'Grace');
    const { browser, userId } = await signIn(grace);
    const first = await userinfo(browser, grace);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ openid: grace.openId, nickname: 'Grace', unionid: grace.unionId });
    const call = wechat.server.requests.filter((r) => r.path.startsWith('/sns/userinfo')).at(-1)!;
    expect(new URL(call.path, wechat.origin).searchParams.get('access_token')).toEqual(expect.any(String));
    expect(call.headers.authorization).toBeUndefined();
    const { after } = await expectKeptAfterStorm(context, 'wechat', userId, () => userinfo(browser, grace));
    expectAccessTokenLifetime(after, WECHAT_ACCESS_TOKEN_SECONDS - 100, WECHAT_ACCESS_TOKEN_SECONDS);
    expect(Object.fromEntries(wechat.tokenQueries.at(-1)!)).toEqual({ appid: CLIENT_ID, grant_type: 'refresh_token', refresh_token: after.refreshToken });
  });

  it('an access token WeChat no longer takes is answered HTTP 200 with errcode 42001: the app refreshes once and sends the call again', async () => {
    const { emulator: wechat, app } = context;
    const linus = person(103, 'Linus');
    const { browser, userId } = await signIn(linus);
    const stored = (await app.runtime.tokenStore.findToken(userId, 'wechat'))!;
    wechat.endAccessToken(stored.accessToken);
    const refused = await fetch(`${wechat.origin}/sns/userinfo?access_token=${encodeURIComponent(stored.accessToken)}&openid=${linus.openId}`);
    expect(await statusAndBody(refused)).toMatchObject({ status: 200, body: { errcode: 42001 } });
    const refreshes = wechat.server.counts.refresh_token ?? 0;
    const answer = await userinfo(browser, linus);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ openid: linus.openId });
    expect(wechat.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'wechat'))!.accessToken).not.toBe(stored.accessToken);
  });

  it("the app's authorization removed in WeChat marks the connection 'needs re-auth' after one refresh WeChat refuses (errcode 40030)", async () => {
    const { database, emulator: wechat, app } = context;
    const leaving = person(104, 'Barbara');
    const { browser, userId } = await signIn(leaving);
    const stored = (await app.runtime.tokenStore.findToken(userId, 'wechat'))!;
    wechat.cancelAuthorization(leaving);
    const refused = await fetch(`${wechat.origin}/sns/oauth2/refresh_token?appid=${CLIENT_ID}&grant_type=refresh_token&refresh_token=${encodeURIComponent(stored.refreshToken!)}`);
    expect(await statusAndBody(refused)).toMatchObject({ status: 200, body: { errcode: 40030 } });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'wechat', userId, () => userinfo(browser, leaving));
  });

  it('a person who declines comes back with the state alone: a 400 that asks them to sign in again, and nothing is stored', async () => {
    const { database, emulator: wechat, app } = context;
    const users = await countRows(database, 'users');
    wechat.signInAs(person(106, 'Changed Mind'));
    wechat.denyNextAuthorization();
    const answer = await signInThrough(app.browser(), 'wechat');
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('incomplete');
    expect(await countRows(database, 'users')).toBe(users);
  });

  it('disconnect asks WeChat nothing (it documents no revocation) and forgets the tokens', async () => {
    const { emulator: wechat, app } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'wechat'))!;
    await expectDisconnectAsksNothing(context, 'wechat', { browser, userId });
    expect(wechat.accepts(stored.accessToken)).toBe(true);
  });

  standardCases(() => context, WECHAT, { refusedCode: { sentAs: '200 errcode 40029' } });
});

describe('WeChat refusing the client or failing', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), WECHAT, { misconfiguredEnv: () => ({ WECHAT_CLIENT_SECRET: 'not-the-secret' }) });
  standardCases(() => context, WECHAT, { wrongSecret: { sentAs: '200 errcode 40125' }, exchangeFailure: {} }, { emptyDatabase: true });

  it('a wrong AppSecret does not stop refreshes: WeChat takes them with the appid alone', async () => {
    const { database, emulator: wechat, app, misconfigured } = context;
    const keeping = person(310, 'Keeping');
    wechat.signInAs(keeping);
    await signInThrough(app.browser(), 'wechat');
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('subject', '=', keeping.openId).executeTakeFirstOrThrow();
    try {
      const before = (await app.runtime.tokenStore.findToken(userId, 'wechat'))!;
      await expireAccessTokens(database, userId);
      const refreshed = await misconfigured!.runtime.tokens.getAccessToken(userId, 'wechat');
      expect(refreshed.accessToken).not.toBe(before.accessToken);
      expect(wechat.accepts(refreshed.accessToken)).toBe(true);
      expect(wechat.tokenQueries.at(-1)!.has('secret')).toBe(false);
    } finally {
      for (const table of ['tokens', 'accounts', 'sessions'] as const) await database.db.deleteFrom(table).where('user_id', '=', userId).execute();
      await database.db.deleteFrom('users').where('id', '=', userId).execute();
    }
  });
});

describe('WeChat in production', () => {
  it('with the client alone, opens the QR connect page (#wechat_redirect), exchanges and refreshes at api.weixin.qq.com and calls the API there', () => {
    const { settings } = presetInProduction('wechat', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(settings({})).toMatchObject({
      displayName: 'WeChat',
      endpoints: {
        authorizationEndpoint: 'https://open.weixin.qq.com/connect/qrconnect#wechat_redirect',
        tokenEndpoint: 'https://api.weixin.qq.com/sns/oauth2/access_token',
        refreshEndpoint: 'https://api.weixin.qq.com/sns/oauth2/refresh_token',
      },
      scope: 'snsapi_login',
      apiBaseUrl: 'https://api.weixin.qq.com',
      accessTokenParameter: 'access_token',
      tokenRequestsInQuery: true,
      authorizationParams: { appid: CLIENT_ID },
      subjectClaim: 'openid',
    });
  });
});
