import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { CALCOM_ACCESS_TOKEN_SECONDS, startCalcomEmulator, type CalcomEmulator, type CalcomUser } from './calcom.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Cal.com's OAuth client settings show.
const CLIENT_ID = 'cmhd2k4xq0001l70abc7f3e9d';
const CLIENT_SECRET = 'c8f1e6a0b93d4f27a5e2c7d9b14f60a3e8d2c5b7f9a1e4d6';
const REDIRECT_URI = `${APP_ORIGIN}/auth/calcom/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): CalcomUser {
  const username = name.toLowerCase().replace(/ /g, '-');
  return { id: 48000 + id, name, username, email: `${username}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function calcomEnv(calcom: CalcomEmulator): Record<string, string> {
  return presetEnv('calcom', CLIENT_ID, CLIENT_SECRET, {
    CALCOM_AUTHORIZE_URL: `${calcom.origin}/auth/oauth2/authorize`,
    CALCOM_ACCESS_TOKEN_URL: `${calcom.origin}/v2/auth/oauth2/token`,
    CALCOM_API_BASE_URL: `${calcom.origin}/v2`,
  });
}

const CALCOM: StandardProvider<CalcomUser, CalcomEmulator> = {
  preset: 'calcom',
  displayName: 'Cal.com',
  startEmulator: () => startCalcomEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: calcomEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/calcom/proxy/me`);

describeEachDialect('Cal.com, against an emulator of Cal.com', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CALCOM);

  const signIn = (user: CalcomUser) => signInAs(context, 'calcom', user);

  it('signs in as the id of /v2/me with its name, username and an unverified e-mail; PROFILE_READ asked, no PKCE, the client in the form with the redirect_uri again, a 30-minute token with a refresh token', async () => {
    const { database, emulator: calcom, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('PROFILE_READ');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toEqual({ id: String(ada.id), name: 'Ada Lovelace', preferred_username: 'ada-lovelace', email: 'ada-lovelace@acme.test' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada-lovelace@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'calcom');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, CALCOM_ACCESS_TOKEN_SECONDS - 100, CALCOM_ACCESS_TOKEN_SECONDS);
    const exchange = calcom.server.requests.find((r) => r.path === '/v2/auth/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = calcom.tokenParameters[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(calcom.server.requests.filter((r) => r.path === '/v2/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls API v2 within the scopes granted; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator: calcom } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await me(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ status: 'success', data: { name: 'Grace Hopper' } });
    const eventTypes = await browser.get(`${APP_ORIGIN}/api/providers/calcom/proxy/event-types`);
    expect(eventTypes.status).toBe(403);
    const { after } = await expectRotatedAfterStorm(context, 'calcom', userId, () => me(browser));
    expectAccessTokenLifetime(after, CALCOM_ACCESS_TOKEN_SECONDS - 100, CALCOM_ACCESS_TOKEN_SECONDS);
    const refresh = calcom.tokenParameters.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const refreshed = await refreshAtProvider(`${calcom.origin}/v2/auth/oauth2/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: CALCOM_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String), scope: 'PROFILE_READ' });
  });

  it("Cal.com's own refusals: a scope it does not know or the client lacks is sent back, no scope is told on its page, a token request without client_id or with a spent refresh token is refused as documented", async () => {
    const { emulator: calcom } = context;
    const authorize = (scope: string | undefined) => {
      const query = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: 's1', ...(scope === undefined ? {} : { scope }) });
      return fetch(`${calcom.origin}/auth/oauth2/authorize?${query}`, { redirect: 'manual' });
    };
    const unknown = new URL((await authorize('PROFILE_READ,CALENDAR_READ')).headers.get('location')!);
    expect(Object.fromEntries(unknown.searchParams)).toEqual({ error: 'invalid_request', error_description: 'Requested scope is not a recognized scope', state: 's1' });
    const beyond = new URL((await authorize('PROFILE_READ SCHEDULE_READ')).headers.get('location')!);
    expect(beyond.searchParams.get('error_description')).toBe("Requested scope exceeds the client's registered scopes");
    const none = await authorize(undefined);
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('scope parameter is required');
    const token = (body: Record<string, string>) => fetch(`${calcom.origin}/v2/auth/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const noClient = await token({ grant_type: 'refresh_token', refresh_token: 'x' });
    expect([noClient.status, await noClient.json()]).toEqual([400, { error: 'invalid_request', error_description: 'client_id is required' }]);
    const otherClient = await token({ client_id: 'someone-else', client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: 'x' });
    expect([otherClient.status, await otherClient.json()]).toEqual([401, { error: 'invalid_client', error_description: 'client_not_found' }]);
    const spent = await token({ ...{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' });
    expect([spent.status, await spent.json()]).toEqual([400, { error: 'invalid_grant', error_description: 'invalid_refresh_token' }]);
    const api = await fetch(`${calcom.origin}/v2/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(api.status).toBe(401);
  });

  it("the app's access taken away in Cal.com marks the connection 'needs re-auth' after one refresh Cal.com refuses", async () => {
    const { emulator: calcom } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    calcom.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'calcom', userId, () => me(browser));
  });

  it('disconnect asks Cal.com nothing (it documents no revocation) and forgets the tokens, which Cal.com still takes', async () => {
    const { emulator: calcom, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'calcom'))!;
    await expectDisconnectAsksNothing(context, 'calcom', { browser, userId });
    expect(calcom.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CALCOM, person(110, 'Outage Profile'), (calcom) => calcom.failNextProfile(500));
  });

  standardCases(() => context, CALCOM, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant code_invalid_or_expired' } });
});

describeClientFailures(CALCOM, { wrongSecret: { sentAs: '401 invalid_client invalid_client_credentials' }, exchangeFailure: {} });

describe('Cal.com in production', () => {
  it('with the client alone, signs in at app.cal.com, exchanges at api.cal.com/v2/auth/oauth2/token, reads /v2/me and calls the API there, asking PROFILE_READ with the client in the form', () => {
    const { settings } = presetInProduction('calcom', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Cal.com',
      endpoints: {
        authorizationEndpoint: 'https://app.cal.com/auth/oauth2/authorize',
        tokenEndpoint: 'https://api.cal.com/v2/auth/oauth2/token',
        userinfoEndpoint: 'https://api.cal.com/v2/me',
      },
      scope: 'PROFILE_READ',
      apiBaseUrl: 'https://api.cal.com/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
