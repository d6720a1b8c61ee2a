import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { DUENDE_ABSOLUTE_REFRESH_TOKEN_SECONDS, startDuendeEmulator, type DuendeEmulator, type DuendeUser } from './duende.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client as a host's configuration names one, and a secret it stores hashed.
const CLIENT_ID = 'tokenkeeper.web';
const CLIENT_SECRET = 'Xb7nQ2vL9pR4tW1yK6mC3hF8jD5gS0aZ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/duende/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, name: string, email: string): DuendeUser {
  return { id: `7c9e6679-7425-40de-944b-${String(n).padStart(12, '0')}`, name, email };
}

/** Only the documented variables: the preset, the client, and the host's URL. */
function duendeEnv(duende: DuendeEmulator): Record<string, string> {
  return presetEnv('duende', CLIENT_ID, CLIENT_SECRET, { DUENDE_BASE_URL: duende.origin });
}

/** A refresh at IdentityServer itself, as another copy of the refresh token would make it. */
function refreshAtDuende(duende: DuendeEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${duende.issuer}/connect/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const DUENDE: StandardProvider<DuendeUser, DuendeEmulator> = {
  preset: 'duende',
  displayName: 'Duende IdentityServer',
  startEmulator: () => startDuendeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: duendeEnv,
  people: {
    cancelled: person(108, 'Changed Mind', 'changed@example.com'),
    'refused-code': person(109, 'Refused Code', 'refused@example.com'),
    'wrong-secret': person(301, 'Wrong Secret', 'wrongsecret@example.com'),
    'exchange-failure': person(302, 'Outage Person', 'outage@example.com'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Duende IdentityServer, against an emulator of a host at its client defaults', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DUENDE);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/duende/proxy/connect/userinfo`);
  const openId = openIdCases(context, DUENDE, userinfo);

  it("signs in through discovery at the host's URL as the user's id sub, with the name and e-mail; offline_access with PKCE (required) and no consent prompt, the client by Basic, an hour's token and a refresh token", async () => {
    const { emulator: duende } = context;
    const ada = person(101, 'Ada Lovelace', 'ada@example.com');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: duende.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: true },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(duende.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(duende.server.counts.client_secret_post).toBeUndefined();
  });

  it("the proxy reaches /connect/userinfo under the host's URL with the token", async () => {
    const grace = person(103, 'Grace Hopper', 'grace@example.com');
    await openId.expectProxyReaches(grace, { sub: grace.id, name: 'Grace Hopper' });
  });

  it('20 concurrent calls on an expired token make one refresh, which answers the same refresh token (ReUse), kept; it still refreshes at IdentityServer', async () => {
    const { emulator: duende } = context;
    const { after } = await openId.expectKeptAfterStorm(person(104, 'Alan Turing', 'alan@example.com'));
    expect(await statusAndBody(refreshAtDuende(duende, after.refreshToken!))).toMatchObject({ status: 200, body: { refresh_token: after.refreshToken } });
  });

  it("the client's access removed on the host's grants page: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger Dijkstra', 'edsger@example.com'), (leaving) => context.emulator.revokeGrants(leaving));
  });

  it('disconnect revokes at /connect/revocation (RFC 7009), by Basic: the refresh token is refused from then on, the JWT access token lives until it expires, and the tokens are deleted here', async () => {
    const { emulator: duende } = context;
    const { browser, userId } = await openId.signIn(person(106, 'Barbara Liskov', 'barbara@example.com'));
    const stored = await expectDisconnectRevokes(context, 'duende', { browser, userId });
    expect(await statusAndBody(refreshAtDuende(duende, stored.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(duende.accepts(stored.accessToken)).toBe(true);
  });

  standardCases(() => context, DUENDE, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(DUENDE, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describeEachDialect('Duende IdentityServer refresh tokens (30 days from the sign-in, the Absolute default)', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startDuendeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: clock.now }), env: duendeEnv },
    { now: clock.now },
  );

  it('a connection refreshed on day 29 is still refused after day 30, and needs re-auth after one try (no keep-alive can help)', async () => {
    const { emulator: duende, app } = context;
    expect(providerSettings(duendeEnv(duende), 'duende', false).refreshTokenIdleSeconds).toBeUndefined();
    const { userId } = await signInAs(context, 'duende', person(201, 'Active Person', 'active@example.com'));

    clock.advance(29 * 86_400);
    await expect(app.runtime.tokens.getAccessToken(userId, 'duende')).resolves.toMatchObject({ accessToken: expect.any(String) });

    clock.advance(DUENDE_ABSOLUTE_REFRESH_TOKEN_SECONDS - 29 * 86_400 + 1);
    const refreshes = duende.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(userId, 'duende')).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(app.runtime.tokens.getAccessToken(userId, 'duende')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(duende.server.counts.refresh_token).toBe(refreshes + 1);
  });
});

describe('the duende preset in production', () => {
  const { settings, refusal } = presetInProduction('duende', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the host's URL as issuer and API, or the issuer alone, and needs one of them", () => {
    expect(settings({ DUENDE_BASE_URL: 'https://identity.acme.test/' })).toMatchObject({
      displayName: 'Duende IdentityServer',
      discovery: { issuer: 'https://identity.acme.test' },
      scope: SCOPE,
      apiBaseUrl: 'https://identity.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(settings({ DUENDE_ISSUER: 'https://identity.acme.test' }).discovery).toEqual({ issuer: 'https://identity.acme.test' });
    expect(refusal({})).toContain('DUENDE_BASE_URL');
  });
});
