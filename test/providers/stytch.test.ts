import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { STYTCH_REFRESH_TOKEN_IDLE_SECONDS, startStytchEmulator, type StytchEmulator, type StytchUser } from './stytch.emulator.js';

// A Connected App client as Stytch's pages show one, and a secret of its shape.
const CLIENT_ID = 'connected-app-test-d731954d-dab3-4a2b-bdee-07f3ad1be888';
const CLIENT_SECRET = 'NHQhc7ZqsXJVtgmN2MXr1etqsQrGAwJ-iBWNLKY7DzJq';
const REDIRECT_URI = `${APP_ORIGIN}/auth/stytch/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, givenName: string, familyName: string): StytchUser {
  return { id: `user-test-16d9ba61-97a1-4ba4-9720-${String(n).padStart(12, '0')}`, givenName, familyName, email: `${givenName.toLowerCase()}@example.com` };
}

/**
 * The documented variables: the preset, the client, the project domain; the issuer (the emulator's origin stands for
 * https://<domain>) and the revocation endpoint the preset names under the domain, which the emulator serves.
 */
function stytchEnv(stytch: StytchEmulator): Record<string, string> {
  return presetEnv('stytch', CLIENT_ID, CLIENT_SECRET, { STYTCH_DOMAIN: 'login.acme.test', STYTCH_ISSUER: stytch.issuer, STYTCH_REVOCATION_URL: `${stytch.issuer}/v1/oauth2/revoke` });
}

function refreshAtStytch(stytch: StytchEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${stytch.issuer}/v1/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const STYTCH: StandardProvider<StytchUser, StytchEmulator> = {
  preset: 'stytch',
  displayName: 'Stytch',
  startEmulator: () => startStytchEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: stytchEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Stytch Connected Apps, against an emulator of a project with one confidential Connected App', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), STYTCH);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/stytch/proxy/v1/oauth2/userinfo`);
  const openId = openIdCases(context, STYTCH, userinfo);

  it("signs in through discovery at the project domain as the Stytch user id sub, with the name and verified e-mail; offline_access with PKCE and no consent prompt, Basic, an hour's token and a refresh token", async () => {
    const { emulator: stytch } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { request } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: stytch.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: true },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(new URL(request.get('redirect_uri')!).pathname).toBe('/auth/stytch/callback');
    expect(stytch.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(stytch.server.counts.client_secret_post).toBeUndefined();
  });

  it('the proxy reaches /v1/oauth2/userinfo on the project domain with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, email_verified: true });
  });

  it("20 concurrent calls on an expired token make one refresh, which answers no refresh token (a confidential client's is not rotated); the one kept still refreshes", async () => {
    const { emulator: stytch } = context;
    const { after } = await openId.expectKeptAfterStorm(person(104, 'Alan', 'Turing'));
    const again = await statusAndBody(refreshAtStytch(stytch, after.refreshToken!));
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('refresh_token');
  });

  it("the user revokes the app's access: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.revokeConsent(leaving));
  });

  it('disconnect revokes at /v1/oauth2/revoke (RFC 7009, which discovery does not name), by Basic: the refresh token and its access token stop working, and the tokens are deleted here', async () => {
    const { emulator: stytch } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtStytch(stytch, refreshToken));
  });

  standardCases(() => context, STYTCH, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(STYTCH, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeEachDialect('Stytch refresh tokens (three months from their last use)', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startStytchEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: clock.now }), env: stytchEnv },
    { now: clock.now },
  );

  it('each use starts the three months again, so a connection used every two months lasts, and one left longer is refused and needs re-auth', async () => {
    const { emulator: stytch, app } = context;
    expect(providerSettings(stytchEnv(stytch), 'stytch', false).refreshTokenIdleSeconds).toBe(STYTCH_REFRESH_TOKEN_IDLE_SECONDS);
    const { userId: used } = await signInAs(context, 'stytch', person(201, 'Active', 'Person'));
    const { userId: lapsed } = await signInAs(context, 'stytch', person(202, 'Lapsed', 'Person'));
    clock.advance(60 * 86_400);
    await expect(app.runtime.tokens.getAccessToken(used, 'stytch')).resolves.toMatchObject({ accessToken: expect.any(String) });
    clock.advance(60 * 86_400);
    const refreshes = stytch.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(used, 'stytch')).resolves.toMatchObject({ accessToken: expect.any(String) });
    await expect(app.runtime.tokens.getAccessToken(lapsed, 'stytch')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(stytch.server.counts.refresh_token).toBe(refreshes + 2);
  });
});

describe('the stytch preset in production', () => {
  const { settings, refusal } = presetInProduction('stytch', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes the project domain as issuer and API, and needs it', () => {
    expect(settings({ STYTCH_DOMAIN: 'login.acme.test' })).toMatchObject({
      displayName: 'Stytch',
      discovery: { issuer: 'https://login.acme.test' },
      scope: SCOPE,
      apiBaseUrl: 'https://login.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(refusal({})).toContain('STYTCH_DOMAIN');
    expect(refusal({ STYTCH_DOMAIN: 'https://login.acme.test' })).toContain('STYTCH_DOMAIN is not a valid domain');
  });
});
