import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startCoinbaseEmulator, type CoinbaseEmulator, type CoinbaseUser } from './coinbase.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form the CDP Portal shows.
const CLIENT_ID = '2f6c1a9e-7b3d-4e8f-9a0b-1c2d3e4f5a6b';
const CLIENT_SECRET = 'cb_secret_8Jd2kL9mQ4rT7vX1zB5nC3fG6hW0yA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/coinbase/callback`;

function person(id: string, name: string): CoinbaseUser {
  const username = name.toLowerCase().replace(/\W+/g, '');
  return { id, name, username, email: `${username}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user moves with the API base). */
function coinbaseEnv(coinbase: CoinbaseEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('coinbase', CLIENT_ID, CLIENT_SECRET, {
    COINBASE_AUTHORIZE_URL: `${coinbase.origin}/oauth2/auth`,
    COINBASE_ACCESS_TOKEN_URL: `${coinbase.origin}/oauth2/token`,
    COINBASE_REVOCATION_URL: `${coinbase.origin}/oauth2/revoke`,
    COINBASE_API_BASE_URL: coinbase.origin,
    ...extra,
  });
}

/** A refresh at Coinbase itself, as another copy of the token would make it. */
function refreshAtCoinbase(coinbase: CoinbaseEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${coinbase.origin}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const COINBASE: StandardProvider<CoinbaseUser, CoinbaseEmulator> = {
  preset: 'coinbase',
  displayName: 'Coinbase',
  startEmulator: () => startCoinbaseEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: coinbaseEnv,
  people: {
    cancelled: person('0b6f3c1e-0000-4000-8000-000000000101', 'Changed Mind'),
    'refused-code': person('0b6f3c1e-0000-4000-8000-000000000102', 'Refused Code'),
    'wrong-secret': person('0b6f3c1e-0000-4000-8000-000000000103', 'Wrong Secret'),
    'exchange-failure': person('0b6f3c1e-0000-4000-8000-000000000104', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

const accounts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/coinbase/proxy/v2/accounts`);

describeEachDialect('Coinbase, against an emulator of Coinbase', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), COINBASE);

  const signIn = (user: CoinbaseUser) => signInAs(context, 'coinbase', user);

  it('signs in as the id of /v2/user (under data) with its name, username and e-mail (verification unknown); the scopes comma-separated with offline_access, the client in the form, an hour-long token with a refresh token', async () => {
    const { database, emulator: coinbase, app } = context;
    const { userId, request } = await signIn(person('9da7a204-544e-5fd1-9a12-61176c5d4cd8', 'User One'));
    expect(request.get('scope')).toBe('wallet:user:read,wallet:user:email,wallet:accounts:read,offline_access');
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(8);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('9da7a204-544e-5fd1-9a12-61176c5d4cd8');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '9da7a204-544e-5fd1-9a12-61176c5d4cd8', username: 'userone', resource: 'user', native_currency: 'USD' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'userone@example.com', name: 'User One' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'coinbase');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'wallet:user:read wallet:user:email wallet:accounts:read offline_access' });
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(coinbase.server.requests.find((r) => r.path === '/oauth2/token')!.headers.authorization).toBeUndefined();
  });

  it('the proxy reaches the v2 API; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Coinbase refuses the refresh token already exchanged', async () => {
    const { emulator: coinbase } = context;
    const { browser, userId } = await signIn(person('0b6f3c1e-0000-4000-8000-000000000201', 'Storm Person'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'coinbase', userId, () => accounts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ name: 'BTC Wallet of stormperson', currency: { code: 'BTC' } }] });
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshAtCoinbase(coinbase, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a refresh token Coinbase refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: coinbase, app } = context;
    const { browser, userId } = await signIn(person('0b6f3c1e-0000-4000-8000-000000000202', 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'coinbase');
    // Exchanged behind the app's back (another copy of the token used it): Coinbase takes each refresh token once.
    expect((await refreshAtCoinbase(coinbase, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: coinbase }, 'coinbase', userId, () => accounts(browser));
  });

  it('disconnect revokes at /oauth2/revoke with the access token as token and as Bearer, which ends the grant', async () => {
    const { emulator: coinbase } = context;
    const { browser, userId } = await signIn(person('0b6f3c1e-0000-4000-8000-000000000203', 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'coinbase', { browser, userId }, { requests: 1 });
    expect(coinbase.revoked.at(-1)).toBe(stored.accessToken);
    expect(coinbase.server.requests.filter((r) => r.path === '/oauth2/revoke').at(-1)!.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(coinbase.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtCoinbase(coinbase, stored.refreshToken!)).status).toBe(400);
  });

  it('disconnect on an expired access token refreshes it first, then revokes the live one', async () => {
    const { database, emulator: coinbase, app } = context;
    const { browser, userId } = await signIn(person('0b6f3c1e-0000-4000-8000-000000000204', 'Late Leaver'));
    await expireAccessTokens(database, userId);
    const refreshes = coinbase.server.counts.refresh_token ?? 0;
    expect(await disconnectThrough(browser, 'coinbase')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(coinbase.server.counts.refresh_token).toBe(refreshes + 1);
    expect(coinbase.accepts(coinbase.revoked.at(-1)!)).toBe(false);
    expect(await app.runtime.tokenStore.findToken(userId, 'coinbase')).toBeUndefined();
  });

  standardCases(() => context, COINBASE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Coinbase without offline_access', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: COINBASE.startEmulator,
    env: (coinbase) => coinbaseEnv(coinbase, { COINBASE_SCOPE: 'wallet:user:read wallet:accounts:read' }),
  });

  it('keeps no refresh token and no e-mail (no wallet:user:email); once the access token ends, the connection needs signing in again and Coinbase is asked for no token', async () => {
    const { database, emulator: coinbase, app } = context;
    const { browser, userId, request } = await signInAs(context, 'coinbase', person('0b6f3c1e-0000-4000-8000-000000000301', 'Short Lived'));
    expect(request.get('scope')).toBe('wallet:user:read,wallet:accounts:read');
    expect(await app.runtime.tokenStore.findToken(userId, 'coinbase')).toMatchObject({ refreshToken: null, scope: 'wallet:user:read wallet:accounts:read' });
    expect((await database.db.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirstOrThrow()).email).toBeNull();
    expect((await accounts(browser)).status).toBe(200);
    await expireAccessTokens(database, userId);
    const tokenRequests = coinbase.server.counts.token_request ?? 0;
    const call = await accounts(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(coinbase.server.counts.token_request ?? 0).toBe(tokenRequests);
  });
});

describeKeepAlive(COINBASE, {
  title: 'Coinbase refresh tokens (1.5 years) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 547, and the connection outlives that refresh token',
  startEmulator: (now) => startCoinbaseEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person('0b6f3c1e-0000-4000-8000-000000000401', 'Idle Person'),
  dueAfterDays: 540,
  // Past the first refresh token's 1.5 years, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(COINBASE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
