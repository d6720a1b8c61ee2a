import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startLineEmulator, type LineEmulator, type LineUser } from './line.emulator.js';

// A channel ID (ten digits) and a channel secret (32 hex digits), as the LINE Developers Console shows them.
const CLIENT_ID = '1657000001';
const CLIENT_SECRET = 'a3f1c2d4e5b6978012345678abcdef90';
const REDIRECT_URI = `${APP_ORIGIN}/auth/line/callback`;

function person(name: string): LineUser {
  return { userId: `U${createHash('md5').update(name).digest('hex')}`, displayName: name, email: `${name.split(' ')[0]!.toLowerCase()}@example.jp` };
}

/** Only the documented variables: the preset, the channel, the issuer pointed at the emulator, and the revocation endpoint and API that discovery does not move. */
function lineEnv(line: LineEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'line',
    LINE_PRESET: 'line',
    LINE_CLIENT_ID: CLIENT_ID,
    LINE_CLIENT_SECRET: CLIENT_SECRET,
    LINE_ISSUER: line.issuer,
    LINE_REVOCATION_URL: `${line.origin}/oauth2/v2.1/revoke`,
    LINE_API_BASE_URL: line.origin,
    ...extra,
  };
}

/** A refresh at LINE itself, as another copy of the token would make it. */
function refreshAtLine(line: LineEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${line.origin}/oauth2/v2.1/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const startEmulator = (options: { now?: () => number } = {}) => startLineEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...options });

const LINE: StandardProvider<LineUser, LineEmulator> = {
  preset: 'line',
  displayName: 'LINE',
  startEmulator: () => startEmulator(),
  env: lineEnv,
  people: {
    cancelled: person('Changed Mind'),
    'refused-code': person('Refused Code'),
    'wrong-secret': person('Wrong Secret'),
    'exchange-failure': person('Outage Person'),
  },
  subjectOf: (user) => user.userId,
};

describeEachDialect('LINE Login, against an emulator of LINE', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LINE);
  const signIn = (user: LineUser) => signInAs(context, 'line', user);

  const profile = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/line/proxy/v2/profile`);

  it("signs in as the sub of an ES256 ID token (asked for with id_token_key_type=JWK), with its name and picture; openid profile with PKCE and a nonce, the channel in the form, 30-day tokens with a refresh token", async () => {
    const { database, emulator: line, app } = context;
    const taro = person('Taro Yamada');
    const algorithms = line.idTokenAlgorithms.length;
    const { userId, request } = await signIn(taro);
    expect(request.get('scope')).toBe('openid profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(line.idTokenAlgorithms.slice(algorithms)).toEqual(['ES256']);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(taro.userId);
    expect(JSON.parse(account.claims)).toMatchObject({ sub: taro.userId, iss: line.issuer, aud: CLIENT_ID, picture: `https://profile.line-scdn.net/${taro.userId}` });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Taro Yamada' });
    const token = await app.runtime.tokenStore.findToken(userId, 'line');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid profile' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(2_592_000 - 100);
    expect(lifetime).toBeLessThanOrEqual(2_592_000);
    expect(line.server.requests.find((r) => r.path === '/oauth2/v2.1/token')!.headers.authorization).toBeUndefined();
  });

  it('the proxy calls /v2/profile; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the used one is refused', async () => {
    const { emulator: line } = context;
    const hanako = person('Hanako Sato');
    const { browser, userId } = await signIn(hanako);
    const first = await profile(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ userId: hanako.userId, displayName: 'Hanako Sato' });

    const { before } = await expectRotatedAfterStorm(context, 'line', userId, () => profile(browser));
    expect(await statusAndBody(refreshAtLine(line, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("an app the person removed in LINE marks the connection 'needs re-auth' after one refused refresh; disconnect then counts the grant as revoked", async () => {
    const { emulator: line, app } = context;
    const leaving = person('Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    line.removeAppInLine(leaving);
    const refreshes = line.server.counts.refresh_token ?? 0;
    const call = await profile(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(line.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'line'))!.status).toBe('needs_reauth');
    expect(await disconnectThrough(browser, 'line')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'line')).toBeUndefined();
  });

  it('disconnect revokes the access token at /oauth2/v2.1/revoke with the channel in the form, and both tokens end', async () => {
    const { emulator: line } = context;
    const { browser, userId } = await signIn(person('Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'line', { browser, userId }, { requests: 1 });
    expect(line.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtLine(line, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, LINE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describe('LINE Login with the e-mail permission', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), { startEmulator: LINE.startEmulator, env: (line) => lineEnv(line, { LINE_SCOPE: 'openid profile email' }) });

  it("stores the ID token's e-mail, its verification unknown (LINE sends no email_verified)", async () => {
    const { database } = context;
    const { userId, request } = await signInAs(context, 'line', person('Mail Person'));
    expect(request.get('scope')).toBe('openid profile email');
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'mail@example.jp', email_verified: null });
  });
});

describeKeepAlive(LINE, {
  title: 'LINE refresh tokens (90 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 90, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startEmulator({ now }),
  person: person('Idle Person'),
  dueAfterDays: 83,
  // 114 days after sign-in: the sweep's 30-day access token has ended and the first refresh token (90 days, and rotated out) with it.
  usedAgainAfterDays: 31,
  firstRefreshTokenRefused: async (line, refreshToken) => {
    expect((await refreshAtLine(line, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(LINE, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });
