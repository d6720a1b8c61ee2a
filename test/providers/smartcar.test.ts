import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSmartcarEmulator, type SmartcarEmulator, type SmartcarUser } from './smartcar.emulator.js';

// A client id and secret of the form the Smartcar Dashboard shows (UUIDs).
const CLIENT_ID = '8229df9f-91a0-4ff0-a1ae-a1f38ee24d07';
const CLIENT_SECRET = '3e565aed-d4b2-4296-9b4c-aec35825a6aa';
const REDIRECT_URI = `${APP_ORIGIN}/auth/smartcar/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

/** A person by a number: their Smartcar user id and one vehicle, both UUIDs made of it. */
function person(n: number): SmartcarUser {
  const hex = n.toString(16).padStart(12, '0');
  return { id: `e0514ef4-5226-11e8-8c13-${hex}`, vehicles: [`36ab27d0-fd9d-4455-823a-${hex}`] };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user moves with the API base). */
function smartcarEnv(smartcar: SmartcarEmulator): Record<string, string> {
  return presetEnv('smartcar', CLIENT_ID, CLIENT_SECRET, {
    SMARTCAR_AUTHORIZE_URL: `${smartcar.origin}/oauth/authorize`,
    SMARTCAR_ACCESS_TOKEN_URL: `${smartcar.origin}/oauth/token`,
    SMARTCAR_API_BASE_URL: `${smartcar.origin}/v2.0`,
  });
}

/** A refresh at Smartcar itself, as another copy of the token would make it (Basic, and a User-Agent, which Smartcar requires). */
function refreshAtSmartcar(smartcar: SmartcarEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${smartcar.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { headers: { 'user-agent': 'tokenkeeper-test' } });
}

const SMARTCAR: StandardProvider<SmartcarUser, SmartcarEmulator> = {
  preset: 'smartcar',
  displayName: 'Smartcar',
  startEmulator: () => startSmartcarEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: smartcarEnv,
  people: standardPeople((n) => person(n)),
  subjectOf: (user) => user.id,
};

const vehicles = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/smartcar/proxy/vehicles`);

describeEachDialect('Smartcar, against an emulator of Smartcar', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SMARTCAR);

  const signIn = (user: SmartcarUser) => signInAs(context, 'smartcar', user);

  it('signs in as the id of /v2.0/user (no name or e-mail: Smartcar gives none); read_vehicle_info asked, no PKCE, Basic credentials and a User-Agent, a two-hour token with a refresh token and the scope asked', async () => {
    const { database, emulator: smartcar, app } = context;
    const ada = person(101);
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read_vehicle_info');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id });
    const user = await database.db.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBeNull();
    const token = await app.runtime.tokenStore.findToken(userId, 'smartcar');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read_vehicle_info' });
    expectAccessTokenLifetime(token, 7100, 7200);
    const sent = smartcar.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(sent.headers.authorization).toBe(basic);
    expect(sent.headers['user-agent']).toEqual(expect.any(String));
  });

  it('the proxy lists the vehicles; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and the refresh token used is still taken within the minute Smartcar allows', async () => {
    const { emulator: smartcar } = context;
    const alan = person(102);
    const { browser, userId } = await signIn(alan);
    const { before, answers } = await expectRotatedAfterStorm(context, 'smartcar', userId, () => vehicles(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual({ vehicles: alan.vehicles, paging: { count: 1, offset: 0 } });
    expect(await statusAndBody(refreshAtSmartcar(smartcar, before.refreshToken!))).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 7200 } });
  });

  it("the app disconnected in the person's Smartcar account marks the connection 'needs re-auth' after Smartcar's 401, with one refused refresh", async () => {
    const { emulator: smartcar } = context;
    const leaving = person(103);
    const { browser, userId } = await signIn(leaving);
    smartcar.disconnectApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'smartcar', userId, () => vehicles(browser));
  });

  it('disconnect deletes the tokens here and asks Smartcar nothing: it revokes vehicle by vehicle, not a token', async () => {
    const { browser, userId } = await signIn(person(104));
    await expectDisconnectAsksNothing(context, 'smartcar', { browser, userId });
  });

  standardCases(() => context, SMARTCAR, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(SMARTCAR, {
  title: 'Smartcar refresh tokens (60 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 60, and the connection outlives that refresh token',
  startEmulator: (now) => startSmartcarEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(120),
  dueAfterDays: 53,
  usedAgainAfterDays: 10,
  // Days after the sweep's refresh, the refresh token signed in with is long past Smartcar's minute: refused.
  firstRefreshTokenRefused: async (smartcar, refreshToken) => {
    expect((await refreshAtSmartcar(smartcar, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(SMARTCAR, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
