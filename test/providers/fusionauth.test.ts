import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { FUSIONAUTH_ISSUER, FUSIONAUTH_REFRESH_TOKEN_SECONDS, startFusionAuthEmulator, type FusionAuthEmulator, type FusionAuthUser } from './fusionauth.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An application's id, a UUID (whose `-` RFC 6749 §2.3.1's form-encoding would escape), and a generated secret.
const CLIENT_ID = '3c219e58-ed0e-4b18-ad48-f4f92793ae32';
const CLIENT_SECRET = '_7bz1Ct1Sode-zIyevcQFSyzW9w3TkfKSWuS-Ls8vQQ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/fusionauth/callback`;
const SCOPE = 'openid offline_access profile email';
const TENANT_ID = '30663132-6464-6665-3032-326466613934';

function person(n: number, firstName: string, lastName: string): FusionAuthUser {
  return { id: `858a4b01-62c8-4c2f-bfa7-${String(n).padStart(12, '0')}`, firstName, lastName, username: firstName.toLowerCase(), email: `${firstName.toLowerCase()}@example.com`, verified: true };
}

/** Only the documented variables: the preset, the client, and the server's URL (and a tenant, where the test names one). */
function fusionAuthEnv(fusionauth: FusionAuthEmulator, tenant?: string): Record<string, string> {
  return presetEnv('fusionauth', CLIENT_ID, CLIENT_SECRET, { FUSIONAUTH_BASE_URL: fusionauth.origin, ...(tenant === undefined ? {} : { FUSIONAUTH_TENANT: tenant }) });
}

/** A refresh at FusionAuth itself, as another copy of the refresh token would make it. */
function refreshAtFusionAuth(fusionauth: FusionAuthEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${fusionauth.origin}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const start = (options: { tenantId?: string; now?: () => number } = {}) =>
  startFusionAuthEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...options });

