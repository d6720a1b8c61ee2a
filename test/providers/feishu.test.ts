import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { FEISHU_TENANT, startFeishuEmulator, type FeishuEmulator, type FeishuUser } from './feishu.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An App ID and App Secret of the form Feishu's developer console shows.
const CLIENT_ID = 'cli_a5d611352af9d00b';
const CLIENT_SECRET = 'Wq9xLm2Kp7Rt4Yv8Bn3Cd6Fg1Hj5Zs0X';
const REDIRECT_URI = `${APP_ORIGIN}/auth/feishu/callback`;

function person(id: number, name: string, enName: string): FeishuUser {
  return { openId: `ou_${id.toString(16).padStart(32, '0')}`, unionId: `on_${(id * 7).toString(16).padStart(32, '0')}`, name, enName, email: `${enName.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (user_info moves with the API base). */
function feishuEnv(feishu: FeishuEmulator): Record<string, string> {
  return presetEnv('feishu', CLIENT_ID, CLIENT_SECRET, {
    FEISHU_AUTHORIZE_URL: `${feishu.origin}/open-apis/authen/v1/authorize`,
    FEISHU_ACCESS_TOKEN_URL: `${feishu.origin}/open-apis/authen/v2/oauth/token`,
    FEISHU_API_BASE_URL: `${feishu.origin}/open-apis`,
  });
}

/** A refresh at Feishu itself, a JSON body as the app sends it, as another copy of the token would make it. */
function refreshAtFeishu(feishu: FeishuEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${feishu.origin}/open-apis/authen/v2/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
}

const FEISHU: StandardProvider<FeishuUser, FeishuEmulator> = {
  preset: 'feishu',
  displayName: 'Feishu',
  startEmulator: () => startFeishuEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: feishuEnv,
  people: {
    cancelled: person(80108, '改变主意', 'Changed Mind'),
    'refused-code': person(80109, '拒绝代码', 'Refused Code'),
    'wrong-secret': person(80301, '错误密钥', 'Wrong Secret'),
    'exchange-failure': person(80302, '服务中断', 'Outage Person'),
  },
  subjectOf: (user) => user.openId,
};

const calendars = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/feishu/proxy/calendar/v4/calendars`);

describeEachDialect('Feishu, against an emulator of Feishu', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FEISHU);

  const signIn = (user: FeishuUser) => signInAs(context, 'feishu', user);

  it("signs in as user_info's open_id with the name, the union_id, the tenant and the e-mail (not verified, as Feishu says); offline_access asked, PKCE sent, the code exchanged as JSON with the client in it, a 2-hour token with a 30-day refresh token", async () => {
    const { database, emulator: feishu, app } = context;
    const ada = person(80101, '艾达', 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('offline_access');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.openId);
    expect(JSON.parse(account.claims)).toMatchObject({ open_id: ada.openId, union_id: ada.unionId, name: '艾达', tenant_key: FEISHU_TENANT });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: '艾达' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'feishu');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'offline_access' });
    expectAccessTokenLifetime(token, 7100, 7200);
    const refreshLifetime = token!.refreshTokenExpiresAt! - Math.floor(Date.now() / 1000);
    expect(refreshLifetime).toBeGreaterThan(30 * 86_400 - 100);
    expect(refreshLifetime).toBeLessThanOrEqual(30 * 86_400);
    const exchange = feishu.server.requests.find((r) => r.path === '/open-apis/authen/v2/oauth/token')!;
    expect(exchange.headers['content-type']).toContain('application/json');
    expect(exchange.headers.authorization).toBeUndefined();
    expect(feishu.tokenBodies.at(-1)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, code_verifier: expect.any(String) });
  });

  it('the proxy calls the open platform API; 20 concurrent calls on an expired token make one refresh, the new pair is kept with its new end, and the spent refresh token is refused at once', async () => {
    const { emulator: feishu } = context;
    const { browser, userId } = await signIn(person(80102, '图灵', 'Alan Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'feishu', userId, () => calendars(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ code: 0, data: { calendar_list: [{ summary: '图灵', type: 'primary' }] } });
    expect(feishu.tokenBodies.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID });
    expectAccessTokenLifetime(after, 7100, 7200);
    expect(after.scope).toBe('offline_access');
    expect(await statusAndBody(refreshAtFeishu(feishu, before.refreshToken!))).toEqual({
      status: 400,
      body: { code: 20026, error: 'invalid_grant', error_description: 'The refresh token is invalid, expired, revoked or used.' },
    });
  });

  it("Feishu's HTTP 400 with code 99991668 for a live token it no longer takes is read as the token refused: one refresh, which Feishu refuses, and the connection needs re-auth", async () => {
    const { emulator: feishu } = context;
    const leaving = person(80103, '离开', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    feishu.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'feishu', userId, () => calendars(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Feishu, which documents no revocation: no request is sent', async () => {
    const { browser, userId } = await signIn(person(80104, '再见', 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'feishu', { browser, userId });
  });

  it('the profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FEISHU, person(80110, '故障', 'Outage Profile'), (feishu) => feishu.failNextProfile(500));
  });

  standardCases(() => context, FEISHU, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Feishu without offline_access', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: FEISHU.startEmulator, env: (feishu) => ({ ...feishuEnv(feishu), FEISHU_SCOPE: 'calendar:calendar:readonly' }) });

  it('keeps no refresh token; once the access token ends, the connection needs signing in again and Feishu is asked for no token', async () => {
    const { database, emulator: feishu, app } = context;
    const { browser, userId } = await signInAs(context, 'feishu', person(80120, '短暂', 'Short Lived'));
    expect(await app.runtime.tokenStore.findToken(userId, 'feishu')).toMatchObject({ refreshToken: null, scope: 'calendar:calendar:readonly' });
    expect((await calendars(browser)).status).toBe(200);
    await expireAccessTokens(database, userId);
    const tokenRequests = feishu.server.counts.token_request ?? 0;
    const call = await calendars(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(feishu.server.counts.token_request ?? 0).toBe(tokenRequests);
  });
});

describeKeepAlive(FEISHU, {
  title: 'Feishu refresh tokens (30 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 30, and the connection outlives that refresh token',
  startEmulator: (now) => startFeishuEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(80130, '空闲', 'Idle Person'),
  dueAfterDays: 23,
  usedAgainAfterDays: 10,
});

describeClientFailures(FEISHU, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("Lark: FEISHU_DOMAIN=larksuite.com puts every endpoint on Lark's hosts, and another domain stops start-up naming the two", () => {
  const production = presetInProduction('feishu', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const lark = production.settings({ FEISHU_DOMAIN: 'larksuite.com' });
  expect(lark.endpoints).toMatchObject({
    authorizationEndpoint: 'https://accounts.larksuite.com/open-apis/authen/v1/authorize',
    tokenEndpoint: 'https://open.larksuite.com/open-apis/authen/v2/oauth/token',
    userinfoEndpoint: 'https://open.larksuite.com/open-apis/authen/v1/user_info',
  });
  expect(lark.apiBaseUrl).toBe('https://open.larksuite.com/open-apis');
  expect(production.refusal({ FEISHU_DOMAIN: 'open.larksuite.com' })).toContain('FEISHU_DOMAIN');
  expect(production.refusal({ FEISHU_DOMAIN: 'open.larksuite.com' })).toContain("is not Feishu's or Lark's domain: give feishu.cn or larksuite.com");
});
