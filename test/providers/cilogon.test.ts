import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { CILOGON_ACCESS_TOKEN_SECONDS, startCILogonEmulator, type CILogonEmulator, type CILogonUser } from './cilogon.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the shape CILogon's registration issues.
const CLIENT_ID = 'cilogon:/client_id/6e5fa2b1c9d84f07a3b2e1d0c8f7a6b5';
const CLIENT_SECRET = 'Xq7vN2kP9rT4wY6zB1mC3dF5gH8jK0lLs2Ue4Rt6Yi8Op0Aa3Sd5Fg7Hj9Kl1Zx';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/cilogon/callback`;
const SCOPE = 'openid email profile org.cilogon.userinfo';

function person(n: number, givenName: string, familyName: string): CILogonUser {
  return { sub: `http://cilogon.org/serverA/users/${12345 + n}`, givenName, familyName, email: `${givenName.toLowerCase()}@illinois.example`, eppn: `${givenName.toLowerCase()}@illinois.edu` };
}

/** The documented variables: the preset and the client; the issuer and the API base pointed at the emulator. */
function cilogonEnv(cilogon: CILogonEmulator): Record<string, string> {
  return presetEnv('cilogon', CLIENT_ID, CLIENT_SECRET, { CILOGON_ISSUER: cilogon.issuer, CILOGON_API_BASE_URL: `${cilogon.origin}/oauth2` });
}

const CILOGON: StandardProvider<CILogonUser, CILogonEmulator> = {
  preset: 'cilogon',
  displayName: 'CILogon',
  startEmulator: () => startCILogonEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: cilogonEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/cilogon/proxy/userinfo`);

describeEachDialect('CILogon, against an emulator of CILogon', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CILOGON);
  const signIn = (user: CILogonUser) => signInAs(context, 'cilogon', user);
  const tokenUrl = () => `${context.emulator.issuer}/oauth2/token`;

  it("signs in through discovery as the ID token's sub, with the names, the campus's eppn and an unverified e-mail; the four scopes with PKCE, the client in the form, a 15-minute token and a refresh token", async () => {
    const { database, emulator: cilogon, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: cilogon.issuer, subject: 'http://cilogon.org/serverA/users/12446' });
    expect(JSON.parse(account.claims)).toMatchObject({ given_name: 'Ada', family_name: 'Lovelace', eppn: 'ada@illinois.edu', idp_name: 'University of Illinois at Urbana-Champaign' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@illinois.example' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'cilogon');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, CILOGON_ACCESS_TOKEN_SECONDS - 100, CILOGON_ACCESS_TOKEN_SECONDS);
    const exchange = cilogon.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('the same sub signs in as the same person, whatever the campus did to the eppn or the e-mail', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), eppn: 'ghopper@illinois.edu', email: 'admiral@navy.example' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy reaches the userinfo; 20 concurrent calls on an expired token make one refresh, the rotated refresh token is kept and the spent one refused', async () => {
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'cilogon', userId, () => userinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ sub: 'http://cilogon.org/serverA/users/12447', name: 'Alan Turing' });
    expectAccessTokenLifetime(after, CILOGON_ACCESS_TOKEN_SECONDS - 100, CILOGON_ACCESS_TOKEN_SECONDS);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the person's authorizations ended at CILogon: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.forget(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'cilogon', userId, () => userinfo(browser));
  });

  it("disconnect revokes at discovery's /oauth2/revoke with the client in the form, and the tokens end", async () => {
    const { emulator: cilogon } = context;
    const { browser, userId } = await signIn(person(104, 'Barbara', 'Liskov'));
    const stored = await expectDisconnectRevokes(context, 'cilogon', { browser, userId });
    expect(cilogon.revocations).toContainEqual(expect.objectContaining({ token: stored.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }));
    expect(cilogon.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('the userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CILOGON, person(110, 'Outage', 'Profile'), (cilogon) => cilogon.failNextUserinfo(500));
  });

  standardCases(() => context, CILOGON, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('CILogon, a client registered with openid and email only and without refresh tokens', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    ...CILOGON,
    startEmulator: () => startCILogonEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, registeredScopes: ['openid', 'email'], refreshTokens: false }),
  });

  it('is granted the intersection of the scopes asked and registered, and keeps a connection without a refresh token', async () => {
    const { userId } = await signInAs(context, 'cilogon', person(120, 'Katherine', 'Johnson'));
    const token = await context.app.runtime.tokenStore.findToken(userId, 'cilogon');
    expect(token).toMatchObject({ scope: 'openid email' });
    expect(token!.refreshToken).toBeFalsy();
  });
});

describeClientFailures(CILOGON, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the cilogon preset in production', () => {
  it("discovers CILogon at cilogon.org, asks its four scopes, sends the client in the form and calls the userinfo's base", () => {
    expect(presetInProduction('cilogon', CLIENT).settings({})).toMatchObject({
      displayName: 'CILogon',
      discovery: { issuer: 'https://cilogon.org' },
      scope: SCOPE,
      apiBaseUrl: 'https://cilogon.org/oauth2',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });
});
