import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDailymotionEmulator, type DailymotionEmulator, type DailymotionUser } from './dailymotion.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An API key and secret of the kind the Dailymotion Studio's API keys tab shows.
const CLIENT_ID = '5a1e9c3b7d2f4e8a6b0c';
const CLIENT_SECRET = '9f3c7a1e5b2d8f4a6c0e3b7d1a5f9c2e8b4d6a0f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/dailymotion/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(n: number, username: string, screenname: string): DailymotionUser {
  return { id: `x${n.toString(36)}fz4ii`, username, screenname };
}

/** Only the documented variables: the preset, the client, and the authorization and token endpoints pointed at the emulator (the user and the logout move with the API base). */
function dailymotionEnv(dailymotion: DailymotionEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('dailymotion', CLIENT_ID, CLIENT_SECRET, {
    DAILYMOTION_AUTHORIZE_URL: `${dailymotion.origin}/oauth/authorize`,
    DAILYMOTION_ACCESS_TOKEN_URL: `${dailymotion.origin}/oauth/token`,
    DAILYMOTION_API_BASE_URL: dailymotion.origin,
    ...extra,
  });
}

const DAILYMOTION: StandardProvider<DailymotionUser, DailymotionEmulator> = {
  preset: 'dailymotion',
  displayName: 'Dailymotion',
  startEmulator: () => startDailymotionEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: (dailymotion) => dailymotionEnv(dailymotion),
  people: {
    cancelled: person(108, 'changedmind', 'Changed Mind'),
    'refused-code': person(109, 'refusedcode', 'Refused Code'),
    'wrong-secret': person(301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': person(302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

const videos = (browser: TestBrowser, user: DailymotionUser) => browser.get(`${APP_ORIGIN}/api/providers/dailymotion/proxy/user/${user.id}/videos`);

describeEachDialect('Dailymotion, against an emulator of Dailymotion', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DAILYMOTION);

  const signIn = (user: DailymotionUser) => signInAs(context, 'dailymotion', user);

  it('signs in as the id of /auth, named by the screen name, with no e-mail; no scope asked, no PKCE, the client in the form, a 10-hour token (answered without token_type) with a refresh token', async () => {
    const { database, emulator: dailymotion, app } = context;
    const ada = person(101, 'adalovelace', 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, name: 'Ada Lovelace', preferred_username: 'adalovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'dailymotion');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 35900, 36000);
    const exchange = dailymotion.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('asks for the scopes of DAILYMOTION_SCOPE, space-separated; the answer names none, so the ones asked are kept', async () => {
    const { database, emulator: dailymotion } = context;
    const scoped = await startProviderTestApp({ databaseUrl: database.url, env: dailymotionEnv(dailymotion, { DAILYMOTION_SCOPE: 'email manage_videos' }) });
    try {
      const { userId, request } = await signInAs({ emulator: dailymotion, app: scoped }, 'dailymotion', person(105, 'scoped', 'Scoped Person'));
      expect(request.get('scope')).toBe('email manage_videos');
      expect((await scoped.runtime.tokenStore.findToken(userId, 'dailymotion'))?.scope).toBe('email manage_videos');
    } finally {
      await scoped.close();
    }
  });

  it('the proxy calls the Platform API; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept', async () => {
    const { emulator: dailymotion } = context;
    const alan = person(102, 'alanturing', 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { after, answers } = await expectRotatedAfterStorm(context, 'dailymotion', userId, () => videos(browser, alan));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ has_more: false, list: [{ id: 'x8abc12', owner: alan.id }] });
    expectAccessTokenLifetime(after, 35900, 36000);
    const refreshed = await refreshAtProvider(`${dailymotion.origin}/oauth/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'refresh_token']);
  });

  it("the application revoked on Dailymotion marks the connection 'needs re-auth' after one refresh Dailymotion refuses", async () => {
    const { emulator: dailymotion } = context;
    const leaving = person(103, 'leavingsoon', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    dailymotion.revokeApplication(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'dailymotion', userId, () => videos(browser, leaving));
  });

  it('disconnect logs out at /logout with the access token as Bearer, and the access and refresh tokens end', async () => {
    const { emulator: dailymotion } = context;
    const { browser, userId } = await signIn(person(104, 'goodbye', 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'dailymotion', { browser, userId }, { requests: 1 });
    expect(dailymotion.logouts.at(-1)).toBe(`Bearer ${stored.accessToken}`);
    expect(dailymotion.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(`${dailymotion.origin}/oauth/token`, CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('the user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DAILYMOTION, person(110, 'outageprofile', 'Outage Profile'), (dailymotion) => dailymotion.failNextProfile(500));
  });

  standardCases(() => context, DAILYMOTION, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(DAILYMOTION, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Dailymotion in production', () => {
  it("with the client alone, signs in at api.dailymotion.com's endpoints, reads /auth and calls api.dailymotion.com with no scope and the client in the form", () => {
    const { settings } = presetInProduction('dailymotion', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Dailymotion',
      endpoints: {
        authorizationEndpoint: 'https://api.dailymotion.com/oauth/authorize',
        tokenEndpoint: 'https://api.dailymotion.com/oauth/token',
        userinfoEndpoint: 'https://api.dailymotion.com/auth',
      },
      scope: '',
      apiBaseUrl: 'https://api.dailymotion.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
