import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMonzoEmulator, type MonzoEmulator, type MonzoUser } from './monzo.emulator.js';

// A client id and secret of the kind Monzo's developer tools give a confidential OAuth client.
const CLIENT_ID = 'oauth2client_00009ZxTqB2lnHqMbC8sUn';
const CLIENT_SECRET = 'mnzconf.Yq0dJH3s1zVwR8uTbXk2LpNf5aGc7eQi9mOyD4hW6jSvA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/monzo/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

/** A Monzo user numbered `n`; the name only describes their account, as /ping/whoami names no one. */
function person(n: number, name: string): MonzoUser {
  return { userId: `user_00009237hliZellUic${String(n).padStart(4, '0')}`, accountDescription: `${name}'s Account` };
}

/** Only the documented variables: the preset, the client, and Monzo's OAuth endpoints and API pointed at the emulator (the profile moves with the API base). */
function monzoEnv(monzo: MonzoEmulator): Record<string, string> {
  return presetEnv('monzo', CLIENT_ID, CLIENT_SECRET, {
    MONZO_AUTHORIZE_URL: `${monzo.origin}/`,
    MONZO_ACCESS_TOKEN_URL: `${monzo.origin}/oauth2/token`,
    MONZO_REVOCATION_URL: `${monzo.origin}/oauth2/logout`,
    MONZO_API_BASE_URL: monzo.origin,
  });
}

const MONZO: StandardProvider<MonzoUser, MonzoEmulator> = {
  preset: 'monzo',
  displayName: 'Monzo',
  startEmulator: () => startMonzoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: (monzo) => monzoEnv(monzo),
  people: standardPeople(person),
  subjectOf: (user) => user.userId,
};

const accounts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/monzo/proxy/accounts`);

describeEachDialect('Monzo, against an emulator of Monzo', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MONZO);

  const signIn = (user: MonzoUser) => signInAs(context, 'monzo', user);

  it('signs in as the user_id of /ping/whoami, with no name or e-mail; no scope, no PKCE, the client in the form, a 6-hour token with a refresh token', async () => {
    const { database, emulator: monzo, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect([...request.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'response_type', 'state']);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userId);
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: ada.userId });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'monzo');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 21_500, 21_600);
    const exchange = monzo.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(monzo.server.requests.find((r) => r.path === '/ping/whoami')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept, the spent one refused, and the old access token ended', async () => {
    const { emulator: monzo } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'monzo', userId, () => accounts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ accounts: [{ description: "Alan Turing's Account" }] });
    expectAccessTokenLifetime(after, 21_500, 21_600);
    expect(monzo.accepts(before.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtProvider(`${monzo.origin}/oauth2/token`, CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const refreshed = await refreshAtProvider(`${monzo.origin}/oauth2/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'client_id', 'expires_in', 'refresh_token', 'token_type', 'user_id']);
  });

  it('until the person approves the access in the Monzo app, API calls pass on 403 and the connection stays; once approved, the same token works', async () => {
    const { emulator: monzo, app } = context;
    const pending = person(105, 'Pending Approval');
    monzo.awaitApproval(pending);
    const { browser, userId } = await signIn(pending);
    const refreshes = monzo.server.counts.refresh_token ?? 0;
    const refused = await accounts(browser);
    expect(refused.status).toBe(403);
    expect(monzo.server.counts.refresh_token ?? 0).toBe(refreshes);
    const held = await app.runtime.tokenStore.findToken(userId, 'monzo');
    expect(held?.status).toBe('active');
    monzo.approveInApp(pending);
    const approved = await accounts(browser);
    expect(approved.status).toBe(200);
    expect(monzo.server.counts.refresh_token ?? 0).toBe(refreshes);
    expect((await app.runtime.tokenStore.findToken(userId, 'monzo'))!.accessToken).toBe(held!.accessToken);
  });

  it('signing in again ends the earlier token at Monzo (one active token per user and client); the connection holds the new one and calls work', async () => {
    const { emulator: monzo, app } = context;
    const twice = person(106, 'Signs Twice');
    const first = await signIn(twice);
    const earlier = await app.runtime.tokenStore.findToken(first.userId, 'monzo');
    const second = await signIn(twice);
    expect(second.userId).toBe(first.userId);
    expect(monzo.accepts(earlier!.accessToken)).toBe(false);
    const now = await app.runtime.tokenStore.findToken(first.userId, 'monzo');
    expect(now!.accessToken).not.toBe(earlier!.accessToken);
    expect(monzo.accepts(now!.accessToken)).toBe(true);
    expect((await accounts(first.browser)).status).toBe(200);
  });

  it("the app removed in the Monzo app marks the connection 'needs re-auth' after one refresh Monzo refuses", async () => {
    const { emulator: monzo } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    monzo.removeAppInMonzo(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'monzo', userId, () => accounts(browser));
  });

  it('disconnect logs the token out at Monzo with the access token as Bearer, and it can no longer be refreshed', async () => {
    const { emulator: monzo } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'monzo', { browser, userId }, { requests: 1 });
    expect(monzo.logouts.at(-1)).toBe(`Bearer ${stored.accessToken}`);
    expect(monzo.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(`${monzo.origin}/oauth2/token`, CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it("the emulator's API refuses a token it does not take as Monzo documents: 401 with error invalid_token", async () => {
    const { emulator: monzo } = context;
    const unknown = await fetch(`${monzo.origin}/accounts`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('/ping/whoami failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MONZO, person(110, 'Outage Profile'), (monzo) => monzo.failNextProfile(500));
  });

  standardCases(() => context, MONZO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(MONZO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Monzo in production', () => {
  it('with the client alone, signs in at auth.monzo.com, reads /ping/whoami, logs out there and calls api.monzo.com', () => {
    const { settings } = presetInProduction('monzo', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Monzo',
      endpoints: {
        authorizationEndpoint: 'https://auth.monzo.com/',
        tokenEndpoint: 'https://api.monzo.com/oauth2/token',
        userinfoEndpoint: 'https://api.monzo.com/ping/whoami',
        revocationEndpoint: 'https://api.monzo.com/oauth2/logout',
      },
      scope: '',
      apiBaseUrl: 'https://api.monzo.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'user_id',
    });
  });
});
