import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { POCKET_ID_REFRESH_IDLE_SECONDS, startPocketIdEmulator, type PocketIdEmulator, type PocketIdUser } from './pocketid.emulator.js';

// A client id (a UUID) and secret of the form Pocket ID shows on the client's page.
const CLIENT_ID = '5f0c2a8e-7d41-4b3a-9e6f-1c2d3e4f5a6b';
const CLIENT_SECRET = 'q8Wm3Zr7Tn2Vx6Bp1Ky5Hd9Lc4Jf0Gs';
const REDIRECT_URI = `${APP_ORIGIN}/auth/pocketid/callback`;
const SCOPE = 'openid profile email';
const DAY = 86_400;

function person(n: number, firstName: string, lastName: string, email: { verified: boolean } | null = { verified: true }): PocketIdUser {
  const username = firstName.toLowerCase();
  return {
    id: `9a7e54c1-3b2d-4f8e-a1c6-${String(n).padStart(12, '0')}`,
    username,
    firstName,
    lastName,
    ...(email ? { email: `${username}@example.com` } : {}),
    emailVerified: email?.verified ?? false,
  };
}

/** Only the documented variables: the preset, the client, and Pocket ID's APP_URL. */
function pocketIdEnv(pocketId: PocketIdEmulator): Record<string, string> {
  return presetEnv('pocketid', CLIENT_ID, CLIENT_SECRET, { POCKETID_BASE_URL: pocketId.origin });
}

/** A refresh at Pocket ID itself, as another copy of the token would make it. */
function refreshAtPocketId(pocketId: PocketIdEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${pocketId.issuer}/api/oidc/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const POCKET_ID: StandardProvider<PocketIdUser, PocketIdEmulator> = {
  preset: 'pocketid',
  displayName: 'Pocket ID',
  startEmulator: () => startPocketIdEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: pocketIdEnv,
  people: standardPeopleByNameParts((n, first, last) => person(n, first, last)),
  subjectOf: (user) => user.id,
};

describeEachDialect('Pocket ID, against an emulator of a Pocket ID server with one OIDC client', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), POCKET_ID);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/pocketid/proxy/api/oidc/userinfo`);
  const openId = openIdCases(context, POCKET_ID, userinfo);

  it("signs in through discovery at APP_URL as the user's unchanging ID, with the name, username and verified e-mail; openid profile email with PKCE, no offline_access and no consent prompt, the client by Basic, an hour's token and a refresh token", async () => {
    const { emulator: pocketId } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { request } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: pocketId.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada', emailVerified: true },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(pocketId.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(pocketId.server.counts.client_secret_post).toBeUndefined();
  });

  it('an e-mail Pocket ID says is not verified is kept as not verified, and a user with no e-mail is stored without one', async () => {
    await openId.expectStoredEmail(person(102, 'Pending', 'Person', { verified: false }), { email: 'pending@example.com', verified: false });
    await openId.expectStoredEmail(person(107, 'Nomail', 'Person', null), { email: null });
  });

  it('the proxy reaches /api/oidc/userinfo under APP_URL with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, preferred_username: 'grace', given_name: 'Grace', family_name: 'Hopper' });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and the retired one used again is refused and ends the grant', async () => {
    const { emulator: pocketId } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtPocketId(pocketId, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(pocketId.accepts(after.accessToken)).toBe(false);
  });

  it("the user taken out of the client's allowed groups: the next refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), async (leaving, { userId }) => {
      context.emulator.removeFromClient(leaving);
      // The check is made at the refresh: the access token held lives on until it ends.
      await expireAccessTokens(context.database, userId);
    });
  });

  it('disconnect deletes the tokens here and says they were not revoked at Pocket ID, which documents no revocation endpoint: no request is sent', async () => {
    const { browser, userId } = await openId.signIn(person(106, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'pocketid', { browser, userId });
  });

  standardCases(() => context, POCKET_ID, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(POCKET_ID, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeKeepAlive(POCKET_ID, {
  title: 'Pocket ID refresh tokens (30 days of inactivity) and the keep-alive sweep',
  name: 'refreshes an unused connection once 7 days before its 30 days unused, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startPocketIdEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(201, 'Idle', 'Person'),
  dueAfterDays: POCKET_ID_REFRESH_IDLE_SECONDS / DAY - 7,
  usedAgainAfterDays: 8,
});

describe('the pocketid preset in production', () => {
  const { settings, refusal } = presetInProduction('pocketid', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes APP_URL as issuer and API, with 30 days of idle life for refresh tokens, and needs it', () => {
    expect(settings({ POCKETID_BASE_URL: 'https://id.acme.test/' })).toMatchObject({
      displayName: 'Pocket ID',
      discovery: { issuer: 'https://id.acme.test' },
      scope: SCOPE,
      apiBaseUrl: 'https://id.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * DAY,
    });
    expect(settings({ POCKETID_BASE_URL: 'https://id.acme.test', POCKETID_REFRESH_TOKEN_IDLE_DAYS: '90' }).refreshTokenIdleSeconds).toBe(90 * DAY);
    expect(refusal({})).toContain('POCKETID_BASE_URL is missing');
  });

  it('an endpoint or the discovery document given as APP_URL stops start-up, naming the URL to give', () => {
    expect(refusal({ POCKETID_BASE_URL: 'https://id.acme.test/api/oidc/token' })).toBe(
      'Configuration error: POCKETID_BASE_URL ends in a path the preset appends itself (/api/oidc): give Pocket ID\'s APP_URL alone, e.g. https://id.acme.test (got "https://id.acme.test/api/oidc/token")',
    );
    expect(refusal({ POCKETID_BASE_URL: 'https://acme.test/id/.well-known/openid-configuration' })).toContain("(/.well-known): give Pocket ID's APP_URL alone, e.g. https://acme.test/id (got");
    expect(refusal({ POCKETID_BASE_URL: 'https://id.acme.test/authorize' })).toContain('(/authorize)');
  });
});
