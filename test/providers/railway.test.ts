import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startRailwayEmulator, type RailwayEmulator, type RailwayUser } from './railway.emulator.js';

// A client id and secret of the shape Railway's Developer settings show for a web OAuth app.
const CLIENT_ID = 'rlwy_oaci_5d8f2a7c1e9b4063';
const CLIENT_SECRET = 'rlwy_oacs_8b3e6f1a9c2d4e7f0a5b8c1d3e6f9a2b';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/railway/callback`;
const SCOPE = 'openid email profile offline_access';

function person(n: number, name: string): RailwayUser {
  return { id: `user_${String(n).padStart(8, '0')}`, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** The documented variables: the preset and the client; the discovery document and the API base pointed at the emulator. */
function railwayEnv(railway: RailwayEmulator): Record<string, string> {
  return presetEnv('railway', CLIENT_ID, CLIENT_SECRET, { RAILWAY_SERVER_METADATA_URL: railway.metadataUrl, RAILWAY_API_BASE_URL: railway.origin });
}

const RAILWAY: StandardProvider<RailwayUser, RailwayEmulator> = {
  preset: 'railway',
  displayName: 'Railway',
  startEmulator: () => startRailwayEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: railwayEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Railway, against an emulator of Login with Railway', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), RAILWAY);

  const signIn = (user: RailwayUser) => signInAs(context, 'railway', user);
  const me = async (browser: TestBrowser) =>
    browser.request(`${APP_ORIGIN}/api/providers/railway/proxy/graphql/v2`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query: 'query { me { name email workspaces { id name } } }' } });

  it("signs in through discovery under /oauth as /oauth/me's sub, with the name and the e-mail (verification unknown); openid email profile offline_access with prompt=consent and PKCE, the client as Basic, a one-hour token and a refresh token", async () => {
    const { database, emulator: railway, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('prompt')).toBe('consent');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: railway.issuer, subject: ada.id });
    expect(JSON.parse(account.claims)).toMatchObject({ picture: expect.stringMatching(/^https:\/\//) });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'railway');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, 3600 - 100, 3600);
    expect(railway.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toMatch(/^Basic /);
    expect(railway.server.counts.me).toBeGreaterThan(0);
  });

  it('the proxy reaches the GraphQL API; 20 concurrent calls on an expired token make one refresh, and the rotated refresh token is kept', async () => {
    const alan = person(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { answers } = await expectRotatedAfterStorm(context, 'railway', userId, () => me(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: { me: { name: 'Alan Turing', email: 'alan@example.com', workspaces: [{ name: 'ACME Inc.' }] } } });
    expect(context.emulator.server.requests.findLast((r) => r.path === '/graphql/v2')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('a refresh token already rotated out, presented again at Railway, revokes the whole authorization: the connection then needs re-auth after one refused refresh', async () => {
    const { emulator: railway } = context;
    const grace = person(105, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const { before } = await expectRotatedAfterStorm(context, 'railway', userId, () => me(browser));
    expect(await statusAndBody(refreshAtProvider(`${railway.issuer}/token`, CLIENT, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(railway.liveGrants(grace)).toBe(0);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'railway', userId, () => me(browser));
  });

  it("access revoked in the person's Railway account settings: the API refuses the token, the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'railway', userId, () => me(browser));
  });

  it('disconnect deletes the tokens here and asks Railway nothing: it documents no revocation, and its discovery names none', async () => {
    const { browser, userId } = await signIn(person(104, 'Barbara Liskov'));
    await expectDisconnectAsksNothing(context, 'railway', { browser, userId });
  });

  standardCases(() => context, RAILWAY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(RAILWAY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the railway preset in production', () => {
  it("discovers Login with Railway under backboard.railway.com/oauth, asks consent every time (for the refresh token), and keeps a connection alive within the refresh token's year", () => {
    expect(presetInProduction('railway', CLIENT).settings({})).toMatchObject({
      displayName: 'Railway',
      discovery: { metadataUrl: 'https://backboard.railway.com/oauth/.well-known/openid-configuration' },
      scope: SCOPE,
      authorizationParams: { prompt: 'consent' },
      apiBaseUrl: 'https://backboard.railway.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenIdleSeconds: 365 * 86_400,
    });
  });
});
