import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startInoreaderEmulator, type InoreaderEmulator, type InoreaderUser } from './inoreader.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (digits) and secret of the kind Inoreader's Developer preferences give a registered application.
const CLIENT_ID = '1000001414';
const CLIENT_SECRET = 'kk18irxGeoXA5wyFg9U1PpTuabDu2WWGq7Zc3Nf0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/inoreader/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(n: number, name: string): InoreaderUser {
  return { userId: String(1_005_921_000 + n), userName: name, userEmail: `${name.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and Inoreader's OAuth endpoints and API pointed at the emulator (the profile moves with the API base). */
function inoreaderEnv(inoreader: InoreaderEmulator): Record<string, string> {
  return presetEnv('inoreader', CLIENT_ID, CLIENT_SECRET, {
    INOREADER_AUTHORIZE_URL: `${inoreader.origin}/oauth2/auth`,
    INOREADER_ACCESS_TOKEN_URL: `${inoreader.origin}/oauth2/token`,
    INOREADER_API_BASE_URL: `${inoreader.origin}/reader/api/0`,
  });
}

const INOREADER: StandardProvider<InoreaderUser, InoreaderEmulator> = {
  preset: 'inoreader',
  displayName: 'Inoreader',
  startEmulator: () => startInoreaderEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: inoreaderEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.userId,
};

const subscriptions = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/inoreader/proxy/subscription/list`);

describeEachDialect('Inoreader, against an emulator of Inoreader', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), INOREADER);

  const signIn = (user: InoreaderUser) => signInAs(context, 'inoreader', user);

  it('signs in as the userId of /user-info, with its userName and an unverified e-mail; read asked, no PKCE, the client and an empty scope in the exchange form, a token with a refresh token', async () => {
    const { database, emulator: inoreader, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')!.length).toBeLessThanOrEqual(500);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userId);
    expect(JSON.parse(account.claims)).toEqual({ userId: ada.userId, name: 'Ada Lovelace', email: 'ada@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'inoreader');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read' });
    expectAccessTokenLifetime(token, 86_300, 86_400);
    const exchange = inoreader.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = inoreader.tokenForms[0]!;
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, scope: '' });
    expect(inoreader.server.requests.filter((r) => r.path === '/reader/api/0/user-info').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, with the client in the form and no scope, whose new refresh token is kept', async () => {
    const { emulator: inoreader } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'inoreader', userId, () => subscriptions(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ subscriptions: [{ title: 'Inoreader Blog', categories: [{ id: `user/${person(102, '').userId}/label/News` }] }] });
    expectAccessTokenLifetime(after, 86_300, 86_400);
    expect(after.scope).toBe('read');
    const refresh = inoreader.tokenForms.at(-1)!;
    expect(Object.fromEntries(refresh)).toEqual({ grant_type: 'refresh_token', refresh_token: expect.any(String), client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const refreshed = await refreshAtProvider(`${inoreader.origin}/oauth2/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
  });

  it("a call over the zone's daily limit passes on Inoreader's 429 with the zone's limit, usage and reset; nothing is refreshed and the connection stays", async () => {
    const { emulator: inoreader, app } = context;
    const { browser, userId } = await signIn(person(105, 'Busy Reader'));
    const refreshes = inoreader.server.counts.refresh_token ?? 0;
    inoreader.setZone1Limit(1);
    try {
      expect((await subscriptions(browser)).status).toBe(200);
      const limited = await subscriptions(browser);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('tokenkeeper-upstream')).toBe('true');
      expect(limited.headers.get('x-reader-zone1-usage')).toBe('2');
      expect(limited.headers.get('x-reader-zone1-limit')).toBe('1');
      expect(limited.headers.get('x-reader-limits-reset-after')).toBe('1416');
    } finally {
      inoreader.setZone1Limit(Number.POSITIVE_INFINITY);
    }
    expect(inoreader.server.counts.refresh_token ?? 0).toBe(refreshes);
    expect((await app.runtime.tokenStore.findToken(userId, 'inoreader'))?.status).toBe('active');
  });

  it("the application removed in Inoreader marks the connection 'needs re-auth' after one refresh Inoreader refuses", async () => {
    const { emulator: inoreader } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    inoreader.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'inoreader', userId, () => subscriptions(browser));
  });

  it('disconnect asks Inoreader nothing (it documents no revocation) and forgets the tokens, which Inoreader still takes', async () => {
    const { emulator: inoreader, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'inoreader'))!;
    await expectDisconnectAsksNothing(context, 'inoreader', { browser, userId });
    expect(inoreader.accepts(stored.accessToken)).toBe(true);
  });

  it('/user-info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, INOREADER, person(110, 'Outage Profile'), (inoreader) => inoreader.failNextProfile(500));
  });

  standardCases(() => context, INOREADER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(INOREADER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Inoreader in production', () => {
  it('with the client alone, signs in at www.inoreader.com asking read, reads /user-info and calls the API there, the client in the form', () => {
    const { settings } = presetInProduction('inoreader', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Inoreader',
      endpoints: {
        authorizationEndpoint: 'https://www.inoreader.com/oauth2/auth',
        tokenEndpoint: 'https://www.inoreader.com/oauth2/token',
        userinfoEndpoint: 'https://www.inoreader.com/reader/api/0/user-info',
      },
      scope: 'read',
      apiBaseUrl: 'https://www.inoreader.com/reader/api/0',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'userId',
    });
  });
});
