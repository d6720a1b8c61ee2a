import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAhaEmulator, type AhaEmulator, type AhaUser } from './aha.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form an Aha! OAuth application is given.
const CLIENT_ID = '7f3c9a1e5b2d4c8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f';
const CLIENT_SECRET = 'c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2';
const REDIRECT_URI = `${APP_ORIGIN}/auth/aha/callback`;
const DOMAIN = 'acme.aha.io';

function person(id: number, firstName: string, lastName: string): AhaUser {
  return { id: `677688114940427${String(id).padStart(4, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, the domain, and the endpoints and the API base on the emulator (the current user moves with the API base). */
function ahaEnv(aha: AhaEmulator): Record<string, string> {
  return presetEnv('aha', CLIENT_ID, CLIENT_SECRET, {
    AHA_DOMAIN: DOMAIN,
    AHA_AUTHORIZE_URL: `${aha.origin}/oauth/authorize`,
    AHA_ACCESS_TOKEN_URL: `${aha.origin}/oauth/token`,
    AHA_API_BASE_URL: `${aha.origin}/api/v1`,
  });
}

const AHA: StandardProvider<AhaUser, AhaEmulator> = {
  preset: 'aha',
  displayName: 'Aha!',
  startEmulator: () => startAhaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: ahaEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => `${user.id}@${DOMAIN}`,
};

describeEachDialect("Aha!, against an emulator of an Aha! account's host", (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), AHA);
  const signIn = (user: AhaUser) => signInAs(context, 'aha', user);
  const products = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/aha/proxy/products`);

  it("signs in as the id of /api/v1/me qualified by the account's host, with the names and an unverified e-mail; no scope, no PKCE, the client in the form with the redirect_uri, a token with no end and no refresh token", async () => {
    const { database, emulator: aha, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`6776881149404270101@${DOMAIN}`);
    expect(JSON.parse(account.claims)).toEqual({ id: `6776881149404270101@${DOMAIN}`, user_id: '6776881149404270101', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@acme.test' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'aha');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    const exchange = aha.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(aha.tokenForms.at(-1)!)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(aha.server.requests.findLast((r) => r.path === '/api/v1/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same account by the qualified id, whatever the e-mail became', async () => {
    const returning = person(110, 'Returning', 'Person');
    const first = await signIn(returning);
    const second = await signIn({ ...returning, email: 'new-address@acme.test' });
    expect(second.userId).toBe(first.userId);
    expect(await context.database.db.selectFrom('accounts').select('id').where('provider', '=', 'aha').where('subject', '=', `${returning.id}@${DOMAIN}`).execute()).toHaveLength(1);
  });

  it('the proxy calls API v1 with the token as Bearer; 20 concurrent calls ask Aha! for no token, as there is nothing to refresh', async () => {
    const { emulator: aha } = context;
    const { browser } = await signIn(person(102, 'Grace', 'Hopper'));
    const answers = await expectNoTokenRequestFor20Calls(aha, () => products(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ products: [{ reference_prefix: 'PRJ1' }] });
  });

  it('Aha! refuses an exchange without one of its parameters, the client as Basic alone, and an API call with a token it does not take (401)', async () => {
    const { emulator: aha } = context;
    const tokenUrl = `${aha.origin}/oauth/token`;
    const missing = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(await statusAndBody(Promise.resolve(missing))).toEqual({ status: 400, body: { error: 'invalid_request' } });
    const basic = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI }),
    });
    expect(basic.status).toBe(401);
    expect((await fetch(`${aha.origin}/api/v1/me`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
  });

  it("the application's token revoked in Aha!: the 401 marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: aha } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    aha.revokeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'aha', userId, () => products(browser));
  });

  it('disconnect asks Aha! nothing (it documents no revocation endpoint) and forgets the token, which Aha! still takes', async () => {
    const { emulator: aha, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'aha'))!;
    await expectDisconnectAsksNothing(context, 'aha', { browser, userId });
    expect(aha.accepts(stored.accessToken)).toBe(true);
  });

  it('/api/v1/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, AHA, person(111, 'Outage', 'Profile'), (aha) => aha.failNextProfile(500));
  });

  standardCases(() => context, AHA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(AHA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the aha preset in production', () => {
  const { settings, refusal } = presetInProduction('aha', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the account's host for the authorization, the token, the current user and the API, asks no scope with the client in the form, and needs the domain", () => {
    expect(settings({ AHA_DOMAIN: 'widgets.aha.io' })).toMatchObject({
      displayName: 'Aha!',
      endpoints: {
        authorizationEndpoint: 'https://widgets.aha.io/oauth/authorize',
        tokenEndpoint: 'https://widgets.aha.io/oauth/token',
        userinfoEndpoint: 'https://widgets.aha.io/api/v1/me',
      },
      scope: '',
      apiBaseUrl: 'https://widgets.aha.io/api/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(refusal({})).toContain('AHA_DOMAIN is missing');
  });
});
