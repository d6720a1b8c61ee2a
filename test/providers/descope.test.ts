import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDescopeEmulator, type DescopeEmulator, type DescopeUser } from './descope.emulator.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A Project ID (the client id) and an Access Key (the secret) of the shapes Descope's console shows.
const PROJECT_ID = 'P2dIgUhThJjCfrTnQnxUvH9VsAtV';
const ACCESS_KEY = 'K2hiYEBTb2KYjWjHMyOakoCZLJeTTmsfDcCyipKmqewmUQWD4kTvxsGPNLcoMaPAVoMkQ7';
const REDIRECT_URI = `${APP_ORIGIN}/auth/descope/callback`;
const SCOPE = 'openid profile email';

function person(n: number, givenName: string, familyName: string): DescopeUser {
  return { id: `U2dIgVhThJjCfrTnQnxUvH${String(n).padStart(6, '0')}`, givenName, familyName, email: `${givenName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the Project ID and Access Key, and the host standing for api.descope.com. */
function descopeEnv(descope: DescopeEmulator): Record<string, string> {
  return presetEnv('descope', PROJECT_ID, ACCESS_KEY, { DESCOPE_BASE_URL: descope.origin });
}

/** A refresh at Descope itself, the client in the form as the token endpoint's page shows it. */
function refreshAtDescope(descope: DescopeEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${descope.origin}/oauth2/v1/token`, { clientId: PROJECT_ID, clientSecret: ACCESS_KEY }, refreshToken, { by: 'form' });
}

const DESCOPE: StandardProvider<DescopeUser, DescopeEmulator> = {
  preset: 'descope',
  displayName: 'Descope',
  startEmulator: () => startDescopeEmulator({ clientId: PROJECT_ID, clientSecret: ACCESS_KEY, redirectUri: REDIRECT_URI }),
  env: descopeEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Descope, against an emulator of a project as an OpenID provider', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DESCOPE);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/descope/proxy/oauth2/v1/userinfo`);
  const openId = openIdCases(context, DESCOPE, userinfo);

  it('signs in through discovery at <api>/<Project ID> (the client id) as the Descope user id sub, with the name and e-mail; no offline_access and no consent prompt, PKCE, the Access Key in the form, and a refresh token', async () => {
    const { emulator: descope } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { request } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: `${descope.origin}/${PROJECT_ID}`, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: true },
      token: { scope: SCOPE, lifetime: 600 },
    });
    expect(request.get('client_id')).toBe(PROJECT_ID);
    const exchange = descope.server.requests.find((r) => r.path === '/oauth2/v1/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(descope.server.counts.client_secret_basic).toBeUndefined();
  });

  it('the proxy reaches /oauth2/v1/userinfo on the API host with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, email: 'grace@example.com' });
  });

  it('20 concurrent calls on an expired token make one refresh, which answers the same refresh token, kept; it still refreshes at Descope', async () => {
    const { emulator: descope } = context;
    const { after } = await openId.expectKeptAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtDescope(descope, after.refreshToken!))).toMatchObject({ status: 200, body: { refresh_token: after.refreshToken } });
  });

  it('the user deleted from the project: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes at /oauth2/v1/revoke with the Access Key in the form: the refresh token and its access token stop working, and the tokens are deleted here', async () => {
    const { emulator: descope } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtDescope(descope, refreshToken));
    const revocation = descope.server.requests.findLast((r) => r.path === '/oauth2/v1/revoke')!;
    expect(revocation.headers.authorization).toBeUndefined();
  });

  it('signing in again finds the same person by the user id', async () => {
    await openId.expectSameAccountOnReturn(person(107, 'Margaret', 'Hamilton'));
  });

  standardCases(() => context, DESCOPE, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(DESCOPE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the descope preset in production', () => {
  const { settings } = presetInProduction('descope', { clientId: PROJECT_ID, clientSecret: ACCESS_KEY });

  it('makes the issuer of the Project ID (the client id) under api.descope.com, or under a custom API domain, and revokes at /oauth2/v1/revoke there', () => {
    expect(settings({})).toMatchObject({
      displayName: 'Descope',
      discovery: { issuer: `https://api.descope.com/${PROJECT_ID}` },
      metadataOverrides: { revocationEndpoint: 'https://api.descope.com/oauth2/v1/revoke' },
      scope: SCOPE,
      apiBaseUrl: 'https://api.descope.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
    });
    expect(settings({ DESCOPE_BASE_URL: 'https://auth.acme.test/' })).toMatchObject({
      discovery: { issuer: `https://auth.acme.test/${PROJECT_ID}` },
      apiBaseUrl: 'https://auth.acme.test',
    });
  });
});
