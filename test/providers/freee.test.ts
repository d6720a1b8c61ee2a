import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { FREEE_ACCESS_TOKEN_SECONDS, FREEE_COMPANY, startFreeeEmulator, type FreeeEmulator, type FreeeUser } from './freee.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind the freee app store shows for an app.
const CLIENT_ID = '605771234567890';
const CLIENT_SECRET = 'R9Zq4Xv7Kp2Lm8Nw3Yt6Bd1Hc5Jf0GsA-uE2rT9L9Wep5KA';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/freee/callback`;

function person(id: number, firstName: string, lastName: string): FreeeUser {
  return { id: 8100000 + id, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user moves with the API base). */
function freeeEnv(freee: FreeeEmulator): Record<string, string> {
  return presetEnv('freee', CLIENT_ID, CLIENT_SECRET, {
    FREEE_AUTHORIZE_URL: `${freee.origin}/public_api/authorize`,
    FREEE_ACCESS_TOKEN_URL: `${freee.origin}/public_api/token`,
    FREEE_REVOCATION_URL: `${freee.origin}/public_api/revoke`,
    FREEE_API_BASE_URL: freee.origin,
  });
}

const FREEE: StandardProvider<FreeeUser, FreeeEmulator> = {
  preset: 'freee',
  displayName: 'freee',
  startEmulator: () => startFreeeEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: freeeEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const companies = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/freee/proxy/api/1/companies`);

describeEachDialect('freee, against an emulator of freee', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FREEE);
  const signIn = (user: FreeeUser) => signInAs(context, 'freee', user);
  const tokenUrl = () => `${context.emulator.origin}/public_api/token`;

  it("signs in as the user ID of /api/1/users/me with the names and an unverified e-mail, the picked company kept; no scope, prompt=select_company, no PKCE, the client in the form, a 6-hour token with a refresh token", async () => {
    const { database, emulator: freee, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('prompt')).toBe('select_company');
    expect(request.has('code_challenge')).toBe(false);
    expect(freee.authorizations.at(-1)!.get('state')).toBe(request.get('state'));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('8100101');
    expect(JSON.parse(account.claims)).toEqual({
      id: '8100101',
      name: 'Lovelace Ada',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@acme.test',
      company_id: String(FREEE_COMPANY.id),
      external_cid: FREEE_COMPANY.externalCid,
    });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Lovelace Ada' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'freee');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read write' });
    expectAccessTokenLifetime(token, FREEE_ACCESS_TOKEN_SECONDS - 100, FREEE_ACCESS_TOKEN_SECONDS);
    const exchange = freee.server.requests.findLast((r) => r.path === '/public_api/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = freee.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.has('code_verifier')).toBe(false);
    expect(freee.server.requests.findLast((r) => r.path === '/api/1/users/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the user ID, whatever the e-mail and names became', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Murray'), email: 'admiral@acme.test' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the accounting API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept, and the spent one is refused with a 401', async () => {
    const { emulator: freee } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await companies(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ companies: [{ id: FREEE_COMPANY.id, role: 'admin' }] });
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'freee', userId, () => companies(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, FREEE_ACCESS_TOKEN_SECONDS - 100, FREEE_ACCESS_TOKEN_SECONDS);
    const refresh = freee.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 401, body: { error: 'invalid_grant' } });
  });

  it("an API call with a token freee no longer takes is its 401 in freee's common error shape", async () => {
    const { emulator: freee } = context;
    const response = await fetch(`${freee.origin}/api/1/companies`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ status_code: 401, errors: [{ type: 'status', messages: ['アクセスする権限がありません'] }] });
  });

  it("the app's access removed in freee marks the connection 'needs re-auth' after one refresh freee refuses", async () => {
    const { emulator: freee } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    freee.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'freee', userId, () => companies(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /public_api/revoke with the client in the form, and neither works after', async () => {
    const { emulator: freee } = context;
    const { browser, userId } = await signIn(person(104, 'Radia', 'Perlman'));
    const stored = await expectDisconnectRevokes(context, 'freee', { browser, userId }, { requests: 2 });
    expect(freee.revocations.slice(-2)).toEqual([
      { token: stored.refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      { token: stored.accessToken, token_type_hint: 'access_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    ]);
    expect(freee.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it('/api/1/users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FREEE, person(110, 'Outage', 'Profile'), (freee) => freee.failNextProfile(500));
  });

  standardCases(() => context, FREEE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FREEE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the freee preset in production', () => {
  it('with the client alone, signs in at accounts.secure.freee.co.jp, revokes at /public_api/revoke and calls api.freee.co.jp, with no scope and the client in the form', () => {
    const { settings } = presetInProduction('freee', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'freee',
      endpoints: {
        authorizationEndpoint: 'https://accounts.secure.freee.co.jp/public_api/authorize',
        tokenEndpoint: 'https://accounts.secure.freee.co.jp/public_api/token',
        userinfoEndpoint: 'https://api.freee.co.jp/api/1/users/me',
        revocationEndpoint: 'https://accounts.secure.freee.co.jp/public_api/revoke',
      },
      scope: '',
      authorizationParams: { prompt: 'select_company' },
      apiBaseUrl: 'https://api.freee.co.jp',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
