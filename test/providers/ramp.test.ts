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
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { RAMP_ACCESS_TOKEN_SECONDS, startRampEmulator, type RampBusiness, type RampEmulator } from './ramp.emulator.js';

// A client id and secret of the kind Ramp's Developer Console shows for an app.
const CLIENT_ID = 'ramp_id_4Ck2qWvT8nLpX3sR9bYh6MfJ1dZaEuGo';
const CLIENT_SECRET = 'ramp_sec_Qm7Vx2Nc5Tj8Lr1Hw4Kp9Bs6Dz3Fy0Ga';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/ramp/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function business(n: number, legalName: string): RampBusiness {
  return { id: `9abffcf0-dd7d-42f0-b806-ce0502ab${String(n).padStart(4, '0')}`, legalName };
}

/** Only the documented variables: the preset, the client, and each endpoint and the API base pointed at the emulator (the business moves with the API base). */
function rampEnv(ramp: RampEmulator): Record<string, string> {
  return presetEnv('ramp', CLIENT_ID, CLIENT_SECRET, {
    RAMP_AUTHORIZE_URL: `${ramp.origin}/v1/authorize`,
    RAMP_ACCESS_TOKEN_URL: `${ramp.origin}/developer/v1/token`,
    RAMP_REVOCATION_URL: `${ramp.origin}/developer/v1/token/revoke`,
    RAMP_API_BASE_URL: `${ramp.origin}/developer/v1`,
  });
}

const RAMP: StandardProvider<RampBusiness, RampEmulator> = {
  preset: 'ramp',
  displayName: 'Ramp',
  startEmulator: () => startRampEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: rampEnv,
  people: standardPeople(business),
  subjectOf: (someone) => someone.id,
};

const balance = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/ramp/proxy/business/balance`);

describeEachDialect('Ramp, against an emulator of its OAuth and Developer API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), RAMP);
  const signIn = (someone: RampBusiness) => signInAs(context, 'ramp', someone);
  const tokenUrl = () => `${context.emulator.origin}/developer/v1/token`;

  it('signs in as the id of /developer/v1/business, named by its legal name, no e-mail; business:read asked with state and no PKCE, the code exchanged with the client as Basic and the redirect_uri in the form, an hour-long token with a refresh token', async () => {
    const { database, emulator: ramp, app } = context;
    const sushi = business(101, 'Sushi Luncheonette');
    const { userId, request } = await signIn(sushi);
    expect(request.get('scope')).toBe('business:read');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(sushi.id);
    expect(JSON.parse(account.claims)).toEqual({ id: sushi.id, name: 'Sushi Luncheonette' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Sushi Luncheonette', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'ramp');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^ramp_tok_/), refreshToken: expect.stringMatching(/^ramp_tok_/), scope: 'business:read' });
    expectAccessTokenLifetime(token, RAMP_ACCESS_TOKEN_SECONDS - 100, RAMP_ACCESS_TOKEN_SECONDS);
    const exchange = ramp.server.requests.find((r) => r.path === '/developer/v1/token')!;
    expect(exchange.headers.authorization).toBe(BASIC);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = ramp.tokenForms[0]!;
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI });
    expect(ramp.server.requests.findLast((r) => r.path === '/developer/v1/business')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the Developer API; 20 concurrent calls on an expired token make one refresh with the client as Basic, whose refresh token is kept', async () => {
    const { emulator: ramp } = context;
    const { browser, userId } = await signIn(business(102, 'Hopper Supply'));
    const first = await balance(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ available_balance: 1500000 });
    const { after } = await expectRotatedAfterStorm(context, 'ramp', userId, () => balance(browser));
    expectAccessTokenLifetime(after, RAMP_ACCESS_TOKEN_SECONDS - 100, RAMP_ACCESS_TOKEN_SECONDS);
    expect(ramp.server.requests.findLast((r) => r.path === '/developer/v1/token')!.headers.authorization).toBe(BASIC);
    expect(Object.fromEntries(ramp.tokenForms.at(-1)!)).toEqual({ grant_type: 'refresh_token', refresh_token: expect.any(String) });
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!))).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: RAMP_ACCESS_TOKEN_SECONDS, scope: 'business:read' } });
  });

  it('Ramp refuses the client in the form rather than as Basic, a scope the app is not configured for, and a token without the scope an endpoint needs', async () => {
    const { emulator: ramp } = context;
    expect((await refreshAtProvider(tokenUrl(), CLIENT, 'ramp_tok_x', { by: 'form' })).status).toBe(401);
    const asked = new URL(`${ramp.origin}/v1/authorize`);
    for (const [name, value] of Object.entries({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'bills:write', state: 's1' })) asked.searchParams.set(name, value);
    const refused = await fetch(asked, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    expect(await statusAndBody(fetch(`${ramp.origin}/developer/v1/business`, { headers: { authorization: 'Bearer ramp_tok_nope' } }))).toMatchObject({ status: 401, body: { error_v2: { message: 'Invalid or expired access token' } } });
  });

  it("the app disconnected by the business's admin marks the connection 'needs re-auth' after one refresh Ramp refuses", async () => {
    const { emulator: ramp } = context;
    const leaving = business(103, 'Liskov Labs');
    const { browser, userId } = await signIn(leaving);
    ramp.disconnectApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'ramp', userId, () => balance(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /developer/v1/token/revoke with the client as Basic, and both end', async () => {
    const { emulator: ramp } = context;
    const { browser, userId } = await signIn(business(104, 'Goodbye Goods'));
    const stored = await expectDisconnectRevokes(context, 'ramp', { browser, userId }, { requests: 2 });
    expect(ramp.revocations.slice(-2)).toEqual([
      { token: stored.refreshToken, token_type_hint: 'refresh_token' },
      { token: stored.accessToken, token_type_hint: 'access_token' },
    ]);
    expect(ramp.server.requests.filter((r) => r.path === '/developer/v1/token/revoke').every((r) => r.headers.authorization === BASIC)).toBe(true);
    expect(ramp.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!)).status).toBe(400);
  });

  it('/developer/v1/business failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, RAMP, business(110, 'Outage Inc'), (ramp) => ramp.failNextBusiness(500));
  });

  standardCases(() => context, RAMP, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(RAMP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the ramp preset in production', () => {
  it('with the client alone, signs in at app.ramp.com, reads the business, calls and revokes at api.ramp.com, asking business:read with the client as Basic and no PKCE', () => {
    const { settings } = presetInProduction('ramp', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Ramp',
      endpoints: {
        authorizationEndpoint: 'https://app.ramp.com/v1/authorize',
        tokenEndpoint: 'https://api.ramp.com/developer/v1/token',
        userinfoEndpoint: 'https://api.ramp.com/developer/v1/business',
        revocationEndpoint: 'https://api.ramp.com/developer/v1/token/revoke',
      },
      scope: 'business:read',
      apiBaseUrl: 'https://api.ramp.com/developer/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
      subjectClaim: 'id',
    });
  });
});
