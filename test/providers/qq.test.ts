import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { QQ_ACCESS_TOKEN_SECONDS, startQqEmulator, type QqEmulator, type QqUser } from './qq.emulator.js';

// An APP ID (digits) and APP Key of the kind QQ Connect gives a website application.
const CLIENT_ID = '101137684';
const CLIENT_SECRET = '5f0c2a9e7b1d4c8a6e0f2b4d6a8c0e1f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/qq/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, nickname: string): QqUser {
  return { openid: `B9DD537D1C5C98A9999${String(id).padStart(13, '0')}`, nickname };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function qqEnv(qq: QqEmulator): Record<string, string> {
  return presetEnv('qq', CLIENT_ID, CLIENT_SECRET, {
    QQ_AUTHORIZE_URL: `${qq.origin}/oauth2.0/authorize`,
    QQ_ACCESS_TOKEN_URL: `${qq.origin}/oauth2.0/token`,
    QQ_API_BASE_URL: qq.origin,
  });
}

const QQ: StandardProvider<QqUser, QqEmulator> = {
  preset: 'qq',
  displayName: 'QQ',
  startEmulator: () => startQqEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: qqEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.openid,
};

const userInfo = (browser: TestBrowser, user: QqUser) => browser.get(`${APP_ORIGIN}/api/providers/qq/proxy/user/get_user_info?oauth_consumer_key=${CLIENT_ID}&openid=${user.openid}`);

describeEachDialect('QQ Connect, against an emulator of its OAuth 2.0 and OpenAPI', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), QQ);
  const signIn = (user: QqUser) => signInAs(context, 'qq', user);

  it('signs in as the openid /oauth2.0/me names for this APP ID, asked as JSON; no scope and no PKCE, the token request a GET with the client and fmt=json in its query, a 3-month token with a refresh token', async () => {
    const { database, emulator: qq, app } = context;
    const ada = person(101, 'Ada');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('state')).toEqual(expect.any(String));
    const exchange = qq.tokenRequests[0]!;
    expect(exchange.method).toBe('GET');
    expect(exchange.body).toBe('');
    expect(Object.fromEntries(exchange.query)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, fmt: 'json' });
    const token = await app.runtime.tokenStore.findToken(userId, 'qq');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, QQ_ACCESS_TOKEN_SECONDS - 100, QQ_ACCESS_TOKEN_SECONDS);
    const me = new URL(qq.server.requests.filter((r) => r.path.startsWith('/oauth2.0/me')).at(-1)!.path, qq.origin);
    expect(me.searchParams.get('fmt')).toBe('json');
    expect(me.searchParams.get('access_token')).toBe(token!.accessToken);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.openid);
    expect(JSON.parse(account.claims)).toEqual({ openid: ada.openid });
  });

  it('a token /oauth2.0/me says is another app’s fails the sign-in, and nothing is stored', async () => {
    const { database, emulator: qq, app } = context;
    const before = await database.db.selectFrom('accounts').select(database.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    qq.signInAs(person(102, 'forged'));
    qq.answerForeignClientNext();
    const page = await signInThrough(app.browser(), 'qq');
    expect(page.status).toBe(502);
    expect(await database.db.selectFrom('accounts').select(database.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).toEqual(before);
  });

  it('the proxy calls the OpenAPI with the token as the access_token parameter; 20 concurrent calls on an expired token make one refresh, a GET with the client and fmt=json in its query, whose new refresh token is kept', async () => {
    const { emulator: qq } = context;
    const grace = person(103, 'Grace');
    const { browser, userId } = await signIn(grace);
    const first = await userInfo(browser, grace);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ ret: 0, nickname: 'Grace' });
    const { after } = await expectRotatedAfterStorm(context, 'qq', userId, () => userInfo(browser, grace));
    expectAccessTokenLifetime(after, QQ_ACCESS_TOKEN_SECONDS - 100, QQ_ACCESS_TOKEN_SECONDS);
    const refresh = qq.tokenRequests.at(-1)!;
    expect(refresh.method).toBe('GET');
    expect(Object.fromEntries(refresh.query)).toMatchObject({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, fmt: 'json' });
    const call = qq.server.requests.filter((r) => r.path.startsWith('/user/get_user_info?')).at(-1)!;
    expect(call.headers.authorization).toBeUndefined();
    expect(new URL(call.path, qq.origin).searchParams.get('access_token')).toBe(after.accessToken);
  });

  it('without fmt=json QQ answers the token form-encoded and /oauth2.0/me as JSONP, which is why both are asked as JSON', async () => {
    const { emulator: qq } = context;
    const me = await fetch(`${qq.origin}/oauth2.0/me?access_token=unknown`);
    expect(await me.text()).toMatch(/^callback\( \{.*\} \);/);
    const token = await fetch(`${qq.origin}/oauth2.0/token?${new URLSearchParams({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: 'wrong', code: 'any', redirect_uri: REDIRECT_URI })}`);
    expect(token.status).toBe(401);
  });

  it('disconnect asks QQ nothing (it documents no revocation) and forgets the tokens', async () => {
    const { emulator: qq, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'qq'))!;
    await expectDisconnectAsksNothing(context, 'qq', { browser, userId });
    expect(qq.accepts(stored.accessToken)).toBe(true);
  });

  it('/oauth2.0/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, QQ, person(110, 'Outage'), (qq) => qq.failNextProfile(500));
  });

  standardCases(() => context, QQ, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(QQ, { wrongSecret: { sentAs: '401 invalid_client', tokenRequestMethod: 'GET' }, exchangeFailure: {} });

describe('QQ Connect in production', () => {
  it('with the client alone, signs in at graph.qq.com, reads /oauth2.0/me as JSON and calls the OpenAPI there, with no scope, the client in the token request’s query and the token as a parameter', () => {
    const settings = presetInProduction('qq', CLIENT).settings({});
    expect(settings).toMatchObject({
      displayName: 'QQ',
      endpoints: {
        authorizationEndpoint: 'https://graph.qq.com/oauth2.0/authorize',
        tokenEndpoint: 'https://graph.qq.com/oauth2.0/token',
        userinfoEndpoint: 'https://graph.qq.com/oauth2.0/me?fmt=json',
      },
      scope: '',
      apiBaseUrl: 'https://graph.qq.com',
      tokenRequestsInQuery: true,
      accessTokenParameter: 'access_token',
      subjectClaim: 'openid',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
  });
});
