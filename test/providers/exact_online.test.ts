import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { EXACT_ONLINE_ACCESS_TOKEN_SECONDS, startExactOnlineEmulator, type ExactOnlineEmulator, type ExactOnlineUser } from './exact_online.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (a GUID) and secret as Exact Online's App Center shows them for a registered app.
const CLIENT_ID = '5d1b2c3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT_SECRET = 'Xy7kQ2mP9vR4';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/exact_online/callback`;

function person(id: number, firstName: string, lastName: string): ExactOnlineUser {
  return { userId: `7c0a9e1b-3d24-4f6a-9b8c-${String(id).padStart(12, '0')}`, userName: firstName.toLowerCase(), firstName, lastName, division: 1_234_000 + id };
}

/** Only the documented variables: the preset, the client, and the country's site (`<NAME>_BASE_URL`) pointed at the emulator. */
function exactEnv(exact: ExactOnlineEmulator): Record<string, string> {
  return presetEnv('exact_online', CLIENT_ID, CLIENT_SECRET, { EXACT_ONLINE_BASE_URL: exact.origin });
}

let started: ExactOnlineEmulator | undefined;
const subjectAt = (exact: ExactOnlineEmulator, user: ExactOnlineUser) => `${user.userId}@${new URL(exact.origin).host}`;

const EXACT: StandardProvider<ExactOnlineUser, ExactOnlineEmulator> = {
  preset: 'exact_online',
  displayName: 'Exact Online',
  startEmulator: async () => (started = await startExactOnlineEmulator({ ...CLIENT, redirectUri: REDIRECT_URI })),
  env: exactEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => subjectAt(started!, user),
};

const accounts = (browser: TestBrowser, division: number) =>
  browser.get(`${APP_ORIGIN}/api/providers/exact_online/proxy/v1/${division}/crm/Accounts?$select=ID,Code,Name`, { headers: { accept: 'application/json' } });

describeEachDialect('Exact Online, against an emulator of a country site', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EXACT);
  const signIn = (user: ExactOnlineUser) => signInAs(context, 'exact_online', user);
  const tokenUrl = () => `${context.emulator.origin}/api/oauth2/token`;

  it("signs in as current/Me's UserID qualified by the site's host, with the full name, the login name, an unverified e-mail and the current division; no scope, no PKCE, the client in the form, a ten-minute token (its expires_in a string) with a refresh token", async () => {
    const { database, emulator: exact, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(subjectAt(exact, ada));
    expect(JSON.parse(account.claims)).toEqual({
      id: subjectAt(exact, ada),
      user_id: ada.userId,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'ada',
      email: 'ada@example.nl',
      locale: 'nl-NL',
      picture: `${exact.origin}/docs/SysImage.aspx?Table=Users&ID=${ada.userId}`,
      division: '1234101',
    });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.nl' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'exact_online');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, EXACT_ONLINE_ACCESS_TOKEN_SECONDS - 60, EXACT_ONLINE_ACCESS_TOKEN_SECONDS);
    const exchange = exact.server.requests.findLast((r) => r.path === '/api/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const me = exact.server.requests.findLast((r) => r.path === '/api/v1/current/Me')!;
    expect(me.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(me.headers.accept).toContain('application/json');
  });

  it('signing in again after a change of login name finds the same person by the UserID', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), userName: 'admiral' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the REST API under /api; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept, and the spent one is refused', async () => {
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await accounts(browser, 1_234_102);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ d: { results: [{ Name: 'Bakkerij de Vries', Division: 1_234_102 }] } });
    const { before, after } = await expectRotatedAfterStorm(context, 'exact_online', userId, () => accounts(browser, 1_234_102));
    expectAccessTokenLifetime(after, EXACT_ONLINE_ACCESS_TOKEN_SECONDS - 60, EXACT_ONLINE_ACCESS_TOKEN_SECONDS);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: '600', refresh_token: expect.any(String) });
  });

  it("the app's access removed: the refused refresh marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: exact } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    exact.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'exact_online', userId, () => accounts(browser, leaving.division));
  });

  it('disconnect asks Exact Online nothing (no revocation endpoint is documented) and forgets the tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'exact_online', { browser, userId });
  });

  it('current/Me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, EXACT, person(110, 'Outage', 'Profile'), (exact) => exact.failNextProfile(500));
  });

  standardCases(() => context, EXACT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(EXACT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Exact Online in production', () => {
  const { settings } = presetInProduction('exact_online', CLIENT);

  it('with the client alone, signs in at the Dutch site, reads current/Me and calls the API there, with no scope and the client in the form', () => {
    expect(settings({})).toMatchObject({
      displayName: 'Exact Online',
      endpoints: {
        authorizationEndpoint: 'https://start.exactonline.nl/api/oauth2/auth',
        tokenEndpoint: 'https://start.exactonline.nl/api/oauth2/token',
        userinfoEndpoint: 'https://start.exactonline.nl/api/v1/current/Me',
      },
      scope: '',
      apiBaseUrl: 'https://start.exactonline.nl/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });

  it("another country's site (EXACT_ONLINE_BASE_URL) moves every endpoint there", () => {
    expect(settings({ EXACT_ONLINE_BASE_URL: 'https://start.exactonline.be/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://start.exactonline.be/api/oauth2/auth',
        tokenEndpoint: 'https://start.exactonline.be/api/oauth2/token',
        userinfoEndpoint: 'https://start.exactonline.be/api/v1/current/Me',
      },
      apiBaseUrl: 'https://start.exactonline.be/api',
    });
  });
});
