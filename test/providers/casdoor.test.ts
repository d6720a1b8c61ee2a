import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { CASDOOR_TOKEN_SECONDS, startCasdoorEmulator, type CasdoorEmulator, type CasdoorUser } from './casdoor.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A Client ID and Client secret as Casdoor generates them for a new application (hex).
const CLIENT_ID = '294b09fbc17f95daf2fe';
const CLIENT_SECRET = 'dd8982f7046ccba1bbd7851d5c1ece4e52bf039d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/casdoor/callback`;
const SCOPE = 'openid profile email';

function person(n: number, name: string, displayName: string, emailVerified = true): CasdoorUser {
  return { id: `9e1c4b2a-7d3f-4e8a-b6c5-${String(n).padStart(12, '0')}`, name, displayName, email: `${name}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and Casdoor's origin. */
function casdoorEnv(casdoor: CasdoorEmulator): Record<string, string> {
  return presetEnv('casdoor', CLIENT_ID, CLIENT_SECRET, { CASDOOR_BASE_URL: casdoor.origin });
}

/** A refresh at Casdoor itself, as another copy of the token would make it. */
function refreshAtCasdoor(casdoor: CasdoorEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${casdoor.origin}/api/login/oauth/access_token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const CASDOOR: StandardProvider<CasdoorUser, CasdoorEmulator> = {
  preset: 'casdoor',
  displayName: 'Casdoor',
  startEmulator: () => startCasdoorEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: casdoorEnv,
  people: {
    cancelled: person(108, 'changed', 'Changed Mind'),
    'refused-code': person(109, 'refused', 'Refused Code'),
    'wrong-secret': person(301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': person(302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Casdoor, against an emulator of a Casdoor server with one application', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CASDOOR);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/casdoor/proxy/api/userinfo`);
  const openId = openIdCases(context, CASDOOR, userinfo);

  it("signs in through discovery at the origin as the user's id, named by userinfo (the display name, not the ID token's username `name`), with the username and the verified e-mail; PKCE, the client in the form, no offline_access, a 168-hour token and a refresh token", async () => {
    const { emulator: casdoor } = context;
    const ada = person(101, 'ada', 'Ada Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: casdoor.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada', emailVerified: true },
      token: { scope: SCOPE, lifetime: CASDOOR_TOKEN_SECONDS },
    });
    expect(casdoor.server.counts.client_secret_post).toBeGreaterThan(0);
    expect(casdoor.server.counts.client_secret_basic).toBeUndefined();
  });

  it('an e-mail Casdoor has not verified (no email_verified sent) is kept as not verified', async () => {
    await openId.expectStoredEmail(person(102, 'pending', 'Pending Person', false), { verified: false });
  });

  it('the proxy reaches /api/userinfo at the origin with the token', async () => {
    const grace = person(103, 'grace', 'Grace Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, preferred_username: 'grace', name: 'Grace Hopper' });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and Casdoor refuses the deleted one', async () => {
    const { emulator: casdoor } = context;
    const { before } = await openId.expectRotatedAfterStorm(person(104, 'alan', 'Alan Turing'));
    expect(await statusAndBody(refreshAtCasdoor(casdoor, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' } });
  });

  it("the person signed out of Casdoor everywhere: the refresh is refused once the access token has ended, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'edsger', 'Edsger Dijkstra'), async (leaving, { userId }) => {
      context.emulator.endSessions(leaving);
      await expireAccessTokens(context.database, userId);
    });
  });

  it('disconnect deletes the tokens here and says they were not revoked at Casdoor, which has no revocation endpoint: no request is sent', async () => {
    const { browser, userId } = await openId.signIn(person(106, 'barbara', 'Barbara Liskov'));
    await expectDisconnectAsksNothing(context, 'casdoor', { browser, userId });
  });

  // No cancellation case: Casdoor's login page has no refusal that redirects back.
  standardCases(() => context, CASDOOR, { refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(CASDOOR, { wrongSecret: { sentAs: '401 invalid_client with a Basic challenge' }, exchangeFailure: {} });

// An application made in the UI: refresh tokens live 168 hours from their issue, and a refresh replaces them.
describeKeepAlive(CASDOOR, {
  title: 'Casdoor refresh tokens (168 hours from issue) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last quarter of its 7 days, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startCasdoorEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(201, 'idle', 'Idle Person'),
  dueAfterDays: 5.25,
  // Access and refresh tokens live 168 hours alike: the connection is used again 30 s before both of the sweep's end, within the refresh leeway.
  usedAgainAfterDays: 7 - 30 / 86_400,
  firstRefreshTokenRefused: async (casdoor, refreshToken) => {
    expect(await statusAndBody(refreshAtCasdoor(casdoor, refreshToken))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  },
});

describe('the casdoor preset in production', () => {
  const { settings, refusal } = presetInProduction('casdoor', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes the origin as issuer and API, and needs it', () => {
    expect(settings({ CASDOOR_BASE_URL: 'https://door.acme.test/' })).toMatchObject({
      displayName: 'Casdoor',
      discovery: { issuer: 'https://door.acme.test' },
      scope: SCOPE,
      apiBaseUrl: 'https://door.acme.test',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenIdleSeconds: 7 * 86_400,
    });
    expect(refusal({})).toContain('CASDOOR_BASE_URL is missing');
  });

  it('an endpoint, an API URL or an application’s discovery given as the base URL stops start-up, naming the origin to give', () => {
    expect(refusal({ CASDOOR_BASE_URL: 'https://door.acme.test/login/oauth/authorize' })).toBe(
      'Configuration error: CASDOOR_BASE_URL ends in a path the preset appends itself (/login): give Casdoor\'s origin alone, e.g. https://door.acme.test (got "https://door.acme.test/login/oauth/authorize")',
    );
    expect(refusal({ CASDOOR_BASE_URL: 'https://door.acme.test/api/userinfo' })).toContain('(/api): give Casdoor');
    expect(refusal({ CASDOOR_BASE_URL: 'https://door.acme.test/.well-known/app-example' })).toContain('(/.well-known): give Casdoor');
  });
});
