import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startVismaEmulator, VISMA_ACCESS_TOKEN_SECONDS, type VismaEmulator, type VismaUser } from './visma.emulator.js';

// A client id of the kind Visma's Developer Portal takes (chosen by the team, `isv_` for an ISV) and a generated secret.
const CLIENT_ID = 'isv_acme_books';
const CLIENT_SECRET = 'Xq7vP2mN9tR4wK8sL1yB6cF3hJ0dG5aZ';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/visma/callback`;
const SCOPE = 'openid profile email offline_access';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, givenName: string, familyName: string, emailVerified = true): VismaUser {
  return { id: `1072cd43-d99a-4d44-84a2-${String(n).padStart(12, '0')}`, givenName, familyName, email: `${givenName.toLowerCase()}@acme.test`, emailVerified };
}

/** Only the documented variables: the preset, the client, the discovery document (as for Visma's stage environment) and the API base. */
function vismaEnv(visma: VismaEmulator): Record<string, string> {
  return presetEnv('visma', CLIENT_ID, CLIENT_SECRET, { VISMA_SERVER_METADATA_URL: visma.metadataUrl, VISMA_API_BASE_URL: `${visma.origin}/connect` });
}

const VISMA: StandardProvider<VismaUser, VismaEmulator> = {
  preset: 'visma',
  displayName: 'Visma',
  startEmulator: () => startVismaEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: vismaEnv,
  people: standardPeopleByNameParts((n, given, family) => person(n, given, family)),
  subjectOf: (user) => user.id,
};

describeEachDialect('Visma, against an emulator of Visma Connect', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), VISMA);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/visma/proxy/userinfo`);
  const openId = openIdCases(context, VISMA, userinfo);
  const tokenUrl = () => `${context.emulator.origin}/connect/token`;

  it('signs in through discovery as the sub (the UserID), with the names and the verified e-mail; openid profile email offline_access with PKCE and no consent prompt, the client in the form, an hour-long token with a refresh token', async () => {
    const { emulator: visma } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: visma.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@acme.test', emailVerified: true },
      token: { lifetime: VISMA_ACCESS_TOKEN_SECONDS, scope: SCOPE },
    });
    const exchange = visma.server.requests.find((r) => r.path === '/connect/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = visma.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
  });

  it('an e-mail Visma does not say is verified is stored unverified', async () => {
    await openId.expectStoredEmail(person(102, 'Unverified', 'Person', false), { email: 'unverified@acme.test', verified: false });
  });

  it('signing in again after the e-mail changed (any Visma application may change it) finds the same account by the UserID', async () => {
    const { database } = context;
    const returning = person(103, 'Margaret', 'Hamilton');
    const first = await openId.signIn(returning);
    const second = await openId.signIn({ ...returning, email: 'm.hamilton@elsewhere.test' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'visma').where('subject', '=', returning.id).execute()).toHaveLength(1);
  });

  it('the proxy reaches the userinfo with the token as Bearer', async () => {
    const grace = person(104, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, name: 'Grace Hopper', idp: 'Visma Connect' });
    expect(context.emulator.server.requests.findLast((r) => r.path === '/connect/userinfo')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh with the client in the form; its new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: visma } = context;
    const { before } = await openId.expectRotatedAfterStorm(person(105, 'Alan', 'Turing'));
    const refresh = visma.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the person's grant ended at Visma: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(106, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeAccess(leaving));
  });

  it('disconnect revokes the refresh token alone at /connect/revocation with the client as Basic; the grant ends with it', async () => {
    const { emulator: visma } = context;
    const signedIn = await openId.signIn(person(107, 'Barbara', 'Liskov'));
    const stored = await expectDisconnectRevokes(context, 'visma', signedIn, { requests: 1 });
    const revocation = visma.server.requests.findLast((r) => r.path === '/connect/revocation')!;
    expect(revocation.headers.authorization).toBe(BASIC);
    const form = visma.revocationForms.at(-1)!;
    expect(Object.fromEntries(form)).toEqual({ token: stored.refreshToken, token_type_hint: 'refresh_token' });
    expect(visma.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('Visma refuses the client as Basic at the token endpoint, the client in the form at revocation, and a token its userinfo does not take', async () => {
    const { emulator: visma } = context;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, 'x'))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const revoked = await fetch(`${visma.origin}/connect/revocation`, { method: 'POST', body: new URLSearchParams({ token: 'x', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(revoked.status).toBe(400);
    const info = await fetch(`${visma.origin}/connect/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(info.status).toBe(401);
  });

  it('the userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, VISMA, person(110, 'Outage', 'Profile'), (visma) => visma.failNextUserinfo(500));
  });

  standardCases(() => context, VISMA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(VISMA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the visma preset in production', () => {
  it('with the client alone, discovers https://connect.visma.com, asks openid profile email offline_access with the client in the form, and revokes at /connect/revocation', () => {
    const { settings } = presetInProduction('visma', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Visma',
      discovery: { issuer: 'https://connect.visma.com' },
      metadataOverrides: { revocationEndpoint: 'https://connect.visma.com/connect/revocation' },
      scope: SCOPE,
      apiBaseUrl: 'https://connect.visma.com/connect',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
    });
  });
});
