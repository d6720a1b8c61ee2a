import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { JUMPCLOUD_ACCESS_TOKEN_SECONDS, startJumpCloudEmulator, type JumpCloudEmulator, type JumpCloudUser } from './jumpcloud.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A Client ID and Client Secret of the form a Custom OIDC App shows once it is activated.
const CLIENT_ID = '3f2c9a1e-7b4d-4e8a-9c61-5d0b2e8f4a17';
const CLIENT_SECRET = 'Jc8qR2vT6wX9bN4mK7sF1hL3dG5aZ0eYpUoIiWnQ';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/jumpcloud/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, firstName: string, lastName: string, emailVerified = true): JumpCloudUser {
  return { id: `5f1e3c8a9b2d4e6f7a${String(n).padStart(6, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the issuer and the API base on the emulator. */
function jumpcloudEnv(jumpcloud: JumpCloudEmulator): Record<string, string> {
  return presetEnv('jumpcloud', CLIENT_ID, CLIENT_SECRET, { JUMPCLOUD_ISSUER: jumpcloud.issuer, JUMPCLOUD_API_BASE_URL: jumpcloud.origin });
}

const JUMPCLOUD: StandardProvider<JumpCloudUser, JumpCloudEmulator> = {
  preset: 'jumpcloud',
  displayName: 'JumpCloud',
  startEmulator: () => startJumpCloudEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: jumpcloudEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('JumpCloud, against an emulator of a JumpCloud Custom OIDC App', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), JUMPCLOUD);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/jumpcloud/proxy/userinfo`);
  const openId = openIdCases(context, JUMPCLOUD, userinfo);
  const tokenRequests = () => context.emulator.server.requests.filter((r) => r.path === '/oauth2/token');

  it("signs in through discovery at the issuer (its trailing slash kept) as the ID token's sub, named by given_name and family_name, with the e-mail JumpCloud says is verified; openid profile email offline_access with prompt=consent and PKCE, the client as Basic, an hour's token with a refresh token", async () => {
    const { emulator: jumpcloud } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      // OpenID Connect Core §11: offline_access is asked with prompt=consent.
      prompt: 'consent',
      account: { issuer: jumpcloud.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@acme.test', emailVerified: true },
      token: { scope: SCOPE, lifetime: JUMPCLOUD_ACCESS_TOKEN_SECONDS },
    });
    expect(tokenRequests()[0]!.headers.authorization).toMatch(/^Basic /);
    const form = jumpcloud.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
    expect(form.has('client_secret')).toBe(false);
  });

  it('an e-mail JumpCloud does not say is verified is stored unverified', async () => {
    await openId.expectStoredEmail(person(102, 'Unverified', 'Person', false), { email: 'unverified@acme.test', verified: false });
  });

  it('signing in again finds the same account by the sub', async () => {
    await openId.expectSameAccountOnReturn(person(110, 'Returning', 'Person'));
  });

  it('the proxy reaches /userinfo on the issuer\'s host with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, given_name: 'Grace', family_name: 'Hopper', email: 'grace@acme.test', email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh, with the client as Basic; its new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: jumpcloud } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(tokenRequests().at(-1)!.headers.authorization).toMatch(/^Basic /);
    expect((await refreshAtProvider(`${jumpcloud.origin}/oauth2/token`, CLIENT, before.refreshToken!)).status).toBe(400);
    expect((await refreshAtProvider(`${jumpcloud.origin}/oauth2/token`, CLIENT, after.refreshToken!)).status).toBe(200);
  });

  it("the user taken out of the app's groups: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect asks JumpCloud nothing (its discovery names no revocation endpoint) and forgets the tokens', async () => {
    const signedIn = await openId.signIn(person(106, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'jumpcloud', signedIn);
  });

  standardCases(() => context, JUMPCLOUD, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(JUMPCLOUD, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the JumpCloud emulator', () => {
  it("refuses offline_access with invalid_scope when the app's Refresh Token grant is not ticked, and a request without openid", async () => {
    const jumpcloud = await startJumpCloudEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, refreshTokenGrant: false });
    try {
      const authorize = (scope: string) =>
        fetch(`${jumpcloud.origin}/oauth2/auth?${new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope, state: 's' })}`, { redirect: 'manual' });
      for (const scope of [SCOPE, 'profile email']) {
        const answer = await authorize(scope);
        expect(answer.status).toBe(302);
        expect(new URL(answer.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
      }
    } finally {
      await jumpcloud.close();
    }
  });
});

describe('the jumpcloud preset in production', () => {
  it("with the client alone, discovers https://oauth.id.jumpcloud.com/, asks openid profile email offline_access with the client as Basic, and calls the issuer's host", () => {
    const { settings } = presetInProduction('jumpcloud', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'JumpCloud',
      discovery: { issuer: 'https://oauth.id.jumpcloud.com/' },
      scope: SCOPE,
      apiBaseUrl: 'https://oauth.id.jumpcloud.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });
});
