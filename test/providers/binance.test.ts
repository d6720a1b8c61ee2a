import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { BINANCE_ACCESS_TOKEN_SECONDS, startBinanceEmulator, type BinanceEmulator, type BinanceUser } from './binance.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Binance's Developer Center gives an OAuth application (its docs' example id).
const CLIENT_ID = 'a28f296f2cbe6c64b4d5dec24735d39b1b6fffcf';
const CLIENT_SECRET = 'k7Vq2mXc9RtB4nLw8ZpJ3sYd6HfG1aEuQ5oK0iTz';
const REDIRECT_URI = `${APP_ORIGIN}/auth/binance/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): BinanceUser {
  return { userId: `e10e20b7f20947e7bd206b15ce3d${String(id).padStart(4, '0')}`, email: `${name.toLowerCase().replace(/ /g, '.')}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user info moves with the API base). */
function binanceEnv(binance: BinanceEmulator): Record<string, string> {
  return presetEnv('binance', CLIENT_ID, CLIENT_SECRET, {
    BINANCE_AUTHORIZE_URL: `${binance.origin}/en/oauth/authorize`,
    BINANCE_ACCESS_TOKEN_URL: `${binance.origin}/oauth/token`,
    BINANCE_REVOCATION_URL: `${binance.origin}/oauth-api/v1/revoke-token`,
    BINANCE_API_BASE_URL: `${binance.origin}/oauth-api`,
  });
}

const BINANCE: StandardProvider<BinanceUser, BinanceEmulator> = {
  preset: 'binance',
  displayName: 'Binance',
  startEmulator: () => startBinanceEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: binanceEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.userId,
};

const userInfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/binance/proxy/v1/user-info`);

describeEachDialect('Binance, against an emulator of Binance', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BINANCE);

  const signIn = (user: BinanceUser) => signInAs(context, 'binance', user);

  it('signs in as the userId of /oauth-api/v1/user-info with its e-mail (verification unknown); user:openId asked, no PKCE, the client in the form with the redirect_uri, a token with a refresh token', async () => {
    const { database, emulator: binance, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user:openId');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userId);
    expect(JSON.parse(account.claims)).toEqual({ userId: ada.userId, email: 'ada.lovelace@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('ada.lovelace@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'binance');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, BINANCE_ACCESS_TOKEN_SECONDS - 100, BINANCE_ACCESS_TOKEN_SECONDS);
    const exchange = binance.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = binance.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(binance.server.requests.filter((r) => r.path === '/oauth-api/v1/user-info').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the authorization page refuses a request without a scope, as Binance requires one', async () => {
    const { emulator: binance } = context;
    const response = await fetch(`${binance.origin}/en/oauth/authorize?response_type=code&client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&state=s1`, { redirect: 'manual' });
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('the proxy calls the OAuth API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator: binance } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await userInfo(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ code: '000000', data: { userId: person(102, 'Grace Hopper').userId }, success: true });
    const { after } = await expectRotatedAfterStorm(context, 'binance', userId, () => userInfo(browser));
    expectAccessTokenLifetime(after, BINANCE_ACCESS_TOKEN_SECONDS - 100, BINANCE_ACCESS_TOKEN_SECONDS);
    const refresh = binance.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const refreshed = await refreshAtProvider(`${binance.origin}/oauth/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: BINANCE_ACCESS_TOKEN_SECONDS, scope: 'user:openId', refresh_token: expect.any(String) });
  });

  it('a refresh without the client secret is refused', async () => {
    const { emulator: binance } = context;
    const { userId } = await signIn(person(103, 'No Secret'));
    const stored = (await context.app.runtime.tokenStore.findToken(userId, 'binance'))!;
    const response = await fetch(`${binance.origin}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored.refreshToken!, client_id: CLIENT_ID }) });
    expect(await statusAndBody(response)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it("the app's access removed at Binance marks the connection 'needs re-auth' after one refresh Binance refuses", async () => {
    const { emulator: binance } = context;
    const leaving = person(104, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    binance.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'binance', userId, () => userInfo(browser));
  });

  it('disconnect revokes at /oauth-api/v1/revoke-token with the access token as Bearer, which Binance then refuses', async () => {
    const { emulator: binance } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'binance', { browser, userId }, { requests: 1 });
    const sent = binance.server.requests.filter((r) => r.path === '/oauth-api/v1/revoke-token').at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(binance.accepts(stored.accessToken)).toBe(false);
  });

  it("disconnect after the person removed the app: Binance's 401 for the token it no longer takes counts as revoked", async () => {
    const { emulator: binance, app } = context;
    const gone = person(106, 'Already Gone');
    const { browser, userId } = await signIn(gone);
    binance.removeAccess(gone);
    expect(await disconnectThrough(browser, 'binance')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'binance')).toBeUndefined();
  });

  it('the user info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, BINANCE, person(110, 'Outage Profile'), (binance) => binance.failNextProfile(500));
  });

  standardCases(() => context, BINANCE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BINANCE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Binance in production', () => {
  it('with the client alone, signs in at accounts.binance.com, reads www.binanceapis.com/oauth-api/v1/user-info and revokes there, asking user:openId with the client in the form', () => {
    const { settings } = presetInProduction('binance', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Binance',
      endpoints: {
        authorizationEndpoint: 'https://accounts.binance.com/en/oauth/authorize',
        tokenEndpoint: 'https://accounts.binance.com/oauth/token',
        userinfoEndpoint: 'https://www.binanceapis.com/oauth-api/v1/user-info',
        revocationEndpoint: 'https://www.binanceapis.com/oauth-api/v1/revoke-token',
      },
      scope: 'user:openId',
      apiBaseUrl: 'https://www.binanceapis.com/oauth-api',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'userId',
    });
  });
});
