import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPingAmEmulator, type PingAmEmulator, type PingAmUser } from './pingam.emulator.js';

// The realm of PingAM's own examples, and a client id and secret as an administrator sets them.
const REALM = 'alpha';
const CLIENT_ID = 'tokenkeeper-web';
const CLIENT_SECRET = 'Ch4ng3it.s3cr3t-for_AM';
const REDIRECT_URI = `${APP_ORIGIN}/auth/pingam/callback`;
const SCOPE = 'openid profile email';

function person(n: number, givenName: string, familyName: string): PingAmUser {
  return { id: `a0325ea4-9d9b-4056-931b-${String(n).padStart(12, '0')}`, givenName, familyName, email: `${givenName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the deployment's URL with its path, and the realm. */
function pingamEnv(pingam: PingAmEmulator): Record<string, string> {
  return presetEnv('pingam', CLIENT_ID, CLIENT_SECRET, { PINGAM_BASE_URL: pingam.deployment, PINGAM_REALM: REALM });
}

/** A refresh at PingAM itself, by Basic. */
function refreshAtPingAm(pingam: PingAmEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${pingam.issuer}/access_token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const start = () => startPingAmEmulator({ realm: REALM, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });

const PINGAM: StandardProvider<PingAmUser, PingAmEmulator> = {
  preset: 'pingam',
  displayName: 'PingAM',
  startEmulator: start,
  env: pingamEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('PingAM, against an emulator of a deployment with a realm and a confidential client at its defaults', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PINGAM);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/pingam/proxy/userinfo`);
  const openId = openIdCases(context, PINGAM, userinfo);

  it("signs in through discovery at the realm's URL under the deployment as the identity's id sub, with userinfo's name and e-mail; no offline_access and no consent prompt, PKCE, Basic, an hour's token and a refresh token", async () => {
    const { emulator: pingam } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: `${pingam.origin}/am/oauth2/realms/root/realms/${REALM}`, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', emailVerified: false },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    expect(pingam.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(pingam.server.counts.client_secret_post).toBeUndefined();
  });

  it("the proxy reaches the realm's /userinfo with the token", async () => {
    const { emulator: pingam } = context;
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, subname: grace.id, given_name: 'Grace' });
    expect(pingam.server.requests.findLast((r) => r.path === `/am/oauth2/realms/root/realms/${REALM}/userinfo`)!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and PingAM refuses the one it expired', async () => {
    const { emulator: pingam } = context;
    const stormed = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtPingAm(pingam, stormed.before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await openId.expectNextRefreshWorks(stormed);
  });

  it('the identity deleted from the realm: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeIdentity(leaving));
  });

  it('disconnect revokes at /oauth2/token/revoke (RFC 7009): neither token works any more, and the tokens are deleted here', async () => {
    const { emulator: pingam } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtPingAm(pingam, refreshToken));
  });

  it('signing in again finds the same person by the identity id', async () => {
    await openId.expectSameAccountOnReturn(person(107, 'Margaret', 'Hamilton'));
  });

  standardCases(() => context, PINGAM, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(PINGAM, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the pingam preset in production', () => {
  const { settings, refusal } = presetInProduction('pingam', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes the deployment with its path and the realm, or the issuer alone', () => {
    expect(settings({ PINGAM_BASE_URL: 'https://am.example.com:8443/am', PINGAM_REALM: 'alpha' })).toMatchObject({
      displayName: 'PingAM',
      discovery: { issuer: 'https://am.example.com:8443/am/oauth2/realms/root/realms/alpha' },
      scope: SCOPE,
      apiBaseUrl: 'https://am.example.com:8443/am/oauth2/realms/root/realms/alpha',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(settings({ PINGAM_ISSUER: 'https://am.example.com/am/oauth2/realms/root/realms/alpha/realms/staff' }).discovery).toMatchObject({
      issuer: 'https://am.example.com/am/oauth2/realms/root/realms/alpha/realms/staff',
    });
    expect(refusal({ PINGAM_BASE_URL: 'https://am.example.com/am' })).toContain('PINGAM_REALM is missing');
    expect(refusal({ PINGAM_BASE_URL: 'https://am.example.com/am', PINGAM_REALM: 'alpha/staff' })).toContain('PINGAM_REALM');
  });

  it("the realm's URL given as the deployment stops start-up, naming the deployment's URL to give", () => {
    expect(refusal({ PINGAM_BASE_URL: 'https://am.example.com:8443/am/oauth2/realms/root/realms/alpha', PINGAM_REALM: 'alpha' })).toBe(
      'Configuration error: PINGAM_BASE_URL ends in a path the preset appends itself (/oauth2): give the deployment\'s URL alone, with its path, and the realm as PINGAM_REALM, e.g. https://am.example.com:8443/am (got "https://am.example.com:8443/am/oauth2/realms/root/realms/alpha")',
    );
  });
});
