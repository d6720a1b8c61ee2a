import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPingOneEmulator, type PingOneEmulator, type PingOneEmulatorOptions, type PingOneUser } from './pingone.emulator.js';

// A client id and secret as PingOne shows them for an OIDC Web App, and its environment's id.
const CLIENT_ID = '6b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const CLIENT_SECRET = 'pz.Qk3Vh8rT1yU5wX9zA2bC4dE6fG8hJ0kL1mN3oP5qR7sT9uV1wX3yZ5aB7cD9e';
const ENVIRONMENT_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/pingone/callback`;
const DAY = 86_400;

function person(n: number, givenName: string, familyName: string, emailVerified = true): PingOneUser {
  const username = givenName.toLowerCase();
  return { id: `7c3e9a10-0000-4000-8000-${String(n).padStart(12, '0')}`, username, givenName, familyName, email: `${username}@example.com`, emailVerified };
}

const start = (more: Partial<PingOneEmulatorOptions> = {}) =>
  startPingOneEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, environmentId: ENVIRONMENT_ID, ...more });

/** The documented variables: the environment id the preset needs, and the issuer pointed at the emulator. */
function pingoneEnv(pingone: PingOneEmulator): Record<string, string> {
  return presetEnv('pingone', CLIENT_ID, CLIENT_SECRET, { PINGONE_ENVIRONMENT_ID: ENVIRONMENT_ID, PINGONE_ISSUER: pingone.issuer });
}

/** A refresh at PingOne itself, as another copy of the token would make it. */
function refreshAtPingOne(pingone: PingOneEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${pingone.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

/** Userinfo through the app's proxy, as the signed-in browser. */
const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/pingone/proxy/userinfo`);

const PINGONE: StandardProvider<PingOneUser, PingOneEmulator> = {
  preset: 'pingone',
  displayName: 'PingOne',
  startEmulator: () => start(),
  env: pingoneEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('PingOne, against an emulator of a PingOne environment', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PINGONE);

  const openId = openIdCases(context, PINGONE, userinfo);

  it('signs in through discovery at the environment as the user id sub, with the name and verified e-mail of userinfo; openid profile email with PKCE S256 and no consent prompt, the client by Basic, a one-hour token and a refresh token', async () => {
    const { emulator: pingone } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: 'openid profile email',
      account: { issuer: pingone.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: true },
      token: { lifetime: 3600 },
    });
    expect(pingone.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(pingone.server.counts.client_secret_post).toBeUndefined();
  });

  it('an e-mail PingOne has not verified is kept as not verified', async () => {
    await openId.expectStoredEmail(person(102, 'Pending', 'Check', false), { email: 'pending@example.com', verified: false });
  });

  it('the proxy reaches the environment’s /as with the token (userinfo)', async () => {
    const { emulator: pingone } = context;
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, preferred_username: 'grace', env: ENVIRONMENT_ID });
    expect(pingone.server.requests.findLast((r) => r.path === `/${ENVIRONMENT_ID}/as/userinfo`)!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token PingOne answers is kept', async () => {
    const { emulator: pingone } = context;
    const { before } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    // Without "Refresh token rotation" the one used still works until its 30 days end.
    expect((await refreshAtPingOne(pingone, before.refreshToken!)).status).toBe(200);
  });

  it("the user's sessions ended by an administrator: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeSessions(leaving));
  });

  it('disconnect revokes at /as/revoke (RFC 7009): the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: pingone } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtPingOne(pingone, refreshToken));
  });

  it('signing in again finds the same person by the user id', async () => {
    await openId.expectSameAccountOnReturn(person(107, 'Margaret', 'Hamilton'));
  });

  standardCases(() => context, PINGONE, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant "Invalid authorization code"' } });
});

describeEachDialect('PingOne with "Refresh token rotation" on, against an emulator of a PingOne environment', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { ...PINGONE, startEmulator: () => start({ rotateRefreshTokens: true }) });

  it('a refresh answers a new refresh token, which is kept and works, and PingOne refuses the used one', async () => {
    const { database, emulator: pingone } = context;
    const { before, browser, userId } = await openIdCases(context, PINGONE, userinfo).expectRotatedAfterStorm(person(110, 'Rota', 'Tion'));
    expect(await statusAndBody(refreshAtPingOne(pingone, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await expireAccessTokens(database, userId);
    expect((await userinfo(browser)).status).toBe(200);
  });
});

describeClientFailures(PINGONE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

// The app's default "Refresh token duration": each refresh token lives 30 days.
describeKeepAlive(PINGONE, {
  title: 'PingOne refresh tokens (30 days each) and the keep-alive sweep',
  name: 'refreshes an unused connection once 7 days before its 30 days end, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => start({ now }),
  person: person(201, 'Idle', 'Person'),
  dueAfterDays: 23,
  usedAgainAfterDays: 8,
  firstRefreshTokenRefused: async (pingone, refreshToken) => {
    const refused = await refreshAtPingOne(pingone, refreshToken);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  },
});

describe('the pingone preset in production', () => {
  const { settings, refusal } = presetInProduction('pingone', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes the environment’s issuer in North America by default, or in the region PINGONE_DOMAIN names, as issuer and API', () => {
    expect(settings({ PINGONE_ENVIRONMENT_ID: ENVIRONMENT_ID })).toMatchObject({
      displayName: 'PingOne',
      discovery: { issuer: `https://auth.pingone.com/${ENVIRONMENT_ID}/as` },
      scope: 'openid profile email',
      apiBaseUrl: `https://auth.pingone.com/${ENVIRONMENT_ID}/as`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenIdleSeconds: 30 * DAY,
    });
    expect(settings({ PINGONE_ENVIRONMENT_ID: ENVIRONMENT_ID, PINGONE_DOMAIN: 'auth.pingone.com.au' })).toMatchObject({
      discovery: { issuer: `https://auth.pingone.com.au/${ENVIRONMENT_ID}/as` },
    });
  });

  it('needs the environment id, a UUID, and a region’s host', () => {
    expect(refusal({})).toContain('PINGONE_ENVIRONMENT_ID is missing (the pingone preset makes the issuer from it; or set PINGONE_ISSUER)');
    expect(refusal({ PINGONE_ENVIRONMENT_ID: 'my-environment' })).toContain("PINGONE_ENVIRONMENT_ID must be the PingOne environment's id, a UUID");
    expect(refusal({ PINGONE_ENVIRONMENT_ID: ENVIRONMENT_ID, PINGONE_DOMAIN: 'auth.pingone.de' })).toContain("PINGONE_DOMAIN is not a PingOne region's host: give one of auth.pingone.com, auth.pingone.eu");
  });
});
