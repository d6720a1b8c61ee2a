import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startHubSpotEmulator, type HubSpotEmulator, type HubSpotInstall } from './hubspot.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInThrough } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = '5a8f6ab4-3c1e-4f0e-9b8e-hubspot-client';
const CLIENT_SECRET = 'hubspot-test-secret-0123456789';
const REDIRECT_URI = `${APP_ORIGIN}/auth/hubspot/callback`;

function install(userId: number, name: string, hubId = 62_515): HubSpotInstall {
  return { userId, email: `${name}@hubspot.test`, hubId, hubDomain: `${name}-portal.hubspot.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function hubspotEnv(hubspot: HubSpotEmulator): Record<string, string> {
  return presetEnv('hubspot', CLIENT_ID, CLIENT_SECRET, {
    HUBSPOT_AUTHORIZE_URL: `${hubspot.origin}/oauth/authorize`,
    HUBSPOT_ACCESS_TOKEN_URL: `${hubspot.origin}/oauth/2026-03/token`,
    HUBSPOT_USERINFO_URL: `${hubspot.origin}/oauth/2026-03/token/introspect`,
    HUBSPOT_REVOCATION_URL: `${hubspot.origin}/oauth/2026-03/token/revoke`,
    HUBSPOT_API_BASE_URL: hubspot.origin,
  });
}

const HUBSPOT: StandardProvider<HubSpotInstall, HubSpotEmulator> = {
  preset: 'hubspot',
  displayName: 'HubSpot',
  startEmulator: () => startHubSpotEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: hubspotEnv,
  people: {
    'refused-code': install(5_005, 'refused'),
    'wrong-secret': install(7_007, 'wrongsecret'),
    'exchange-failure': install(8_008, 'outage'),
  },
  subjectOf: (user) => String(user.userId),
};

describeEachDialect('HubSpot, against an emulator of HubSpot', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), HUBSPOT);

  async function signIn(who: HubSpotInstall, browser: TestBrowser = context.app.browser()): Promise<{ browser: TestBrowser; userId: string; request: URLSearchParams }> {
    const { emulator: hubspot } = context;
    hubspot.signInAs(who);
    const start = await browser.get(`${APP_ORIGIN}/login/hubspot?next=/api/me`, { followRedirects: false });
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    return { browser, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id, request: new URL(start.location!).searchParams };
  }

  it('signs in as the HubSpot user_id with the e-mail, from the token introspection; the token is in no URL and not kept with the profile', async () => {
    const { database, emulator: hubspot, app } = context;
    const { userId, request } = await signIn(install(8_675_309, 'jenny'));
    expect(request.get('scope')).toBe('oauth');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('8675309');
    const user = await database.db.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('jenny@hubspot.test');
    const token = await app.runtime.tokenStore.findToken(userId, 'hubspot');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(1700);
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(1800);
    // The account it reaches is kept with the profile; the token the introspection repeats is not.
    const claims = JSON.parse(account.claims) as Record<string, unknown>;
    expect(claims).toMatchObject({ user_id: 8_675_309, hub_id: 62_515, hub_domain: 'jenny-portal.hubspot.com', active: true });
    expect(claims).not.toHaveProperty('token');
    expect(claims).not.toHaveProperty('signed_access_token');
    expect(account.claims).not.toContain(token!.accessToken);
    // Every token went in a POST body with the client's credentials: none in a URL, no Basic header.
    expect(hubspot.server.counts.introspect).toBeGreaterThanOrEqual(1);
    expect(hubspot.server.counts.token_in_url).toBeUndefined();
    expect(hubspot.server.requests.filter((r) => r.path.includes(token!.accessToken) || r.path.includes(token!.refreshToken!))).toEqual([]);
    expect(hubspot.server.requests.find((r) => r.path === '/oauth/2026-03/token')!.headers.authorization).toBeUndefined();
  });

  it('the same person through another HubSpot account is the same user, whose connection then reaches that account', async () => {
    const { database } = context;
    const first = await signIn(install(1_001, 'multi', 111));
    const second = await signIn(install(1_001, 'multi', 222));
    expect(second.userId).toBe(first.userId);
    const account = await database.db.selectFrom('accounts').select(['claims']).where('user_id', '=', first.userId).executeTakeFirstOrThrow();
    expect(JSON.parse(account.claims)).toMatchObject({ hub_id: 222 });
    const call = await second.browser.get(`${APP_ORIGIN}/api/providers/hubspot/proxy/account-info/v3/details`);
    expect(JSON.parse(call.text)).toMatchObject({ portalId: 222 });
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, and the refresh token, which HubSpot does not rotate, stays', async () => {
    const { emulator: hubspot } = context;
    const { browser, userId } = await signIn(install(2_002, 'storm'));
    const { after, answers } = await expectKeptAfterStorm(context, 'hubspot', userId, () => browser.get(`${APP_ORIGIN}/api/providers/hubspot/proxy/account-info/v3/details`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ portalId: 62_515 });
    expect(hubspot.acceptsRefreshToken(after.refreshToken!)).toBe(true);
  });

  it("a refresh token HubSpot refuses (400 invalid_grant BAD_REFRESH_TOKEN) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: hubspot, app } = context;
    const { browser, userId } = await signIn(install(3_003, 'deleted'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'hubspot');
    // Deleted behind the app's back (the app uninstalled, or another copy of it revoking).
    const elsewhere = await fetch(`${hubspot.origin}/oauth/2026-03/token/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored!.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(elsewhere.status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: hubspot }, 'hubspot', userId, () => browser.get(`${APP_ORIGIN}/api/providers/hubspot/proxy/account-info/v3/details`));
  });

  it('disconnect revokes the refresh token at HubSpot, in one request with the client’s credentials in the body', async () => {
    const { emulator: hubspot } = context;
    const { browser, userId } = await signIn(install(4_004, 'leaving'));
    const stored = await expectDisconnectRevokes(context, 'hubspot', { browser, userId }, { requests: 1 });
    expect(hubspot.acceptsRefreshToken(stored.refreshToken!)).toBe(false);
  });

  standardCases(() => context, HUBSPOT, { refusedCode: { sentAs: '400 invalid_grant' } });

  it('an introspection that says the fresh token is not active fails the sign-in (502), and nobody is signed in as it', async () => {
    const { database, emulator: hubspot, app } = context;
    hubspot.signInAs(install(6_006, 'inactive'));
    hubspot.denyNextIntrospection();
    const page = await signInThrough(app.browser(), 'hubspot');
    expect(page.status).toBe(502);
    expect(page.text).toContain('HubSpot answered the token introspection of the access token it had just issued with active: false.');
    expect(await database.db.selectFrom('accounts').select('id').where('subject', '=', '6006').execute()).toEqual([]);
  });
});

describeClientFailures(HUBSPOT, { wrongSecret: { sentAs: '400 invalid_client BAD_CLIENT_ID' }, exchangeFailure: {} });
