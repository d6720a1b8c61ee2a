import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { BEYOND_IDENTITY_ACCESS_TOKEN_SECONDS, startBeyondIdentityEmulator, type BeyondIdentityEmulator, type BeyondIdentityUser } from './beyond_identity.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A Client ID and Client Secret of the form an application's External Protocol tab shows.
const CLIENT_ID = 'Yq7bH2mKx9LwT4rVn3sPd8Fz';
const CLIENT_SECRET = 'zs2oENddYNesQ4vB8kLm1Tx7uamRhvRJ9d3ZJcI97X';
const REDIRECT_URI = `${APP_ORIGIN}/auth/beyond_identity/callback`;

function person(n: number, displayName: string): BeyondIdentityUser {
  const username = displayName.split(' ')[0]!.toLowerCase();
  return { id: `7a8cce58fd16${String(n).padStart(4, '0')}`, displayName, username, email: `${username}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the application's Issuer. */
function beyondIdentityEnv(beyondIdentity: BeyondIdentityEmulator): Record<string, string> {
  return presetEnv('beyond_identity', CLIENT_ID, CLIENT_SECRET, { BEYOND_IDENTITY_BASE_URL: beyondIdentity.issuer });
}

const BEYOND_IDENTITY: StandardProvider<BeyondIdentityUser, BeyondIdentityEmulator> = {
  preset: 'beyond_identity',
  displayName: 'Beyond Identity',
  startEmulator: () => startBeyondIdentityEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: beyondIdentityEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Beyond Identity, against an emulator of a Beyond Identity OIDC application', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BEYOND_IDENTITY);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/beyond_identity/proxy/userinfo`);
  const openId = openIdCases(context, BEYOND_IDENTITY, userinfo);

  it("signs in through the application's discovery as the ID token's sub (the identity's id), with the name, the username and an unverified e-mail; openid with PKCE, the client as Basic, a day's token with a refresh token", async () => {
    const { emulator: beyondIdentity } = context;
    const ada = person(101, 'Ada Lovelace');
    await openId.expectSignIn(ada, {
      scope: 'openid',
      account: { issuer: beyondIdentity.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@acme.test', username: 'ada', emailVerified: false },
      token: { scope: 'openid', lifetime: BEYOND_IDENTITY_ACCESS_TOKEN_SECONDS },
    });
    const exchange = beyondIdentity.server.requests.find((r) => r.path.endsWith('/token'))!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
  });

  it('signing in again finds the same account by the sub', async () => {
    await openId.expectSameAccountOnReturn(person(110, 'Returning Person'));
  });

  it("the proxy reaches the application's userinfo with the token", async () => {
    const grace = person(103, 'Grace Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, preferred_username: 'grace', email: 'grace@acme.test' });
  });

  it('20 concurrent calls on an expired token make one refresh, with the client as Basic, and the new refresh token is kept', async () => {
    const { emulator: beyondIdentity } = context;
    await openId.expectRotatedAfterStorm(person(104, 'Alan Turing'));
    expect(beyondIdentity.server.requests.filter((r) => r.path.endsWith('/token')).at(-1)!.headers.authorization).toMatch(/^Basic /);
  });

  it('the identity deleted in the realm: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger Dijkstra'), (leaving) => context.emulator.removeIdentity(leaving));
  });

  it("disconnect asks Beyond Identity nothing (an OIDC application's tokens are revoked only with a management token) and forgets the tokens", async () => {
    const signedIn = await openId.signIn(person(106, 'Barbara Liskov'));
    await expectDisconnectAsksNothing(context, 'beyond_identity', signedIn);
  });

  standardCases(() => context, BEYOND_IDENTITY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BEYOND_IDENTITY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the beyond_identity preset in production', () => {
  const { settings, refusal } = presetInProduction('beyond_identity', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the application's Issuer as issuer and API base, asks openid with the client as Basic, and needs the Issuer", () => {
    const issuer = 'https://auth-us.beyondidentity.com/v1/tenants/000176d94fd7b4d1/realms/5a0f2b7c9e3d1846/applications/1233449b-11c4-4884-b622-0bfbaefd44d3';
    expect(settings({ BEYOND_IDENTITY_BASE_URL: `${issuer}/` })).toMatchObject({
      displayName: 'Beyond Identity',
      discovery: { issuer },
      scope: 'openid',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(refusal({})).toContain('BEYOND_IDENTITY_BASE_URL is missing');
  });
});
