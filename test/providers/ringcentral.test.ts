import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startRingCentralEmulator, type RingCentralEmulator, type RingCentralUser } from './ringcentral.emulator.js';

// A client id and secret of the form the RingCentral Developer Console shows (22 characters of base64url, `-` and `_` among them).
const CLIENT_ID = 'Xr2Lq-9aTQe0b_Wk7Jp3Nf';
const CLIENT_SECRET = 'k3Hq_Vb8-Rz2sLw9YtPmA4cDfGhJ5nUx6oE1iQr7';
const REDIRECT_URI = `${APP_ORIGIN}/auth/ringcentral/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const DAY = 86_400;

function person(id: number, firstName: string, lastName: string, extensionNumber = '101'): RingCentralUser {
  return { id, accountId: 37_439_510, extensionNumber, firstName, lastName, email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and RINGCENTRAL_BASE_URL (as for the sandbox) pointing every endpoint and the API at the emulator. */
function ringcentralEnv(ringcentral: RingCentralEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'ringcentral',
    RINGCENTRAL_PRESET: 'ringcentral',
    RINGCENTRAL_CLIENT_ID: CLIENT_ID,
    RINGCENTRAL_CLIENT_SECRET: CLIENT_SECRET,
    RINGCENTRAL_BASE_URL: ringcentral.origin,
  };
}

/** A refresh at RingCentral itself, as another copy of the refresh token would make it. */
function refreshAtRingCentral(ringcentral: RingCentralEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${ringcentral.origin}/restapi/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const startEmulator = (now?: () => number) => startRingCentralEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const RINGCENTRAL: StandardProvider<RingCentralUser, RingCentralEmulator> = {
  preset: 'ringcentral',
  displayName: 'RingCentral',
  startEmulator: () => startEmulator(),
  env: ringcentralEnv,
  people: {
    cancelled: person(256_440_108, 'Changed', 'Mind'),
    'refused-code': person(256_440_109, 'Refused', 'Code'),
    'wrong-secret': person(256_440_301, 'Wrong', 'Secret'),
    'exchange-failure': person(256_440_302, 'Outage', 'Person'),
  },
  subjectOf: (user) => String(user.id),
};

const extension = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/ringcentral/proxy/restapi/v1.0/account/~/extension/~`);

describeEachDialect('RingCentral, against an emulator of its platform server', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), RINGCENTRAL);

  const signIn = (user: RingCentralUser) => signInAs(context, 'ringcentral', user);

  it("signs in as the extension id of /account/~/extension/~ (the token answer's owner_id), with its name and contact e-mail (unverified); no scope asked (the app's permissions), PKCE, Basic credentials as they are, and a week-long refresh token beside the hour-long access token", async () => {
    const { database, emulator: ringcentral, app } = context;
    const { userId, request } = await signIn(person(256_440_016, 'Ada', 'Lovelace'));
    expect(request.get('scope')).toBeNull();
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('256440016');
    expect(JSON.parse(account.claims)).toMatchObject({ extension_number: '101', account_id: '37439510' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'ringcentral');
    const now = Math.floor(Date.now() / 1000);
    expect(token!.scope).toBe('ReadAccounts CallControl ReadCallLog');
    expect(token!.expiresAt! - now).toBeGreaterThan(3600 - 100);
    expect(token!.expiresAt! - now).toBeLessThanOrEqual(3600);
    expect(token!.refreshTokenExpiresAt! - now).toBeGreaterThan(7 * DAY - 100);
    expect(ringcentral.server.requests.find((r) => r.path === '/restapi/oauth/token')!.headers.authorization).toBe(BASIC);
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and the old access token no longer works', async () => {
    const { emulator: ringcentral } = context;
    const { browser, userId } = await signIn(person(256_440_102, 'Grace', 'Hopper', '102'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'ringcentral', userId, () => extension(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ id: 256_440_102, extensionNumber: '102' });
    expect(ringcentral.accepts(before.accessToken)).toBe(false);
    expect((await refreshAtRingCentral(ringcentral, before.refreshToken!)).status).toBe(400);
  });

  it("the app's session ended in RingCentral marks the connection 'needs re-auth' after one refresh RingCentral refuses", async () => {
    const { emulator: ringcentral, app } = context;
    const leaving = person(256_440_103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    ringcentral.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'ringcentral', userId, () => extension(browser));
  });

  it('disconnect ends the session at /restapi/oauth/revoke with one request, the refresh token and Basic credentials: RingCentral takes neither token any more', async () => {
    const { emulator: ringcentral } = context;
    const { browser, userId } = await signIn(person(256_440_104, 'Goodbye', 'Person'));
    const token = await expectDisconnectRevokes(context, 'ringcentral', { browser, userId }, { requests: 1 });
    expect(ringcentral.server.requests.findLast((r) => r.path.startsWith('/restapi/oauth/revoke'))!.headers.authorization).toBe(BASIC);
    expect(ringcentral.accepts(token.accessToken)).toBe(false);
    expect((await refreshAtRingCentral(ringcentral, token.refreshToken!)).status).toBe(400);
  });

  it('disconnect after the session ended in RingCentral still deletes the connection, the revocation counted as done', async () => {
    const { emulator: ringcentral, app } = context;
    const gone = person(256_440_105, 'Already', 'Gone');
    const { browser, userId } = await signIn(gone);
    ringcentral.removeAccess(gone);
    expect((await extension(browser)).status).toBe(401);
    expect(await disconnectThrough(browser, 'ringcentral')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'ringcentral')).toBeUndefined();
  });

  standardCases(() => context, RINGCENTRAL, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant (OAU-226)' } });
});

describeKeepAlive(RINGCENTRAL, {
  title: 'RingCentral week-long refresh tokens and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 42 hours of its refresh token, and the new refresh token outlives the first',
  startEmulator: (now) => startEmulator(now),
  person: person(256_440_201, 'Idle', 'Person'),
  // A quarter of the week's life before its end: 5.25 days after sign-in.
  dueAfterDays: 5.25,
  usedAgainAfterDays: 3,
  firstRefreshTokenRefused: async (ringcentral, refreshToken) => {
    const answer = await refreshAtRingCentral(ringcentral, refreshToken);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_grant' });
  },
});

describeClientFailures(RINGCENTRAL, { wrongSecret: { sentAs: '401 invalid_client (OAU-123)' }, exchangeFailure: {} });
