import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { dexSubject, startDexEmulator, type DexEmulator, type DexUser } from './dex.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A static client as Dex's examples configure one.
const CLIENT_ID = 'tokenkeeper-app';
const CLIENT_SECRET = 'ZXhhbXBsZS1hcHAtc2VjcmV0LTdmM2E5YzJlMWI0ZA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/dex/callback`;
const SCOPE = 'openid profile email offline_access';
const DAY = 86_400;

function person(n: number, username: string, name: string, emailVerified = true): DexUser {
  return { userId: String(2342700 + n), connectorId: 'github', name, username, email: `${username}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and Dex's issuer. */
function dexEnv(dex: DexEmulator): Record<string, string> {
  return presetEnv('dex', CLIENT_ID, CLIENT_SECRET, { DEX_BASE_URL: dex.issuer });
}

/** A refresh at Dex itself, as another copy of the token would make it. */
function refreshAtDex(dex: DexEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${dex.issuer}/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const DEX: StandardProvider<DexUser, DexEmulator> = {
  preset: 'dex',
  displayName: 'Dex',
  startEmulator: () => startDexEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: dexEnv,
  people: {
    cancelled: person(108, 'changed', 'Changed Mind'),
    'refused-code': person(109, 'refused', 'Refused Code'),
    'wrong-secret': person(301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': person(302, 'outage', 'Outage Person'),
  },
  subjectOf: dexSubject,
};

describeEachDialect('Dex, against an emulator of a Dex server with one static client', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DEX);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/dex/proxy/userinfo`);
  const openId = openIdCases(context, DEX, userinfo);

  it("signs in through discovery at Dex's issuer (with its path) as the sub that encodes the upstream id and connector, with the name, username and verified e-mail; offline_access with PKCE and no consent prompt, the client by Basic, a 24-hour token and a refresh token", async () => {
    const { emulator: dex } = context;
    const ada = person(101, 'ada', 'Ada Lovelace');
    const { account } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: `${dex.origin}/dex`, subject: dexSubject(ada) },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada', emailVerified: true },
      token: { lifetime: 24 * 3600 },
    });
    expect(Buffer.from(account.subject, 'base64url').toString('latin1')).toBe('\n\u00072342801\u0012\u0006github');
    expect(dex.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(dex.server.counts.client_secret_post).toBeUndefined();
  });

  it('an e-mail the upstream provider did not verify is kept as not verified', async () => {
    await openId.expectStoredEmail(person(102, 'pending', 'Pending Person', false), { verified: false });
  });

  it("the proxy reaches /userinfo under Dex's issuer with the token", async () => {
    const grace = person(103, 'grace', 'Grace Hopper');
    await openId.expectProxyReaches(grace, { sub: dexSubject(grace), preferred_username: 'grace', email_verified: true });
  });

  it("20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and Dex answers the spent one with its invalid_request", async () => {
    const { emulator: dex } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(person(104, 'alan', 'Alan Turing'));
    expect(await statusAndBody(refreshAtDex(dex, before.refreshToken!))).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Refresh token is invalid or has already been claimed by another client.' },
    });
    expect(dex.accepts(after.accessToken)).toBe(true);
  });

  it("the person's refresh tokens deleted through Dex's API: its invalid_request is read as invalid_grant, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'edsger', 'Edsger Dijkstra'), async (leaving, { userId }) => {
      context.emulator.revokeRefreshTokens(leaving);
      // Dex's access tokens live on (JWTs): the refresh comes once the stored one has ended.
      expect(context.emulator.accepts((await context.app.runtime.tokenStore.findToken(userId, 'dex'))!.accessToken)).toBe(true);
      await expireAccessTokens(context.database, userId);
    });
  });

  it('disconnect deletes the tokens here and says they were not revoked at Dex, which has no revocation endpoint: no request is sent', async () => {
    const { browser, userId } = await openId.signIn(person(106, 'barbara', 'Barbara Liskov'));
    await expectDisconnectAsksNothing(context, 'dex', { browser, userId });
  });

  // No cancellation case: Dex's approval page answers "Cancel" with an error page of its own, not a redirect.
  standardCases(() => context, DEX, { refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(DEX, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

// A Dex whose expiry.refreshTokens.validIfNotUsedFor is the sample configuration's 90 days, told to the app as DEX_REFRESH_TOKEN_IDLE_DAYS.
const DEX_IDLE_90_DAYS: StandardProvider<DexUser, DexEmulator> = { ...DEX, env: (dex) => ({ ...dexEnv(dex), DEX_REFRESH_TOKEN_IDLE_DAYS: '90' }) };
describeKeepAlive(
  DEX_IDLE_90_DAYS,
  {
    title: 'Dex refresh tokens with validIfNotUsedFor 90 days and the keep-alive sweep',
    name: 'refreshes an unused connection once 7 days before its 90 days unused, and the new refresh token keeps it working past the first one’s end',
    startEmulator: (now) => startDexEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, refreshIdleSeconds: 90 * DAY, now }),
    person: person(201, 'idle', 'Idle Person'),
    dueAfterDays: 83,
    usedAgainAfterDays: 8,
    firstRefreshTokenRefused: async (dex, refreshToken) => {
      expect(await statusAndBody(refreshAtDex(dex, refreshToken))).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    },
  },
);

describe('the dex preset in production', () => {
  const { settings, refusal } = presetInProduction('dex', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes Dex's issuer as the base URL (or DEX_ISSUER alone), and needs one of them", () => {
    expect(settings({ DEX_BASE_URL: 'https://auth.acme.test/dex/' })).toMatchObject({
      displayName: 'Dex',
      discovery: { issuer: 'https://auth.acme.test/dex' },
      scope: SCOPE,
      apiBaseUrl: 'https://auth.acme.test/dex',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(settings({ DEX_BASE_URL: 'https://auth.acme.test/dex' })).not.toHaveProperty('refreshTokenIdleSeconds');
    expect(settings({ DEX_ISSUER: 'https://dex.acme.test' }).discovery).toMatchObject({ issuer: 'https://dex.acme.test' });
    expect(refusal({})).toContain('DEX_BASE_URL is missing');
  });
});
