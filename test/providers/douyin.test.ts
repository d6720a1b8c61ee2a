import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { DOUYIN_ACCESS_TOKEN_SECONDS, startDouyinEmulator, type DouyinEmulator, type DouyinUser } from './douyin.emulator.js';

// A Client Key and Client Secret of the kind Douyin's console shows a website application.
const CLIENT_ID = 'awx2a5n8ot1k3c7z';
const CLIENT_SECRET = '7802f4e6f243e659d51135445fe0c1d2';
const REDIRECT_URI = `${APP_ORIGIN}/auth/douyin/callback`;

function person(id: number, nickname: string): DouyinUser {
  return { openId: `b9b71865-7fea-44cc-${String(id).padStart(4, '0')}-9a1334b94059`, nickname };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator. */
function douyinEnv(douyin: DouyinEmulator): Record<string, string> {
  return presetEnv('douyin', CLIENT_ID, CLIENT_SECRET, {
    DOUYIN_AUTHORIZE_URL: `${douyin.origin}/platform/oauth/connect/`,
    DOUYIN_ACCESS_TOKEN_URL: `${douyin.origin}/oauth/access_token/`,
    DOUYIN_REFRESH_URL: `${douyin.origin}/oauth/refresh_token/`,
    DOUYIN_API_BASE_URL: douyin.origin,
  });
}

const DOUYIN: StandardProvider<DouyinUser, DouyinEmulator> = {
  preset: 'douyin',
  displayName: 'Douyin',
  startEmulator: () => startDouyinEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: douyinEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.openId,
};

const ticket = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/douyin/proxy/open/getticket/`);
const refreshAtDouyin = (douyin: DouyinEmulator, refreshToken: string) => fetch(`${douyin.origin}/oauth/refresh_token/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_key: CLIENT_ID, grant_type: 'refresh_token', refresh_token: refreshToken }).toString() });

describeEachDialect('Douyin, against an emulator of the Douyin Open Platform', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DOUYIN);
  const signIn = (user: DouyinUser) => signInAs(context, 'douyin', user);

  it("signs in as the code exchange's open_id, with no profile call; the client key in the authorization and in the form, user_info asked, no PKCE, 15-day tokens with a refresh token", async () => {
    const { database, emulator: douyin, app } = context;
    const ada = person(101, 'Ada');
    const { userId, request } = await signIn(ada);
    expect(request.get('client_key')).toBe(CLIENT_ID);
    expect(request.get('scope')).toBe('user_info');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.openId);
    expect(JSON.parse(account.claims)).toEqual({ open_id: ada.openId });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'douyin');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'user_info' });
    expectAccessTokenLifetime(token, DOUYIN_ACCESS_TOKEN_SECONDS - 100, DOUYIN_ACCESS_TOKEN_SECONDS);
    const form = douyin.tokenForms.at(-1)!;
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'authorization_code', client_key: CLIENT_ID, client_secret: CLIENT_SECRET, code: expect.any(String) });
    expect(form.has('client_id')).toBe(false);
    expect(douyin.server.counts.getticket ?? 0).toBe(0);
  });

  it('the proxy sends the token as access-token; 20 concurrent calls on an expired token make one refresh at /oauth/refresh_token/ with the client key alone, and the refresh token is kept', async () => {
    const { emulator: douyin } = context;
    const { browser, userId } = await signIn(person(102, 'Grace'));
    const first = await ticket(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: { error_code: 0, ticket: expect.any(String) } });
    const call = douyin.server.requests.filter((r) => r.path === '/open/getticket/').at(-1)!;
    expect(call.headers['access-token']).toEqual(expect.any(String));
    expect(call.headers.authorization).toBeUndefined();
    const { after } = await expectKeptAfterStorm(context, 'douyin', userId, () => ticket(browser));
    expectAccessTokenLifetime(after, DOUYIN_ACCESS_TOKEN_SECONDS - 100, DOUYIN_ACCESS_TOKEN_SECONDS);
    const refresh = douyin.tokenForms.at(-1)!;
    expect(Object.fromEntries(refresh)).toEqual({ grant_type: 'refresh_token', refresh_token: after.refreshToken, client_key: CLIENT_ID });
  });

  it('an access token Douyin no longer takes is answered HTTP 200 with err_no 28001003: the app refreshes once and sends the call again', async () => {
    const { emulator: douyin, app } = context;
    const { browser, userId } = await signIn(person(103, 'Linus'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'douyin'))!;
    douyin.endAccessToken(stored.accessToken);
    const refused = await fetch(`${douyin.origin}/open/getticket/`, { headers: { 'access-token': 'act.not-a-token' } });
    expect(await statusAndBody(refused)).toMatchObject({ status: 200, body: { err_no: 28001003 } });
    const refreshes = douyin.server.counts.refresh_token ?? 0;
    const answer = await ticket(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ data: { error_code: 0, ticket: expect.any(String) } });
    expect(douyin.server.counts.refresh_token).toBe(refreshes + 1);
    const after = (await app.runtime.tokenStore.findToken(userId, 'douyin'))!;
    expect(after.accessToken).not.toBe(stored.accessToken);
    expect(after.refreshToken).toBe(stored.refreshToken);
  });

  it("the app's authorization cancelled in Douyin marks the connection 'needs re-auth' after one refresh Douyin refuses (error_code 10010)", async () => {
    const { database, emulator: douyin, app } = context;
    const leaving = person(104, 'Barbara');
    const { browser, userId } = await signIn(leaving);
    const stored = (await app.runtime.tokenStore.findToken(userId, 'douyin'))!;
    douyin.cancelAuthorization(leaving);
    expect(await statusAndBody(refreshAtDouyin(douyin, stored.refreshToken!))).toEqual({ status: 200, body: { data: { description: 'refresh_token 过期', error_code: 10010 }, message: 'error' } });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'douyin', userId, () => ticket(browser));
  });

  it('disconnect asks Douyin nothing (it documents no revocation) and forgets the tokens', async () => {
    const { emulator: douyin, app } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'douyin'))!;
    await expectDisconnectAsksNothing(context, 'douyin', { browser, userId });
    expect(douyin.accepts(stored.accessToken)).toBe(true);
  });

  standardCases(() => context, DOUYIN, { cancelled: {}, refusedCode: { sentAs: '200 error_code 10007' } });
});

