import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { ORY_REFRESH_TOKEN_SECONDS, startOryEmulator, type OryEmulator, type OryIdentity } from './ory.emulator.js';

// An OAuth2 client as Ory makes one: a UUID client id and a random secret.
const CLIENT_ID = '3f1c9a7e-52b4-4d8e-9a61-0c7b2e5d4f18';
const CLIENT_SECRET = 'wQ8zN2rT5yL0pK3vX7bM1cF4hJ6gD9sA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/ory/callback`;
const SCOPE = 'openid profile email offline_access';

function identity(n: number, username: string, name: string): OryIdentity {
  return { id: `9d2e4b71-6c3a-4f5e-8b1d-${String(n).padStart(12, '0')}`, username, name, email: `${username}@example.com` };
}

/** Only the documented variables: the preset, the client, and the project's issuer. */
function oryEnv(ory: OryEmulator): Record<string, string> {
  return presetEnv('ory', CLIENT_ID, CLIENT_SECRET, { ORY_BASE_URL: ory.issuer });
}

/** A refresh at Ory itself, as another copy of the refresh token would make it. */
function refreshAtOry(ory: OryEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${ory.issuer}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const ORY: StandardProvider<OryIdentity, OryEmulator> = {
  preset: 'ory',
  displayName: 'Ory',
  startEmulator: () => startOryEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: oryEnv,
  people: {
    cancelled: identity(108, 'changed', 'Changed Mind'),
    'refused-code': identity(109, 'refused', 'Refused Code'),
    'wrong-secret': identity(301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': identity(302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Ory, against an emulator of an Ory Network project (Ory Hydra)', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ORY);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/ory/proxy/userinfo`);
  const openId = openIdCases(context, ORY, userinfo);

  it("signs in through discovery at the issuer as the identity's UUID sub, with its name, username (Ory's `username` claim) and verified e-mail; offline_access with PKCE and no consent prompt, the client by Basic alone, an hour's token and a refresh token", async () => {
    const { emulator: ory } = context;
    const ada = identity(101, 'ada', 'Ada Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: ory.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada', emailVerified: true },
      token: { refreshToken: expect.stringMatching(/^ory_rt_/), scope: SCOPE, lifetime: 3600 },
    });
    expect(ory.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(ory.server.counts.client_secret_post).toBeUndefined();
  });

  it('the proxy reaches /userinfo under the issuer with the token', async () => {
    const grace = identity(103, 'grace', 'Grace Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, username: 'grace', email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and Ory answers the spent one 401 token_inactive, revoking the whole chain', async () => {
    const { emulator: ory } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(identity(104, 'alan', 'Alan Turing'));
    expect(await statusAndBody(refreshAtOry(ory, before.refreshToken!))).toMatchObject({ status: 401, body: { error: 'token_inactive' } });
    expect(ory.accepts(after.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtOry(ory, after.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a refresh token another copy spent first: Ory's 401 token_inactive is read as invalid_grant, so the connection needs re-auth after one try (not retried as an outage)", async () => {
    const { emulator: ory, app, database } = context;
    await openId.expectNeedsReauthOnceEnded(identity(107, 'katherine', 'Katherine Johnson'), async (_, { userId }) => {
      const stored = await app.runtime.tokenStore.findToken(userId, 'ory');
      expect((await refreshAtOry(ory, stored!.refreshToken!)).status).toBe(200);
      await expireAccessTokens(database, userId);
    });
  });

  it("the identity's consent revoked at Ory: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(identity(105, 'edsger', 'Edsger Dijkstra'), (leaving) => context.emulator.revokeConsent(leaving));
  });

  it('disconnect revokes at /oauth2/revoke (RFC 7009), by Basic: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: ory } = context;
    await openId.expectDisconnectRevokesBoth(identity(106, 'barbara', 'Barbara Liskov'), (refreshToken) => refreshAtOry(ory, refreshToken));
    expect(ory.server.counts.client_secret_post).toBeUndefined();
  });

  standardCases(() => context, ORY, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(ORY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeEachDialect('Ory refresh tokens (30 days, the default lifespan)', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startOryEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: clock.now }), env: oryEnv },
    { now: clock.now },
  );

  it('the keep-alive sweep is set for 30 days; a refresh token left 30 days is refused, and one refreshed within them has 30 days of its own', async () => {
    const { emulator: ory, app } = context;
    expect(providerSettings(oryEnv(ory), 'ory', false).refreshTokenIdleSeconds).toBe(ORY_REFRESH_TOKEN_SECONDS);
    const { userId: used } = await signInAs(context, 'ory', identity(201, 'active', 'Active Person'));
    const { userId: lapsed } = await signInAs(context, 'ory', identity(202, 'lapsed', 'Lapsed Person'));

    clock.advance(20 * 86_400);
    await expect(app.runtime.tokens.getAccessToken(used, 'ory')).resolves.toMatchObject({ accessToken: expect.any(String) });

    clock.advance(10 * 86_400 + 1);
    const refreshes = ory.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(lapsed, 'ory')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(ory.server.counts.refresh_token).toBe(refreshes + 1);
    await expect(app.runtime.tokens.getAccessToken(used, 'ory')).resolves.toMatchObject({ accessToken: expect.any(String) });
    expect(ory.server.counts.refresh_token).toBe(refreshes + 2);
  });
});

describe('the ory preset in production', () => {
  const { settings, refusal } = presetInProduction('ory', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the project's issuer as issuer and API, or the issuer alone", () => {
    expect(settings({ ORY_BASE_URL: 'https://acme-7xk2.projects.oryapis.com' })).toMatchObject({
      displayName: 'Ory',
      discovery: { issuer: 'https://acme-7xk2.projects.oryapis.com' },
      scope: SCOPE,
      apiBaseUrl: 'https://acme-7xk2.projects.oryapis.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(settings({ ORY_ISSUER: 'https://hydra.acme.test/' }).discovery).toEqual({ issuer: 'https://hydra.acme.test/' });
    expect(refusal({})).toContain('ORY_BASE_URL');
  });
});
