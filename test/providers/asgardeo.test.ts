import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { ASGARDEO_REFRESH_TOKEN_SECONDS, startAsgardeoEmulator, type AsgardeoEmulator, type AsgardeoUser } from './asgardeo.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// The organization of Asgardeo's own examples, and a client id and secret as its console shows them.
const ORGANIZATION = 'bifrost';
const CLIENT_ID = 'Wsoq8t4nHW80gSnPfyDvRbiC__Ea';
const CLIENT_SECRET = 'z0C79zlopx8i7ByOw8K15A9dplYa';
const REDIRECT_URI = `${APP_ORIGIN}/auth/asgardeo/callback`;
const SCOPE = 'openid profile email';

function person(n: number, givenName: string, familyName: string): AsgardeoUser {
  return { id: `5d6b8a2f-3c1e-4f7a-9b0d-${String(n).padStart(12, '0')}`, givenName, familyName, email: `${givenName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the organization, and the host standing for api.asgardeo.io. */
function asgardeoEnv(asgardeo: AsgardeoEmulator): Record<string, string> {
  return presetEnv('asgardeo', CLIENT_ID, CLIENT_SECRET, { ASGARDEO_TENANT: ORGANIZATION, ASGARDEO_BASE_URL: asgardeo.origin });
}

/** A refresh at Asgardeo itself. */
function refreshAtAsgardeo(asgardeo: AsgardeoEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(asgardeo.issuer, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const start = (renewRefreshToken = false, now?: () => number) =>
  startAsgardeoEmulator({ organization: ORGANIZATION, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, renewRefreshToken, ...(now ? { now } : {}) });

const ASGARDEO: StandardProvider<AsgardeoUser, AsgardeoEmulator> = {
  preset: 'asgardeo',
  displayName: 'Asgardeo',
  startEmulator: () => start(),
  env: asgardeoEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Asgardeo, against an emulator of an organization with a web application at its defaults', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ASGARDEO);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/asgardeo/proxy/oauth2/userinfo`);
  const openId = openIdCases(context, ASGARDEO, userinfo);

  it("signs in through discovery at the organization's token endpoint URL (the issuer) as the user's id sub, the name made of given and family names, the e-mail; no offline_access and no consent prompt, PKCE, Basic, an hour's token and a refresh token", async () => {
    const { emulator: asgardeo } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: `${asgardeo.origin}/t/${ORGANIZATION}/oauth2/token`, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: false },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(asgardeo.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(asgardeo.server.counts.client_secret_post).toBeUndefined();
  });

  it("the proxy reaches /oauth2/userinfo under the organization with the token", async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, given_name: 'Grace' });
  });

  it('20 concurrent calls on an expired token make one refresh, which answers the same refresh token (no "Renew refresh token"), kept; it still refreshes at Asgardeo', async () => {
    const { emulator: asgardeo } = context;
    const { after } = await openId.expectKeptAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtAsgardeo(asgardeo, after.refreshToken!))).toMatchObject({ status: 200, body: { refresh_token: after.refreshToken } });
  });

  it('the user deleted from the organization: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes both tokens at /oauth2/revoke (RFC 7009; Asgardeo ends each alone), by Basic: neither works any more, and the tokens are deleted here', async () => {
    const { emulator: asgardeo } = context;
    const { browser, userId } = await openId.signIn(person(106, 'Barbara', 'Liskov'));
    const stored = await expectDisconnectRevokes(context, 'asgardeo', { browser, userId }, { requests: 2 });
    expect(asgardeo.accepts(stored.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtAsgardeo(asgardeo, stored.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  standardCases(() => context, ASGARDEO, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(ASGARDEO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeEachDialect("Asgardeo refresh tokens (86400 s from their issue, the app's default)", (dialect) => {
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start(false, clock.now), env: asgardeoEnv }, { now: clock.now });

  it('by default the same refresh token comes back, so a connection used all day still needs re-auth a day after its sign-in, after one refused refresh', async () => {
    const { emulator: asgardeo, app } = context;
    expect(providerSettings(asgardeoEnv(asgardeo), 'asgardeo', false).refreshTokenIdleSeconds).toBeUndefined();
    const { userId } = await signInAs(context, 'asgardeo', person(201, 'Daily', 'User'));
    clock.advance(23 * 3600);
    await expect(app.runtime.tokens.getAccessToken(userId, 'asgardeo')).resolves.toMatchObject({ accessToken: expect.any(String) });
    clock.advance(ASGARDEO_REFRESH_TOKEN_SECONDS - 23 * 3600 + 3600);
    const refreshes = asgardeo.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(userId, 'asgardeo')).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(app.runtime.tokens.getAccessToken(userId, 'asgardeo')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(asgardeo.server.counts.refresh_token).toBe(refreshes + 1);
  });
});

describeEachDialect('Asgardeo refresh tokens with "Renew refresh token" on', (dialect) => {
  const clock = testClock();
  const env = (asgardeo: AsgardeoEmulator) => ({ ...asgardeoEnv(asgardeo), ASGARDEO_REFRESH_TOKEN_IDLE_DAYS: '1' });
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start(true, clock.now), env }, { now: clock.now });

  it('each refresh answers a new refresh token of its own day, kept in place of the old, so a connection used daily lasts; IDLE_DAYS=1 sets the keep-alive', async () => {
    const { emulator: asgardeo, app } = context;
    expect(providerSettings(env(asgardeo), 'asgardeo', false).refreshTokenIdleSeconds).toBe(ASGARDEO_REFRESH_TOKEN_SECONDS);
    const { userId } = await signInAs(context, 'asgardeo', person(202, 'Renewed', 'User'));
    const first = await app.runtime.tokenStore.findToken(userId, 'asgardeo');
    for (let day = 0; day < 3; day += 1) {
      clock.advance(23 * 3600);
      await expect(app.runtime.tokens.getAccessToken(userId, 'asgardeo')).resolves.toMatchObject({ accessToken: expect.any(String) });
    }
    const last = await app.runtime.tokenStore.findToken(userId, 'asgardeo');
    expect(last!.refreshToken).not.toBe(first!.refreshToken);
    expect(await statusAndBody(refreshAtAsgardeo(asgardeo, first!.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('the asgardeo preset in production', () => {
  const { settings, refusal } = presetInProduction('asgardeo', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the organization's name, and another region's host", () => {
    expect(settings({ ASGARDEO_TENANT: 'bifrost' })).toMatchObject({
      displayName: 'Asgardeo',
      discovery: { issuer: 'https://api.asgardeo.io/t/bifrost/oauth2/token' },
      scope: SCOPE,
      apiBaseUrl: 'https://api.asgardeo.io/t/bifrost',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(settings({ ASGARDEO_TENANT: 'bifrost', ASGARDEO_BASE_URL: 'https://api.eu.asgardeo.io' }).discovery).toMatchObject({
      issuer: 'https://api.eu.asgardeo.io/t/bifrost/oauth2/token',
    });
    expect(refusal({})).toContain('ASGARDEO_TENANT');
    expect(refusal({ ASGARDEO_TENANT: 'bif rost' })).toContain('ASGARDEO_TENANT');
  });
});
