import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { WSO2IS_REFRESH_TOKEN_SECONDS, startWso2IsEmulator, type Wso2IsEmulator, type Wso2IsUser } from './wso2is.emulator.js';

// A client id and secret as the Console shows them (WSO2's own sample request's client id).
const CLIENT_ID = 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a';
const CLIENT_SECRET = 'kHq3yTz0pXb7Lm2Vn9Rc4Wd8Fs1Ga';
const REDIRECT_URI = `${APP_ORIGIN}/auth/wso2is/callback`;
const SCOPE = 'openid profile email';

function person(n: number, givenName: string, familyName: string): Wso2IsUser {
  return { id: `e46ffa67-100d-4329-9460-${String(n).padStart(12, '0')}`, givenName, familyName, email: `${givenName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and the server's URL. */
function wso2isEnv(wso2is: Wso2IsEmulator): Record<string, string> {
  return presetEnv('wso2is', CLIENT_ID, CLIENT_SECRET, { WSO2IS_BASE_URL: wso2is.origin });
}

/** A refresh at the server itself. */
function refreshAtServer(wso2is: Wso2IsEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(wso2is.issuer, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const start = (renewRefreshToken = false, now?: () => number) =>
  startWso2IsEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, renewRefreshToken, ...(now ? { now } : {}) });

const WSO2IS: StandardProvider<Wso2IsUser, Wso2IsEmulator> = {
  preset: 'wso2is',
  displayName: 'WSO2 Identity Server',
  startEmulator: () => start(),
  env: wso2isEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('WSO2 Identity Server, against an emulator of a server with a web application at its defaults', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WSO2IS);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/wso2is/proxy/oauth2/userinfo`);
  const openId = openIdCases(context, WSO2IS, userinfo);

  it("signs in through discovery at the server's token endpoint URL (the issuer) as the user's id sub, the name made of given and family names, the e-mail; no offline_access and no consent prompt, PKCE, Basic, an hour's token and a refresh token", async () => {
    const { emulator: wso2is } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: `${wso2is.origin}/oauth2/token`, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: false },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(wso2is.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(wso2is.server.counts.client_secret_post).toBeUndefined();
  });

  it('the proxy reaches /oauth2/userinfo on the server with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, given_name: 'Grace' });
  });

  it('20 concurrent calls on an expired token make one refresh, which answers the same refresh token (no "Renew refresh token"), kept; it still refreshes at the server', async () => {
    const { emulator: wso2is } = context;
    const { after } = await openId.expectKeptAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtServer(wso2is, after.refreshToken!))).toMatchObject({ status: 200, body: { refresh_token: after.refreshToken } });
  });

  it('the user deleted from the user store: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes at /oauth2/revoke (RFC 7009), by Basic: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: wso2is } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtServer(wso2is, refreshToken));
    expect(wso2is.server.counts.client_secret_post).toBeUndefined();
  });

  standardCases(() => context, WSO2IS, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(WSO2IS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeEachDialect('WSO2 Identity Server refresh tokens (one day from their issue by default)', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start(false, clock.now), env: wso2isEnv }, { now: clock.now });

  it('by default the same refresh token comes back, so a connection used all day still needs re-auth a day after its sign-in, after one refused refresh', async () => {
    const { emulator: wso2is, app } = context;
    expect(providerSettings(wso2isEnv(wso2is), 'wso2is', false).refreshTokenIdleSeconds).toBeUndefined();
    const { userId } = await signInAs(context, 'wso2is', person(201, 'Daily', 'User'));
    clock.advance(23 * 3600);
    await expect(app.runtime.tokens.getAccessToken(userId, 'wso2is')).resolves.toMatchObject({ accessToken: expect.any(String) });
    clock.advance(WSO2IS_REFRESH_TOKEN_SECONDS - 23 * 3600 + 3600);
    const refreshes = wso2is.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(userId, 'wso2is')).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(app.runtime.tokens.getAccessToken(userId, 'wso2is')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(wso2is.server.counts.refresh_token).toBe(refreshes + 1);
  });
});

describeEachDialect('WSO2 Identity Server refresh tokens with "Renew refresh token" on', (dialect) => {
  const clock = testClock();
  const env = (wso2is: Wso2IsEmulator) => ({ ...wso2isEnv(wso2is), WSO2IS_REFRESH_TOKEN_IDLE_DAYS: '1' });
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => start(true, clock.now), env }, { now: clock.now });

  it('each refresh answers a new refresh token of its own day, kept in place of the old, which the server then refuses; IDLE_DAYS=1 sets the keep-alive', async () => {
    const { emulator: wso2is, app } = context;
    expect(providerSettings(env(wso2is), 'wso2is', false).refreshTokenIdleSeconds).toBe(WSO2IS_REFRESH_TOKEN_SECONDS);
    const { userId } = await signInAs(context, 'wso2is', person(202, 'Renewed', 'User'));
    const first = await app.runtime.tokenStore.findToken(userId, 'wso2is');
    for (let day = 0; day < 3; day += 1) {
      clock.advance(23 * 3600);
      await expect(app.runtime.tokens.getAccessToken(userId, 'wso2is')).resolves.toMatchObject({ accessToken: expect.any(String) });
    }
    const last = await app.runtime.tokenStore.findToken(userId, 'wso2is');
    expect(last!.refreshToken).not.toBe(first!.refreshToken);
    expect(await statusAndBody(refreshAtServer(wso2is, first!.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('the wso2is preset in production', () => {
  const { settings, refusal } = presetInProduction('wso2is', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the server's URL, its token endpoint the issuer, and needs it (or the issuer)", () => {
    expect(settings({ WSO2IS_BASE_URL: 'https://localhost:9443' })).toMatchObject({
      displayName: 'WSO2 Identity Server',
      discovery: { issuer: 'https://localhost:9443/oauth2/token' },
      scope: SCOPE,
      apiBaseUrl: 'https://localhost:9443',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(refusal({})).toContain('WSO2IS_BASE_URL');
  });

  it('the issuer or an endpoint given as the server URL stops start-up, naming the server URL to give', () => {
    expect(refusal({ WSO2IS_BASE_URL: 'https://localhost:9443/oauth2/token' })).toBe(
      'Configuration error: WSO2IS_BASE_URL ends in a path the preset appends itself (/oauth2): give the server\'s URL alone, whose issuer the preset makes, e.g. https://localhost:9443 (got "https://localhost:9443/oauth2/token")',
    );
    expect(refusal({ WSO2IS_BASE_URL: 'https://is.acme.test/oauth2/token/.well-known/openid-configuration' })).toContain('(/oauth2): give the server\'s URL alone');
  });
});