const FUSIONAUTH: StandardProvider<FusionAuthUser, FusionAuthEmulator> = {
  preset: 'fusionauth',
  displayName: 'FusionAuth',
  startEmulator: () => start(),
  env: (fusionauth) => fusionAuthEnv(fusionauth),
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('FusionAuth, against an emulator of a server with one tenant and one application at their defaults', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FUSIONAUTH);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/fusionauth/proxy/oauth2/userinfo`);
  const openId = openIdCases(context, FUSIONAUTH, userinfo);

  it("signs in through the discovery document at the server's URL, whose issuer is the tenant's acme.com, as the user's id sub with the name and verified e-mail; offline_access with PKCE and no consent prompt, the client by plain Basic, an hour's token and a refresh token", async () => {
    const { emulator: fusionauth } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { request } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: FUSIONAUTH_ISSUER, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: true },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(request.get('tenantId')).toBeNull();
    // The UUID client id as it is: the emulator refuses Basic credentials form-encoded first.
    expect(fusionauth.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(fusionauth.server.counts.client_secret_post).toBeUndefined();
    expect(fusionauth.server.requests.some((sent) => sent.path === '/.well-known/openid-configuration')).toBe(true);
  });

  it('an e-mail FusionAuth has not verified is stored unverified', async () => {
    await openId.expectStoredEmail({ ...person(102, 'Unverified', 'Person'), verified: false }, { email: 'unverified@example.com', verified: false });
  });

  it("the proxy reaches /oauth2/userinfo under the server's URL with the token", async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, name: 'Grace Hopper', preferred_username: 'grace' });
  });

  it('20 concurrent calls on an expired token make one refresh, which answers no refresh token (Reusable): the one kept still refreshes at FusionAuth', async () => {
    const { emulator: fusionauth, app } = context;
    const { after, userId } = await openId.expectKeptAfterStorm(person(104, 'Alan', 'Turing'));
    // The refresh answer names no scope: the one granted at sign-in stays.
    expect((await app.runtime.tokenStore.findToken(userId, 'fusionauth'))?.scope).toBe(SCOPE);
    const again = await statusAndBody(refreshAtFusionAuth(fusionauth, after.refreshToken!));
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('refresh_token');
  });

  it("an administrator revokes the user's refresh tokens: once the access token (a JWT, which lives on) has expired, the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), async (leaving, { userId }) => {
      context.emulator.revokeUserRefreshTokens(leaving);
      await expireAccessTokens(context.database, userId);
    });
  });

  it('disconnect revokes the refresh token at DELETE /api/jwt/refresh with the access token as Bearer: the refresh token is refused from then on, the JWT access token lives until it expires, and the tokens are deleted here', async () => {
    const { emulator: fusionauth } = context;
    const { browser, userId } = await openId.signIn(person(106, 'Barbara', 'Liskov'));
    const stored = await expectDisconnectRevokes(context, 'fusionauth', { browser, userId }, { requests: 1 });
    expect(await statusAndBody(refreshAtFusionAuth(fusionauth, stored.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_reason: 'refresh_token_not_found' } });
    expect(fusionauth.accepts(stored.accessToken)).toBe(true);
    const revocation = fusionauth.server.requests.filter((sent) => sent.method === 'DELETE');
    expect(revocation.map((sent) => sent.path)).toEqual(['/api/jwt/refresh']);
    expect(revocation[0]!.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
  });

  it('a disconnect after FusionAuth refused the refresh token sends nothing more: the grant is gone there', async () => {
    const { emulator: fusionauth, app, database } = context;
    const alan = person(107, 'Refused', 'Refresh');
    const { browser, userId } = await openId.signIn(alan);
    fusionauth.revokeUserRefreshTokens(alan);
    await expireAccessTokens(database, userId);
    await expect(app.runtime.tokens.getAccessToken(userId, 'fusionauth')).rejects.toMatchObject({ code: 'needs_reauth' });
    const revocations = fusionauth.server.counts.revoke ?? 0;
    await expectDisconnectRevokes(context, 'fusionauth', { browser, userId }, { requests: 0 });
    expect(fusionauth.server.counts.revoke ?? 0).toBe(revocations);
  });

  standardCases(() => context, FUSIONAUTH, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant auth_code_not_found' } });
});

describeClientFailures(FUSIONAUTH, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeEachDialect('FusionAuth with a tenant named (FUSIONAUTH_TENANT)', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start({ tenantId: TENANT_ID }), env: (fusionauth) => fusionAuthEnv(fusionauth, TENANT_ID) });

  it("reads the tenant's discovery document and names the tenant on the authorization request", async () => {
    const { emulator: fusionauth } = context;
    const ada = person(121, 'Tenant', 'Person');
    const { request } = await signInAs(context, 'fusionauth', ada);
    expect(request.get('tenantId')).toBe(TENANT_ID);
    expect(fusionauth.server.requests.some((sent) => sent.path === `/.well-known/openid-configuration?tenantId=${TENANT_ID}`)).toBe(true);
    const account = await context.database.db.selectFrom('accounts').select(['issuer', 'subject']).where('provider', '=', 'fusionauth').executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: FUSIONAUTH_ISSUER, subject: ada.id });
  });
});

describeEachDialect('FusionAuth refresh tokens (43,200 minutes from the sign-in, the Fixed default)', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start({ now: clock.now }), env: (fusionauth) => fusionAuthEnv(fusionauth) }, { now: clock.now });

  it('a connection refreshed on day 29 is still refused after day 30, and needs re-auth after one try (no keep-alive can help)', async () => {
    const { emulator: fusionauth, app } = context;
    expect(providerSettings(fusionAuthEnv(fusionauth), 'fusionauth', false).refreshTokenIdleSeconds).toBeUndefined();
    const { userId } = await signInAs(context, 'fusionauth', person(201, 'Active', 'Person'));

    clock.advance(29 * 86_400);
    await expect(app.runtime.tokens.getAccessToken(userId, 'fusionauth')).resolves.toMatchObject({ accessToken: expect.any(String) });

    clock.advance(FUSIONAUTH_REFRESH_TOKEN_SECONDS - 29 * 86_400 + 1);
    const refreshes = fusionauth.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(userId, 'fusionauth')).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(app.runtime.tokens.getAccessToken(userId, 'fusionauth')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(fusionauth.server.counts.refresh_token).toBe(refreshes + 1);
  });
});

describe('the fusionauth preset in production', () => {
  const { settings, refusal } = presetInProduction('fusionauth', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("reads discovery at the server's URL (a tenant's with FUSIONAUTH_TENANT), or the issuer alone, and needs one of them", () => {
    expect(settings({ FUSIONAUTH_BASE_URL: 'https://auth.acme.test/' })).toMatchObject({
      displayName: 'FusionAuth',
      discovery: { metadataUrl: 'https://auth.acme.test/.well-known/openid-configuration' },
      scope: SCOPE,
      apiBaseUrl: 'https://auth.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      refreshTokenNeedsConsent: false,
    });
    expect(settings({ FUSIONAUTH_BASE_URL: 'https://auth.acme.test', FUSIONAUTH_TENANT: TENANT_ID })).toMatchObject({
      discovery: { metadataUrl: `https://auth.acme.test/.well-known/openid-configuration?tenantId=${TENANT_ID}` },
      authorizationParams: { tenantId: TENANT_ID },
    });
    expect(settings({ FUSIONAUTH_ISSUER: 'https://auth.acme.test' }).discovery).toEqual({ issuer: 'https://auth.acme.test' });
    expect(refusal({})).toContain('FUSIONAUTH_BASE_URL');
  });
});
