import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { CYBERARK_ACCESS_TOKEN_SECONDS, startCyberArkEmulator, type CyberArkEmulator, type CyberArkUser } from './cyberark_identity.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client of the kind a custom OpenID Connect application is given on its Trust page, and the Application ID typed on
// its Settings page.
const CLIENT_ID = '4c6b1f2e-8a3d-4e5f-9b7c-2d1e0f3a4b5c';
const CLIENT_SECRET = 'Zq3Lm8Vt1Xr6Np4Kc9Wb2Hy7Fd5Js0Ga';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const APPLICATION_ID = 'acme-portal';
const TENANT_HOST = 'mytenant.idaptive.app';
const REDIRECT_URI = `${APP_ORIGIN}/auth/cyberark_identity/callback`;
const SCOPE = 'openid profile email';

function person(n: number, givenName: string, familyName: string, emailVerified = true): CyberArkUser {
  const username = `${givenName}.${familyName}`.toLowerCase();
  return { uuid: `c2c7bcc6-9560-44e0-8dff-5be221cd${String(n).padStart(4, '0')}`, username, displayName: `${givenName} ${familyName}`, email: `${username}@acme.test`, emailVerified };
}

/** The documented variables: the tenant's host and the Application ID the preset needs, and each endpoint pointed at the emulator (the user info moves with the API base). */
function cyberarkEnv(cyberark: CyberArkEmulator): Record<string, string> {
  return presetEnv('cyberark_identity', CLIENT_ID, CLIENT_SECRET, {
    CYBERARK_IDENTITY_DOMAIN: TENANT_HOST,
    CYBERARK_IDENTITY_APPLICATION_SLUG: APPLICATION_ID,
    CYBERARK_IDENTITY_AUTHORIZE_URL: cyberark.endpoint('authorize'),
    CYBERARK_IDENTITY_ACCESS_TOKEN_URL: cyberark.endpoint('token'),
    CYBERARK_IDENTITY_REVOCATION_URL: cyberark.endpoint('revoke'),
    CYBERARK_IDENTITY_API_BASE_URL: `${cyberark.origin}/oauth2`,
  });
}

const CYBERARK: StandardProvider<CyberArkUser, CyberArkEmulator> = {
  preset: 'cyberark_identity',
  displayName: 'CyberArk Identity',
  startEmulator: () => startCyberArkEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, applicationId: APPLICATION_ID }),
  env: cyberarkEnv,
  people: standardPeopleByNameParts((n, givenName, familyName) => person(n, givenName, familyName)),
  subjectOf: (user) => `${user.uuid}@${TENANT_HOST}`,
};

/** The user info through the proxy: a POST, as CyberArk documents it. */
const userinfo = async (browser: TestBrowser) =>
  browser.request(`${APP_ORIGIN}/api/providers/cyberark_identity/proxy/userinfo/${APPLICATION_ID}`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) } });

