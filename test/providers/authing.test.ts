import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAuthingEmulator, AUTHING_ACCESS_TOKEN_SECONDS, type AuthingEmulator, type AuthingUser } from './authing.emulator.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An application's App ID and App Secret of the form the Authing console shows for a self-built application.
const CLIENT_ID = '5f17a529f64fb009b794a2ff';
const CLIENT_SECRET = '2f8c3b1e9a7d4c6b8e0f1a3d5c7b9e2a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/authing/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, name: string, username: string, emailVerified = true): AuthingUser {
  return { id: `60b5f${String(n).padStart(19, '0')}`, name, username, email: `${username}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the application's domain. */
function authingEnv(authing: AuthingEmulator): Record<string, string> {
  return presetEnv('authing', CLIENT_ID, CLIENT_SECRET, { AUTHING_BASE_URL: authing.origin });
}

/** A refresh at Authing itself, the client in the form as the application's default takes it. */
function refreshAtAuthing(authing: AuthingEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${authing.issuer}/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const AUTHING: StandardProvider<AuthingUser, AuthingEmulator> = {
  preset: 'authing',
  displayName: 'Authing',
  startEmulator: () => startAuthingEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: authingEnv,
  people: {
    cancelled: person(108, 'Changed Mind', 'changed'),
    'refused-code': person(109, 'Refused Code', 'refused'),
    'wrong-secret': person(301, 'Wrong Secret', 'wrong'),
    'exchange-failure': person(302, 'Outage Person', 'outage'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Authing, against an emulator of an Authing application', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), AUTHING);

  const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/authing/proxy/me`);
  const openId = openIdCases(context, AUTHING, me);

  it('signs in through discovery at <domain>/oidc as the Authing userId, with the name, the username and the verified e-mail; offline_access with prompt=consent and PKCE, the client in the form, a refresh token', async () => {
    const { emulator: authing } = context;
    const ada = person(101, 'Ada Lovelace', 'ada');
    const { request } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      prompt: 'consent',
      account: { issuer: authing.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada', emailVerified: true },
      token: { scope: SCOPE, lifetime: AUTHING_ACCESS_TOKEN_SECONDS },
    });
    expect(request.get('code_challenge_method')).toBe('S256');
    const exchange = authing.server.requests.find((r) => r.path === '/oidc/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(authing.server.counts.client_secret_post).toBeGreaterThan(0);
    expect(authing.server.counts.client_secret_basic).toBeUndefined();
  });

  it('an unverified e-mail is kept as not verified', async () => {
    await openId.expectStoredEmail(person(102, 'Pending Person', 'pending', false), { email: 'pending@example.com', verified: false });
  });

  it('signing in again finds the same account by the userId', async () => {
    await openId.expectSameAccountOnReturn(person(110, 'Returning Person', 'returning'));
  });

  it('the proxy reaches userinfo at /oidc/me with the token', async () => {
    const grace = person(103, 'Grace Hopper', 'grace');
    await openId.expectProxyReaches(grace, { sub: grace.id, preferred_username: 'grace', email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh, with the client in the form; the new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: authing } = context;
    const { before } = await openId.expectRotatedAfterStorm(person(104, 'Alan Turing', 'alan'));
    expect(authing.server.requests.filter((r) => r.path === '/oidc/token').at(-1)!.headers.authorization).toBeUndefined();
    expect(await statusAndBody(refreshAtAuthing(authing, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } });
  });

  it('the user deleted in Authing: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger Dijkstra', 'edsger'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes at the revocation endpoint discovery names: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: authing } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara Liskov', 'barbara'), (refreshToken) => refreshAtAuthing(authing, refreshToken));
  });

  standardCases(() => context, AUTHING, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant "grant request is invalid"' } });
});

describeClientFailures(AUTHING, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the authing preset in production', () => {
  const { settings, refusal } = presetInProduction('authing', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes <domain>/oidc as issuer and API, and needs the domain', () => {
    expect(settings({ AUTHING_BASE_URL: 'https://acme.authing.cn/' })).toMatchObject({
      displayName: 'Authing',
      discovery: { issuer: 'https://acme.authing.cn/oidc' },
      scope: SCOPE,
      apiBaseUrl: 'https://acme.authing.cn/oidc',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(refusal({})).toContain('AUTHING_BASE_URL is missing');
  });
});
