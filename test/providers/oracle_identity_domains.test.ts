import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { ORACLE_ISSUER, startOracleEmulator, type OracleEmulator, type OracleUser } from './oracle_identity_domains.emulator.js';

// A confidential application's client ID and secret as an identity domain shows them.
const CLIENT_ID = '1bf4d3e599ec4923543a4a49c4d4c0a7';
const CLIENT_SECRET = 'idcscs-5b2a7c1e-9d4f-4e8a-b6c3-0f1e2d3c4b5a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/oracle_identity_domains/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, givenName: string, familyName: string): OracleUser {
  const email = `${givenName}.${familyName}@example.com`.toLowerCase();
  return { id: `9d2b4f7c0e6a4c1d8b3e${String(n).padStart(12, '0')}`, userName: email, givenName, familyName, email };
}

/** Only the documented variables: the preset, the client, and the domain's URL (the emulator's origin). */
function oracleEnv(oracle: OracleEmulator): Record<string, string> {
  return presetEnv('oracle_identity_domains', CLIENT_ID, CLIENT_SECRET, { ORACLE_IDENTITY_DOMAINS_BASE_URL: oracle.origin });
}

/** A refresh at the domain itself, by Basic as Oracle's examples send it. */
function refreshAtOracle(oracle: OracleEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${oracle.origin}/oauth2/v1/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const ORACLE: StandardProvider<OracleUser, OracleEmulator> = {
  preset: 'oracle_identity_domains',
  displayName: 'OCI IAM identity domains',
  startEmulator: () => startOracleEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: oracleEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('OCI IAM identity domains, against an emulator of a domain with one confidential application', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ORACLE);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/oracle_identity_domains/proxy/oauth2/v1/userinfo`);
  const openId = openIdCases(context, ORACLE, userinfo);

  it("signs in through the domain's discovery document (whose issuer is https://identity.oraclecloud.com/) as the ID token's user_id, not its login-ID sub; offline_access with PKCE and no consent prompt, Basic of the id and secret as they are (the secret's `-` unencoded), an hour's token and a refresh token", async () => {
    const { emulator: oracle } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: ORACLE_ISSUER, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada.lovelace@example.com', emailVerified: true },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(oracle.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(oracle.server.counts.client_secret_post).toBeUndefined();
  });

  it('a user whose login ID an administrator changed signs in again as the same person, the account kept under the user_id', async () => {
    const { database } = context;
    const grace = person(102, 'Grace', 'Hopper');
    const first = await openId.signIn(grace);
    const renamed = await signInAs(context, 'oracle_identity_domains', { ...grace, userName: 'ghopper' });
    expect(renamed.userId).toBe(first.userId);
    const accounts = await database.db.selectFrom('accounts').select('subject').where('provider', '=', 'oracle_identity_domains').where('user_id', '=', first.userId).execute();
    expect(accounts).toEqual([{ subject: grace.id }]);
  });

  it('the proxy reaches /oauth2/v1/userinfo on the domain with the token; its sub is the login ID', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.userName, email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, the spent one is refused at the domain, and the new one works for the next', async () => {
    const { emulator: oracle } = context;
    const { before, ...signedIn } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtOracle(oracle, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await openId.expectNextRefreshWorks(signedIn);
  });

  it('the user deleted from the domain: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes at /oauth2/v1/revoke, which discovery names, by Basic: the refresh token and its access token stop working, and the tokens are deleted here', async () => {
    const { emulator: oracle } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtOracle(oracle, refreshToken));
    const revocation = oracle.server.requests.findLast((r) => r.path === '/oauth2/v1/revoke')!;
    expect(revocation.headers.authorization).toMatch(/^Basic /);
  });

  standardCases(() => context, ORACLE, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(ORACLE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the oracle_identity_domains preset in production', () => {
  const { settings, refusal } = presetInProduction('oracle_identity_domains', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("reads the discovery document at the domain's URL, which is also the API, keys the account by user_id, and needs the URL", () => {
    expect(settings({ ORACLE_IDENTITY_DOMAINS_BASE_URL: 'https://idcs-0f1e2d3c4b5a69788796a5b4c3d2e1f0.identity.oraclecloud.com/' })).toMatchObject({
      displayName: 'OCI IAM identity domains',
      discovery: { metadataUrl: 'https://idcs-0f1e2d3c4b5a69788796a5b4c3d2e1f0.identity.oraclecloud.com/.well-known/openid-configuration' },
      scope: SCOPE,
      apiBaseUrl: 'https://idcs-0f1e2d3c4b5a69788796a5b4c3d2e1f0.identity.oraclecloud.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      refreshTokenNeedsConsent: false,
      idTokenSubjectClaim: 'user_id',
    });
    expect(refusal({})).toContain('ORACLE_IDENTITY_DOMAINS_BASE_URL is missing');
  });
});
