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
import { describeClientFailures, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SAP_REFRESH_TOKEN_SECONDS, startSapEmulator, type SapEmulator, type SapUser } from './sap_cloud_identity.emulator.js';

// A client id as the pages' examples show one, and a secret for API authentication.
const CLIENT_ID = 'a123456e-314a-4923-899c-05c535c3d7f9';
const CLIENT_SECRET = 'Xq7kLm2tVn9pRc4Wd8Fs1GaZ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/sap_cloud_identity/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, firstName: string, lastName: string): SapUser {
  return { id: `P${String(n).padStart(6, '0')}`, uuid: `158a1b2c-7981-4a69-ab80-${String(n).padStart(12, '0')}`, firstName, lastName, mail: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and the tenant's URL. */
function sapEnv(sap: SapEmulator): Record<string, string> {
  return presetEnv('sap_cloud_identity', CLIENT_ID, CLIENT_SECRET, { SAP_CLOUD_IDENTITY_BASE_URL: sap.origin });
}

/** A refresh at the tenant itself, as another copy of the token would make it. */
function refreshAtTenant(sap: SapEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${sap.issuer}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const start = (options: { enforceCompliantIssuer?: boolean; now?: () => number } = {}) =>
  startSapEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...options });

const SAP: StandardProvider<SapUser, SapEmulator> = {
  preset: 'sap_cloud_identity',
  displayName: 'SAP Cloud Identity Services',
  startEmulator: () => start(),
  env: sapEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('SAP Cloud Identity Services, against an emulator of a tenant with an OpenID Connect application at its default token policy', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SAP);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/sap_cloud_identity/proxy/oauth2/userinfo`);
  const openId = openIdCases(context, SAP, userinfo);

  it("signs in through the tenant's discovery (the client named) as the User ID sub, the name from first_name and last_name, the e-mail from mail; offline_access with PKCE and no consent prompt, Basic, an hour's token and a refresh token", async () => {
    const { emulator: sap } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: sap.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: false },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(sap.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(sap.server.counts.client_secret_post).toBeUndefined();
  });

  it('the proxy reaches /oauth2/userinfo on the tenant with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, user_uuid: grace.uuid, mail: 'grace@example.com' });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and the tenant refuses the spent one (single-use)', async () => {
    const { emulator: sap } = context;
    const { before } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtTenant(sap, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the user deleted from the tenant: once the access token is due, the refresh is refused, and the connection needs re-auth after one try', async () => {
    // Userinfo answers a token it does not take with 400, which the proxy passes on: the refresh comes with the token's expiry.
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), async (leaving, { userId }) => {
      context.emulator.removeUser(leaving);
      await expireAccessTokens(context.database, userId);
    });
  });

  it("userinfo's 400 for a token it does not take reaches the app as it is, with no refresh", async () => {
    const { emulator: sap } = context;
    const kathleen = person(107, 'Kathleen', 'Booth');
    const { browser } = await openId.signIn(kathleen);
    sap.removeUser(kathleen);
    const refreshes = sap.server.counts.refresh_token ?? 0;
    expect((await userinfo(browser)).status).toBe(400);
    expect(sap.server.counts.refresh_token ?? 0).toBe(refreshes);
  });

  it("disconnect revokes at /oauth2/revoke (RFC 7009), by Basic, which ends the session's tokens: neither works any more, and the tokens are deleted here", async () => {
    const { emulator: sap } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtTenant(sap, refreshToken));
    expect(sap.server.counts.client_secret_post).toBeUndefined();
  });

  standardCases(() => context, SAP, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(SAP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeEachDialect('SAP Cloud Identity Services with "Enforce Compliant OIDC Issuer" on', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start({ enforceCompliantIssuer: true }), env: sapEnv });

  it('signs in: the discovery request names the client, so the tenant answers its issuer with the protocol', async () => {
    const { emulator: sap } = context;
    const ada = person(111, 'Ada', 'Byron');
    const { userId } = await signInAs(context, 'sap_cloud_identity', ada);
    const account = await context.database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: sap.issuer, subject: ada.id });
    expect(sap.server.counts.discovery).toBeGreaterThan(0);
  });
});

describeEachDialect('SAP Cloud Identity Services refresh tokens (12 hours, the default token policy)', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start({ now: clock.now }), env: sapEnv }, { now: clock.now });

  it('a connection used within 12 hours refreshes; one left longer is refused, and needs re-auth after one try (no keep-alive is set)', async () => {
    const { emulator: sap, app } = context;
    expect(providerSettings(sapEnv(sap), 'sap_cloud_identity', false).refreshTokenIdleSeconds).toBeUndefined();
    const { userId: used } = await signInAs(context, 'sap_cloud_identity', person(201, 'Active', 'Person'));
    const { userId: lapsed } = await signInAs(context, 'sap_cloud_identity', person(202, 'Lapsed', 'Person'));

    clock.advance(11 * 3600);
    const before = sap.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(used, 'sap_cloud_identity')).resolves.toMatchObject({ accessToken: expect.any(String) });
    expect(sap.server.counts.refresh_token).toBe(before + 1);

    clock.advance(SAP_REFRESH_TOKEN_SECONDS - 11 * 3600 + 60);
    const refreshes = sap.server.counts.refresh_token!;
    await expect(app.runtime.tokens.getAccessToken(lapsed, 'sap_cloud_identity')).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(app.runtime.tokens.getAccessToken(lapsed, 'sap_cloud_identity')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(sap.server.counts.refresh_token).toBe(refreshes + 1);
  });
});

describe('the sap_cloud_identity preset in production', () => {
  const { settings, refusal } = presetInProduction('sap_cloud_identity', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the tenant's URL, asks its discovery with the client named, and needs it", () => {
    expect(settings({ SAP_CLOUD_IDENTITY_BASE_URL: 'https://acme.accounts.ondemand.com' })).toMatchObject({
      displayName: 'SAP Cloud Identity Services',
      discovery: { metadataUrl: `https://acme.accounts.ondemand.com/.well-known/openid-configuration?client_id=${CLIENT_ID}` },
      scope: SCOPE,
      apiBaseUrl: 'https://acme.accounts.ondemand.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(refusal({})).toContain('SAP_CLOUD_IDENTITY_BASE_URL');
  });
});
