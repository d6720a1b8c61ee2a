import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { RIPPLING_ACCESS_TOKEN_SECONDS, startRipplingEmulator, type RipplingEmulator, type RipplingUser } from './rippling.emulator.js';

// A client id and secret of the kind Rippling issues a partner application.
const CLIENT_ID = 'Hq7tWm2ZKc9sVd4bNf0xLr6pYj3eAu8gTo1iQz5k';
const CLIENT_SECRET = 'x3Rk9Vb2Qw7Lm4Tn8Zc1Pf6Hd0Sg5Jy2Ua9Ne4Ko7Wi3Xt6Bq1Mr8Cv5Dl0Ez2Fh7Gs4Ij9Yp3On6Au1';
const REDIRECT_URI = `${APP_ORIGIN}/auth/rippling/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const SCOPE = 'openid profile email address phone';

function person(id: number, givenName: string, familyName: string, emailVerified = true): RipplingUser {
  const hex = id.toString(16).padStart(6, '0');
  return { roleId: `5fb2f623a2b0ae0029${hex}`, companyId: '5ec5595afa9c4e1728118cb5', givenName, familyName, email: `${givenName.toLowerCase()}@acme.test`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the user info moves with the API base). */
function ripplingEnv(rippling: RipplingEmulator): Record<string, string> {
  return presetEnv('rippling', CLIENT_ID, CLIENT_SECRET, {
    RIPPLING_AUTHORIZE_URL: `${rippling.origin}/oidc/v1/authorize`,
    RIPPLING_ACCESS_TOKEN_URL: `${rippling.origin}/api/o/token/`,
    RIPPLING_API_BASE_URL: `${rippling.origin}/platform/api`,
  });
}

const RIPPLING: StandardProvider<RipplingUser, RipplingEmulator> = {
  preset: 'rippling',
  displayName: 'Rippling',
  startEmulator: () => startRipplingEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: ripplingEnv,
  people: standardPeopleByNameParts((id, givenName, familyName) => person(id, givenName, familyName)),
  subjectOf: (user) => user.roleId,
};

const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/rippling/proxy/me`);

describeEachDialect('Rippling, against an emulator of Rippling', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), RIPPLING);

  const signIn = (user: RipplingUser) => signInAs(context, 'rippling', user);

  it('signs in as the sub of the user info (the role id), with its names and verified e-mail and no birthdate, address or phone; the OpenID scopes, no PKCE, no nonce, the client as plain Basic, a 36-hour token with a refresh token, the ID token dropped unread', async () => {
    const { database, emulator: rippling, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toMatch(/\S/);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.has('nonce')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.roleId);
    expect(JSON.parse(account.claims)).toEqual({
      sub: ada.roleId,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'Ada',
      picture: `https://example.com/rippling-images/${ada.roleId}.png`,
      email: 'ada@acme.test',
      email_verified: true,
    });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'rippling');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, RIPPLING_ACCESS_TOKEN_SECONDS - 100, RIPPLING_ACCESS_TOKEN_SECONDS);
    const exchange = rippling.server.requests.find((r) => r.path === '/api/o/token/')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const form = rippling.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.has('client_secret')).toBe(false);
    expect(rippling.server.requests.filter((r) => r.path === '/platform/api/userinfo').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('stores the e-mail unverified when Rippling says it is not verified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(105, 'Unverified', 'Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unverified@acme.test');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the platform API; 20 concurrent calls on an expired token make one refresh, with Basic, whose new refresh token is kept', async () => {
    const { emulator: rippling } = context;
    const grace = person(102, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await me(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ id: grace.roleId, workEmail: 'grace@acme.test', company: grace.companyId });
    const { after } = await expectRotatedAfterStorm(context, 'rippling', userId, () => me(browser));
    expectAccessTokenLifetime(after, RIPPLING_ACCESS_TOKEN_SECONDS - 100, RIPPLING_ACCESS_TOKEN_SECONDS);
    const refresh = rippling.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.has('client_secret')).toBe(false);
    expect(rippling.server.requests.filter((r) => r.path === '/api/o/token/').at(-1)!.headers.authorization).toMatch(/^Basic /);
    const refreshed = await refreshAtProvider(`${rippling.origin}/api/o/token/`, CLIENT, after.refreshToken!);
    expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', expires_in: RIPPLING_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String), scope: SCOPE });
    const inForm = await refreshAtProvider(`${rippling.origin}/api/o/token/`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(inForm.status).toBe(401);
  });

  it('an API call with a token Rippling does not take is a 401', async () => {
    const { emulator: rippling } = context;
    const response = await fetch(`${rippling.origin}/platform/api/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it("the employee terminated in Rippling marks the connection 'needs re-auth' after one refresh Rippling refuses", async () => {
    const { emulator: rippling } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    rippling.terminate(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'rippling', userId, () => me(browser));
  });

  it('disconnect asks Rippling nothing (it documents no revocation) and forgets the tokens, which Rippling still takes', async () => {
    const { emulator: rippling, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'rippling'))!;
    await expectDisconnectAsksNothing(context, 'rippling', { browser, userId });
    expect(rippling.accepts(stored.accessToken)).toBe(true);
  });

  it('the user info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, RIPPLING, person(110, 'Outage', 'Profile'), (rippling) => rippling.failNextUserinfo(500));
  });

  standardCases(() => context, RIPPLING, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(RIPPLING, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Rippling in production', () => {
  it('with the client alone, signs in at app.rippling.com, reads api.rippling.com/platform/api/userinfo and calls the API there, with the OpenID scopes and the client as Basic', () => {
    const { settings } = presetInProduction('rippling', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Rippling',
      endpoints: {
        authorizationEndpoint: 'https://app.rippling.com/oidc/v1/authorize',
        tokenEndpoint: 'https://app.rippling.com/api/o/token/',
        userinfoEndpoint: 'https://api.rippling.com/platform/api/userinfo',
      },
      scope: SCOPE,
      apiBaseUrl: 'https://api.rippling.com/platform/api',
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenUnused: true,
      subjectClaim: 'sub',
    });
  });
});
