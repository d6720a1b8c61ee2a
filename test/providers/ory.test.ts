import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { ORY_REFRESH_TOKEN_SECONDS, startOryEmulator, type OryEmulator, type OryIdentity } from './ory.emulator.js';

// An OAuth2 client as Ory makes one: a UUID client id and a random secret.
const CLIENT_ID = '3f1c9a7e-52b4-4d8e-9a61-0c7b2e5d4f18';
const CLIENT_SECRET = 'wQ8zN2rT5yL0pK3vX7bM1cF4hJ6gD9sA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/ory/callback`;
const SCOPE = 'openid profile email offline_access';

function identity(n: number, username: string, name: string): OryIdentity {
  return { id: `9d2e4b71-6c3a-4f5e-8b1d-${String(n).padStart(12, '0')}`, username, name, email: `${username}@example.com` };
}

/** Only the documented variables: the preset, the client, and the project's issuer. */
function oryEnv(ory: OryEmulator): Record<string, string> {
  return presetEnv('ory', CLIENT_ID, CLIENT_SECRET, { ORY_BASE_URL: ory.issuer });
}

/** A refresh at Ory itself, as another copy of the refresh token would make it. */
function refreshAtOry(ory: OryEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${ory.issuer}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const ORY: StandardProvider<OryIdentity, OryEmulator> = {
  preset: 'ory',
  displayName: 'Ory',
  startEmulator: () => startOryEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: oryEnv,
  people: {
    cancelled: identity(108, 'changed', 'Changed Mind'),
    'refused-code': identity(109, 'refused', 'Refused Code'),
    'wrong-secret': identity(301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': identity(302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Ory, against an emulator of an Ory Network project (Ory Hydra)', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ORY);

  const signIn = (user: OryIdentity) => signInAs(context, 'ory', user);
  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/ory/proxy/userinfo`);

  it("signs in through discovery at the issuer as the identity's UUID sub, with its name, username (Ory's `username` claim) and verified e-mail; offline_access with PKCE and no consent prompt, the client by Basic alone, an hour's token and a refresh token", async () => {
    const { database, emulator: ory, app } = context;
    const ada = identity(101, 'ada', 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: ory.issuer, subject: ada.id });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'ory');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^ory_rt_/), scope: SCOPE });
    expectAccessTokenLifetime(token, 3600 - 100, 3600);
    expect(ory.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(ory.server.counts.client_secret_post).toBeUndefined();
  });

  it('the proxy reaches /userinfo under the issuer with the token', async () => {
    const grace = identity(103, 'grace', 'Grace Hopper');
    const { browser } = await signIn(grace);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: grace.id, username: 'grace', email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and Ory answers the spent one 401 token_inactive, revoking the whole chain', async () => {
    const { emulator: ory } = context;
    const { browser, userId } = await signIn(identity(104, 'alan', 'Alan Turing'));
    const { before, after } = await expectRotatedAfterStorm(context, 'ory', userId, () => userinfo(browser));
    expect(await statusAndBody(refreshAtOry(ory, before.refreshToken!))).toMatchObject({ status: 401, body: { error: 'token_inactive' } });
    expect(ory.accepts(after.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtOry(ory, after.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a refresh token another copy spent first: Ory's 401 token_inactive is read as invalid_grant, so the connection needs re-auth after one try (not retried as an outage)", async () => {
    const { emulator: ory, app, database } = context;
    const { browser, userId } = await signIn(identity(107, 'katherine', 'Katherine Johnson'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'ory');
    expect((await refreshAtOry(ory, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'ory', userId, () => userinfo(browser));
  });

  it("the identity's consent revoked at Ory: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = identity(105, 'edsger', 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.revokeConsent(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'ory', userId, () => userinfo(browser));
  });

  it('disconnect revokes at /oauth2/revoke (RFC 7009), by Basic: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: ory } = context;
    const { browser, userId } = await signIn(identity(106, 'barbara', 'Barbara Liskov'));
    const stored = await expectDisconnectRevokes(context, 'ory', { browser, userId });
    expect(ory.server.counts.client_secret_post).toBeUndefined();
    expect(ory.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtOry(ory, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, ORY, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(ORY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeEachDialect('Ory refresh tokens (30 days, the default lifespan)', (dialect) => {
  const clock = testClock();
  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startOryEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: clock.now }), env: oryEnv },
    { now: clock.now },
  );

  it('the keep-alive sweep is set for 30 days; a refresh token left 30 days is refused, and one refreshed within them has 30 days of its own', async () => {
    const { emulator: ory, app } = context;
    expect(providerSettings(oryEnv(ory), 'ory', false).refreshTokenIdleSeconds).toBe(ORY_REFRESH_TOKEN_SECONDS);
    const { userId: used } = await signInAs(context, 'ory', identity(201, 'active', 'Active Person'));
    const { userId: lapsed } = await signInAs(context, 'ory', identity(202, 'lapsed', 'Lapsed Person'));

    clock.advance(20 * 86_400);
    await expect(app.runtime.tokens.getAccessToken(used, 'ory')).resolves.toMatchObject({ accessToken: expect.any(String) });

    clock.advance(10 * 86_400 + 1);
    const refreshes = ory.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(lapsed, 'ory')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(ory.server.counts.refresh_token).toBe(refreshes + 1);
    await expect(app.runtime.tokens.getAccessToken(used, 'ory')).resolves.toMatchObject({ accessToken: expect.any(String) });
    expect(ory.server.counts.refresh_token).toBe(refreshes + 2);
  });
});

describe('the ory preset in production', () => {
  const env = { ORY_PRESET: 'ory', ORY_CLIENT_ID: CLIENT_ID, ORY_CLIENT_SECRET: CLIENT_SECRET };

  it("takes the project's issuer as issuer and API, or the issuer alone", () => {
    expect(providerSettings({ ...env, ORY_BASE_URL: 'https://acme-7xk2.projects.oryapis.com' }, 'ory', true)).toMatchObject({
      displayName: 'Ory',
      discovery: { issuer: 'https://acme-7xk2.projects.oryapis.com' },
      scope: SCOPE,
      apiBaseUrl: 'https://acme-7xk2.projects.oryapis.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(providerSettings({ ...env, ORY_ISSUER: 'https://hydra.acme.test/' }, 'ory', true).discovery).toEqual({ issuer: 'https://hydra.acme.test/' });
    expect(() => providerSettings(env, 'ory', true)).toThrow('ORY_BASE_URL');
  });
});
