import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startKakaoEmulator, type KakaoEmulator, type KakaoUser } from './kakao.emulator.js';

// A REST API key and a Client Secret code of the forms Kakao's console shows (32 hex digits; 32 letters and digits).
const CLIENT_ID = '9f1c2e7a5b3d4c6e8a0b1c2d3e4f5a6b';
const CLIENT_SECRET = 'Xq7R2mVb9KpL4sTz8NwY3hJc6GdF1aUe';
const REDIRECT_URI = `${APP_ORIGIN}/auth/kakao/callback`;

function person(id: number, nickname: string, email: Partial<Pick<KakaoUser, 'emailVerified' | 'emailValid'>> = {}): KakaoUser {
  return { id, nickname, email: `${nickname.split(' ')[0]!.toLowerCase()}@example.com`, emailVerified: true, emailValid: true, ...email };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/v2/user/me moves with the API base). */
function kakaoEnv(kakao: KakaoEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'kakao',
    KAKAO_PRESET: 'kakao',
    KAKAO_CLIENT_ID: CLIENT_ID,
    KAKAO_CLIENT_SECRET: CLIENT_SECRET,
    KAKAO_AUTHORIZE_URL: `${kakao.origin}/oauth/authorize`,
    KAKAO_ACCESS_TOKEN_URL: `${kakao.origin}/oauth/token`,
    KAKAO_API_BASE_URL: kakao.origin,
  };
}

/** A refresh at Kakao itself, as another copy of the token would make it. */
function refreshAtKakao(kakao: KakaoEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${kakao.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const startEmulator = (now?: () => number) => startKakaoEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const KAKAO: StandardProvider<KakaoUser, KakaoEmulator> = {
  preset: 'kakao',
  displayName: 'Kakao',
  startEmulator: () => startEmulator(),
  env: kakaoEnv,
  people: {
    cancelled: person(3_000_000_108, 'Changed Mind'),
    'refused-code': person(3_000_000_109, 'Refused Code'),
    'wrong-secret': person(3_000_000_301, 'Wrong Secret'),
    'exchange-failure': person(3_000_000_302, 'Outage Person'),
  },
  subjectOf: (user) => String(user.id),
};

const tokenInfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/kakao/proxy/v1/user/access_token_info`);

describeEachDialect('Kakao, against an emulator of Kakao Login', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), KAKAO);

  const signIn = (user: KakaoUser) => signInAs(context, 'kakao', user);

  it("signs in as the service user id of /v2/user/me with the nickname, an https picture and the verified e-mail; no scope asked (the app's consent items), PKCE, the client in the form, 6-hour tokens and a 2-month refresh token", async () => {
    const { database, emulator: kakao, app } = context;
    const { userId, request } = await signIn(person(3_141_592_653, 'Ryan Lion'));
    expect(request.get('scope')).toBeNull();
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('3141592653');
    expect(JSON.parse(account.claims)).toMatchObject({ picture: 'https://k.kakaocdn.net/dn/3141592653/profile_640x640.jpg' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ryan@example.com', name: 'Ryan Lion' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'kakao');
    const now = Math.floor(Date.now() / 1000);
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'profile_nickname profile_image account_email' });
    expect(token!.expiresAt! - now).toBeGreaterThan(21_599 - 100);
    expect(token!.refreshTokenExpiresAt! - now).toBeGreaterThan(5_184_000 - 100);
    const exchange = kakao.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('an e-mail Kakao says is no longer valid (another account took it) is kept unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(3_000_000_110, 'Moved Address', { emailValid: false }));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('moved@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, which answers no refresh token while the held one has over a month left: it is kept, with its end, and still works', async () => {
    const { emulator: kakao } = context;
    const { browser, userId } = await signIn(person(3_000_000_102, 'Apeach Peach'));
    const { before, after, answers } = await expectKeptAfterStorm(context, 'kakao', userId, () => tokenInfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ id: 3_000_000_102, app_id: 1_234_567 });
    expect(after.refreshTokenExpiresAt).toBe(before.refreshTokenExpiresAt);
    const again = await refreshAtKakao(kakao, before.refreshToken!);
    expect(again.status).toBe(200);
    expect(await again.json()).not.toHaveProperty('refresh_token');
  });

  it("the app unlinked in the person's Kakao account marks the connection 'needs re-auth' after one refresh Kakao refuses (KOE322)", async () => {
    const { emulator: kakao, app } = context;
    const leaving = person(3_000_000_103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    kakao.unlinkInKakao(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'kakao', userId, () => tokenInfo(browser));
  });

  it('disconnect unlinks the app at /v1/user/unlink with the access token: Kakao takes none of its tokens any more', async () => {
    const { emulator: kakao } = context;
    const { browser, userId } = await signIn(person(3_000_000_104, 'Goodbye Person'));
    const token = await expectDisconnectRevokes(context, 'kakao', { browser, userId }, { counter: 'unlink', requests: 1 });
    expect(kakao.accepts(token.accessToken)).toBe(false);
    expect((await refreshAtKakao(kakao, token.refreshToken!)).status).toBe(400);
  });

  it('disconnect after the app was unlinked in Kakao counts as revoked there, the refresh token having been refused', async () => {
    const { emulator: kakao, app } = context;
    const gone = person(3_000_000_105, 'Already Gone');
    const { browser, userId } = await signIn(gone);
    kakao.unlinkInKakao(gone);
    expect(await disconnectThrough(browser, 'kakao')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'kakao')).toBeUndefined();
  });

  standardCases(() => context, KAKAO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant KOE320' } });
});

describeEachDialect('Kakao app with Client Secret off, and consent items asked for', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startKakaoEmulator({ clientId: CLIENT_ID, clientSecret: null, redirectUri: REDIRECT_URI }),
    env: (kakao) => {
      const { KAKAO_CLIENT_SECRET: _secret, ...env } = kakaoEnv(kakao);
      return { ...env, KAKAO_TOKEN_ENDPOINT_AUTH_METHOD: 'none', KAKAO_SCOPE: 'profile_nickname account_email' };
    },
  });

  it('signs in with the client id alone in the form, the scope sent comma-joined as Kakao takes it, and refreshes the same way', async () => {
    const { database, emulator: kakao, app } = context;
    const { browser, userId, request } = await signInAs(context, 'kakao', person(3_000_000_120, 'No Secret'));
    expect(request.get('scope')).toBe('profile_nickname,account_email');
    expect(await app.runtime.tokenStore.findToken(userId, 'kakao')).toMatchObject({ scope: 'profile_nickname account_email' });
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('3000000120');
    await expireAccessTokens(database, userId);
    expect((await tokenInfo(browser)).status).toBe(200);
    expect(kakao.server.counts.refresh_token).toBe(1);
    const tokenRequests = kakao.server.requests.filter((r) => r.path === '/oauth/token');
    expect(tokenRequests).toHaveLength(2);
    for (const sent of tokenRequests) expect(sent.headers.authorization).toBeUndefined();
  });
});

describeKeepAlive(KAKAO, {
  title: 'Kakao refresh tokens (two months, re-issued only in their last month) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token, which Kakao then replaces with a new two-month one',
  startEmulator: (now) => startEmulator(now),
  person: person(3_000_000_201, 'Idle Person'),
  dueAfterDays: 53,
  // 63 days after sign-in, past the first refresh token's 60: the one the sweep got still works.
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (kakao, refreshToken) => {
    const answer = await refreshAtKakao(kakao, refreshToken);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_grant', error_code: 'KOE322' });
  },
});

describeClientFailures(KAKAO, { wrongSecret: { sentAs: '401 invalid_client KOE010' }, exchangeFailure: {} });
