import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startJanssenEmulator, type JanssenEmulator, type JanssenUser } from './janssen.emulator.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client as Janssen registers one (an inum-like id), and a secret.
const CLIENT_ID = '2200.4a5b0f1e-8d6c-4e2a-9b3f-1c7d5e9a0b2c';
const CLIENT_SECRET = 'q8Vn2Lr5Xw1Tz7Kc4Hs9Pm3Jd6Fb0Ga';
const REDIRECT_URI = `${APP_ORIGIN}/auth/janssen/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, givenName: string, familyName: string): JanssenUser {
  return { inum: `a6b2c9d4-1e3f-4a5b-8c7d-${String(n).padStart(12, '0')}`, givenName, familyName, username: givenName.toLowerCase(), email: `${givenName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and the server's URL. */
function janssenEnv(janssen: JanssenEmulator): Record<string, string> {
  return presetEnv('janssen', CLIENT_ID, CLIENT_SECRET, { JANSSEN_BASE_URL: janssen.origin });
}

/** A refresh at the Janssen Server itself, as another copy of the refresh token would make it. */
function refreshAtJanssen(janssen: JanssenEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${janssen.origin}/jans-auth/restv1/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const JANSSEN: StandardProvider<JanssenUser, JanssenEmulator> = {
  preset: 'janssen',
  displayName: 'Janssen Server',
  startEmulator: () => startJanssenEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: janssenEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.inum,
};

describeEachDialect('Janssen Server, against an emulator of a server with one client', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), JANSSEN);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/janssen/proxy/restv1/userinfo`);
  const openId = openIdCases(context, JANSSEN, userinfo);

  it('signs in through the discovery document under /jans-auth as the sub, with the name and e-mail (not marked verified); offline_access with PKCE and prompt=consent, the client by Basic, a 300 s token and a refresh token', async () => {
    const { emulator: janssen } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      prompt: 'consent',
      account: { issuer: janssen.issuer, subject: ada.inum },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: false },
      token: { scope: SCOPE, lifetime: 300 },
    });
    expect(janssen.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(janssen.server.counts.client_secret_post).toBeUndefined();
    expect(janssen.server.requests.some((sent) => sent.path === '/jans-auth/.well-known/openid-configuration')).toBe(true);
  });

  it('the proxy reaches /jans-auth/restv1/userinfo with the token', async () => {
    const alan = person(103, 'Alan', 'Turing');
    await openId.expectProxyReaches(alan, { sub: alan.inum, name: 'Alan Turing', preferred_username: 'alan', client_id: CLIENT_ID });
  });

  it('20 concurrent calls on an expired token make one refresh, which answers a new refresh token, kept; the spent one is refused', async () => {
    const { emulator: janssen } = context;
    const { before } = await openId.expectRotatedAfterStorm(person(104, 'Edsger', 'Dijkstra'));
    expect(await statusAndBody(refreshAtJanssen(janssen, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the user deleted by an administrator: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Barbara', 'Liskov'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes at /jans-auth/restv1/revoke (RFC 7009), by Basic: the grant ends, both tokens refused, and the tokens are deleted here', async () => {
    await openId.expectDisconnectRevokesBoth(person(106, 'Donald', 'Knuth'), (refreshToken) => refreshAtJanssen(context.emulator, refreshToken));
  });

  standardCases(() => context, JANSSEN, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(JANSSEN, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the janssen preset in production', () => {
  const { settings, refusal } = presetInProduction('janssen', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("reads discovery under /jans-auth at the server's URL, or the issuer alone, and needs one of them", () => {
    expect(settings({ JANSSEN_BASE_URL: 'https://login.acme.test/' })).toMatchObject({
      displayName: 'Janssen Server',
      discovery: { metadataUrl: 'https://login.acme.test/jans-auth/.well-known/openid-configuration' },
      scope: SCOPE,
      apiBaseUrl: 'https://login.acme.test/jans-auth',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: true,
    });
    expect(settings({ JANSSEN_ISSUER: 'https://login.acme.test' }).discovery).toEqual({ issuer: 'https://login.acme.test' });
    expect(refusal({})).toContain('JANSSEN_BASE_URL');
  });
});
