import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWhoopEmulator, type WhoopEmulator, type WhoopUser } from './whoop.emulator.js';

// A client id and secret of the form the WHOOP Developer Dashboard shows.
const CLIENT_ID = '7c4a8d09-ca37-4e21-9b5f-1a2b3c4d5e6f';
const CLIENT_SECRET = '0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/whoop/callback`;

function person(userId: number, firstName: string, lastName: string): WhoopUser {
  return { userId, firstName, lastName, email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function whoopEnv(whoop: WhoopEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'whoop',
    WHOOP_PRESET: 'whoop',
    WHOOP_CLIENT_ID: CLIENT_ID,
    WHOOP_CLIENT_SECRET: CLIENT_SECRET,
    WHOOP_AUTHORIZE_URL: `${whoop.origin}/oauth/oauth2/auth`,
    WHOOP_ACCESS_TOKEN_URL: `${whoop.origin}/oauth/oauth2/token`,
    WHOOP_API_BASE_URL: `${whoop.origin}/developer`,
  };
}

/** A refresh at WHOOP itself, as another copy of the token would make it. */
function refreshAtWhoop(whoop: WhoopEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${whoop.origin}/oauth/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', extra: { scope: 'offline' } });
}

const WHOOP: StandardProvider<WhoopUser, WhoopEmulator> = {
  preset: 'whoop',
  displayName: 'WHOOP',
  startEmulator: () => startWhoopEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: whoopEnv,
  people: {
    cancelled: person(10108, 'Changed', 'Mind'),
    'refused-code': person(10109, 'Refused', 'Code'),
    'wrong-secret': person(10301, 'Wrong', 'Secret'),
    'exchange-failure': person(10302, 'Outage', 'Person'),
  },
  subjectOf: (user) => String(user.userId),
};

const cycles = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/whoop/proxy/v2/cycle?limit=2`);

describeEachDialect('WHOOP, against an emulator of WHOOP', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WHOOP);

  const signIn = (user: WhoopUser) => signInAs(context, 'whoop', user);

  it('signs in as the user_id of /v2/user/profile/basic with the first and last names and the e-mail (verification unknown); offline and the data scopes asked, a state of 8 or more characters, no PKCE, the client in the form, an hour-long token with a refresh token', async () => {
    const { database, emulator: whoop, app } = context;
    const ada = person(10101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('offline read:profile read:recovery read:cycles read:sleep read:workout');
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(8);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('10101');
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: 10101, given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'whoop');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'offline read:profile read:recovery read:cycles read:sleep read:workout' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(3500);
    expect(lifetime).toBeLessThanOrEqual(3600);
    expect(whoop.server.requests.find((r) => r.path === '/oauth/oauth2/token')!.headers.authorization).toBeUndefined();
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, sent with scope=offline, the new pair is kept with every scope, and the spent refresh token is refused', async () => {
    const { emulator: whoop } = context;
    const { browser, userId } = await signIn(person(10102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'whoop', userId, () => cycles(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ records: [{ id: 93845, user_id: 10102 }, { id: 93846 }], next_token: null });
    expect(whoop.refreshScopes.at(-1)).toBe('offline');
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshAtWhoop(whoop, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed in the person's WHOOP account marks the connection 'needs re-auth' after WHOOP's 401, with one refused refresh", async () => {
    const { emulator: whoop, app } = context;
    const leaving = person(10103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    whoop.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'whoop', userId, () => cycles(browser));
  });

  it("disconnect revokes the person's grant with DELETE /v2/user/access, the access token as Bearer, and its tokens end", async () => {
    const { emulator: whoop } = context;
    const { browser, userId } = await signIn(person(10104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'whoop', { browser, userId }, { requests: 1 });
    const sent = whoop.server.requests.filter((r) => r.path === '/developer/v2/user/access').at(-1)!;
    expect(sent.method).toBe('DELETE');
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(whoop.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtWhoop(whoop, stored.refreshToken!)).status).toBe(400);
  });

  it("disconnect after the app was removed: WHOOP's 401 for the token it no longer has counts as revoked", async () => {
    const { emulator: whoop, app } = context;
    const gone = person(10106, 'Already', 'Gone');
    const { browser, userId } = await signIn(gone);
    whoop.removeApp(gone);
    expect(await disconnectThrough(browser, 'whoop')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'whoop')).toBeUndefined();
  });

  it('the profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, WHOOP, person(10110, 'Outage', 'Profile'), (whoop) => whoop.failNextProfile(500));
  });

  standardCases(() => context, WHOOP, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('WHOOP without the offline scope', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: WHOOP.startEmulator, env: (whoop) => ({ ...whoopEnv(whoop), WHOOP_SCOPE: 'read:profile read:cycles' }) });

  it('keeps no refresh token; once the access token ends, the connection needs signing in again and WHOOP is asked for no token', async () => {
    const { database, emulator: whoop, app } = context;
    const { browser, userId } = await signInAs(context, 'whoop', person(10120, 'Short', 'Lived'));
    expect(await app.runtime.tokenStore.findToken(userId, 'whoop')).toMatchObject({ refreshToken: null, scope: 'read:profile read:cycles' });
    expect((await cycles(browser)).status).toBe(200);
    await expireAccessTokens(database, userId);
    const tokenRequests = whoop.server.counts.token_request ?? 0;
    const call = await cycles(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(whoop.server.counts.token_request ?? 0).toBe(tokenRequests);
  });
});

describeClientFailures(WHOOP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
