import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { PENNYLANE_ACCESS_TOKEN_SECONDS, PENNYLANE_COMPANY, startPennylaneEmulator, type PennylaneEmulator, type PennylaneUser } from './pennylane.emulator.js';

// A client id and secret of the kind an OAuth application registered by Pennylane is given.
const CLIENT_ID = 'Xk3v9QpL2mT7wR4sY8nB1cD6fG0hJ5aZeUoIiPlKjHg';
const CLIENT_SECRET = 'q7W2eR9tY4uI1oP6aS3dF8gH5jK0lZxCvBnM2qWeRtY';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/pennylane/callback`;

function person(id: number, firstName: string, lastName: string): PennylaneUser {
  return { id: 12000 + id, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function pennylaneEnv(pennylane: PennylaneEmulator): Record<string, string> {
  return presetEnv('pennylane', CLIENT_ID, CLIENT_SECRET, {
    PENNYLANE_AUTHORIZE_URL: `${pennylane.origin}/oauth/authorize`,
    PENNYLANE_ACCESS_TOKEN_URL: `${pennylane.origin}/oauth/token`,
    PENNYLANE_REVOCATION_URL: `${pennylane.origin}/oauth/revoke`,
    PENNYLANE_API_BASE_URL: `${pennylane.origin}/api/external/v2`,
  });
}

const PENNYLANE: StandardProvider<PennylaneUser, PennylaneEmulator> = {
  preset: 'pennylane',
  displayName: 'Pennylane',
  startEmulator: () => startPennylaneEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: pennylaneEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const customers = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/pennylane/proxy/customers`);

describeEachDialect('Pennylane, against an emulator of Pennylane', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PENNYLANE);
  const signIn = (user: PennylaneUser) => signInAs(context, 'pennylane', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it("signs in as the user id of /api/external/v2/me with the names, an unverified e-mail and the token's company; customers:readonly asked, no PKCE, the client in the form, a day's token with a refresh token", async () => {
    const { database, emulator: pennylane, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('customers:readonly');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('12101');
    expect(JSON.parse(account.claims)).toEqual({ id: '12101', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test', locale: 'fr', company_id: String(PENNYLANE_COMPANY.id), company_name: PENNYLANE_COMPANY.name });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'pennylane');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'customers:readonly' });
    expectAccessTokenLifetime(token, PENNYLANE_ACCESS_TOKEN_SECONDS - 100, PENNYLANE_ACCESS_TOKEN_SECONDS);
    const exchange = pennylane.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = pennylane.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(pennylane.server.requests.findLast((r) => r.path === '/api/external/v2/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the user id, whatever their e-mail became', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), email: 'admiral@navy.test' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: pennylane } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await customers(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ items: [{ id: 42, name: 'Dupont SARL' }] });
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'pennylane', userId, () => customers(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, PENNYLANE_ACCESS_TOKEN_SECONDS - 100, PENNYLANE_ACCESS_TOKEN_SECONDS);
    const refresh = pennylane.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('an authorization without a scope is refused, and an API call outside the token’s scopes is a 403', async () => {
    const { emulator: pennylane } = context;
    const refused = await fetch(`${pennylane.origin}/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', state: 's' })}`, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    const unknown = await fetch(`${pennylane.origin}/api/external/v2/customers`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
  });

  it("the application's access removed in Pennylane: the refused refresh marks the connection needs re-auth after one try", async () => {
    const { emulator: pennylane } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    pennylane.disconnectApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'pennylane', userId, () => customers(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /oauth/revoke with the client in the form, and both end', async () => {
    const { emulator: pennylane } = context;
    const { browser, userId } = await signIn(person(104, 'Radia', 'Perlman'));
    const stored = await expectDisconnectRevokes(context, 'pennylane', { browser, userId }, { requests: 2 });
    expect(pennylane.revocations.slice(-2)).toEqual([
      { token: stored.refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      { token: stored.accessToken, token_type_hint: 'access_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    ]);
    expect(pennylane.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('/api/external/v2/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PENNYLANE, person(110, 'Outage', 'Profile'), (pennylane) => pennylane.failNextProfile(500));
  });

  standardCases(() => context, PENNYLANE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(PENNYLANE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the pennylane preset in production', () => {
  it('with the client alone, signs in at app.pennylane.com, revokes at /oauth/revoke and calls API v2, asking customers:readonly with the client in the form', () => {
    const { settings } = presetInProduction('pennylane', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Pennylane',
      endpoints: {
        authorizationEndpoint: 'https://app.pennylane.com/oauth/authorize',
        tokenEndpoint: 'https://app.pennylane.com/oauth/token',
        userinfoEndpoint: 'https://app.pennylane.com/api/external/v2/me',
        revocationEndpoint: 'https://app.pennylane.com/oauth/revoke',
      },
      scope: 'customers:readonly',
      apiBaseUrl: 'https://app.pennylane.com/api/external/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