describeEachDialect('CyberArk Identity, against an emulator of a tenant’s OpenID Connect application', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CYBERARK);

  const signIn = (user: CyberArkUser) => signInAs(context, 'cyberark_identity', user);

  it("signs in as the user info's sub (the user's UUID) qualified by the tenant's host, with the name, username and verified e-mail; the OpenID scopes, no PKCE, no nonce, the client as Basic, a 5-hour token with a refresh token, the ID token dropped unread", async () => {
    const { database, emulator: cyberark, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(Object.fromEntries(request)).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: SCOPE });
    expect(request.get('state')).toMatch(/\S/);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.has('nonce')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`${ada.uuid}@${TENANT_HOST}`);
    expect(JSON.parse(account.claims)).toEqual({ id: `${ada.uuid}@${TENANT_HOST}`, sub: ada.uuid, name: 'Ada Lovelace', preferred_username: 'ada.lovelace', email: 'ada.lovelace@acme.test', email_verified: true });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'cyberark_identity');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, CYBERARK_ACCESS_TOKEN_SECONDS - 100, CYBERARK_ACCESS_TOKEN_SECONDS);
    const exchange = cyberark.server.requests.findLast((r) => r.path === `/oauth2/token/${APPLICATION_ID}`)!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(cyberark.server.counts.client_secret_post).toBeUndefined();
    expect(Object.fromEntries(cyberark.tokenForms.at(-1)!)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI });
    const read = cyberark.server.requests.findLast((r) => r.path === `/oauth2/userinfo/${APPLICATION_ID}`)!;
    expect(read.method).toBe('POST');
    expect(read.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('stores the e-mail unverified when CyberArk says it is not verified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(105, 'Unverified', 'Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unverified.person@acme.test');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('signing in again finds the same person by the UUID, whatever their username became', async () => {
    const first = await signIn(person(106, 'Grace', 'Hopper'));
    const again = await signIn({ ...person(106, 'Grace', 'Hopper'), username: 'admiral.hopper' });
    expect(again.userId).toBe(first.userId);
  });

  it('the user info answers no GET, only the POST the preset sends', async () => {
    const { emulator: cyberark } = context;
    const { userId } = await signIn(person(107, 'Alan', 'Turing'));
    const token = (await context.app.runtime.tokenStore.findToken(userId, 'cyberark_identity'))!;
    const get = await fetch(cyberark.endpoint('userinfo'), { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(get.status).not.toBe(200);
    const post = await fetch(cyberark.endpoint('userinfo'), { method: 'POST', headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(post.status).toBe(200);
  });

  it('the proxy POSTs to the user info; 20 concurrent calls on an expired token make one refresh, with Basic, and the refresh token is used again', async () => {
    const { emulator: cyberark } = context;
    const grace = person(102, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(grace);
    const first = await userinfo(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ sub: grace.uuid, name: 'Barbara Liskov', given_name: 'Barbara Liskov', family_name: 'Barbara Liskov', unique_name: 'barbara.liskov' });
    const { before, after } = await expectKeptAfterStorm(context, 'cyberark_identity', userId, () => userinfo(browser));
    expect(after.refreshToken).toBe(before.refreshToken);
    expectAccessTokenLifetime(after, CYBERARK_ACCESS_TOKEN_SECONDS - 100, CYBERARK_ACCESS_TOKEN_SECONDS);
    expect(Object.fromEntries(cyberark.tokenForms.at(-1)!)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken });
    expect(cyberark.server.requests.findLast((r) => r.path === `/oauth2/token/${APPLICATION_ID}`)!.headers.authorization).toMatch(/^Basic /);
    const again = await refreshAtProvider(cyberark.endpoint('token'), CLIENT, before.refreshToken!, { by: 'form' });
    expect(await again.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: CYBERARK_ACCESS_TOKEN_SECONDS, scope: SCOPE });
  });

  it("the person removed from the tenant marks the connection 'needs re-auth' after one refresh CyberArk refuses", async () => {
    const { emulator: cyberark } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    cyberark.removeUser(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'cyberark_identity', userId, () => userinfo(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /oauth2/revoke/<application id> with the client as Basic, and both end', async () => {
    const { emulator: cyberark } = context;
    const { browser, userId } = await signIn(person(104, 'Radia', 'Perlman'));
    const stored = await expectDisconnectRevokes(context, 'cyberark_identity', { browser, userId }, { requests: 2 });
    expect(cyberark.revocations.slice(-2)).toEqual([
      { token: stored.refreshToken, token_type_hint: 'refresh_token' },
      { token: stored.accessToken, token_type_hint: 'access_token' },
    ]);
    expect(cyberark.server.requests.findLast((r) => r.path === `/oauth2/revoke/${APPLICATION_ID}`)!.headers.authorization).toMatch(/^Basic /);
    expect(cyberark.accepts(stored.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtProvider(cyberark.endpoint('token'), CLIENT, stored.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('CyberArk refuses a revocation whose client is not sent as Basic', async () => {
    const { emulator: cyberark } = context;
    const response = await fetch(cyberark.endpoint('revoke'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: 'any', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(await statusAndBody(response)).toEqual({ status: 401, body: { error: 'invalid_client' } });
  });

  it('the user info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CYBERARK, person(110, 'Outage', 'Profile'), (cyberark) => cyberark.failNextUserinfo(500));
  });

  standardCases(() => context, CYBERARK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CYBERARK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the cyberark_identity preset in production', () => {
  const { settings, refusal } = presetInProduction('cyberark_identity', CLIENT);

  it("makes the application's endpoints from the tenant's host and the Application ID, and needs both", () => {
    expect(settings({ CYBERARK_IDENTITY_DOMAIN: TENANT_HOST, CYBERARK_IDENTITY_APPLICATION_SLUG: APPLICATION_ID })).toMatchObject({
      displayName: 'CyberArk Identity',
      endpoints: {
        authorizationEndpoint: `https://${TENANT_HOST}/oauth2/authorize/${APPLICATION_ID}`,
        tokenEndpoint: `https://${TENANT_HOST}/oauth2/token/${APPLICATION_ID}`,
        userinfoEndpoint: `https://${TENANT_HOST}/oauth2/userinfo/${APPLICATION_ID}`,
        revocationEndpoint: `https://${TENANT_HOST}/oauth2/revoke/${APPLICATION_ID}`,
      },
      scope: SCOPE,
      apiBaseUrl: `https://${TENANT_HOST}/oauth2`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenUnused: true,
      subjectClaim: 'id',
    });
    expect(refusal({ CYBERARK_IDENTITY_APPLICATION_SLUG: APPLICATION_ID })).toContain('CYBERARK_IDENTITY_DOMAIN is missing');
    expect(refusal({ CYBERARK_IDENTITY_DOMAIN: TENANT_HOST })).toContain('CYBERARK_IDENTITY_APPLICATION_SLUG is missing');
    expect(refusal({ CYBERARK_IDENTITY_DOMAIN: `https://${TENANT_HOST}`, CYBERARK_IDENTITY_APPLICATION_SLUG: APPLICATION_ID })).toContain('CYBERARK_IDENTITY_DOMAIN is not a valid domain');
    expect(refusal({ CYBERARK_IDENTITY_DOMAIN: TENANT_HOST, CYBERARK_IDENTITY_APPLICATION_SLUG: 'acme/portal' })).toContain('CYBERARK_IDENTITY_APPLICATION_SLUG is not a valid applicationSlug');
  });
});
