import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { KEAP_APP, startKeapEmulator, type KeapEmulator, type KeapUser } from './keap.emulator.js';

// A client id and secret of the form the Keap Developer Portal shows.
const CLIENT_ID = 'Qm3nGt7WvXk2pRzL9sYb4hJc8dFa6eTu';
const CLIENT_SECRET = 'Hx5Kp2Lm9Nq4';
const REDIRECT_URI = `${APP_ORIGIN}/auth/keap/callback`;

function person(globalUserId: number, givenName: string, familyName: string): KeapUser {
  return { globalUserId, givenName, familyName, email: `${givenName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (userinfo moves with the API base). */
function keapEnv(keap: KeapEmulator): Record<string, string> {
  return presetEnv('keap', CLIENT_ID, CLIENT_SECRET, {
    KEAP_AUTHORIZE_URL: `${keap.origin}/app/oauth/authorize`,
    KEAP_ACCESS_TOKEN_URL: `${keap.origin}/token`,
    KEAP_API_BASE_URL: `${keap.origin}/crm/rest`,
  });
}

/** A refresh at Keap itself, as Keap documents it (the client as Basic), as another copy of the token would make it. */
function refreshAtKeap(keap: KeapEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${keap.origin}/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'basic' });
}

const KEAP: StandardProvider<KeapUser, KeapEmulator> = {
  preset: 'keap',
  displayName: 'Keap',
  startEmulator: () => startKeapEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: keapEnv,
  people: {
    cancelled: person(70108, 'Changed', 'Mind'),
    'refused-code': person(70109, 'Refused', 'Code'),
    'wrong-secret': person(70301, 'Wrong', 'Secret'),
    'exchange-failure': person(70302, 'Outage', 'Person'),
  },
  subjectOf: (user) => String(user.globalUserId),
};

const contacts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/keap/proxy/v1/contacts`);

describeEachDialect('Keap, against an emulator of Keap', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), KEAP);

  const signIn = (user: KeapUser) => signInAs(context, 'keap', user);

  it('signs in as the global_user_id of userinfo with the given and family names, the e-mail (verification unknown) and the Keap app; scope=full, no PKCE, the client in the form, a 24-hour token with a refresh token', async () => {
    const { database, emulator: keap, app } = context;
    const { userId, request } = await signIn(person(70101, 'Ada', 'Lovelace'));
    expect(request.get('scope')).toBe('full');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('70101');
    expect(JSON.parse(account.claims)).toMatchObject({ global_user_id: 70101, given_name: 'Ada', family_name: 'Lovelace', infusionsoft_id: KEAP_APP });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'keap');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'full' });
    expectAccessTokenLifetime(token, 86_300, 86_400);
    const exchange = keap.server.requests.find((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, sent with the client as Basic, the new pair is kept and the spent refresh token is refused', async () => {
    const { emulator: keap } = context;
    const { browser, userId } = await signIn(person(70102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'keap', userId, () => contacts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ contacts: [{ id: 4021, given_name: 'Jane' }], count: 1 });
    const refresh = keap.server.requests.filter((r) => r.path === '/token').at(-1)!;
    expect(refresh.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expectAccessTokenLifetime(after, 86_300, 86_400);
    expect(await statusAndBody(refreshAtKeap(keap, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Invalid Refresh Token' } });
  });

  it("the app's access removed in Keap: its 400 invalid_request \"Invalid Refresh Token\" marks the connection 'needs re-auth' after that one refusal", async () => {
    const { emulator: keap } = context;
    const leaving = person(70103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    keap.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'keap', userId, () => contacts(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Keap, which documents no endpoint for it: no request is sent', async () => {
    const { browser, userId } = await signIn(person(70104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'keap', { browser, userId });
  });

  it('the profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, KEAP, person(70110, 'Outage', 'Profile'), (keap) => keap.failNextProfile(500));
  });

  standardCases(() => context, KEAP, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(KEAP, {
  title: 'Keap refresh tokens (45 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 45, and the connection outlives that refresh token',
  startEmulator: (now) => startKeapEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(70120, 'Idle', 'Person'),
  dueAfterDays: 38,
  // Past the first refresh token's 45 days, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(KEAP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
