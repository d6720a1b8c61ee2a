import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAuth0Emulator, type Auth0Emulator, type Auth0User } from './auth0.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { expireAccessTokens, standardCases, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';

const CLIENT_ID = 'Xb1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q';
const CLIENT_SECRET = 'auth0-client-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const AUDIENCE = 'https://api.tokenkeeper.test';

function person(userId: string, nickname: string, name: string): Auth0User {
  return { userId, nickname, name, email: `${nickname}@example.net` };
}

const AUTH0: ProviderUnderTest<Auth0User, Auth0Emulator> = {
  preset: 'auth0',
  displayName: 'Auth0',
  people: {
    'refused-code': person('auth0|badcode', 'badcode', 'Bad Code'),
    'wrong-secret': person('auth0|secret', 'secret', 'Se Cret'),
    'exchange-failure': person('auth0|down', 'down', 'Down'),
  },
  subjectOf: (user) => user.userId,
};

describeEachDialect('Auth0 (an API audience, refresh token rotation), against an emulator of an Auth0 tenant', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startAuth0Emulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/auth0/callback`, apis: [AUDIENCE], rotation: true }),
    // The documented variables: the tenant's domain and the API audience, the issuer and API base pointed at the emulator.
    env: (auth0) => presetEnv('auth0', CLIENT_ID, CLIENT_SECRET, {
      AUTH0_DOMAIN: 'tokenkeeper-test.us.auth0.com',
      AUTH0_AUDIENCE: AUDIENCE,
      AUTH0_ISSUER: auth0.issuer,
      AUTH0_API_BASE_URL: auth0.origin,
    }),
  });
  afterEach(() => {
    const { emulator: auth0 } = context;
    auth0.rotateClientSecret(CLIENT_SECRET);
    auth0.failTokenRequests(null);
    auth0.setApiRegistered(AUDIENCE, true);
  });

  async function signIn(browser: TestBrowser, user: Auth0User) {
    const { emulator: auth0 } = context;
    auth0.signInAs(user);
    const start = await browser.get(`${APP_ORIGIN}/login/auth0?next=/api/me`, { followRedirects: false });
    const request = new URL(start.location!).searchParams;
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    return { request, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  }

  async function callbackWith(user: Auth0User, edit: (callback: URL) => void = () => {}) {
    const { emulator: auth0, app } = context;
    auth0.signInAs(user);
    const browser = app.browser();
    const stopped = await browser.get(`${APP_ORIGIN}/login/auth0`, { stopAt: `${APP_ORIGIN}/auth/auth0/callback` });
    const callback = new URL(stopped.location!);
    edit(callback);
    return browser.get(callback);
  }

  /** A refresh at Auth0 with this refresh token, as the app would make it: the HTTP status. */
  const refreshStatus = async (refreshToken: string) =>
    (await fetch(`${context.emulator.origin}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken }) })).status;

  const proxy = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/auth0/proxy/userinfo`);

  it('signs in at https://{domain}/ as the Auth0 user id, sending the audience, and gets a JWT access token for that API', async () => {
    const { database, emulator: auth0, app } = context;
    const { request, userId } = await signIn(app.browser(), person('auth0|64b1f0c2a3d4e5f6a7b8c9d0', 'ada', 'Ada Lovelace'));
    expect(request.get('audience')).toBe(AUDIENCE);
    expect(request.get('scope')).toBe('openid profile email offline_access');
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: `${auth0.origin}/`, subject: 'auth0|64b1f0c2a3d4e5f6a7b8c9d0' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.net' });
    const token = await app.runtime.tokenStore.findToken(userId, 'auth0');
    expect(token!.refreshToken).toEqual(expect.any(String));
    expect(decodeJwt(token!.accessToken).aud).toEqual([AUDIENCE, `${auth0.origin}/userinfo`]);
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(86_000);
  });

  it('the proxy reaches the tenant (/userinfo) with the token', async () => {
    const { app } = context;
    const browser = app.browser();
    await signIn(browser, person('google-oauth2|1098765432109876543', 'grace', 'Grace Hopper'));
    const answer = await proxy(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: 'google-oauth2|1098765432109876543', nickname: 'grace' });
  });

  it('20 concurrent calls on an expired token make one refresh; the rotated refresh token is kept, so reuse detection never fires', async () => {
    const { database, emulator: auth0, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('auth0|alan', 'alan', 'Alan Turing'));
    const before = await app.runtime.tokenStore.findToken(userId, 'auth0');
    await expireAccessTokens(database, userId);
    const refreshes = auth0.server.counts.refresh_token ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => proxy(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(auth0.server.counts.refresh_token).toBe(refreshes + 1);
    const after = await app.runtime.tokenStore.findToken(userId, 'auth0');
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    await expireAccessTokens(database, userId);
    expect((await proxy(browser)).status).toBe(200);
    expect(auth0.server.counts.refresh_token).toBe(refreshes + 2);
    expect((await app.runtime.tokenStore.findToken(userId, 'auth0'))!.status).toBe('active');
  });

  it('disconnect revokes the refresh token at /oauth/revoke (Auth0 cannot revoke the access token, and says 200)', async () => {
    const { app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('auth0|barbara', 'barbara', 'Barbara Liskov'));
    const stored = await expectDisconnectRevokes(context, 'auth0', { browser, userId }, { requests: 2 });
    expect(await refreshStatus(stored.refreshToken!)).toBe(403);
  });

  it('a refresh token Auth0 no longer knows (HTTP 403 invalid_grant) marks the connection "needs re-auth", with one try', async () => {
    const { database, emulator: auth0, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('auth0|edsger', 'edsger', 'Edsger Dijkstra'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'auth0');
    await fetch(`${auth0.origin}/oauth/revoke`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored!.refreshToken! }) });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: auth0 }, 'auth0', userId, () => proxy(browser));
  });

  it('an audience the tenant does not know ("Service not found", access_denied) is a 400 with no token request', async () => {
    const { emulator: auth0 } = context;
    const exchanges = auth0.server.counts.authorization_code ?? 0;
    auth0.setApiRegistered(AUDIENCE, false);
    const page = await callbackWith(person('auth0|noapi', 'noapi', 'No Api'));
    expect(page.status).toBe(400);
    expect(page.text).toContain('Sign-in with Auth0 was cancelled or refused at Auth0.');
    expect(auth0.server.counts.authorization_code ?? 0).toBe(exchanges);
  });

  standardCases(() => context, AUTH0, {
    refusedCode: { sentAs: 'HTTP 403 invalid_grant' },
    wrongSecret: {
      sentAs: '401 access_denied "Unauthorized", after the secret was rotated',
      error: 'access_denied',
      rotate: (emulator) => {
        emulator.rotateClientSecret('auth0-rotated-secret');
        return () => emulator.rotateClientSecret(CLIENT_SECRET);
      },
    },
    exchangeFailure: { fail: (emulator, status) => emulator.failTokenRequests(status), recover: (emulator) => emulator.failTokenRequests(null) },
  });
});

describe('the auth0 preset in production', () => {
  const env = { AUTH0_PRESET: 'auth0', AUTH0_CLIENT_ID: CLIENT_ID, AUTH0_CLIENT_SECRET: CLIENT_SECRET, AUTH0_DOMAIN: 'example.eu.auth0.com' };

  it('takes the issuer https://{domain}/ (trailing slash), sends AUTH0_AUDIENCE as audience only when it is set', () => {
    const withAudience = providerSettings({ ...env, AUTH0_AUDIENCE: AUDIENCE }, 'auth0', true);
    expect(withAudience).toMatchObject({
      displayName: 'Auth0',
      discovery: { issuer: 'https://example.eu.auth0.com/' },
      scope: 'openid profile email offline_access',
      authorizationParams: { audience: AUDIENCE },
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
    });
    expect(providerSettings(env, 'auth0', true).authorizationParams).toBeUndefined();
  });
});
