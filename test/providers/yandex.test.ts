import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startYandexEmulator, type YandexEmulator, type YandexUser } from './yandex.emulator.js';

// An app id and password of the form Yandex OAuth shows (32 hex digits each).
const CLIENT_ID = '4760187d81bc4b7799476b42b5103713';
const CLIENT_SECRET = 'f25bebf991ff419893db255728e4e1de';
const REDIRECT_URI = `${APP_ORIGIN}/auth/yandex/callback`;

function person(id: number, realName: string, avatarId: string | null = `${id % 100_000}/enc-${id}`): YandexUser {
  const login = realName.split(' ')[0]!.toLowerCase();
  return { id: String(id), login, realName, email: `${login}@yandex.ru`, avatarId };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/info moves with the API base). */
function yandexEnv(yandex: YandexEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'yandex',
    YANDEX_PRESET: 'yandex',
    YANDEX_CLIENT_ID: CLIENT_ID,
    YANDEX_CLIENT_SECRET: CLIENT_SECRET,
    YANDEX_AUTHORIZE_URL: `${yandex.origin}/authorize`,
    YANDEX_ACCESS_TOKEN_URL: `${yandex.origin}/token`,
    YANDEX_REVOCATION_URL: `${yandex.origin}/revoke_token`,
    YANDEX_API_BASE_URL: yandex.origin,
  };
}

/** A refresh at Yandex itself, as another copy of the token would make it. */
function refreshAtYandex(yandex: YandexEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${yandex.origin}/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const startEmulator = (now?: () => number) => startYandexEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const YANDEX: StandardProvider<YandexUser, YandexEmulator> = {
  preset: 'yandex',
  displayName: 'Yandex',
  startEmulator: () => startEmulator(),
  env: yandexEnv,
  people: {
    cancelled: person(1_000_034_108, 'Changed Mind'),
    'refused-code': person(1_000_034_109, 'Refused Code'),
    'wrong-secret': person(1_000_034_301, 'Wrong Secret'),
    'exchange-failure': person(1_000_034_302, 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

const info = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/yandex/proxy/info?format=json`);

describeEachDialect('Yandex, against an emulator of Yandex ID', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), YANDEX);

  const signIn = (user: YandexUser) => signInAs(context, 'yandex', user);

  it("signs in as the id of /info, read with Authorization: OAuth, with the real name, login, avatar and e-mail (verification unknown); no scope asked (the app's rights), a device token, Basic credentials, and a refresh token that ends with its year-long access token", async () => {
    const { database, emulator: yandex, app } = context;
    const { userId, request } = await signIn(person(1_000_034_426, 'Ivan Ivanov'));
    expect(request.get('scope')).toBeNull();
    expect(request.get('code_challenge_method')).toBe('S256');
    expect([request.get('device_id'), request.get('device_name')]).toEqual(['tokenkeeper', 'Tokenkeeper']);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1000034426');
    expect(JSON.parse(account.claims)).toMatchObject({ login: 'ivan', picture: 'https://avatars.yandex.net/get-yapic/34426/enc-1000034426/islands-200' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ivan@yandex.ru', name: 'Ivan Ivanov' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'yandex');
    const now = Math.floor(Date.now() / 1000);
    expect(token!.refreshToken).toEqual(expect.any(String));
    expect(token!.expiresAt! - now).toBeGreaterThan(31_536_000 - 100);
    expect(token!.refreshTokenExpiresAt).toBe(token!.expiresAt);
    expect(yandex.deviceOf(token!.accessToken)).toEqual({ id: 'tokenkeeper', name: 'Tokenkeeper' });
    const exchange = yandex.server.requests.find((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(yandex.server.requests.filter((r) => r.path.startsWith('/info')).at(-1)!.headers.authorization).toBe(`OAuth ${token!.accessToken}`);
  });

  it('the proxy calls the API with Authorization: OAuth; 20 concurrent calls on an expired token make one refresh, and the new pair is kept', async () => {
    const { emulator: yandex } = context;
    const { browser, userId } = await signIn(person(1_000_034_102, 'Olga Petrova'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'yandex', userId, () => info(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ id: '1000034102', login: 'olga' });
    expect(after.refreshTokenExpiresAt).toBe(after.expiresAt);
    expect(yandex.server.requests.filter((r) => r.path.startsWith('/info')).at(-1)!.headers.authorization).toBe(`OAuth ${after.accessToken}`);
  });

  it("the app's access revoked on the person's Data access page marks the connection 'needs re-auth' after one refresh Yandex refuses", async () => {
    const { emulator: yandex, app } = context;
    const leaving = person(1_000_034_103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    yandex.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'yandex', userId, () => info(browser));
  });

  it('disconnect revokes the device token at /revoke_token: Yandex takes neither of its tokens any more', async () => {
    const { emulator: yandex } = context;
    const { browser, userId } = await signIn(person(1_000_034_104, 'Goodbye Person', null));
    const token = await expectDisconnectRevokes(context, 'yandex', { browser, userId }, { counter: 'revoke_token', requests: 1 });
    expect(yandex.accepts(token.accessToken)).toBe(false);
    expect((await refreshAtYandex(yandex, token.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, YANDEX, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(YANDEX, {
  title: 'Yandex refresh tokens (ending with their year-long access token) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its token, and the new refresh token outlives the first',
  startEmulator: (now) => startEmulator(now),
  person: person(1_000_034_201, 'Idle Person'),
  dueAfterDays: 358,
  // The access token lives as long as its refresh token, so a use refreshes only in their last minute (the refresh
  // leeway): 30 seconds before the end of the pair the sweep got, 723 days after sign-in, far past the first pair's year.
  usedAgainAfterDays: 365 - 30 / 86_400,
  firstRefreshTokenRefused: async (yandex, refreshToken) => {
    const answer = await refreshAtYandex(yandex, refreshToken);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_grant' });
  },
});

describeClientFailures(YANDEX, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
