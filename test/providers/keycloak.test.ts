import { afterEach, describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { startKeycloakEmulator, type KeycloakEmulator, type KeycloakUser } from './keycloak.emulator.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { expireAccessTokens, standardCases, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';

const REALM = 'tokenkeeper';
const CLIENT_ID = 'tokenkeeper-web';
const CLIENT_SECRET = 'kc-client-secret-0123456789';

function person(id: string, username: string, firstName: string, lastName: string): KeycloakUser {
  return { id, username, firstName, lastName, email: `${username}@example.org` };
}

/** Only the documented variables: the preset, the client, the server's URL and the realm. */
function keycloakEnv(keycloak: KeycloakEmulator): Record<string, string> {
  return presetEnv('keycloak', CLIENT_ID, CLIENT_SECRET, {
    KEYCLOAK_BASE_URL: keycloak.origin,
    KEYCLOAK_REALM: REALM,
  });
}

function helpers(context: { readonly emulator: KeycloakEmulator }) {
  return {
    async signIn(browser: TestBrowser, user: KeycloakUser) {
      context.emulator.signInAs(user);
      const start = await browser.get(`${APP_ORIGIN}/login/keycloak?next=/api/me`, { followRedirects: false });
      const request = new URL(start.location!).searchParams;
      const page = await browser.get(start.location!);
      expect(page.status).toBe(200);
      return { request, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
    },
  };
}

const KEYCLOAK: ProviderUnderTest<KeycloakUser, KeycloakEmulator> = {
  preset: 'keycloak',
  displayName: 'Keycloak',
  people: {
    'refused-code': person('00000000-0000-4000-8000-000000000007', 'badcode', 'Bad', 'Code'),
    'wrong-secret': person('00000000-0000-4000-8000-000000000008', 'secret', 'Se', 'Cret'),
    'exchange-failure': person('00000000-0000-4000-8000-000000000009', 'down', 'Do', 'Wn'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Keycloak, against an emulator of a Keycloak realm', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startKeycloakEmulator({ realm: REALM, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/keycloak/callback` }), env: keycloakEnv });
  const { signIn } = helpers(context);

  afterEach(() => {
    const { emulator: keycloak } = context;
    keycloak.regenerateClientSecret(CLIENT_SECRET);
    keycloak.failTokenRequests(null);
  });

  async function callbackWith(user: KeycloakUser, edit: (callback: URL) => void = () => {}) {
    const { emulator: keycloak, app } = context;
    keycloak.signInAs(user);
    const browser = app.browser();
    const stopped = await browser.get(`${APP_ORIGIN}/login/keycloak`, { stopAt: `${APP_ORIGIN}/auth/keycloak/callback` });
    const callback = new URL(stopped.location!);
    edit(callback);
    return browser.get(callback);
  }

  it('signs in at <base>/realms/<realm> as the user id, asking for an offline token without a consent prompt', async () => {
    const { database, emulator: keycloak, app } = context;
    const { request, userId } = await signIn(app.browser(), person('6f1d2c3b-0a9e-4f8d-b7c6-5e4d3c2b1a00', 'ada', 'Ada', 'Lovelace'));
    expect(request.get('scope')).toBe('openid profile email offline_access');
    expect(request.get('prompt')).toBeNull();
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: `${keycloak.origin}/realms/${REALM}`, subject: '6f1d2c3b-0a9e-4f8d-b7c6-5e4d3c2b1a00' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.org', username: 'ada' });
    const token = await app.runtime.tokenStore.findToken(userId, 'keycloak');
    expect(token!.refreshToken).toEqual(expect.any(String));
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);
    expect(keycloak.sessions('6f1d2c3b-0a9e-4f8d-b7c6-5e4d3c2b1a00')).toEqual({ live: 1, offline: 1 });
  });

  it('a callback whose iss is not the realm is refused before any token request', async () => {
    const { emulator: keycloak } = context;
    const exchanges = keycloak.server.counts.authorization_code ?? 0;
    const page = await callbackWith(person('00000000-0000-4000-8000-000000000002', 'mallory', 'Mal', 'Lory'), (callback) =>
      callback.searchParams.set('iss', `${keycloak.origin}/realms/other`),
    );
    expect(page.status).toBe(400);
    expect(page.text).toContain('did not come from Keycloak as expected');
    expect(keycloak.server.counts.authorization_code ?? 0).toBe(exchanges);
  });

  it('the proxy reaches the realm (userinfo) with the token', async () => {
    const { app } = context;
    const browser = app.browser();
    await signIn(browser, person('00000000-0000-4000-8000-000000000003', 'grace', 'Grace', 'Hopper'));
    const answer = await browser.get(`${APP_ORIGIN}/api/providers/keycloak/proxy/protocol/openid-connect/userinfo`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: '00000000-0000-4000-8000-000000000003', preferred_username: 'grace' });
  });

  it('20 concurrent calls on an expired token make one refresh, and the new refresh token Keycloak sends is stored', async () => {
    const { database, emulator: keycloak, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('00000000-0000-4000-8000-000000000004', 'alan', 'Alan', 'Turing'));
    const before = await app.runtime.tokenStore.findToken(userId, 'keycloak');
    await expireAccessTokens(database, userId);
    await expectOneRefreshFor20Calls(keycloak, () => browser.get(`${APP_ORIGIN}/api/providers/keycloak/proxy/protocol/openid-connect/userinfo`));
    const after = await app.runtime.tokenStore.findToken(userId, 'keycloak');
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(keycloak.accepts(after!.refreshToken!)).toBe(true);
  });

  it('disconnect revokes the offline token (ending the session) and the access token, then deletes them', async () => {
    const { emulator: keycloak, app } = context;
    const browser = app.browser();
    const id = '00000000-0000-4000-8000-000000000005';
    const { userId } = await signIn(browser, person(id, 'barbara', 'Barbara', 'Liskov'));
    const stored = await expectDisconnectRevokes(context, 'keycloak', { browser, userId }, { requests: 2 });
    expect(keycloak.sessions(id)).toEqual({ live: 0, offline: 0 });
    expect(keycloak.accepts(stored.accessToken)).toBe(false);
  });

  it('an offline session ended at Keycloak: the refresh is refused ("Token is not active") and the connection needs re-auth', async () => {
    const { database, emulator: keycloak, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('00000000-0000-4000-8000-000000000006', 'edsger', 'Edsger', 'Dijkstra'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'keycloak');
    // An admin revokes the user's offline session (or the user does, in the account console).
    await fetch(`${keycloak.issuer}/protocol/openid-connect/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ token: stored!.refreshToken! }),
    });
    await expireAccessTokens(database, userId);
    const call = await browser.get(`${APP_ORIGIN}/api/providers/keycloak/proxy/protocol/openid-connect/userinfo`);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'keycloak'))!.status).toBe('needs_reauth');
  });

  standardCases(() => context, KEYCLOAK, {
    refusedCode: { sentAs: '"Code not valid"' },
    wrongSecret: {
      sentAs: 'invalid_client, 401, after the secret was regenerated',
      rotate: (emulator) => {
        emulator.regenerateClientSecret('kc-regenerated-secret');
        return () => emulator.regenerateClientSecret(CLIENT_SECRET);
      },
    },
    exchangeFailure: { fail: (emulator, status) => emulator.failTokenRequests(status), recover: (emulator) => emulator.failTokenRequests(null) },
  });
});

describe('Keycloak with "Revoke Refresh Token" on (single-use refresh tokens)', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), { startEmulator: () => startKeycloakEmulator({ realm: REALM, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/keycloak/callback`, revokeRefreshToken: true }), env: keycloakEnv });
  const { signIn } = helpers(context);

  it('a storm makes one refresh, the used offline token dies, and the next refresh works with the one stored', async () => {
    const { database, emulator: keycloak, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, person('00000000-0000-4000-8000-000000000010', 'rotate', 'Ro', 'Tate'));
    const first = await app.runtime.tokenStore.findToken(userId, 'keycloak');
    await expireAccessTokens(database, userId);
    const answers = await Promise.all(Array.from({ length: 20 }, () => browser.get(`${APP_ORIGIN}/api/providers/keycloak/proxy/protocol/openid-connect/userinfo`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(keycloak.server.counts.refresh_token).toBe(1);
    expect(keycloak.accepts(first!.refreshToken!)).toBe(false);
    const second = await app.runtime.tokenStore.findToken(userId, 'keycloak');
    await expireAccessTokens(database, userId);
    expect((await browser.get(`${APP_ORIGIN}/api/providers/keycloak/proxy/protocol/openid-connect/userinfo`)).status).toBe(200);
    expect(keycloak.server.counts.refresh_token).toBe(2);
    const third = await app.runtime.tokenStore.findToken(userId, 'keycloak');
    expect(new Set([first!.refreshToken, second!.refreshToken, third!.refreshToken]).size).toBe(3);
    expect(third!.status).toBe('active');
  });
});

describe('the keycloak preset in production', () => {
  const env = { KEYCLOAK_PRESET: 'keycloak', KEYCLOAK_CLIENT_ID: CLIENT_ID, KEYCLOAK_CLIENT_SECRET: CLIENT_SECRET, KEYCLOAK_BASE_URL: 'https://sso.example.com/' };

  it('takes the issuer <base>/realms/<realm>, asks for offline_access without a consent prompt, and needs both values', () => {
    expect(providerSettings({ ...env, KEYCLOAK_REALM: 'acme' }, 'keycloak', true)).toMatchObject({
      displayName: 'Keycloak',
      discovery: { issuer: 'https://sso.example.com/realms/acme' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://sso.example.com/realms/acme',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(() => providerSettings(env, 'keycloak', true)).toThrow('KEYCLOAK_REALM is missing');
    expect(() => providerSettings({ ...env, KEYCLOAK_REALM: 'a/b' }, 'keycloak', true)).toThrow('KEYCLOAK_REALM is not a valid realm');
  });
});
