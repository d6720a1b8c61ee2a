import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startOneLoginEmulator, type OneLoginEmulator, type OneLoginUser } from './onelogin.emulator.js';

// A client id and secret as a OneLogin OIDC app's SSO tab shows them.
const CLIENT_ID = '4c1b7f30-8a2d-013e-5e6f-0a1b2c3d4e5f123456';
const CLIENT_SECRET = '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/onelogin/callback`;

function person(n: number, givenName: string, familyName: string): OneLoginUser {
  const username = `${givenName}.${familyName}`.toLowerCase();
  return { id: String(32_900_000 + n), username, givenName, familyName, email: `${username}@example.com` };
}

/** The documented variables: the account's domain the preset needs, and the issuer pointed at the emulator. */
function oneloginEnv(onelogin: OneLoginEmulator): Record<string, string> {
  return presetEnv('onelogin', CLIENT_ID, CLIENT_SECRET, { ONELOGIN_DOMAIN: 'acme.onelogin.com', ONELOGIN_ISSUER: onelogin.issuer });
}

/** A refresh at OneLogin itself, as another copy of the token would make it. */
function refreshAtOneLogin(onelogin: OneLoginEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${onelogin.issuer}/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const ONELOGIN: StandardProvider<OneLoginUser, OneLoginEmulator> = {
  preset: 'onelogin',
  displayName: 'OneLogin',
  startEmulator: () => startOneLoginEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: oneloginEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('OneLogin, against an emulator of a OneLogin account’s OpenID Connect API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ONELOGIN);

  const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/onelogin/proxy/me`);
  const openId = openIdCases(context, ONELOGIN, me);

  it('signs in through discovery at /oidc/2 as the OneLogin user id, named by userinfo, its e-mail unverified (OneLogin sends no email_verified); openid profile email with PKCE, the client by Basic alone, an hour’s token and a refresh token', async () => {
    const { emulator: onelogin } = context;
    await openId.expectSignIn(person(101, 'Ada', 'Lovelace'), {
      scope: 'openid profile email',
      account: { issuer: onelogin.issuer, subject: '32900101' },
      user: { name: 'Ada Lovelace', email: 'ada.lovelace@example.com', emailVerified: false },
      token: { lifetime: 3600 },
    });
    const exchange = onelogin.server.requests.find((r) => r.path === '/oidc/2/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(onelogin.server.counts.client_secret_post).toBeUndefined();
  });

  it('the proxy reaches /oidc/2/me with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, preferred_username: 'grace.hopper' });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept and works for the next', async () => {
    const { emulator: onelogin } = context;
    const { before, ...signedIn } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect((await refreshAtOneLogin(onelogin, before.refreshToken!)).status).toBe(400);
    await openId.expectNextRefreshWorks(signedIn);
  });

  it("the user's sessions ended in OneLogin: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeSessions(leaving));
  });

  it('disconnect revokes the refresh token at /oidc/2/token/revocation, which ends the access token too: OneLogin’s unsupported_token_type for it still counts as revoked', async () => {
    const { emulator: onelogin } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtOneLogin(onelogin, refreshToken), { requests: 2 });
  });

  it('signing in again finds the same person by the user id', async () => {
    await openId.expectSameAccountOnReturn(person(107, 'Margaret', 'Hamilton'));
  });

  standardCases(() => context, ONELOGIN, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(ONELOGIN, { wrongSecret: { sentAs: '401 invalid_request "Authentication Failed"', error: 'invalid_request' }, exchangeFailure: {} });

describe('the onelogin preset in production', () => {
  const { settings, refusal } = presetInProduction('onelogin', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes the account’s /oidc/2 as issuer and API, Basic, and needs the domain', () => {
    expect(settings({ ONELOGIN_DOMAIN: 'acme.onelogin.com' })).toMatchObject({
      displayName: 'OneLogin',
      discovery: { issuer: 'https://acme.onelogin.com/oidc/2' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://acme.onelogin.com/oidc/2',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(refusal({})).toContain('ONELOGIN_DOMAIN is missing (the onelogin preset makes the issuer from it; or set ONELOGIN_ISSUER)');
    expect(refusal({ ONELOGIN_DOMAIN: 'https://acme.onelogin.com' })).toContain('ONELOGIN_DOMAIN is not a valid domain');
  });
});
