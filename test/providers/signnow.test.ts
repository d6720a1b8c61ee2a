import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SIGNNOW_ACCESS_TOKEN_SECONDS, startSignNowEmulator, type SignNowEmulator, type SignNowUser } from './signnow.emulator.js';

// A client id and secret of the kind signNow's API Dashboard shows for an application (32 hex digits each).
const CLIENT_ID = '0fccdbc73581ca0f9bf8c379e6a96813';
const CLIENT_SECRET = '3719a124bcfc03c534d4f5c05b5a196b';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/signnow/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: number, firstName: string, lastName: string): SignNowUser {
  return { id: `9c4bd7cfafbe481da5556416480774d2f6eb${String(id).padStart(4, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the user moves with the API base). */
function signnowEnv(signnow: SignNowEmulator): Record<string, string> {
  return presetEnv('signnow', CLIENT_ID, CLIENT_SECRET, {
    SIGNNOW_AUTHORIZE_URL: `${signnow.origin}/authorize`,
    SIGNNOW_ACCESS_TOKEN_URL: `${signnow.origin}/oauth2/token`,
    SIGNNOW_API_BASE_URL: signnow.origin,
  });
}

const SIGNNOW: StandardProvider<SignNowUser, SignNowEmulator> = {
  preset: 'signnow',
  displayName: 'signNow',
  startEmulator: () => startSignNowEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: signnowEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const user = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/signnow/proxy/user`);

describeEachDialect('signNow, against an emulator of signNow', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SIGNNOW);
  const signIn = (someone: SignNowUser) => signInAs(context, 'signnow', someone);
  const tokenUrl = () => `${context.emulator.origin}/oauth2/token`;

  it("signs in as the id of /user with the first and last names and the primary e-mail, unverified; no scope, no PKCE, the client as HTTP Basic alone, a 30-day token with a refresh token", async () => {
    const { database, emulator: signnow, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test' });
    const stored = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(stored.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'signnow');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, SIGNNOW_ACCESS_TOKEN_SECONDS - 100, SIGNNOW_ACCESS_TOKEN_SECONDS);
    const exchange = signnow.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBe(BASIC);
    const form = signnow.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code')).toEqual(expect.any(String));
    expect(form.has('client_secret')).toBe(false);
    expect(signnow.server.requests.filter((r) => r.path === '/user').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh with the client as Basic, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: signnow } = context;
    const grace = person(102, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await user(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ id: grace.id, primary_email: 'grace@acme.test' });
    const { before, after } = await expectRotatedAfterStorm(context, 'signnow', userId, () => user(browser));
    expectAccessTokenLifetime(after, SIGNNOW_ACCESS_TOKEN_SECONDS - 100, SIGNNOW_ACCESS_TOKEN_SECONDS);
    const refresh = signnow.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.has('client_secret')).toBe(false);
    expect(signnow.server.requests.filter((r) => r.path === '/oauth2/token').at(-1)!.headers.authorization).toBe(BASIC);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!);
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: SIGNNOW_ACCESS_TOKEN_SECONDS, scope: '*', refresh_token: expect.any(String) });
  });

  it('the token endpoint takes the client only as Basic, and names a missing refresh token invalid_request', async () => {
    const { browser, userId } = await signIn(person(106, 'Basic', 'Only'));
    expect((await user(browser)).status).toBe(200);
    const stored = (await context.app.runtime.tokenStore.findToken(userId, 'signnow'))!;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' }))).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, ''))).toEqual({ status: 400, body: { error: 'invalid_request' } });
  });

  it('an API call with a token signNow does not take is its 401 invalid_token', async () => {
    const response = await fetch(`${context.emulator.origin}/user`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_token' });
  });

  it("the application's access taken away in signNow marks the connection 'needs re-auth' after one refresh signNow refuses", async () => {
    const { emulator: signnow } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    signnow.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'signnow', userId, () => user(browser));
  });

  it('disconnect asks signNow nothing (it documents no revocation for an application) and forgets the tokens, which signNow still takes', async () => {
    const { emulator: signnow, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'signnow'))!;
    await expectDisconnectAsksNothing(context, 'signnow', { browser, userId });
    expect(signnow.accepts(stored.accessToken)).toBe(true);
  });

  it('/user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SIGNNOW, person(110, 'Outage', 'Profile'), (signnow) => signnow.failNextProfile(500));
  });

  standardCases(() => context, SIGNNOW, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SIGNNOW, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('signNow in production', () => {
  it('with the client alone, signs in at app.signnow.com, takes tokens and reads /user at api.signnow.com and calls the API there, with no scope and the client as HTTP Basic', () => {
    const { settings } = presetInProduction('signnow', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'signNow',
      endpoints: {
        authorizationEndpoint: 'https://app.signnow.com/authorize',
        tokenEndpoint: 'https://api.signnow.com/oauth2/token',
        userinfoEndpoint: 'https://api.signnow.com/user',
      },
      scope: '',
      apiBaseUrl: 'https://api.signnow.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
  });
});
