import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startGoToEmulator, type GoToEmulator, type GoToUser } from './goto.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind the GoTo Developer Center gives an OAuth client: the secret, like the one in
// GoTo's own sample, holds `+` and `=`, which RFC 6749's form-encoding of Basic credentials would change.
const CLIENT_ID = 'b8c3f0d2-6e4a-4f1b-9a7d-2c5e8f1a3b6d';
const CLIENT_SECRET = 'q7Vd2Lm9+Xs4Tp1Rz6Wc3Q==';
const REDIRECT_URI = `${APP_ORIGIN}/auth/goto/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const DAY = 86_400;

function person(n: number, givenName: string, familyName: string): GoToUser {
  return { key: String(8_439_885_694_023_000_000n + BigInt(n)), userName: `${givenName}.${familyName}@example.com`.toLowerCase(), givenName, familyName };
}

/** Only the documented variables: the preset, the client, GoTo's OAuth endpoints and its API pointed at the emulator (the profile moves with the API base). */
function gotoEnv(goto: GoToEmulator): Record<string, string> {
  return presetEnv('goto', CLIENT_ID, CLIENT_SECRET, {
    GOTO_AUTHORIZE_URL: `${goto.origin}/oauth/authorize`,
    GOTO_ACCESS_TOKEN_URL: `${goto.origin}/oauth/token`,
    GOTO_API_BASE_URL: goto.origin,
  });
}

const GOTO: StandardProvider<GoToUser, GoToEmulator> = {
  preset: 'goto',
  displayName: 'GoTo',
  startEmulator: () => startGoToEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: gotoEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.key,
};

const meetings = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/goto/proxy/G2M/rest/historicalMeetings?startDate=2026-11-01T00:00:00Z&endDate=2026-12-01T00:00:00Z`);

describeEachDialect('GoTo, against an emulator of GoTo', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), GOTO);

  const signIn = (user: GoToUser) => signInAs(context, 'goto', user);

  it('signs in as the user key of /identity/v1/Users/me, with its display name and the user name as an unverified e-mail; no scope, no PKCE, the client by Basic as it is, a 60-minute token with a refresh token and the client’s scopes', async () => {
    const { database, emulator: goto, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.key);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.key, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada.lovelace@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'goto');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'identity:scim.me collab:' });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = goto.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = goto.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.has('client_secret')).toBe(false);
    expect(goto.server.requests.filter((r) => r.path === '/identity/v1/Users/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls GoTo Meeting’s API; 20 concurrent calls on an expired token make one refresh, whose answer has no token_type and no refresh token, so the one held is kept and works again', async () => {
    const { emulator: goto } = context;
    const { browser, userId } = await signIn(person(102, 'Grace', 'Hopper'));
    const first = await meetings(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject([{ subject: 'Weekly sync' }]);
    const { after } = await expectKeptAfterStorm(context, 'goto', userId, () => meetings(browser));
    expectAccessTokenLifetime(after, 3500, 3600);
    expect(goto.tokenForms.at(-1)!.get('grant_type')).toBe('refresh_token');
    const refreshed = await refreshAtProvider(`${goto.origin}/oauth/token`, CLIENT, after.refreshToken!);
    expect(refreshed.status).toBe(200);
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'principal', 'scope']);
  });

  it('a refresh token past its 30 days is answered a new one (with token_type) at the next refresh, which is kept in its place; the expired one is done', async () => {
    const { database, emulator: goto, app } = context;
    const { browser, userId } = await signIn(person(103, 'Alan', 'Turing'));
    const before = (await app.runtime.tokenStore.findToken(userId, 'goto'))!;
    goto.ageRefreshTokens(30 * DAY + 1);
    await expireAccessTokens(database, userId);
    const refreshes = goto.server.counts.refresh_token ?? 0;
    expect((await meetings(browser)).status).toBe(200);
    expect(goto.server.counts.refresh_token).toBe(refreshes + 1);
    const after = (await app.runtime.tokenStore.findToken(userId, 'goto'))!;
    expect(after.refreshToken).toEqual(expect.any(String));
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expectAccessTokenLifetime(after, 3500, 3600);
    expect((await refreshAtProvider(`${goto.origin}/oauth/token`, CLIENT, before.refreshToken!)).status).toBe(400);
    expect((await refreshAtProvider(`${goto.origin}/oauth/token`, CLIENT, after.refreshToken!)).status).toBe(200);
  });

  it("the client's access removed in GoTo marks the connection 'needs re-auth' after one refresh GoTo refuses", async () => {
    const { emulator: goto } = context;
    const leaving = person(104, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    goto.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'goto', userId, () => meetings(browser));
  });

  it('disconnect asks GoTo nothing (it documents no revocation) and forgets the tokens, which GoTo still takes', async () => {
    const { emulator: goto, app } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'goto'))!;
    await expectDisconnectAsksNothing(context, 'goto', { browser, userId });
    expect(goto.accepts(stored.accessToken)).toBe(true);
  });

  it('/identity/v1/Users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, GOTO, person(110, 'Outage', 'Profile'), (goto) => goto.failNextProfile(500));
  });

  standardCases(() => context, GOTO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(GOTO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('GoTo in production', () => {
  it('with the client alone, signs in at authentication.logmeininc.com, reads the SCIM user at api.getgo.com and calls the APIs at api.getgo.com and api.goto.com, with no scope and the client by Basic as it is', () => {
    const { settings } = presetInProduction('goto', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'GoTo',
      endpoints: {
        authorizationEndpoint: 'https://authentication.logmeininc.com/oauth/authorize',
        tokenEndpoint: 'https://authentication.logmeininc.com/oauth/token',
        userinfoEndpoint: 'https://api.getgo.com/identity/v1/Users/me',
      },
      scope: '',
      apiBaseUrl: 'https://api.getgo.com',
      extraApiBaseUrls: ['https://api.goto.com'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
    });
  });
});