describe('Douyin refusing the client or failing', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), DOUYIN, { misconfiguredEnv: () => ({ DOUYIN_CLIENT_SECRET: 'not-the-secret' }) });
  standardCases(() => context, DOUYIN, { wrongSecret: { sentAs: '200 error_code 10013' }, exchangeFailure: {} }, { emptyDatabase: true });

  it('a wrong client secret does not stop refreshes: Douyin takes them with the client key alone', async () => {
    const { database, emulator: douyin, app, misconfigured } = context;
    const keeping = person(310, 'Keeping');
    douyin.signInAs(keeping);
    await signInThrough(app.browser(), 'douyin');
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('subject', '=', keeping.openId).executeTakeFirstOrThrow();
    try {
      const before = (await app.runtime.tokenStore.findToken(userId, 'douyin'))!;
      await expireAccessTokens(database, userId);
      const refreshed = await misconfigured!.runtime.tokens.getAccessToken(userId, 'douyin');
      expect(refreshed.accessToken).not.toBe(before.accessToken);
      expect(douyin.accepts(refreshed.accessToken)).toBe(true);
      expect(douyin.tokenForms.at(-1)!.has('client_secret')).toBe(false);
    } finally {
      for (const table of ['tokens', 'accounts', 'sessions'] as const) await database.db.deleteFrom(table).where('user_id', '=', userId).execute();
      await database.db.deleteFrom('users').where('id', '=', userId).execute();
    }
  });
});

describe('Douyin in production', () => {
  it('with the client alone, authorizes at open.douyin.com with the client key, refreshes at /oauth/refresh_token/ and calls the API there', () => {
    const { settings } = presetInProduction('douyin', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(settings({})).toMatchObject({
      displayName: 'Douyin',
      endpoints: {
        authorizationEndpoint: 'https://open.douyin.com/platform/oauth/connect/',
        tokenEndpoint: 'https://open.douyin.com/oauth/access_token/',
        refreshEndpoint: 'https://open.douyin.com/oauth/refresh_token/',
      },
      scope: 'user_info',
      apiBaseUrl: 'https://open.douyin.com',
      accessTokenHeader: 'access-token',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'open_id',
    });
  });
});
