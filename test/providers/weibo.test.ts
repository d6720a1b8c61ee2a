import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWeiboEmulator, WEIBO_ACCESS_TOKEN_SECONDS, type WeiboEmulator, type WeiboUser } from './weibo.emulator.js';

// An App Key (digits) and App Secret of the kind open.weibo.com gives a web application.
const CLIENT_ID = '1352222456';
const CLIENT_SECRET = '9f3c2a7e5b1d4c8a6e0f2b4d6a8c0e1f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/weibo/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, screenName: string): WeiboUser {
  return { uid: 1_404_376_000 + id, screenName };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints, the token check and the API base (the revocation is on its host). */
function weiboEnv(weibo: WeiboEmulator): Record<string, string> {
  return presetEnv('weibo', CLIENT_ID, CLIENT_SECRET, {
    WEIBO_AUTHORIZE_URL: `${weibo.origin}/oauth2/authorize`,
    WEIBO_ACCESS_TOKEN_URL: `${weibo.origin}/oauth2/access_token`,
    WEIBO_USERINFO_URL: `${weibo.origin}/oauth2/get_token_info`,
    WEIBO_API_BASE_URL: `${weibo.origin}/2`,
  });
}

const WEIBO: StandardProvider<WeiboUser, WeiboEmulator> = {
  preset: 'weibo',
  displayName: 'Weibo',
  startEmulator: () => startWeiboEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: weiboEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.uid),
};

const show = (browser: TestBrowser, user: WeiboUser) => browser.get(`${APP_ORIGIN}/api/providers/weibo/proxy/users/show.json?uid=${user.uid}`);

describeEachDialect('Weibo, against an emulator of its OAuth 2.0 and API v2', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WEIBO);
  const signIn = (user: WeiboUser) => signInAs(context, 'weibo', user);

  it('signs in as the uid get_token_info names for this App Key, not the token answer’s; no scope and no PKCE, the client in the form, a 2-hour token without a refresh token', async () => {
    const { database, emulator: weibo, app } = context;
    const ada = person(101, 'ada_weibo');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const exchange = weibo.server.requests.find((r) => r.path === '/oauth2/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const token = await app.runtime.tokenStore.findToken(userId, 'weibo');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, WEIBO_ACCESS_TOKEN_SECONDS - 100, WEIBO_ACCESS_TOKEN_SECONDS);
    const check = weibo.server.requests.find((r) => r.path.startsWith('/oauth2/get_token_info'))!;
    expect(check.method).toBe('POST');
    expect(check.headers.authorization).toBeUndefined();
    expect(weibo.tokenChecks[0]).toEqual({ client_id: CLIENT_ID, access_token: token!.accessToken });
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.uid));
    expect(JSON.parse(account.claims)).toEqual({ uid: String(ada.uid) });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: null, email: null });
  });

  it('a token get_token_info says is another app’s fails the sign-in, and nothing is stored', async () => {
    const { database, emulator: weibo, app } = context;
    const before = await database.db.selectFrom('accounts').select(database.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    weibo.signInAs(person(102, 'forged'));
    weibo.answerForeignAppKeyNext();
    const page = await signInThrough(app.browser(), 'weibo');
    expect(page.status).toBe(502);
    expect(await database.db.selectFrom('accounts').select(database.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).toEqual(before);
  });

  it('the proxy calls API v2 with the token as the access_token parameter and no Authorization; 20 concurrent calls ask Weibo for no token', async () => {
    const { emulator: weibo, app } = context;
    const grace = person(103, 'grace_h');
    const { browser, userId } = await signIn(grace);
    const tokenRequests = weibo.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => show(browser, grace)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ idstr: String(grace.uid), screen_name: 'grace_h' });
    const stored = await app.runtime.tokenStore.findToken(userId, 'weibo');
    const call = weibo.server.requests.filter((r) => r.path.startsWith('/2/users/show.json?')).at(-1)!;
    expect(call.headers.authorization).toBeUndefined();
    expect(new URL(call.path, weibo.origin).searchParams.get('access_token')).toBe(stored!.accessToken);
    expect(weibo.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the app's authorization cancelled in Weibo (a 400 with error 21332) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: weibo } = context;
    const leaving = person(104, 'leaving');
    const { browser, userId } = await signIn(leaving);
    weibo.removeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'weibo', userId, () => show(browser, leaving));
  });

  it('disconnect posts the token to /oauth2/revokeoauth2 on the API host: one request, and the token works no more', async () => {
    const { emulator: weibo } = context;
    const { browser, userId } = await signIn(person(105, 'goodbye'));
    const stored = await expectDisconnectRevokes(context, 'weibo', { browser, userId }, { requests: 1 });
    expect(weibo.revocations.at(-1)).toEqual({ access_token: stored.accessToken });
    expect(weibo.accepts(stored.accessToken)).toBe(false);
  });

  it('the token endpoint refuses a code exchange without the client’s secret in the form', async () => {
    const { emulator: weibo } = context;
    const response = await fetch(`${weibo.origin}/oauth2/access_token`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, grant_type: 'authorization_code', code: 'any', redirect_uri: REDIRECT_URI }) });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client', error_code: 21324 });
  });

  standardCases(() => context, WEIBO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(WEIBO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Weibo in production', () => {
  it('with the client alone, signs in and checks tokens at api.weibo.com/oauth2 with the client in the form, and calls API v2 with the token as a parameter', () => {
    const settings = presetInProduction('weibo', CLIENT).settings({});
    expect(settings).toMatchObject({
      displayName: 'Weibo',
      endpoints: {
        authorizationEndpoint: 'https://api.weibo.com/oauth2/authorize',
        tokenEndpoint: 'https://api.weibo.com/oauth2/access_token',
        userinfoEndpoint: 'https://api.weibo.com/oauth2/get_token_info',
      },
      scope: '',
      apiBaseUrl: 'https://api.weibo.com/2',
      tokenEndpointAuthMethod: 'client_secret_post',
      accessTokenParameter: 'access_token',
      subjectClaim: 'uid',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
  });
});
