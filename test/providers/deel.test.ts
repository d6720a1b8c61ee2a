import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDeelEmulator, type DeelEmulator, type DeelUser } from './deel.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (a UUID) and secret of the form Deel's Developer Center shows.
const CLIENT_ID = '1c2ccb6b-a7d5-47c1-a6e1-dfd29c8d9ee4';
const CLIENT_SECRET = 'gHukem719Tg1EhqEzGeq9iAfPIuatCKHAoFLG';
const REDIRECT_URI = `${APP_ORIGIN}/auth/deel/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const THIRTY_DAYS = 2_592_000;

function person(id: number, firstName: string, lastName: string): DeelUser {
  return { userId: 1_045_000 + id, profileId: 81_000 + id, firstName, lastName, email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the scope, and each endpoint pointed at the emulator (/v2/people/me moves with the API base). */
function deelEnv(deel: DeelEmulator): Record<string, string> {
  return presetEnv('deel', CLIENT_ID, CLIENT_SECRET, {
    DEEL_SCOPE: 'people:read contracts:read',
    DEEL_AUTHORIZE_URL: `${deel.origin}/oauth2/authorize`,
    DEEL_ACCESS_TOKEN_URL: `${deel.origin}/oauth2/tokens`,
    DEEL_API_BASE_URL: `${deel.origin}/rest`,
  });
}

/** A refresh at Deel itself, as another copy of the token would make it, with the redirect URI Deel wants. */
function refreshAtDeel(deel: DeelEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${deel.origin}/oauth2/tokens`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { extra: { redirect_uri: REDIRECT_URI } });
}

const DEEL: StandardProvider<DeelUser, DeelEmulator> = {
  preset: 'deel',
  displayName: 'Deel',
  startEmulator: () => startDeelEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: deelEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.userId),
};

const contracts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/deel/proxy/v2/contracts`);

describeEachDialect('Deel, against an emulator of Deel', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DEEL);

  const signIn = (user: DeelUser) => signInAs(context, 'deel', user);

  it('signs in as the user_id (not the profile id) of /v2/people/me with its full name and e-mail (verification unknown); the scope asked with a state, the client as plain Basic, 30-day tokens with a refresh token', async () => {
    const { database, emulator: deel, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('people:read contracts:read');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1045101');
    expect(account.subject).not.toBe(String(ada.profileId));
    expect(JSON.parse(account.claims)).toMatchObject({ given_name: 'Ada', family_name: 'Lovelace', organization_id: '3321', organization_name: 'Analytical Engines Ltd' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'deel');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'people:read contracts:read' });
    expectAccessTokenLifetime(token, THIRTY_DAYS - 100, THIRTY_DAYS);
    const exchange = deel.server.requests.find((r) => r.path === '/oauth2/tokens')!;
    expect(exchange.headers.authorization).toBe(BASIC);
  });

  it('the proxy calls the Deel API; 20 concurrent calls on an expired token make one refresh, sending the redirect_uri again as Deel wants, the new pair is kept, and Deel refuses the spent refresh token', async () => {
    const { emulator: deel } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'deel', userId, () => contracts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ id: 'm3jk2j', title: 'Backend Engineer' }] });
    expect(deel.refreshRedirectUris).toEqual([REDIRECT_URI]);
    expectAccessTokenLifetime(after, THIRTY_DAYS - 100, THIRTY_DAYS);
    expect(after.scope).toBe('people:read contracts:read');
    expect(await statusAndBody(refreshAtDeel(deel, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a refresh without the redirect_uri is one Deel refuses: the emulator holds the preset to it', async () => {
    const { emulator: deel } = context;
    const { userId } = await signIn(person(105, 'Grace', 'Hopper'));
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'deel');
    const answer = await refreshAtProvider(`${deel.origin}/oauth2/tokens`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, stored!.refreshToken!);
    expect(await statusAndBody(answer)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it("the app's access removed in Deel marks the connection 'needs re-auth' after one refresh Deel refuses", async () => {
    const { emulator: deel } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    deel.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'deel', userId, () => contracts(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Deel, which documents no revocation endpoint: no request is sent', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'deel', { browser, userId });
  });

  it('/v2/people/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DEEL, person(110, 'Outage', 'Profile'), (deel) => deel.failNextProfile(500));
  });

  standardCases(() => context, DEEL, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(DEEL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
