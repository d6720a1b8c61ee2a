import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { GLOBUS_ACCESS_TOKEN_SECONDS, startGlobusEmulator, TRANSFER_SCOPE, type GlobusEmulator, type GlobusUser } from './globus.emulator.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (a UUID, as Globus gives) and secret of the shape a confidential Globus app is issued.
const CLIENT_ID = '6c3f9a2e-58d1-4b7e-9f0a-2d41c8e7b5a3';
const CLIENT_SECRET = 'Qm9zN0xVc2VjcmV0R2xvYnVzQXBwMTIzNDU2Nzg5MGFiY2Q=';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/globus/callback`;

function person(n: number, name: string): GlobusUser {
  const first = name.split(' ')[0]!.toLowerCase();
  return { id: `2982f207-04c0-11e5-ac60-${String(n).padStart(12, '0')}`, name, username: `${first}@globusid.org`, email: `${first}@uchicago.example`, organization: 'University of Chicago' };
}

/** The documented variables: the preset and the client; the issuer and the API base pointed at the emulator. */
function globusEnv(globus: GlobusEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('globus', CLIENT_ID, CLIENT_SECRET, { GLOBUS_ISSUER: globus.issuer, GLOBUS_API_BASE_URL: globus.origin, ...extra });
}

const GLOBUS: StandardProvider<GlobusUser, GlobusEmulator> = {
  preset: 'globus',
  displayName: 'Globus',
  startEmulator: () => startGlobusEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: (globus) => globusEnv(globus),
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/globus/proxy/v2/oauth2/userinfo`);

describeEachDialect('Globus, against an emulator of Globus Auth', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), GLOBUS);
  const signIn = (user: GlobusUser) => signInAs(context, 'globus', user);
  const tokenUrl = () => `${context.emulator.issuer}/v2/oauth2/token`;

  it("signs in through discovery as the ID token's sub (the primary identity's id), with the name, username and an unverified e-mail; openid profile email with access_type=offline and PKCE, the client as Basic, a 48-hour token and a refresh token", async () => {
    const { database, emulator: globus, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid profile email');
    expect(request.get('access_type')).toBe('offline');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: globus.issuer, subject: ada.id });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.id, preferred_username: 'ada@globusid.org', organization: 'University of Chicago' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@uchicago.example' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'globus');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid profile email' });
    expectAccessTokenLifetime(token, GLOBUS_ACCESS_TOKEN_SECONDS - 100, GLOBUS_ACCESS_TOKEN_SECONDS);
    const exchange = globus.server.requests.find((r) => r.path === '/v2/oauth2/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
  });

  it('the same identity signs in again as the same person, whatever its username or e-mail became', async () => {
    const first = await signIn(person(105, 'Grace Hopper'));
    const second = await signIn({ ...person(105, 'Grace Hopper'), username: 'grace@uchicago.example', email: 'admiral@navy.example' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy reaches Globus Auth; 20 concurrent calls on an expired token make one refresh with the client as Basic, and the refresh token is kept', async () => {
    const { emulator: globus } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const { answers, after } = await expectKeptAfterStorm(context, 'globus', userId, () => userinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ name: 'Alan Turing', preferred_username: 'alan@globusid.org' });
    expectAccessTokenLifetime(after, GLOBUS_ACCESS_TOKEN_SECONDS - 100, GLOBUS_ACCESS_TOKEN_SECONDS);
    expect(globus.server.requests.findLast((r) => r.path === '/v2/oauth2/token')!.headers.authorization).toMatch(/^Basic /);
    // Globus takes the confidential client as Basic only.
    expect((await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' }))).status).toBe(401);
  });

  it("the app's consent revoked in the person's Globus account: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.revokeConsent(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'globus', userId, () => userinfo(browser));
  });

  it("disconnect revokes at discovery's /v2/oauth2/token/revoke with the client as Basic, and the tokens end", async () => {
    const { emulator: globus } = context;
    const { browser, userId } = await signIn(person(104, 'Barbara Liskov'));
    const stored = await expectDisconnectRevokes(context, 'globus', { browser, userId });
    expect(globus.revocations.map((form) => form.token)).toContain(stored.refreshToken);
    expect(globus.server.requests.filter((r) => r.path === '/v2/oauth2/token/revoke').every((r) => /^Basic /.test(r.headers.authorization ?? ''))).toBe(true);
    expect(globus.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!)).status).toBe(400);
  });

  it('the userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, GLOBUS, person(110, 'Outage Profile'), (globus) => globus.failNextUserinfo(500));
  });

  standardCases(() => context, GLOBUS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect("Globus with Transfer's scope asked too, against an emulator of Globus Auth", (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { ...GLOBUS, env: (globus) => globusEnv(globus, { GLOBUS_SCOPE: `openid profile email ${TRANSFER_SCOPE}` }) });

  it("keeps Globus Auth's own token (resource_server auth.globus.org), not Transfer's of other_tokens, and refreshes it", async () => {
    const { emulator: globus, app } = context;
    const { browser, userId, request } = await signInAs(context, 'globus', person(120, 'Katherine Johnson'));
    expect(request.get('scope')).toBe(`openid profile email ${TRANSFER_SCOPE}`);
    const token = await app.runtime.tokenStore.findToken(userId, 'globus');
    expect(token!.accessToken.startsWith('transfer-')).toBe(false);
    expect(globus.accepts(token!.accessToken)).toBe(true);
    expect(token!.scope).toBe('openid profile email');
    const { answers } = await expectKeptAfterStorm(context, 'globus', userId, () => userinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ name: 'Katherine Johnson' });
  });
});

describeClientFailures(GLOBUS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the globus preset in production', () => {
  it('discovers Globus Auth at auth.globus.org, asks openid profile email offline, the client as Basic, and calls Globus Auth', () => {
    expect(presetInProduction('globus', CLIENT).settings({})).toMatchObject({
      displayName: 'Globus',
      discovery: { issuer: 'https://auth.globus.org' },
      scope: 'openid profile email',
      authorizationParams: { access_type: 'offline' },
      apiBaseUrl: 'https://auth.globus.org',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });
});
