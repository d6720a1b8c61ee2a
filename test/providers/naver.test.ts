import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startNaverEmulator, type NaverEmulator, type NaverUser } from './naver.emulator.js';

// A Client ID and Client Secret of the forms Naver's developer center shows (letters and digits, up to 40).
const CLIENT_ID = 'jyvqXeaVOVmV7kQ2pL9d';
const CLIENT_SECRET = 'Xq7R2mVb9K';
const REDIRECT_URI = `${APP_ORIGIN}/auth/naver/callback`;

/** A person who gave every item; the id is of the BASE64 form apps made since May 2021 get. */
function person(id: string, nickname: string, name: string): NaverUser {
  return { id, nickname, name, email: `${nickname.toLowerCase()}@naver.com`, profileImage: `https://phinf.pstatic.net/contact/${nickname.toLowerCase()}.jpg` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/v1/nid/me moves with the API base). */
function naverEnv(naver: NaverEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'naver',
    NAVER_PRESET: 'naver',
    NAVER_CLIENT_ID: CLIENT_ID,
    NAVER_CLIENT_SECRET: CLIENT_SECRET,
    NAVER_AUTHORIZE_URL: `${naver.origin}/oauth2.0/authorize`,
    NAVER_ACCESS_TOKEN_URL: `${naver.origin}/oauth2.0/token`,
    NAVER_REVOCATION_URL: `${naver.origin}/oauth2.0/revoke`,
    NAVER_API_BASE_URL: naver.origin,
  };
}

/** A refresh at Naver itself, as another copy of the token would make it. */
async function refreshAtNaver(naver: NaverEmulator, refreshToken: string): Promise<Record<string, unknown>> {
  const answer = await refreshAtProvider(`${naver.origin}/oauth2.0/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
  expect(answer.status).toBe(200);
  return (await answer.json()) as Record<string, unknown>;
}

const NAVER: StandardProvider<NaverUser, NaverEmulator> = {
  preset: 'naver',
  displayName: 'Naver',
  startEmulator: () => startNaverEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: naverEnv,
  people: {
    cancelled: person('Y2FuY2VsbGVk', 'Changed', '변심'),
    'refused-code': person('cmVmdXNlZA', 'Refused', '거절'),
    'wrong-secret': person('c2VjcmV0', 'Secret', '비밀'),
    'exchange-failure': person('b3V0YWdl', 'Outage', '장애'),
  },
  subjectOf: (user) => user.id,
};

const verify = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/naver/proxy/v1/nid/verify?info=true`);

describeEachDialect('Naver, against an emulator of Naver Login', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), NAVER);

  const signIn = (user: NaverUser) => signInAs(context, 'naver', user);

  it("signs in as the id of /v1/nid/me with the name, nickname and picture, the e-mail unverified; no scope asked, the state sent again at the code exchange with the client in the form, an hour's token (expires_in a string) and a refresh token", async () => {
    const { database, emulator: naver, app } = context;
    const { userId, request } = await signIn(person('aGFuZ2VvbEtpbTEyMzQ1Njc4OTA', 'Hangeol', '김한결'));
    expect(request.get('scope')).toBeNull();
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('aGFuZ2VvbEtpbTEyMzQ1Njc4OTA');
    expect(JSON.parse(account.claims)).toMatchObject({ nickname: 'Hangeol', picture: 'https://phinf.pstatic.net/contact/hangeol.jpg' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'hangeol@naver.com', name: '김한결' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'naver');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(3500);
    expect(lifetime).toBeLessThanOrEqual(3600);
    const form = naver.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('state')).toBe(request.get('state'));
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    const exchange = naver.server.requests.filter((r) => r.path === '/oauth2.0/token').at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('a person who gave only the required id and nickname is named by the nickname, with no e-mail', async () => {
    const { database } = context;
    const { userId } = await signIn({ id: 'bWluaW1hbA', nickname: 'mini***' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'mini***' });
  });

  it('the proxy calls the login Open API; 20 concurrent calls on an expired token make one refresh, which answers no refresh token: the held one is kept and still works', async () => {
    const { emulator: naver } = context;
    const { browser, userId } = await signIn(person('c2VvYWhQYXJr', 'Seoah', '박서아'));
    const { before, after, answers } = await expectKeptAfterStorm(context, 'naver', userId, () => verify(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ resultcode: '00', response: { token: after.accessToken, allowed_profile: 'id,nickname,name,email,profile_image' } });
    expect(after.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    const again = await refreshAtNaver(naver, before.refreshToken!);
    expect(again).toMatchObject({ token_type: 'bearer', expires_in: '3600' });
    expect(again).not.toHaveProperty('refresh_token');
  });

  it("consent withdrawn in the person's Naver account marks the connection 'needs re-auth' after one refresh Naver refuses (invalid_request sent with HTTP 200)", async () => {
    const { emulator: naver } = context;
    const leaving = person('bGVhdmluZw', 'Leaving', '이별');
    const { browser, userId } = await signIn(leaving);
    naver.withdraw(leaving);
    expect(await refreshAtNaver(naver, (await context.app.runtime.tokenStore.findToken(userId, 'naver'))!.refreshToken!)).toMatchObject({ error: 'invalid_request' });
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'naver', userId, () => verify(browser));
  });

  it('disconnect revokes at /oauth2.0/revoke (RFC 7009, the client in the form): the refresh token, then the access token, and neither works after', async () => {
    const { emulator: naver } = context;
    const { browser, userId } = await signIn(person('Z29vZGJ5ZQ', 'Goodbye', '안녕'));
    const token = await expectDisconnectRevokes(context, 'naver', { browser, userId }, { requests: 2 });
    const sent = naver.revocationForms.slice(-2).map((form) => Object.fromEntries(form));
    expect(sent).toEqual([
      { token: token.refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      { token: token.accessToken, token_type_hint: 'access_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    ]);
    expect(naver.accepts(token.accessToken)).toBe(false);
    expect(await refreshAtNaver(naver, token.refreshToken!)).toMatchObject({ error: 'invalid_request' });
  });

  it("disconnect after consent was withdrawn in Naver: Naver's 200 for tokens it no longer has counts as revoked", async () => {
    const { emulator: naver, app } = context;
    const gone = person('Z29uZQ', 'Gone', '떠남');
    const { browser, userId } = await signIn(gone);
    naver.withdraw(gone);
    expect(await disconnectThrough(browser, 'naver')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'naver')).toBeUndefined();
  });

  standardCases(() => context, NAVER, { cancelled: {}, refusedCode: { sentAs: 'unauthorized_client sent with HTTP 200' } });
});

describeClientFailures(NAVER, { wrongSecret: { sentAs: 'invalid_client sent with HTTP 200' }, exchangeFailure: {} });
