import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { ARCGIS_ACCESS_TOKEN_SECONDS, ARCGIS_ORG_ID, startArcGisEmulator, type ArcGisEmulator, type ArcGisUser } from './arcgis.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form ArcGIS Online gives an OAuth 2.0 application.
const CLIENT_ID = 'GGjeDjEY6kKEiDmX';
const CLIENT_SECRET = '3c7bd2c4f9a54e0b8e61d7a9f0c2b5e4';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/arcgis/callback`;

function person(id: number, firstName: string, lastName: string): ArcGisUser {
  return { id: `9b1c4e7a2d5f48c3a6e0${String(id).padStart(12, '0')}`, username: `${firstName.toLowerCase()}_acme`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user moves with the API base). */
function arcgisEnv(arcgis: ArcGisEmulator): Record<string, string> {
  return presetEnv('arcgis', CLIENT_ID, CLIENT_SECRET, {
    ARCGIS_AUTHORIZE_URL: `${arcgis.origin}/sharing/rest/oauth2/authorize`,
    ARCGIS_ACCESS_TOKEN_URL: `${arcgis.origin}/sharing/rest/oauth2/token`,
    ARCGIS_REVOCATION_URL: `${arcgis.origin}/sharing/rest/oauth2/revokeToken`,
    ARCGIS_API_BASE_URL: `${arcgis.origin}/sharing/rest`,
  });
}

const ARCGIS: StandardProvider<ArcGisUser, ArcGisEmulator> = {
  preset: 'arcgis',
  displayName: 'ArcGIS Online',
  startEmulator: () => startArcGisEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: arcgisEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const portal = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/arcgis/proxy/portals/self?f=json`);

describeEachDialect('ArcGIS Online, against an emulator of ArcGIS', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ARCGIS);
  const signIn = (user: ArcGisUser) => signInAs(context, 'arcgis', user);
  const tokenUrl = () => `${context.emulator.origin}/sharing/rest/oauth2/token`;

  it("signs in as the id of /community/self, not the username, with the full name, an unverified e-mail and the orgId; no scope, PKCE, the client in the form, a 30-minute token without token_type read as Bearer", async () => {
    const { database, emulator: arcgis, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada_acme', email: 'ada@acme.test', org_id: ARCGIS_ORG_ID });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'arcgis');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, ARCGIS_ACCESS_TOKEN_SECONDS - 100, ARCGIS_ACCESS_TOKEN_SECONDS);
    const exchange = arcgis.server.requests.findLast((r) => r.path === '/sharing/rest/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const self = arcgis.server.requests.findLast((r) => r.path.startsWith('/sharing/rest/community/self'))!;
    expect(self.path).toBe('/sharing/rest/community/self?f=json');
    expect(self.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the id, whatever the username became', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), username: 'admiral' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the sharing REST API; 20 concurrent calls on an expired token make one refresh, and the refresh token is kept', async () => {
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await portal(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ id: ARCGIS_ORG_ID, user: { username: 'alan_acme' } });
    const { before, after } = await expectKeptAfterStorm(context, 'arcgis', userId, () => portal(browser));
    expectAccessTokenLifetime(after, ARCGIS_ACCESS_TOKEN_SECONDS - 100, ARCGIS_ACCESS_TOKEN_SECONDS);
    expect(after.refreshToken).toBe(before.refreshToken);
  });

  it("ArcGIS's refusals come with HTTP 200: a token it does not take is error 498, a refresh token it does not know an error body", async () => {
    const { emulator: arcgis } = context;
    expect(await statusAndBody(fetch(`${arcgis.origin}/sharing/rest/portals/self?f=json`, { headers: { authorization: 'Bearer not-a-token' } }))).toEqual({ status: 200, body: { error: { code: 498, message: 'Invalid token.', details: [] } } });
    const refused = await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, 'not-a-refresh-token', { by: 'form' }));
    expect(refused).toMatchObject({ status: 200, body: { error: { code: 400, error: 'invalid_request', error_description: 'Invalid refresh_token' } } });
  });

  it("a user disabled at ArcGIS: the refused refresh (an error body with HTTP 200) marks the connection needs re-auth after one try", async () => {
    const { emulator: arcgis, database } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    arcgis.endAccess(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'arcgis', userId, () => portal(browser));
  });

  it('disconnect revokes the refresh token at /oauth2/revokeToken as auth_token with the client id, and it ends with its access token', async () => {
    const { emulator: arcgis } = context;
    const { browser, userId } = await signIn(person(104, 'Radia', 'Perlman'));
    const stored = await expectDisconnectRevokes(context, 'arcgis', { browser, userId }, { requests: 1 });
    expect(arcgis.revocations.at(-1)).toEqual({ auth_token: stored.refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID, f: 'json' });
    expect(arcgis.accepts(stored.accessToken)).toBe(false);
    expect((await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' }))).body).toMatchObject({ error: { error: 'invalid_request' } });
  });

  it('/community/self failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, ARCGIS, person(110, 'Outage', 'Profile'), (arcgis) => arcgis.failNextProfile(500));
  });

  standardCases(() => context, ARCGIS, { cancelled: {}, refusedCode: { sentAs: 'HTTP 200, error "Invalid authorization code"' } });
});

describeClientFailures(ARCGIS, { wrongSecret: { sentAs: 'HTTP 200, error "Invalid client_secret"' }, exchangeFailure: {} });

describe('the arcgis preset in production', () => {
  it('with the client alone, signs in at www.arcgis.com/sharing/rest/oauth2, reads /community/self?f=json, revokes at /oauth2/revokeToken, with no scope and the client in the form', () => {
    const { settings } = presetInProduction('arcgis', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'ArcGIS Online',
      endpoints: {
        authorizationEndpoint: 'https://www.arcgis.com/sharing/rest/oauth2/authorize',
        tokenEndpoint: 'https://www.arcgis.com/sharing/rest/oauth2/token',
        userinfoEndpoint: 'https://www.arcgis.com/sharing/rest/community/self?f=json',
        revocationEndpoint: 'https://www.arcgis.com/sharing/rest/oauth2/revokeToken',
      },
      scope: '',
      apiBaseUrl: 'https://www.arcgis.com/sharing/rest',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
