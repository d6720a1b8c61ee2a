import { describe, expect, it } from 'vitest';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startXEmulator, type XEmulator, type XUser } from './x.emulator.js';

const CLIENT_ID = 'M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ';
/**
 * Letters and digits only: the same under RFC 2617 Basic (what X documents)
 * and under the RFC 6749 §2.3.1 form-encoding openid-client applies first.
 * A secret with `-` or `_`, as X issues them, is the last test of this file.
 */
const CLIENT_SECRET = 'RoKx3x58JA8Sm9JIt2fmAjq3q5GXbqZ3vjJxSeGsdmGtXEbP';
const REDIRECT_URI = `${APP_ORIGIN}/auth/x/callback`;

function person(id: string, name: string, username: string): XUser {
  return { id, name, username, confirmedEmail: `${username}@x.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints pointed at the emulator. */
function xEnv(x: XEmulator, secret = CLIENT_SECRET): Record<string, string> {
  return presetEnv('x', CLIENT_ID, secret, {
    X_AUTHORIZE_URL: `${x.origin}/i/oauth2/authorize`,
    X_ACCESS_TOKEN_URL: `${x.origin}/2/oauth2/token`,
    X_USERINFO_URL: `${x.origin}/2/users/me?user.fields=confirmed_email`,
    X_REVOCATION_URL: `${x.origin}/2/oauth2/revoke`,
    X_API_BASE_URL: x.origin,
  });
}

const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

const X: StandardProvider<XUser, XEmulator> = {
  preset: 'x',
  displayName: 'X',
  startEmulator: () => startXEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: xEnv,
  people: {
    'refused-code': person('1004', 'Refused Code', 'refused'),
    'wrong-secret': person('2001', 'Wrong Secret', 'wrong'),
    'exchange-failure': person('2002', 'Outage', 'outage'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('X, against an emulator of X', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), X);

  const signIn = (user: XUser) => signInAs(context, 'x', user);

  it('signs in with PKCE and Basic client credentials as the user id under data, with name, username and the confirmed e-mail', async () => {
    const { database, emulator: x, app } = context;
    const { userId, request } = await signIn(person('2244994945', 'X Dev', 'XDevelopers'));
    expect(request.get('scope')).toBe('tweet.read users.read users.email offline.access');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('2244994945');
    expect(JSON.parse(account.claims)).toMatchObject({ email_verified: true });
    const user = await database.db.selectFrom('users').select(['username', 'name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ username: 'xdevelopers', name: 'X Dev', email: 'XDevelopers@x.test' });
    const token = await app.runtime.tokenStore.findToken(userId, 'x');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'tweet.read users.read users.email offline.access' });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(7000);
    const exchange = x.server.requests.find((r) => r.path === '/2/oauth2/token')!;
    expect(exchange.headers.authorization).toBe(basic);
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, and the rotated refresh token is kept', async () => {
    const { emulator: x } = context;
    const { browser, userId } = await signIn(person('1001', 'Storm Rotating', 'storm'));
    const { answers } = await expectRotatedAfterStorm(context, 'x', userId, () => browser.get(`${APP_ORIGIN}/api/providers/x/proxy/2/users/me`));
    expect(JSON.parse(answers[0]!.text)).toEqual({ data: { id: '1001', name: 'Storm Rotating', username: 'storm' } });
  });

  it("a refresh token X refuses (400 invalid_request, 'Value passed for the token was invalid.') marks the connection 'needs re-auth'", async () => {
    const { database, emulator: x, app } = context;
    const { browser, userId } = await signIn(person('1002', 'Revoked Elsewhere', 'revoked'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'x');
    const revoke = await fetch(`${x.origin}/2/oauth2/revoke`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ token: stored!.refreshToken! }) });
    expect(await revoke.json()).toEqual({ revoked: true });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: x }, 'x', userId, () => browser.get(`${APP_ORIGIN}/api/providers/x/proxy/2/users/me`));
  });

  it('disconnect revokes both tokens at /2/oauth2/revoke with Basic credentials, so neither works at X', async () => {
    const { emulator: x } = context;
    const { browser, userId } = await signIn(person('1003', 'Leaving', 'leaving'));
    const stored = await expectDisconnectRevokes(context, 'x', { browser, userId }, { requests: 2 });
    expect(x.server.requests.findLast((r) => r.path === '/2/oauth2/revoke')!.headers.authorization).toBe(basic);
    expect(x.accepts(stored.accessToken)).toBe(false);
    const refresh = await fetch(`${x.origin}/2/oauth2/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored.refreshToken! }) });
    expect(refresh.status).toBe(400);
  });

  standardCases(() => context, X, { refusedCode: { sentAs: "400 invalid_request, 'Value passed for the authorization code was invalid.'" } });
});

describeClientFailures(X, { wrongSecret: { sentAs: '401 unauthorized_client', error: 'unauthorized_client', secret: 'notTheSecret' }, exchangeFailure: {} });

describe('X with a client secret holding "-" and "_", as X issues them', () => {
  const secret = '-RoKx3x58JA8Sm9JIt2fmAjq3q5GX-bqZ3vjJxSeGs_mGtXEbP';
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), { startEmulator: () => startXEmulator({ clientId: CLIENT_ID, clientSecret: secret, redirectUri: REDIRECT_URI }), env: (x) => xEnv(x, secret) });

  // X decodes Basic as RFC 2617 (its documented scheme): form-encoded first (RFC 6749 §2.3.1), `-` would arrive as `%2D`.
  it('signs in with a client secret holding `-`, `_` and `.`: Basic credentials go plain', async () => {
    const { emulator: x, app } = context;
    x.signInAs(person('3001', 'Dash Secret', 'dash'));
    const page = await signInThrough(app.browser(), 'x');
    expect(page.status).toBe(200);
  });
});
