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
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SAXO_ACCESS_TOKEN_SECONDS, SAXO_REFRESH_TOKEN_SECONDS, startSaxoEmulator, type SaxoEmulator, type SaxoUser } from './saxo.emulator.js';

// An AppKey and AppSecret of the form Saxo's Application Management shows (32 hex characters each).
const CLIENT_ID = '3f2b8c9d0e1a4b5c8d7e6f5a4b3c2d1e';
const CLIENT_SECRET = 'c07e19278f74700b21d66287a30c14ea';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/saxo/callback`;

function person(id: number, name: string): SaxoUser {
  const key = `Qk${String(id).padStart(6, '0')}xYz9pLmN4w==`;
  return { userKey: key, userId: String(17_000_000 + id), clientKey: key, name };
}

/** Only the documented variables: the preset, the client, and SAXO_BASE_URL naming the emulator as the AuthenticationUrl (a host Saxo does not pair with a gateway serves the API under its /openapi). */
function saxoEnv(saxo: SaxoEmulator): Record<string, string> {
  return presetEnv('saxo', CLIENT_ID, CLIENT_SECRET, { SAXO_BASE_URL: saxo.origin });
}

const subjectAt = (saxo: SaxoEmulator, user: SaxoUser) => `${user.userKey}@${new URL(saxo.origin).host}`;

let started: SaxoEmulator | undefined;
const SAXO: StandardProvider<SaxoUser, SaxoEmulator> = {
  preset: 'saxo',
  displayName: 'Saxo Bank',
  startEmulator: async () => (started = await startSaxoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI })),
  env: saxoEnv,
  people: standardPeople(person),
  subjectOf: (user) => subjectAt(started!, user),
};

const accounts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/saxo/proxy/port/v1/accounts/me`);

describeEachDialect('Saxo Bank, against an emulator of an OpenAPI environment named by SAXO_BASE_URL', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SAXO);
  const signIn = (user: SaxoUser) => signInAs(context, 'saxo', user);
  const tokenUrl = () => `${context.emulator.origin}/token`;

  it('signs in as the UserKey of /port/v1/users/me qualified by the environment, with the login ID and name, no e-mail; no scope, PKCE, the client in the form, a 20-minute token and a 1-hour refresh token', async () => {
    const { database, emulator: saxo, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(subjectAt(saxo, ada));
    expect(JSON.parse(account.claims)).toEqual({ id: subjectAt(saxo, ada), user_key: ada.userKey, user_id: '17000101', client_key: ada.clientKey, name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'saxo');
    expect(token).toMatchObject({ refreshToken: expect.any(String), refreshTokenExpiresAt: expect.any(Number) });
    expectAccessTokenLifetime(token, SAXO_ACCESS_TOKEN_SECONDS - 100, SAXO_ACCESS_TOKEN_SECONDS);
    const exchange = saxo.server.requests.find((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = saxo.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
    expect(saxo.server.requests.filter((r) => r.path === '/openapi/port/v1/users/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the UserKey, whatever their name became', async () => {
    const first = await signIn(person(105, 'Grace Hopper'));
    const second = await signIn({ ...person(105, 'Grace Hopper'), name: 'Grace Brewster Hopper' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: saxo } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const first = await accounts(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ Data: [{ AccountId: '17000102/EUR', Currency: 'EUR' }] });
    const { before, after } = await expectRotatedAfterStorm(context, 'saxo', userId, () => accounts(browser));
    expectAccessTokenLifetime(after, SAXO_ACCESS_TOKEN_SECONDS - 100, SAXO_ACCESS_TOKEN_SECONDS);
    const refresh = saxo.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', expires_in: SAXO_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String), refresh_token_expires_in: SAXO_REFRESH_TOKEN_SECONDS });
  });

  it('an API call with a token Saxo does not take is a 401', async () => {
    const { emulator: saxo } = context;
    const response = await fetch(`${saxo.origin}/openapi/port/v1/accounts/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it("signing out of every session at Saxo marks the connection 'needs re-auth' after one refresh Saxo refuses", async () => {
    const { emulator: saxo } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    saxo.signOutEverywhere(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'saxo', userId, () => accounts(browser));
  });

  it('disconnect asks Saxo nothing (it documents no revocation) and forgets the tokens, which Saxo still takes', async () => {
    const { emulator: saxo, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'saxo'))!;
    await expectDisconnectAsksNothing(context, 'saxo', { browser, userId });
    expect(saxo.accepts(stored.accessToken)).toBe(true);
  });

  it('/port/v1/users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SAXO, person(110, 'Outage Profile'), (saxo) => saxo.failNextProfile(500));
  });

  standardCases(() => context, SAXO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SAXO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Saxo Bank in production', () => {
  it('with the client alone, signs in at LIVE (live.logonvalidation.net) and calls gateway.saxobank.com/openapi, with no scope and the client in the form', () => {
    const { settings } = presetInProduction('saxo', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Saxo Bank',
      endpoints: {
        authorizationEndpoint: 'https://live.logonvalidation.net/authorize',
        tokenEndpoint: 'https://live.logonvalidation.net/token',
        userinfoEndpoint: 'https://gateway.saxobank.com/openapi/port/v1/users/me',
      },
      scope: '',
      apiBaseUrl: 'https://gateway.saxobank.com/openapi',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });

  it('SAXO_BASE_URL=https://sim.logonvalidation.net is the Simulation environment, its API under gateway.saxobank.com/sim/openapi', () => {
    const { settings } = presetInProduction('saxo', CLIENT);
    expect(settings({ SAXO_BASE_URL: 'https://sim.logonvalidation.net' })).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://sim.logonvalidation.net/authorize', tokenEndpoint: 'https://sim.logonvalidation.net/token', userinfoEndpoint: 'https://gateway.saxobank.com/sim/openapi/port/v1/users/me' },
      apiBaseUrl: 'https://gateway.saxobank.com/sim/openapi',
    });
  });
});
