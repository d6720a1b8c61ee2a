import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SHIKIMORI_ACCESS_TOKEN_SECONDS, startShikimoriEmulator, type ShikimoriEmulator, type ShikimoriUser } from './shikimori.emulator.js';

// A client id and secret of the form Doorkeeper generates (43 URL-safe characters each).
const CLIENT_ID = 'bce7ad35b631293ff006be882496b29171792c8839b5094115268da7a97ca34c';
const CLIENT_SECRET = '811459eada36b14ff0cf0cc353f8162e72a7d6e6c7930b647a5c587d1b0f0e2b';
const REDIRECT_URI = `${APP_ORIGIN}/auth/shikimori/callback`;
const USER_AGENT = 'Anime Tracker Sync';

function person(id: number, name: string): ShikimoriUser {
  const nickname = name.replace(' ', '');
  return { id: 300_000 + id, nickname, email: `${nickname.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the application's name as User-Agent, the OAuth endpoints and the API base (the profile moves with it). */
function shikimoriEnv(shikimori: ShikimoriEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('shikimori', CLIENT_ID, CLIENT_SECRET, {
    SHIKIMORI_USER_AGENT: USER_AGENT,
    SHIKIMORI_AUTHORIZE_URL: `${shikimori.origin}/oauth/authorize`,
    SHIKIMORI_ACCESS_TOKEN_URL: `${shikimori.origin}/oauth/token`,
    SHIKIMORI_REVOCATION_URL: `${shikimori.origin}/oauth/revoke`,
    SHIKIMORI_API_BASE_URL: `${shikimori.origin}/api`,
    ...extra,
  });
}

/** A refresh at Shikimori itself, as its guide sends it: the client in the form, and a User-Agent. */
function refreshAtShikimori(shikimori: ShikimoriEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${shikimori.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', headers: { 'user-agent': USER_AGENT } });
}

const SHIKIMORI: StandardProvider<ShikimoriUser, ShikimoriEmulator> = {
  preset: 'shikimori',
  displayName: 'Shikimori',
  startEmulator: () => startShikimoriEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: (shikimori) => shikimoriEnv(shikimori),
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const userRates = (browser: TestBrowser, userId: number) => browser.get(`${APP_ORIGIN}/api/providers/shikimori/proxy/v2/user_rates?user_id=${userId}`);

describeEachDialect('Shikimori, against an emulator of Shikimori', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SHIKIMORI);

  const signIn = (user: ShikimoriUser) => signInAs(context, 'shikimori', user);

  it("signs in as the id of /users/whoami, its nickname the name, no e-mail without the email scope; user_rates asked with PKCE, the client in the form, every request named by the application's User-Agent, a day-long token with a refresh token", async () => {
    const { database, emulator: shikimori, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user_rates');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('300101');
    expect(JSON.parse(account.claims)).toEqual({
      id: 300_101,
      name: 'AdaLovelace',
      preferred_username: 'AdaLovelace',
      picture: 'https://shikimori.one/system/users/x48/300101.png',
      profile: 'https://shikimori.one/AdaLovelace',
    });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'AdaLovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'shikimori');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'user_rates' });
    expectAccessTokenLifetime(token, SHIKIMORI_ACCESS_TOKEN_SECONDS - 100, SHIKIMORI_ACCESS_TOKEN_SECONDS);
    expect(shikimori.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
    expect(shikimori.userAgents.map((sent) => sent.path)).toEqual(['/oauth/token', '/api/users/whoami']);
    expect(shikimori.userAgents.every((sent) => sent.userAgent === USER_AGENT)).toBe(true);
  });

  it('the proxy calls the API with the application’s User-Agent, which a caller cannot change; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and the spent refresh token is refused', async () => {
    const { emulator: shikimori } = context;
    const alan = person(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const changed = await browser.get(`${APP_ORIGIN}/api/providers/shikimori/proxy/v2/user_rates?user_id=${alan.id}`, { headers: { 'user-agent': 'Mozilla/5.0' } });
    expect(changed.status).toBe(200);
    expect(shikimori.userAgents.at(-1)).toEqual({ path: '/api/v2/user_rates', userAgent: USER_AGENT });
    const { before, answers } = await expectRotatedAfterStorm(context, 'shikimori', userId, () => userRates(browser, alan.id));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ user_id: alan.id, target_type: 'Anime', status: 'completed' }, { status: 'watching' }]);
    expect(shikimori.userAgents.filter((sent) => sent.path === '/oauth/token').at(-1)!.userAgent).toBe(USER_AGENT);
    expect(await statusAndBody(refreshAtShikimori(shikimori, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the application revoked in the person's Shikimori settings marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: shikimori, database } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    shikimori.revokeApp(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'shikimori', userId, () => userRates(browser, leaving.id));
  });

  it('disconnect revokes at /oauth/revoke (RFC 7009, the client in the form), and the tokens end at Shikimori', async () => {
    const { emulator: shikimori } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'shikimori', { browser, userId });
    const revocation = shikimori.server.requests.find((r) => r.path === '/oauth/revoke')!;
    expect(revocation.headers.authorization).toBeUndefined();
    expect(shikimori.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtShikimori(shikimori, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, SHIKIMORI, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Shikimori with the email scope', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: SHIKIMORI.startEmulator, env: (shikimori) => shikimoriEnv(shikimori, { SHIKIMORI_SCOPE: 'user_rates email' }) });

  it('keeps the e-mail /users/whoami then answers, with its verification unknown', async () => {
    const { database } = context;
    const { userId } = await signInAs(context, 'shikimori', person(105, 'Mail Person'));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('mailperson@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });
});

describeClientFailures(SHIKIMORI, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls shikimori.one itself, with a User-Agent naming the client id when SHIKIMORI_USER_AGENT names no application', () => {
  const { settings } = presetInProduction('shikimori', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const defaults = settings({});
  expect(defaults.endpoints).toMatchObject({
    authorizationEndpoint: 'https://shikimori.one/oauth/authorize',
    tokenEndpoint: 'https://shikimori.one/oauth/token',
    userinfoEndpoint: 'https://shikimori.one/api/users/whoami',
    revocationEndpoint: 'https://shikimori.one/oauth/revoke',
  });
  expect(defaults).toMatchObject({ apiBaseUrl: 'https://shikimori.one/api', scope: 'user_rates', apiHeaders: { 'user-agent': `Tokenkeeper (Shikimori OAuth application ${CLIENT_ID})` } });
  expect(settings({ SHIKIMORI_USER_AGENT: USER_AGENT }).apiHeaders).toEqual({ 'user-agent': USER_AGENT });
});
