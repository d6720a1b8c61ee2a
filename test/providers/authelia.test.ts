import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { AUTHELIA_REFRESH_TOKEN_SECONDS, startAutheliaEmulator, type AutheliaEmulator, type AutheliaUser } from './authelia.emulator.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret as Authelia's FAQ suggests generating them (random alphanumeric strings).
const CLIENT_ID = 'v1Kq8ZtP3wX6nB0rJ4mS7yL2cF5hD9gA';
const CLIENT_SECRET = 'Rk3Tn8Wq1Zp6Yx4Vb9Mc2Lf7Hd5Gs0Ja3Ue8Io1Py6Tr4Ew9Qa2Sd7Fg5Hj0Kl';
const REDIRECT_URI = `${APP_ORIGIN}/auth/authelia/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, username: string, displayName: string): AutheliaUser {
  return { id: `0b6a3c2e-4f1d-4a8b-9c7e-${String(n).padStart(12, '0')}`, username, displayName, email: `${username}@example.com` };
}

/** Only the documented variables: the preset, the client, and Authelia's root URL. */
function autheliaEnv(authelia: AutheliaEmulator): Record<string, string> {
  return presetEnv('authelia', CLIENT_ID, CLIENT_SECRET, { AUTHELIA_BASE_URL: authelia.origin });
}

/** A refresh at Authelia itself, as another copy of the token would make it. */
function refreshAtAuthelia(authelia: AutheliaEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${authelia.issuer}/api/oidc/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const AUTHELIA: StandardProvider<AutheliaUser, AutheliaEmulator> = {
  preset: 'authelia',
  displayName: 'Authelia',
  startEmulator: () => startAutheliaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: autheliaEnv,
  people: {
    cancelled: person(108, 'changed', 'Changed Mind'),
    'refused-code': person(109, 'refused', 'Refused Code'),
    'wrong-secret': person(301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': person(302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Authelia, against an emulator of an Authelia OpenID Connect provider', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), AUTHELIA);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/authelia/proxy/api/oidc/userinfo`);
  const openId = openIdCases(context, AUTHELIA, userinfo);

  it("signs in through discovery at the root URL as the user's UUID sub, with userinfo's name, username and e-mail (the ID token carries none); offline_access with PKCE and no consent prompt, the client by Basic alone, an hour's token and a refresh token", async () => {
    const { emulator: authelia } = context;
    const ada = person(101, 'ada', 'Ada Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: authelia.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada', emailVerified: true },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(authelia.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(authelia.server.counts.client_secret_post).toBeUndefined();
  });

  it('the proxy reaches /api/oidc/userinfo under the root URL with the token', async () => {
    const grace = person(103, 'grace', 'Grace Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, preferred_username: 'grace', email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and Authelia refuses the spent one (single-use), which then ends the grant', async () => {
    const { emulator: authelia } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(person(104, 'alan', 'Alan Turing'));
    expect(await statusAndBody(refreshAtAuthelia(authelia, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(authelia.accepts(after.accessToken)).toBe(false);
  });

  it('the user removed from Authelia: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'edsger', 'Edsger Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes at /api/oidc/revocation (RFC 7009), by Basic: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: authelia } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'barbara', 'Barbara Liskov'), (refreshToken) => refreshAtAuthelia(authelia, refreshToken));
    expect(authelia.server.counts.client_secret_post).toBeUndefined();
  });

  standardCases(() => context, AUTHELIA, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(AUTHELIA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeEachDialect('Authelia refresh tokens (90 minutes, the default lifespan)', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startAutheliaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: clock.now }), env: autheliaEnv },
    { now: clock.now },
  );

  it('a connection used within 90 minutes refreshes; one left longer is refused by Authelia, and needs re-auth after one try (no keep-alive: the sweep runs hourly)', async () => {
    const { emulator: authelia, app } = context;
    const { userId: used } = await signInAs(context, 'authelia', person(201, 'active', 'Active Person'));
    const { userId: lapsed } = await signInAs(context, 'authelia', person(202, 'lapsed', 'Lapsed Person'));
    expect(providerSettings(autheliaEnv(authelia), 'authelia', false).refreshTokenIdleSeconds).toBeUndefined();

    clock.advance(3600 + 1);
    const before = authelia.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(used, 'authelia')).resolves.toMatchObject({ accessToken: expect.any(String) });
    expect(authelia.server.counts.refresh_token).toBe(before + 1);

    clock.advance(AUTHELIA_REFRESH_TOKEN_SECONDS - 3600);
    const refreshes = authelia.server.counts.refresh_token;
    await expect(app.runtime.tokens.getAccessToken(lapsed, 'authelia')).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(app.runtime.tokens.getAccessToken(lapsed, 'authelia')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(authelia.server.counts.refresh_token).toBe(refreshes! + 1);
    // The refresh at the first hour gave a refresh token of its own 90 minutes, which still refreshes 50 minutes on.
    clock.advance(3000);
    await expect(app.runtime.tokens.getAccessToken(used, 'authelia')).resolves.toMatchObject({ accessToken: expect.any(String) });
    expect(authelia.server.counts.refresh_token).toBe(refreshes! + 2);
  });
});

describe('the authelia preset in production', () => {
  const { settings, refusal } = presetInProduction('authelia', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes the root URL as issuer and API, and needs it', () => {
    expect(settings({ AUTHELIA_BASE_URL: 'https://auth.acme.test/' })).toMatchObject({
      displayName: 'Authelia',
      discovery: { issuer: 'https://auth.acme.test' },
      scope: SCOPE,
      apiBaseUrl: 'https://auth.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(refusal({})).toContain('AUTHELIA_BASE_URL is missing');
  });

  it('an endpoint or the discovery document given as the root URL stops start-up, naming the root URL to give', () => {
    expect(refusal({ AUTHELIA_BASE_URL: 'https://auth.acme.test/api/oidc/authorization' })).toBe(
      'Configuration error: AUTHELIA_BASE_URL ends in a path the preset appends itself (/api/oidc): give Authelia\'s root URL alone, e.g. https://auth.acme.test (got "https://auth.acme.test/api/oidc/authorization")',
    );
    expect(refusal({ AUTHELIA_BASE_URL: 'https://acme.test/authelia/.well-known/openid-configuration' })).toContain('(/.well-known): give Authelia\'s root URL alone, e.g. https://acme.test/authelia (got');
  });
});
