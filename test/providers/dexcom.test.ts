import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDexcomEmulator, type DexcomEmulator, type DexcomUser } from './dexcom.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Dexcom's app management shows.
const CLIENT_ID = 'mLElKHKRwRDVUrAOPBzktFGY7qkTc7Zm';
const CLIENT_SECRET = 'Hq3fPgyVwe7uwKrQ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/dexcom/callback`;

function person(n: number): DexcomUser {
  return { userId: `35d77a14-243f-4d5d-9f3f-${String(n).padStart(12, '0')}` };
}

/** Only the documented variables: the preset, the client, and DEXCOM_BASE_URL naming the server (as for Europe, Japan or the sandbox). */
function dexcomEnv(dexcom: DexcomEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'dexcom',
    DEXCOM_PRESET: 'dexcom',
    DEXCOM_CLIENT_ID: CLIENT_ID,
    DEXCOM_CLIENT_SECRET: CLIENT_SECRET,
    DEXCOM_BASE_URL: dexcom.origin,
  };
}

/** A refresh at Dexcom itself, as another copy of the token would make it. */
function refreshAtDexcom(dexcom: DexcomEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${dexcom.origin}/v2/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const DEXCOM: StandardProvider<DexcomUser, DexcomEmulator> = {
  preset: 'dexcom',
  displayName: 'Dexcom',
  startEmulator: () => startDexcomEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: dexcomEnv,
  people: { cancelled: person(108), 'refused-code': person(109), 'wrong-secret': person(301), 'exchange-failure': person(302) },
  subjectOf: (user) => user.userId,
};

describeEachDialect('Dexcom, against an emulator of a Dexcom server named by DEXCOM_BASE_URL', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DEXCOM);

  const signIn = (user: DexcomUser) => signInAs(context, 'dexcom', user);
  const egvs = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/dexcom/proxy/v3/users/self/egvs?startDate=2026-12-01T00:00:00&endDate=2026-12-02T00:00:00`);

  it("signs in as the userId of /v3/users/self/dataRange, with no name or e-mail and none of the data range kept; offline_access asked at the base URL's login, no PKCE, the client in the form, a 2-hour token with a refresh token", async () => {
    const { database, emulator: dexcom, app } = context;
    const ada = person(101);
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('offline_access');
    expect(request.has('code_challenge')).toBe(false);
    expect(dexcom.server.counts.authorize).toBeGreaterThan(0);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userId);
    expect(JSON.parse(account.claims)).toEqual({ userId: ada.userId });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'dexcom');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'offline_access' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(7100);
    expect(lifetime).toBeLessThanOrEqual(7200);
    expect(dexcom.server.requests.find((r) => r.path === '/v2/oauth2/token')!.headers.authorization).toBeUndefined();
  });

  it('signing in again finds the same person by the userId', async () => {
    const { database } = context;
    const returning = person(105);
    const first = await signIn(returning);
    const second = await signIn(returning);
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'dexcom').where('subject', '=', returning.userId).execute()).toHaveLength(1);
  });

  it('the proxy calls API v3 on the same server; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and the spent refresh token is refused', async () => {
    const { emulator: dexcom } = context;
    const { browser, userId } = await signIn(person(102));
    const { before, answers } = await expectRotatedAfterStorm(context, 'dexcom', userId, () => egvs(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ recordType: 'egv', userId: person(102).userId, records: [{ value: 142, unit: 'mg/dL' }] });
    expect(await statusAndBody(refreshAtDexcom(dexcom, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("access revoked in the person's Dexcom account marks the connection 'needs re-auth' after Dexcom's 401, with one refused refresh", async () => {
    const { emulator: dexcom, app } = context;
    const leaving = person(103);
    const { browser, userId } = await signIn(leaving);
    dexcom.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'dexcom', userId, () => egvs(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Dexcom, which has no endpoint for it: no request is sent', async () => {
    const { emulator: dexcom, app } = context;
    const { browser, userId } = await signIn(person(104));
    await expectDisconnectAsksNothing(context, 'dexcom', { browser, userId });
  });

  it('dataRange failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DEXCOM, person(110), (dexcom) => dexcom.failNextDataRange(500));
  });

  standardCases(() => context, DEXCOM, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(DEXCOM, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
