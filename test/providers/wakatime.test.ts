import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { WAKATIME_ACCESS_TOKEN_SECONDS, startWakaTimeEmulator, type WakaTimeEmulator, type WakaTimeUser } from './wakatime.emulator.js';

// A client id and secret of the kind a WakaTime app is given (its App Id and an App Secret, `waka_sec_…`).
const CLIENT_ID = 'vGq7bX2mPzR4tW9kLs3nJc8d';
const CLIENT_SECRET = 'waka_sec_Yc3Nq8vT2wX6bJ9mK4rF7hL1sD5gA0eUp2ZrQe7TnWb4Mx';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/wakatime/callback`;

function person(id: number, firstName: string, lastName: string): WakaTimeUser {
  return { id: `71580bdd-fd95-41a2-babd-${String(id).padStart(12, '0')}`, fullName: `${firstName} ${lastName}`, username: firstName.toLowerCase(), email: `${firstName.toLowerCase()}@example.com`, emailConfirmed: true };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user moves with the API base). */
function wakatimeEnv(wakatime: WakaTimeEmulator): Record<string, string> {
  return presetEnv('wakatime', CLIENT_ID, CLIENT_SECRET, {
    WAKATIME_AUTHORIZE_URL: `${wakatime.origin}/oauth/authorize`,
    WAKATIME_ACCESS_TOKEN_URL: `${wakatime.origin}/oauth/token`,
    WAKATIME_REVOCATION_URL: `${wakatime.origin}/oauth/revoke`,
    WAKATIME_API_BASE_URL: `${wakatime.origin}/api/v1`,
  });
}

const WAKATIME: StandardProvider<WakaTimeUser, WakaTimeEmulator> = {
  preset: 'wakatime',
  displayName: 'WakaTime',
  startEmulator: () => startWakaTimeEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: wakatimeEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const currentUser = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/wakatime/proxy/users/current`);

describeEachDialect('WakaTime, against an emulator of WakaTime', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WAKATIME);
  const signIn = (user: WakaTimeUser) => signInAs(context, 'wakatime', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it('signs in as the id of /users/current with the full name, username, photo and a confirmed e-mail; email asked, no PKCE, the client in the form, JSON asked for, a 365-day token with a refresh token', async () => {
    const { database, emulator: wakatime, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('email');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', preferred_username: 'ada', picture: `https://wakatime.com/photo/${ada.id}`, email: 'ada@example.com', email_verified: true });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'wakatime');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^waka_ref_/), scope: 'email' });
    expectAccessTokenLifetime(token, WAKATIME_ACCESS_TOKEN_SECONDS - 100, WAKATIME_ACCESS_TOKEN_SECONDS);
    const exchange = wakatime.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(exchange.headers.accept).toContain('application/json');
    expect(wakatime.server.requests.findLast((r) => r.path === '/api/v1/users/current')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('an e-mail WakaTime has not confirmed is kept unverified', async () => {
    const { database } = context;
    const { userId } = await signIn({ ...person(105, 'Grace', 'Hopper'), emailConfirmed: false });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('grace@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls API v1; 20 concurrent calls on an expired token make one refresh, with the client and the redirect_uri in the form, whose new refresh token is kept', async () => {
    const { emulator: wakatime } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await currentUser(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: { username: 'alan', plan: 'basic' } });
    const { after } = await expectRotatedAfterStorm(context, 'wakatime', userId, () => currentUser(browser));
    expect(after.scope).toBe('email');
    expectAccessTokenLifetime(after, WAKATIME_ACCESS_TOKEN_SECONDS - 100, WAKATIME_ACCESS_TOKEN_SECONDS);
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form', extra: { redirect_uri: REDIRECT_URI } });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: WAKATIME_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
    expect(wakatime.server.counts.refresh_token).toBe(2);
  });

  it('WakaTime refuses a refresh without the redirect_uri of the authorization, so the preset sends it', async () => {
    const { app } = context;
    const { userId } = await signIn(person(106, 'Edsger', 'Dijkstra'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'wakatime'))!;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_request' } });
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form', extra: { redirect_uri: REDIRECT_URI } })).status).toBe(200);
  });

  it('a call needing a scope the grant lacks (read_stats for all_time_since_today) is passed back as WakaTime answers it, 403', async () => {
    const { browser } = await signIn(person(107, 'Donald', 'Knuth'));
    const response = await browser.get(`${APP_ORIGIN}/api/providers/wakatime/proxy/users/current/all_time_since_today`);
    expect(response.status).toBe(403);
  });

  it("the app's access revoked by the person: the refused refresh marks the connection needs re-auth after one try", async () => {
    const { emulator: wakatime } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    wakatime.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'wakatime', userId, () => currentUser(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /oauth/revoke with the client in the form, and both end', async () => {
    const { emulator: wakatime } = context;
    const { browser, userId } = await signIn(person(104, 'Radia', 'Perlman'));
    const stored = await expectDisconnectRevokes(context, 'wakatime', { browser, userId }, { requests: 2 });
    expect(wakatime.revocations.slice(-2)).toEqual([
      { token: stored.refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      { token: stored.accessToken, token_type_hint: 'access_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    ]);
    expect(wakatime.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form', extra: { redirect_uri: REDIRECT_URI } })).status).toBe(400);
  });

  it('/users/current failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, WAKATIME, person(110, 'Outage', 'Profile'), (wakatime) => wakatime.failNextProfile(500));
  });

  standardCases(() => context, WAKATIME, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(WAKATIME, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the wakatime preset in production', () => {
  it('with the client alone, signs in at wakatime.com, reads api.wakatime.com/api/v1/users/current, revokes at /oauth/revoke, asking email with the client in the form', () => {
    const { settings } = presetInProduction('wakatime', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'WakaTime',
      endpoints: {
        authorizationEndpoint: 'https://wakatime.com/oauth/authorize',
        tokenEndpoint: 'https://wakatime.com/oauth/token',
        userinfoEndpoint: 'https://api.wakatime.com/api/v1/users/current',
        revocationEndpoint: 'https://wakatime.com/oauth/revoke',
      },
      scope: 'email',
      apiBaseUrl: 'https://api.wakatime.com/api/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshSendsRedirectUri: true,
      subjectClaim: 'id',
    });
  });
});
