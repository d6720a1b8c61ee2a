import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startKindeEmulator, type KindeEmulator, type KindeUser } from './kinde.emulator.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret as a Kinde back-end app's details page shows them.
const CLIENT_ID = '5a7c3e9f1b2d4f60a8c9e0d1f2a3b4c5';
const CLIENT_SECRET = 'Xq3vN8pL2mK7jH5gF1dS9aZ4cV6bN0mQwErTyUiOpAsDfGh';
const REDIRECT_URI = `${APP_ORIGIN}/auth/kinde/callback`;

function person(n: number, givenName: string, familyName: string): KindeUser {
  return { id: `kp_${n.toString(16).padStart(32, '0')}`, givenName, familyName, email: `${givenName}.${familyName}@example.com`.toLowerCase() };
}

/** The documented variables: the business's domain the preset needs, and the issuer pointed at the emulator. */
function kindeEnv(kinde: KindeEmulator): Record<string, string> {
  return presetEnv('kinde', CLIENT_ID, CLIENT_SECRET, { KINDE_DOMAIN: 'acme.kinde.com', KINDE_ISSUER: kinde.issuer });
}

/** A refresh at Kinde itself, as another copy of the token would make it. */
function refreshAtKinde(kinde: KindeEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${kinde.issuer}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const KINDE: StandardProvider<KindeUser, KindeEmulator> = {
  preset: 'kinde',
  displayName: 'Kinde',
  startEmulator: () => startKindeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: kindeEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Kinde, against an emulator of a Kinde business’s OpenID Connect endpoints', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), KINDE);

  const profile = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/kinde/proxy/oauth2/v2/user_profile`);
  const openId = openIdCases(context, KINDE, profile);

  it('signs in through discovery at the business’s host as the Kinde user id, its e-mail unverified (Kinde sends no email_verified); `offline` (not offline_access) with PKCE and no consent prompt, the client in the form, an hour’s token and a refresh token', async () => {
    const { emulator: kinde } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: 'openid profile email offline',
      account: { issuer: kinde.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada.lovelace@example.com', emailVerified: false },
      token: { scope: 'openid profile email offline', lifetime: 3600 },
    });
    const exchange = kinde.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(kinde.server.counts.client_secret_basic).toBeUndefined();
  });

  it('the proxy reaches the user profile at /oauth2/v2/user_profile with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { id: grace.id, email: 'grace.hopper@example.com' });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept (Kinde always rotates), Kinde refuses the spent one, and the new one works for the next', async () => {
    const { emulator: kinde } = context;
    const { before, ...signedIn } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtKinde(kinde, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await openId.expectNextRefreshWorks(signedIn);
  });

  it('the user deleted in Kinde: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes at /oauth2/revoke with the client in the form: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: kinde } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtKinde(kinde, refreshToken));
    const revocation = kinde.server.requests.findLast((r) => r.path === '/oauth2/revoke')!;
    expect(revocation.headers.authorization).toBeUndefined();
  });

  it('signing in again finds the same person by the user id', async () => {
    await openId.expectSameAccountOnReturn(person(107, 'Margaret', 'Hamilton'));
  });

  standardCases(() => context, KINDE, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(KINDE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the kinde preset in production', () => {
  const { settings, refusal } = presetInProduction('kinde', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes the business’s host as issuer and API, the client in the form, and needs the domain', () => {
    expect(settings({ KINDE_DOMAIN: 'acme.kinde.com' })).toMatchObject({
      displayName: 'Kinde',
      discovery: { issuer: 'https://acme.kinde.com' },
      scope: 'openid profile email offline',
      apiBaseUrl: 'https://acme.kinde.com',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(settings({ KINDE_DOMAIN: 'auth.acme.test' })).toMatchObject({ discovery: { issuer: 'https://auth.acme.test' } });
    expect(refusal({})).toContain('KINDE_DOMAIN is missing (the kinde preset makes the issuer from it; or set KINDE_ISSUER)');
    expect(refusal({ KINDE_DOMAIN: 'https://acme.kinde.com' })).toContain('KINDE_DOMAIN is not a valid domain');
  });
});
