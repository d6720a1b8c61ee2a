import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { EGI_ACCESS_TOKEN_SECONDS, startEgiEmulator, type EgiEmulator, type EgiUser } from './egi_checkin.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind the EGI Federation Registry generates for an OIDC service.
const CLIENT_ID = '7b4c1e2a-9d3f-4e8b-a6c5-0f1e2d3c4b5a';
const CLIENT_SECRET = 'kQ3vZ8pL1xR6tN9wB2mF5hJ7cD0gS4yU';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/egi_checkin/callback`;
const SCOPE = 'openid profile email voperson_id offline_access';

function person(n: number, givenName: string, familyName: string): EgiUser {
  const id = `${(0xef72285491 + n).toString(16)}ffe53c39b75bdcef46689f5d26ddfa00312365cc4fb5ce97e9ca87@egi.eu`;
  return { vopersonId: id, sub: id, givenName, familyName, email: `${givenName.toLowerCase()}@uni.example`, username: givenName.toLowerCase() };
}

/** The documented variables: the preset and the client; the issuer and the API base pointed at the emulator. */
function egiEnv(egi: EgiEmulator): Record<string, string> {
  return presetEnv('egi_checkin', CLIENT_ID, CLIENT_SECRET, { EGI_CHECKIN_ISSUER: egi.issuer, EGI_CHECKIN_API_BASE_URL: `${egi.issuer}/protocol/openid-connect` });
}

const EGI: StandardProvider<EgiUser, EgiEmulator> = {
  preset: 'egi_checkin',
  displayName: 'EGI Check-in',
  startEmulator: () => startEgiEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: egiEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.vopersonId,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/egi_checkin/proxy/userinfo`);

describeEachDialect('EGI Check-in, against an emulator of Check-in', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EGI);
  const signIn = (user: EgiUser) => signInAs(context, 'egi_checkin', user);
  const tokenUrl = () => `${context.emulator.issuer}/protocol/openid-connect/token`;

  it("signs in through discovery as the ID token's voperson_id, with the names and Check-in's verified e-mail; the five scopes with PKCE, the client as Basic, an hour's token and a refresh token", async () => {
    const { database, emulator: egi, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: egi.issuer, subject: ada.vopersonId });
    expect(JSON.parse(account.claims)).toMatchObject({ voperson_id: ada.vopersonId, given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@uni.example' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'egi_checkin');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, EGI_ACCESS_TOKEN_SECONDS - 100, EGI_ACCESS_TOKEN_SECONDS);
    const exchange = egi.server.requests.find((r) => r.path.endsWith('/protocol/openid-connect/token'))!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(egi.tokenForms[0]!.get('redirect_uri')).toBe(REDIRECT_URI);
  });

  it("the same voperson_id signs in as the same person once the ID token's sub no longer carries it", async () => {
    const grace = person(105, 'Grace', 'Hopper');
    const first = await signIn(grace);
    const second = await signIn({ ...grace, sub: 'a-pairwise-or-deprecated-sub', email: 'admiral@navy.example' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy reaches the userinfo; 20 concurrent calls on an expired token make one refresh, as Basic with openid in its scope, and the new refresh token is kept', async () => {
    const { emulator: egi } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'egi_checkin', userId, () => userinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ name: 'Alan Turing' });
    expectAccessTokenLifetime(after, EGI_ACCESS_TOKEN_SECONDS - 100, EGI_ACCESS_TOKEN_SECONDS);
    const refresh = egi.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('scope')!.split(' ')).toContain('openid');
    expect(egi.server.requests.findLast((r) => r.path.endsWith('/protocol/openid-connect/token'))!.headers.authorization).toMatch(/^Basic /);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect((await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { extra: { scope: 'openid' } })).status).toBe(200);
  });

  it("Check-in ending the person's tokens: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.forget(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'egi_checkin', userId, () => userinfo(browser));
  });

  it('disconnect asks Check-in nothing (no revocation endpoint is documented or discovered) and forgets the tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'egi_checkin', { browser, userId });
  });

  it('the userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, EGI, person(110, 'Outage', 'Profile'), (egi) => egi.failNextUserinfo(500));
  });

  standardCases(() => context, EGI, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('EGI Check-in, a service registered without offline_access', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    ...EGI,
    startEmulator: () => startEgiEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, selectedScopes: ['openid', 'profile', 'email', 'voperson_id'] }),
  });

  it('is granted the scopes selected for it, and keeps a connection without a refresh token', async () => {
    const { userId } = await signInAs(context, 'egi_checkin', person(120, 'Katherine', 'Johnson'));
    const token = await context.app.runtime.tokenStore.findToken(userId, 'egi_checkin');
    expect(token).toMatchObject({ scope: 'openid profile email voperson_id' });
    expect(token!.refreshToken).toBeFalsy();
  });
});

describeClientFailures(EGI, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the egi_checkin preset in production', () => {
  it('discovers Check-in at aai.egi.eu, asks its scopes, keys the account by voperson_id, sends the client as Basic and the scope with each token request', () => {
    expect(presetInProduction('egi_checkin', CLIENT).settings({})).toMatchObject({
      displayName: 'EGI Check-in',
      discovery: { issuer: 'https://aai.egi.eu/auth/realms/egi' },
      scope: SCOPE,
      apiBaseUrl: 'https://aai.egi.eu/auth/realms/egi/protocol/openid-connect',
      tokenEndpointAuthMethod: 'client_secret_basic',
      tokenRequestsSendScope: true,
      idTokenSubjectClaim: 'voperson_id',
    });
  });
});
