import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { ProviderUnavailableError } from '../../src/client/errors.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, rowCounts, standardCases, useProviderTest, wrongSecretAtRefresh, type StandardProvider } from './kit/standard-cases.js';
import { startKickEmulator, type KickEmulator, type KickUser } from './kick.emulator.js';

// A client id and secret of the forms Kick's developer settings show.
const CLIENT_ID = '01JNV8Q2XK4Y7ZB3C5D6E7F8G9';
const CLIENT_SECRET = '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/kick/callback`;

function person(userId: number, name: string): KickUser {
  return { userId, name, email: `${name.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/public/v1/users moves with the API base). */
function kickEnv(kick: KickEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'kick',
    KICK_PRESET: 'kick',
    KICK_CLIENT_ID: CLIENT_ID,
    KICK_CLIENT_SECRET: CLIENT_SECRET,
    KICK_AUTHORIZE_URL: `${kick.origin}/oauth/authorize`,
    KICK_ACCESS_TOKEN_URL: `${kick.origin}/oauth/token`,
    KICK_REVOCATION_URL: `${kick.origin}/oauth/revoke`,
    KICK_API_BASE_URL: kick.origin,
  };
}

/** A refresh at Kick itself, as another copy of the token would make it. */
function refreshAtKick(kick: KickEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${kick.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const KICK: StandardProvider<KickUser, KickEmulator> = {
  preset: 'kick',
  displayName: 'Kick',
  startEmulator: () => startKickEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: kickEnv,
  people: {
    cancelled: person(40108, 'ChangedMind'),
    'refused-code': person(40109, 'RefusedCode'),
    'wrong-secret': person(40301, 'WrongSecret'),
    'exchange-failure': person(40302, 'OutagePerson'),
  },
  subjectOf: (user) => String(user.userId),
};

const users = (browser: TestBrowser, id: number) => browser.get(`${APP_ORIGIN}/api/providers/kick/proxy/public/v1/users?id=${id}`);

describeEachDialect('Kick, against an emulator of Kick OAuth 2.1', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), KICK);

  const signIn = (user: KickUser) => signInAs(context, 'kick', user);

  it('signs in as the user_id of /public/v1/users with the name and the e-mail (unverified); user:read asked with PKCE S256, the client in the form, a token with a refresh token', async () => {
    const { database, emulator: kick, app } = context;
    const { userId, request } = await signIn(person(40101, 'Streamer'));
    expect(request.get('scope')).toBe('user:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('40101');
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: 40101, picture: 'https://files.kick.com/images/user/40101/profile_image/fullsize.webp' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'streamer@example.com', name: 'Streamer' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'kick');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'user:read' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(7100);
    expect(lifetime).toBeLessThanOrEqual(7200);
    expect(kick.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the Dev API; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept; the one used still works at Kick', async () => {
    const { emulator: kick } = context;
    const { browser, userId } = await signIn(person(40102, 'Viewer'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'kick', userId, () => users(browser, 40102));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ user_id: 40102, name: 'Viewer' }], message: 'OK' });
    expect(after.scope).toBe('user:read');
    expect((await refreshAtKick(kick, before.refreshToken!)).status).toBe(200);
  });

  it("the app removed at Kick marks the connection 'needs re-auth' after one refresh Kick refuses (400 \"Invalid request\")", async () => {
    const { emulator: kick } = context;
    const leaving = person(40103, 'Leaving');
    const { browser, userId } = await signIn(leaving);
    kick.removeApp(leaving);
    const checks = kick.server.counts.client_credentials ?? 0;
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'kick', userId, () => users(browser, 40103));
    expect(kick.server.counts.client_credentials, 'the refusal was checked with one client-credentials grant, which Kick granted').toBe(checks + 1);
  });

  it('a refused refresh whose check of the client cannot be made (Kick answers 503) leaves the connection active, as a provider fault to retry', async () => {
    const { emulator: kick, app, database } = context;
    const leaving = person(40105, 'Undecided');
    const { userId } = await signIn(leaving);
    kick.removeApp(leaving);
    await expireAccessTokens(database, userId);
    kick.failAppTokens(true);
    try {
      const refused = await app.runtime.tokens.getAccessToken(userId, 'kick').then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(refused).toBeInstanceOf(ProviderUnavailableError);
      expect(refused).toMatchObject({ code: 'provider_unavailable', status: 503 });
    } finally {
      kick.failAppTokens(false);
    }
    expect((await app.runtime.tokenStore.findToken(userId, 'kick'))!.status).toBe('active');
  });

  it('disconnect revokes at /oauth/revoke, the refresh token then the access token in the query with token_hint_type, and neither works after', async () => {
    const { emulator: kick, app } = context;
    const { browser, userId } = await signIn(person(40104, 'Goodbye'));
    const token = await app.runtime.tokenStore.findToken(userId, 'kick');
    const revocations = kick.revocations.length;
    expect(await disconnectThrough(browser, 'kick')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(kick.revocations.slice(revocations).map((query) => Object.fromEntries(query))).toEqual([
      { token: token!.refreshToken, token_hint_type: 'refresh_token' },
      { token: token!.accessToken, token_hint_type: 'access_token' },
    ]);
    expect(kick.accepts(token!.accessToken)).toBe(false);
    expect((await refreshAtKick(kick, token!.refreshToken!)).status).toBe(400);
    expect(await app.runtime.tokenStore.findToken(userId, 'kick')).toBeUndefined();
  });

  standardCases(() => context, KICK, { cancelled: {}, refusedCode: { sentAs: '400 "Invalid request"' } });
});

describeClientFailures(KICK, { exchangeFailure: {} });

describe('Kick refusing a wrong client secret', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), KICK, { misconfiguredEnv: () => ({ KICK_CLIENT_SECRET: 'not-the-secret' }) });

  it('answers the one refusal Kick documents (400 "Invalid request"), which cannot be told from a refused code: the sign-in is a 400 asking to sign in again, and nothing is stored', async () => {
    const { database, emulator: kick, misconfigured } = context;
    const before = await rowCounts(database);
    kick.signInAs(person(40301, 'WrongSecret'));
    const page = await signInThrough(misconfigured!.browser(), 'kick');
    expect(page.status).toBe(400);
    expect(page.text).toContain('Kick did not accept this sign-in');
    expect(await rowCounts(database)).toEqual(before);
  });

  wrongSecretAtRefresh(() => context, KICK, { sentAs: '400 "Invalid request"', error: 'invalid_grant', clientCheckedAtRefresh: true });
});
