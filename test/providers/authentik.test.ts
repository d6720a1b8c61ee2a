import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { hashedUserId, startAuthentikEmulator, type AuthentikEmulator, type AuthentikUser } from './authentik.emulator.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret as authentik generates them for a new OAuth2 provider (letters and digits).
const CLIENT_ID = 'Qw7Lr2TgX9pZk4NcVb1MhJ8sYd3FaE6uWo5RiK0n';
const CLIENT_SECRET = 'nV3kP8wQ2rT6yU1iO9pA4sD7fG0hJ5kL2zX8cV6bN3mQ1wE4rT7yU0iO3pA6sD9fG2hJ5kL8zX1cV4bN7mQ0wE3rT6yU9iO2pA5sD8fG1hJ4kL7zX0cV3bN6mQ9wE2r';
const SLUG = 'tokenkeeper';
const REDIRECT_URI = `${APP_ORIGIN}/auth/authentik/callback`;
const DAY = 86_400;

function person(pk: number, username: string, name: string, emailVerified?: boolean): AuthentikUser {
  return { pk, username, name, email: `${username}@example.com`, ...(emailVerified === undefined ? {} : { emailVerified }) };
}

/** Only the documented variables: the preset, the client, the server and the application's slug. */
function authentikEnv(authentik: AuthentikEmulator): Record<string, string> {
  return presetEnv('authentik', CLIENT_ID, CLIENT_SECRET, { AUTHENTIK_BASE_URL: authentik.origin, AUTHENTIK_APPLICATION_SLUG: SLUG });
}

