import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SAMSARA_ACCESS_TOKEN_SECONDS, startSamsaraEmulator, type SamsaraEmulator, type SamsaraOrganization } from './samsara.emulator.js';

// An App ID and App Secret of the kind Samsara's OAuth 2.0 Apps settings show.
const CLIENT_ID = 'cid_7Qm2Kx9Lp4Rt8Vw1Ny6Bz3Hc5Jd0Fg';
const CLIENT_SECRET = 'sec_Yk4Tn8Wq2Zr6Xv1Mb9Lp3Hs7Jd5Gc0Fa2Ue';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/samsara/callback`;

function organization(id: number, name: string): SamsaraOrganization {
  return { id: String(5000 + id), name };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (/me moves with the API base). */
function samsaraEnv(samsara: SamsaraEmulator): Record<string, string> {
  return presetEnv('samsara', CLIENT_ID, CLIENT_SECRET, {
    SAMSARA_AUTHORIZE_URL: `${samsara.origin}/oauth2/authorize`,
    SAMSARA_ACCESS_TOKEN_URL: `${samsara.origin}/oauth2/token`,
    SAMSARA_REVOCATION_URL: `${samsara.origin}/oauth2/revoke`,
    SAMSARA_API_BASE_URL: samsara.origin,
  });
}

const SAMSARA: StandardProvider<SamsaraOrganization, SamsaraEmulator> = {
  preset: 'samsara',
  displayName: 'Samsara',
  startEmulator: () => startSamsaraEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: samsaraEnv,
  people: standardPeople(organization),
  subjectOf: (org) => org.id,
};

const vehicles = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/samsara/proxy/fleet/vehicles`);

describeEachDialect('Samsara, against an emulator of Samsara', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SAMSARA);
  const signIn = (org: SamsaraOrganization) => signInAs(context, 'samsara', org);
  const tokenUrl = () => `${context.emulator.origin}/oauth2/token`;

  it("signs in as the organization's id from /me, named by its name, no e-mail; no scope, no PKCE, the client by Basic, a 1-hour token with a refresh token", async () => {
    const { database, emulator: samsara, app } = context;
    const acme = organization(101, 'Acme Freight');
    const { userId, request } = await signIn(acme);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('5101');
    expect(JSON.parse(account.claims)).toEqual({ id: '5101', name: 'Acme Freight' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Acme Freight', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'samsara');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, SAMSARA_ACCESS_TOKEN_SECONDS - 100, SAMSARA_ACCESS_TOKEN_SECONDS);
    const exchange = samsara.server.requests.findLast((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(samsara.server.requests.findLast((r) => r.path === '/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same organization by its id, whatever it renamed itself to', async () => {
    const first = await signIn(organization(105, 'Blue Haulage'));
    const second = await signIn(organization(105, 'Blue Logistics'));
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, by Basic, whose new refresh token is kept, and the spent one is refused', async () => {
    const { browser, userId } = await signIn(organization(102, 'Green Fleet'));
    const first = await vehicles(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: [{ id: '112', name: 'Truck A7' }], pagination: { hasNextPage: false } });
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'samsara', userId, () => vehicles(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, SAMSARA_ACCESS_TOKEN_SECONDS - 100, SAMSARA_ACCESS_TOKEN_SECONDS);
    expect(context.emulator.server.requests.findLast((r) => r.path === '/oauth2/token')!.headers.authorization).toMatch(/^Basic /);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect((await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it('an API call with a token Samsara does not take is its 401', async () => {
    const response = await fetch(`${context.emulator.origin}/fleet/vehicles`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Unauthorized' });
  });

  it("the app uninstalled by the organization: the refused refresh marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: samsara } = context;
    const leaving = organization(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    samsara.uninstall(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'samsara', userId, () => vehicles(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /oauth2/revoke with the client by Basic, and both end', async () => {
    const { emulator: samsara } = context;
    const { browser, userId } = await signIn(organization(104, 'Red Transport'));
    const stored = await expectDisconnectRevokes(context, 'samsara', { browser, userId }, { requests: 2 });
    expect(samsara.revocations.slice(-2)).toEqual([
      { form: { token: stored.refreshToken, token_type_hint: 'refresh_token' }, basic: true },
      { form: { token: stored.accessToken, token_type_hint: 'access_token' }, basic: true },
    ]);
    expect(samsara.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!)).status).toBe(400);
  });

  it('/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SAMSARA, organization(110, 'Outage Org'), (samsara) => samsara.failNextProfile(500));
  });

  standardCases(() => context, SAMSARA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SAMSARA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the samsara preset in production', () => {
  it('with the client alone, signs in at api.samsara.com, reads /me, revokes at /oauth2/revoke and calls the API there, with no scope and the client by Basic', () => {
    const { settings } = presetInProduction('samsara', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Samsara',
      endpoints: {
        authorizationEndpoint: 'https://api.samsara.com/oauth2/authorize',
        tokenEndpoint: 'https://api.samsara.com/oauth2/token',
        userinfoEndpoint: 'https://api.samsara.com/me',
        revocationEndpoint: 'https://api.samsara.com/oauth2/revoke',
      },
      scope: '',
      apiBaseUrl: 'https://api.samsara.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
  });
});
