import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startRazorpayEmulator, type RazorpayAccount, type RazorpayEmulator } from './razorpay.emulator.js';

// A client id and secret of the form Razorpay's Partner Dashboard shows for an application's client.
const CLIENT_ID = '8DXCMTshWSWECc';
const CLIENT_SECRET = 'DcTFepYebC7FuNk39C8M3yl2';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/razorpay/callback`;

function account(n: number): RazorpayAccount {
  return { id: `acc_Dhk2qDbmu6F${n}`, keySuffix: `9xu1rkZqoX${n}` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function razorpayEnv(razorpay: RazorpayEmulator): Record<string, string> {
  return presetEnv('razorpay', CLIENT_ID, CLIENT_SECRET, {
    RAZORPAY_AUTHORIZE_URL: `${razorpay.origin}/authorize`,
    RAZORPAY_ACCESS_TOKEN_URL: `${razorpay.origin}/token`,
    RAZORPAY_REVOCATION_URL: `${razorpay.origin}/revoke`,
    RAZORPAY_API_BASE_URL: `${razorpay.origin}/v1`,
  });
}

const RAZORPAY: StandardProvider<RazorpayAccount, RazorpayEmulator> = {
  preset: 'razorpay',
  displayName: 'Razorpay',
  startEmulator: () => startRazorpayEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: razorpayEnv,
  people: standardPeople((id) => account(id)),
  subjectOf: (someone) => someone.id,
};

const payments = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/razorpay/proxy/payments`);

/** A refresh at Razorpay as its page shows it: JSON with the client's id and secret. */
const refreshAtRazorpay = (tokenUrl: string, refreshToken: string) =>
  fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }) });

describeEachDialect('Razorpay, against an emulator of its OAuth and API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), RAZORPAY);
  const signIn = (someone: RazorpayAccount) => signInAs(context, 'razorpay', someone);
  const tokenUrl = () => `${context.emulator.origin}/token`;

  it("signs in as the token answer's razorpay_account_id with no profile call, no name or e-mail; read_only asked without PKCE, the code exchanged as JSON with the client in it, a 91-day token with a refresh token", async () => {
    const { database, emulator: razorpay, app } = context;
    const merchant = account(101);
    const { userId, request } = await signIn(merchant);
    expect(request.get('scope')).toBe('read_only');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe(merchant.id);
    expect(JSON.parse(stored.claims)).toEqual({ razorpay_account_id: merchant.id });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'razorpay');
    // The answer names no scope: the one asked is kept.
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^def50200/), scope: 'read_only' });
    expectAccessTokenLifetime(token, 7862300, 7862400);
    expect(razorpay.tokenRequests.at(-1)).toMatchObject({ contentType: 'application/json', body: { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI } });
    expect(razorpay.server.requests.some((r) => r.path.startsWith('/v1/'))).toBe(false);
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls on an expired token make one JSON refresh, whose new refresh token is kept, and Razorpay refuses the spent one', async () => {
    const { emulator: razorpay } = context;
    const { browser, userId } = await signIn(account(102));
    const first = await payments(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ entity: 'collection', items: [{ id: 'pay_G8VaL2Z68LRtDs' }] });
    expect(razorpay.server.requests.findLast((r) => r.path === '/v1/payments')!.headers.authorization).toMatch(/^Bearer eyJ/);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'razorpay', userId, () => payments(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, 7862300, 7862400);
    expect(razorpay.tokenRequests.at(-1)).toMatchObject({ contentType: 'application/json', body: { grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID } });
    expect(await statusAndBody(refreshAtRazorpay(tokenUrl(), before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the application revoked on the Dashboard: the refused refresh marks the connection needs re-auth after one try', async () => {
    const { emulator: razorpay } = context;
    const leaving = account(103);
    const { browser, userId } = await signIn(leaving);
    razorpay.revokeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'razorpay', userId, () => payments(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /revoke as JSON with the client and token_type_hint, and both end', async () => {
    const { emulator: razorpay } = context;
    const { browser, userId } = await signIn(account(104));
    const stored = await expectDisconnectRevokes(context, 'razorpay', { browser, userId }, { requests: 2 });
    expect(razorpay.revocations.slice(-2)).toEqual([
      { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token_type_hint: 'refresh_token', token: stored.refreshToken },
      { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token_type_hint: 'access_token', token: stored.accessToken },
    ]);
    expect(razorpay.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtRazorpay(tokenUrl(), stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, RAZORPAY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(RAZORPAY, {
  title: 'Razorpay refresh tokens (180 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 180, and the connection outlives that refresh token',
  startEmulator: (now) => startRazorpayEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, now }),
  person: account(120),
  dueAfterDays: 173,
  // Past the first refresh token's 180 days (and the 91-day access token's), the connection works: the new refresh token renews it.
  usedAgainAfterDays: 100,
  firstRefreshTokenRefused: async (razorpay, refreshToken) => {
    expect((await refreshAtRazorpay(`${razorpay.origin}/token`, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(RAZORPAY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the razorpay preset in production', () => {
  it("with the client alone, signs in at auth.razorpay.com, revokes at its /revoke and calls api.razorpay.com/v1, asking read_only with no PKCE and the client in the body", () => {
    const { settings } = presetInProduction('razorpay', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Razorpay',
      endpoints: {
        authorizationEndpoint: 'https://auth.razorpay.com/authorize',
        tokenEndpoint: 'https://auth.razorpay.com/token',
        revocationEndpoint: 'https://auth.razorpay.com/revoke',
      },
      scope: 'read_only',
      apiBaseUrl: 'https://api.razorpay.com/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'razorpay_account_id',
    });
    expect(settings({}).endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings({}).refreshTokenIdleSeconds).toBe(180 * 86_400);
  });
});
