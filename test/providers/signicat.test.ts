import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SIGNICAT_ACCESS_TOKEN_SECONDS, signicatSubject, startSignicatEmulator, type SignicatEmulator, type SignicatUser } from './signicat.emulator.js';

// A client id as the Signicat Dashboard makes them for a sandbox account, and a secret from its Secrets tab.
const CLIENT_ID = 'sandbox-curious-otter-512';
const CLIENT_SECRET = 'Jq7XvB2nP9sL4wK8mC1tR6yH3dF5gA0zUe2NbVc8iOpLk4Ms';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/signicat/callback`;
const SCOPE = 'openid profile offline_access';

function person(n: number, givenName: string, familyName: string, idp = 'nbid'): SignicatUser {
  return { idp, idpId: `9578-6000-4-${String(n).padStart(6, '0')}`, givenName, familyName };
}

/** The documented variables: the account's domain the preset needs, and the issuer pointed at the emulator. */
function signicatEnv(signicat: SignicatEmulator): Record<string, string> {
  return presetEnv('signicat', CLIENT_ID, CLIENT_SECRET, { SIGNICAT_DOMAIN: 'acme.sandbox.signicat.com', SIGNICAT_ISSUER: signicat.issuer, SIGNICAT_API_BASE_URL: signicat.issuer });
}

/** A refresh at Signicat itself, as another copy of the refresh token would make it. */
function refreshAtSignicat(signicat: SignicatEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${signicat.issuer}/connect/token`, CLIENT, refreshToken);
}

const SIGNICAT: StandardProvider<SignicatUser, SignicatEmulator> = {
  preset: 'signicat',
  displayName: 'Signicat',
  startEmulator: () => startSignicatEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: signicatEnv,
  people: {
    cancelled: person(108, 'Changed', 'Mind'),
    'refused-code': person(109, 'Refused', 'Code'),
    'wrong-secret': person(301, 'Wrong', 'Secret'),
    'exchange-failure': person(302, 'Outage', 'Person'),
  },
  subjectOf: signicatSubject,
};

describeEachDialect("Signicat, against an emulator of a Signicat account's eID Hub OpenID Connect endpoints", (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SIGNICAT);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/signicat/proxy/connect/userinfo`);
  const openId = openIdCases(context, SIGNICAT, userinfo);

  it("signs in through discovery at the account's /auth/open as the hashed subject, with the name and no e-mail; openid profile offline_access with PKCE and no consent prompt, the client by Basic, a 10-minute token and a refresh token", async () => {
    const { emulator: signicat } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { account } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: signicat.issuer, subject: signicatSubject(ada) },
      user: { name: 'Ada Lovelace', email: null, emailVerified: false },
      token: { scope: SCOPE, lifetime: SIGNICAT_ACCESS_TOKEN_SECONDS },
    });
    expect(account.subject).toMatch(/^[A-Za-z0-9=-]{44}$/);
    expect(account.subject).not.toContain(ada.idpId);
    expect(signicat.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(signicat.server.counts.client_secret_post).toBeUndefined();
  });

  it('the same person through another eID is another account; through the same eID, the same one', async () => {
    const first = await openId.signIn(person(107, 'Margaret', 'Hamilton'));
    const again = await openId.signIn(person(107, 'Margaret', 'Hamilton'));
    const otherEid = await openId.signIn(person(107, 'Margaret', 'Hamilton', 'mitid'));
    expect(again.userId).toBe(first.userId);
    expect(otherEid.userId).not.toBe(first.userId);
  });

  it('the proxy reaches /connect/userinfo under the issuer with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: signicatSubject(grace), idp: 'nbid', given_name: 'Grace', family_name: 'Hopper' });
  });

  it('20 concurrent calls on an expired token make one refresh, whose new refresh token is kept; Signicat refuses the spent one, and the new one works for the next', async () => {
    const { emulator: signicat } = context;
    const { before, ...signedIn } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtSignicat(signicat, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    await openId.expectNextRefreshWorks(signedIn);
  });

  it("the person's grants ended at Signicat: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.revokeConsent(leaving));
  });

  it('disconnect revokes at /connect/revocation by Basic: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: signicat } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtSignicat(signicat, refreshToken));
    expect(signicat.server.requests.findLast((r) => r.path === '/auth/open/connect/revocation')!.headers.authorization).toMatch(/^Basic /);
  });

  it('a sign-in without openid is refused by Signicat (openid is mandatory)', async () => {
    const { emulator: signicat } = context;
    const response = await fetch(`${signicat.issuer}/connect/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'profile', state: 's' })}`, { redirect: 'manual' });
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  standardCases(() => context, SIGNICAT, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(SIGNICAT, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('the signicat preset in production', () => {
  const { settings, refusal } = presetInProduction('signicat', CLIENT);

  it("takes the account's domain for the issuer and the API under /auth/open, by Basic, and needs the domain", () => {
    expect(settings({ SIGNICAT_DOMAIN: 'acme.app.signicat.com' })).toMatchObject({
      displayName: 'Signicat',
      discovery: { issuer: 'https://acme.app.signicat.com/auth/open' },
      scope: SCOPE,
      apiBaseUrl: 'https://acme.app.signicat.com/auth/open',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(refusal({})).toContain('SIGNICAT_DOMAIN is missing');
    expect(refusal({ SIGNICAT_DOMAIN: 'https://acme.app.signicat.com' })).toContain('SIGNICAT_DOMAIN is not a valid domain');
  });
});
