import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { FEIDE_ACCESS_TOKEN_SECONDS, startFeideEmulator, type FeideEmulator, type FeideUser } from './feide.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Feide issues (UUIDs, as in Feide's client credentials example).
const CLIENT_ID = '4cc40647-0d56-4de2-9f8f-975ff1ca55a8';
const CLIENT_SECRET = 'b54cbb37-1a75-41bc-8471-c44045d6b0e2';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/feide/callback`;

function person(n: number, givenName: string, familyName: string): FeideUser {
  return {
    sub: `7b96eab9-b69e-4b8c-9636-${String(n).padStart(12, '0')}`,
    feideId: `${givenName.toLowerCase()}@uni.example.no`,
    givenName,
    familyName,
    email: `${givenName.toLowerCase()}.${familyName.toLowerCase()}@uni.example.no`,
  };
}

/** The documented variables: the preset and the client; the issuer and the API base pointed at the emulator. */
function feideEnv(feide: FeideEmulator): Record<string, string> {
  return presetEnv('feide', CLIENT_ID, CLIENT_SECRET, { FEIDE_ISSUER: feide.issuer, FEIDE_API_BASE_URL: feide.origin });
}

const FEIDE: StandardProvider<FeideUser, FeideEmulator> = {
  preset: 'feide',
  displayName: 'Feide',
  startEmulator: () => startFeideEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: feideEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

const extendedUserinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/feide/proxy/userinfo/v1/userinfo`);

describeEachDialect('Feide, against an emulator of Feide', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FEIDE);
  const signIn = (user: FeideUser) => signInAs(context, 'feide', user);

  it("signs in through discovery as the ID token's sub, with the userinfo's name and unverified e-mail; openid profile email with S256 PKCE, the client as Basic", async () => {
    const { database, emulator: feide, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid profile email');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: feide.issuer, subject: ada.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ 'https://n.feide.no/claims/eduPersonPrincipalName': ada.feideId, name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: ada.email });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'feide');
    expectAccessTokenLifetime(token, FEIDE_ACCESS_TOKEN_SECONDS - 100, FEIDE_ACCESS_TOKEN_SECONDS);
    const exchange = feide.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(feide.tokenForms[0]!.get('code_verifier')).toEqual(expect.any(String));
    expect(feide.tokenForms[0]!.has('client_secret')).toBe(false);
  });

  it('the same sub is the same person when the Feide ID has been handed to someone else; another sub with that Feide ID is another person', async () => {
    const grace = person(105, 'Grace', 'Hopper');
    const first = await signIn(grace);
    const again = await signIn({ ...grace, feideId: 'g.hopper@uni.example.no', email: 'admiral@navy.example' });
    expect(again.userId).toBe(first.userId);
    const newcomer = await signIn({ ...person(106, 'Gina', 'Hopper'), feideId: grace.feideId });
    expect(newcomer.userId).not.toBe(first.userId);
  });

  it("the proxy reaches api.dataporten.no's extended userinfo; 20 concurrent calls on an expired token make one refresh, as Basic, and the new refresh token is kept", async () => {
    const { emulator: feide } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'feide', userId, () => extendedUserinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ displayName: 'Alan Turing', eduPersonPrincipalName: 'alan@uni.example.no' });
    expectAccessTokenLifetime(after, FEIDE_ACCESS_TOKEN_SECONDS - 100, FEIDE_ACCESS_TOKEN_SECONDS);
    expect(feide.tokenForms.at(-1)!.get('grant_type')).toBe('refresh_token');
    expect(feide.server.requests.findLast((r) => r.path === '/oauth/token')!.headers.authorization).toMatch(/^Basic /);
  });

  it("an API call with a token Feide does not take is the extended userinfo's 401", async () => {
    const response = await fetch(`${context.emulator.origin}/userinfo/v1/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it('an authorization request without openid or with a plain PKCE challenge is refused by the emulator, as Feide requires openid and takes S256', async () => {
    const { emulator: feide } = context;
    const authorize = (params: Record<string, string>) =>
      fetch(`${feide.origin}/oauth/authorization?${new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: 's', ...params })}`, { redirect: 'manual' });
    feide.signInAs(person(107, 'Someone', 'Else'));
    const noOpenid = new URL((await authorize({ scope: 'profile email' })).headers.get('location')!);
    expect(noOpenid.searchParams.get('error')).toBe('invalid_scope');
    const plain = new URL((await authorize({ scope: 'openid', code_challenge: 'abc', code_challenge_method: 'plain' })).headers.get('location')!);
    expect(plain.searchParams.get('error')).toBe('invalid_request');
  });

  it("Feide ending the person's tokens: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.forget(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'feide', userId, () => extendedUserinfo(browser));
  });

  it('disconnect asks Feide nothing (no revocation endpoint is documented or discovered) and forgets the tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'feide', { browser, userId });
  });

  it('the userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FEIDE, person(110, 'Outage', 'Profile'), (feide) => feide.failNextUserinfo(500));
  });

  standardCases(() => context, FEIDE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FEIDE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the feide preset in production', () => {
  it('discovers Feide at auth.dataporten.no, asks openid profile email, sends the client as Basic and calls the APIs at api.dataporten.no', () => {
    expect(presetInProduction('feide', CLIENT).settings({})).toMatchObject({
      displayName: 'Feide',
      discovery: { issuer: 'https://auth.dataporten.no' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://api.dataporten.no',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });
});