/** A refresh at authentik itself, as another copy of the token would make it. */
function refreshAtAuthentik(authentik: AuthentikEmulator, refreshToken: string, scope?: string): Promise<Response> {
  return refreshAtProvider(`${authentik.origin}/application/o/token/`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', extra: scope === undefined ? {} : { scope } });
}

const AUTHENTIK: StandardProvider<AuthentikUser, AuthentikEmulator> = {
  preset: 'authentik',
  displayName: 'authentik',
  startEmulator: () => startAuthentikEmulator({ slug: SLUG, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: authentikEnv,
  people: {
    cancelled: person(108, 'changed', 'Changed Mind'),
    'refused-code': person(109, 'refused', 'Refused Code'),
    'wrong-secret': person(301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': person(302, 'outage', 'Outage Person'),
  },
  subjectOf: hashedUserId,
};

describeEachDialect('authentik, against an emulator of an authentik server with one application', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), AUTHENTIK);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/authentik/proxy/userinfo/`);
  const openId = openIdCases(context, AUTHENTIK, userinfo);

  it("signs in through the application's discovery as the hashed user id sub, with userinfo's name and username and the e-mail not verified; offline_access with PKCE and no consent prompt, the client in the form, a 5-minute token and a refresh token", async () => {
    const { emulator: authentik } = context;
    const ada = person(101, 'ada', 'Ada Lovelace');
    await openId.expectSignIn(ada, {
      scope: 'openid profile email offline_access',
      account: { issuer: `${authentik.origin}/application/o/${SLUG}/`, subject: hashedUserId(ada) },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada', emailVerified: false },
      token: { scope: 'openid profile email offline_access', lifetime: 300 },
    });
    expect(authentik.server.counts.client_secret_post).toBeGreaterThan(0);
    expect(authentik.server.counts.client_secret_basic).toBeUndefined();
  });

  it('an e-mail a custom scope mapping says is verified is kept as verified', async () => {
    await openId.expectStoredEmail(person(102, 'vera', 'Vera Fied', true), { verified: true });
  });

  it('the proxy reaches /application/o with the token (userinfo/)', async () => {
    const grace = person(103, 'grace', 'Grace Hopper');
    await openId.expectProxyReaches(grace, { sub: hashedUserId(grace), preferred_username: 'grace' });
  });

  it('20 concurrent calls on an expired token make one refresh, sent without a scope; the new refresh token is kept, and authentik refuses the spent one', async () => {
    const { emulator: authentik } = context;
    const { browser, userId } = await openId.signIn(person(104, 'alan', 'Alan Turing'));
    const keepingScope = authentik.server.counts.refresh_keeping_scope ?? 0;
    const { before } = await expectRotatedAfterStorm(context, 'authentik', userId, () => userinfo(browser));
    expect(authentik.server.counts.refresh_keeping_scope).toBe(keepingScope + 1);
    expect(await statusAndBody(refreshAtAuthentik(authentik, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the person's tokens deleted in authentik: userinfo refuses the token, the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'edsger', 'Edsger Dijkstra'), (leaving) => context.emulator.removeAccess(leaving));
  });

  it('disconnect revokes at /application/o/revoke/ (RFC 7009): the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: authentik } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'barbara', 'Barbara Liskov'), (refreshToken) => refreshAtAuthentik(authentik, refreshToken));
  });

  standardCases(() => context, AUTHENTIK, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant, 400' } });
});

describeClientFailures(AUTHENTIK, { wrongSecret: { sentAs: 'invalid_client, 400' }, exchangeFailure: {} });

describe('authentik with no offline_access scope mapping on the provider', () => {
  it('drops the scope silently and issues no refresh token: the connection signs in, and needs a new sign-in once the access token ends', async () => {
    const database = await DIALECTS[0]!.openTestDatabase();
    const authentik = await startAuthentikEmulator({ slug: SLUG, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, scopeMappings: ['openid', 'profile', 'email'] });
    const app = await startProviderTestApp({ databaseUrl: database.url, env: authentikEnv(authentik) });
    try {
      const { userId } = await signInAs({ app, emulator: authentik }, 'authentik', person(110, 'nooffline', 'No Offline'));
      const token = await app.runtime.tokenStore.findToken(userId, 'authentik');
      expect(token).toMatchObject({ refreshToken: null, scope: 'openid profile email' });
      await expireAccessTokens(database, userId);
      await expect(app.runtime.tokens.getAccessToken(userId, 'authentik')).rejects.toMatchObject({ code: 'needs_reauth' });
      expect(authentik.server.counts.refresh_token).toBeUndefined();
    } finally {
      await app.close();
      await authentik.close();
      await database.close();
    }
  });
});

// The provider's defaults: each refresh token lives 30 days from its issue, and a refresh replaces it.
describeKeepAlive(AUTHENTIK, {
  title: 'authentik refresh tokens (30 days from issue) and the keep-alive sweep',
  name: 'refreshes an unused connection once 7 days before its refresh token ends, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startAuthentikEmulator({ slug: SLUG, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(201, 'idle', 'Idle Person'),
  dueAfterDays: 23,
  usedAgainAfterDays: 8,
  firstRefreshTokenRefused: async (authentik, refreshToken) => {
    const refused = await refreshAtAuthentik(authentik, refreshToken);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  },
});

describe('the authentik preset in production', () => {
  const { settings, refusal } = presetInProduction('authentik', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("makes the issuer from the server and the application's slug, or takes AUTHENTIK_ISSUER alone", () => {
    expect(settings({ AUTHENTIK_BASE_URL: 'https://auth.acme.test', AUTHENTIK_APPLICATION_SLUG: 'wiki' })).toMatchObject({
      displayName: 'authentik',
      discovery: { issuer: 'https://auth.acme.test/application/o/wiki/', madeBy: 'the authentik preset, from AUTHENTIK_BASE_URL and AUTHENTIK_APPLICATION_SLUG' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://auth.acme.test/application/o',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenIdleSeconds: 30 * DAY,
    });
    expect(settings({ AUTHENTIK_ISSUER: 'https://auth.acme.test/application/o/wiki/' }).discovery).toMatchObject({ issuer: 'https://auth.acme.test/application/o/wiki/' });
    expect(refusal({ AUTHENTIK_BASE_URL: 'https://auth.acme.test' })).toContain('AUTHENTIK_APPLICATION_SLUG is missing (the authentik preset makes the issuer from it; or set AUTHENTIK_ISSUER)');
    expect(refusal({ AUTHENTIK_BASE_URL: 'https://auth.acme.test', AUTHENTIK_APPLICATION_SLUG: 'wiki/app' })).toContain('AUTHENTIK_APPLICATION_SLUG is not a valid applicationSlug');
  });

  it("an issuer or endpoint given as the base URL stops start-up, naming the server and the slug to give", () => {
    expect(refusal({ AUTHENTIK_BASE_URL: 'https://auth.acme.test/application/o/wiki/', AUTHENTIK_APPLICATION_SLUG: 'wiki' })).toBe(
      `Configuration error: AUTHENTIK_BASE_URL ends in a path the preset appends itself (/application/o): give the server alone, and the slug as AUTHENTIK_APPLICATION_SLUG (wiki), e.g. https://auth.acme.test (got "https://auth.acme.test/application/o/wiki/")`,
    );
    expect(refusal({ AUTHENTIK_BASE_URL: 'https://acme.test/sso/application/o/token/', AUTHENTIK_APPLICATION_SLUG: 'wiki' })).toContain('give the server alone, e.g. https://acme.test/sso (got');
  });
});
