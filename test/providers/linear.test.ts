import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startLinearEmulator, type LinearEmulator, type LinearUser } from './linear.emulator.js';

const CLIENT_ID = '5e6b2c1d9f3a4e7b8c0d1e2f3a4b5c6d';
const CLIENT_SECRET = 'c8f1d2e3a4b5c6d7e8f9a0b1c2d3e4f5';
const REDIRECT_URI = `${APP_ORIGIN}/auth/linear/callback`;

function person(id: string, name: string): LinearUser {
  return { id, name, email: `${name.split(' ')[0]!.toLowerCase()}@linear.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the viewer query moves with the API base). */
function linearEnv(linear: LinearEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('linear', CLIENT_ID, CLIENT_SECRET, {
    LINEAR_AUTHORIZE_URL: `${linear.origin}/oauth/authorize`,
    LINEAR_ACCESS_TOKEN_URL: `${linear.origin}/oauth/token`,
    LINEAR_REVOCATION_URL: `${linear.origin}/oauth/revoke`,
    LINEAR_API_BASE_URL: linear.origin,
    ...extra,
  });
}

/** A refresh at Linear itself, as another copy of the token would make it. */
function refreshAtLinear(linear: LinearEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${linear.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const startEmulator = (legacyScopeArray = false) => startLinearEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, legacyScopeArray });

const LINEAR: StandardProvider<LinearUser, LinearEmulator> = {
  preset: 'linear',
  displayName: 'Linear',
  startEmulator: () => startEmulator(),
  env: linearEnv,
  people: {
    cancelled: person('0a1b2c3d-0000-4000-8000-000000000001', 'Changed Mind'),
    'refused-code': person('0a1b2c3d-0000-4000-8000-000000000002', 'Refused Code'),
    'wrong-secret': person('0a1b2c3d-0000-4000-8000-000000000003', 'Wrong Secret'),
    'exchange-failure': person('0a1b2c3d-0000-4000-8000-000000000004', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Linear, against an emulator of Linear', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: LINEAR.startEmulator, env: (linear) => linearEnv(linear, { LINEAR_SCOPE: 'read write' }) });

  const signIn = (user: LinearUser) => signInAs(context, 'linear', user);

  const graphql = async (browser: TestBrowser, query: string) =>
    browser.request(`${APP_ORIGIN}/api/providers/linear/proxy/graphql`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query } });

  it('signs in as the viewer id of a POSTed GraphQL query, with its name and e-mail (verification unknown); comma-joined scopes, PKCE, the client in the form, 24-hour tokens', async () => {
    const { database, emulator: linear, app } = context;
    const { userId, request } = await signIn(person('2f3c6a1e-7b5d-4e8f-9a0b-1c2d3e4f5a6b', 'Karri Saarinen'));
    expect(request.get('scope')).toBe('read,write');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.has('actor')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('2f3c6a1e-7b5d-4e8f-9a0b-1c2d3e4f5a6b');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '2f3c6a1e-7b5d-4e8f-9a0b-1c2d3e4f5a6b', email: 'karri@linear.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Karri Saarinen', email: 'karri@linear.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'linear');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^lin_refresh_/), scope: 'read write' });
    expectAccessTokenLifetime(token, 86_000, 86_399);
    const exchange = linear.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const viewer = linear.server.requests.find((r) => r.path === '/graphql')!;
    expect(viewer).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', authorization: expect.stringMatching(/^Bearer lin_oauth_/) } });
  });

  it('the proxy POSTs GraphQL; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Linear refuses the used one', async () => {
    const { emulator: linear } = context;
    const { browser, userId } = await signIn(person('3a4b5c6d-7e8f-4a0b-8c2d-3e4f5a6b7c8d', 'Storm Rotating'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'linear', userId, () => graphql(browser, '{ teams { nodes { id name } } }'));
    expect(JSON.parse(answers[0]!.text)).toEqual({ data: { teams: { nodes: [{ id: '9cfb482a-81e3-4154-b5b9-2c805e70a02d', name: 'Engineering' }] } } });
    expect(await statusAndBody(refreshAtLinear(linear, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
  });

  it("a refresh token Linear refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: linear, app } = context;
    const { browser, userId } = await signIn(person('4b5c6d7e-8f9a-4b1c-9d3e-4f5a6b7c8d9e', 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'linear');
    // Used behind the app's back (another copy of the token): Linear no longer takes the stored one.
    expect((await refreshAtLinear(linear, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: linear }, 'linear', userId, () => graphql(browser, '{ viewer { id } }'));
  });

  it('disconnect revokes at /oauth/revoke with the access token as a Bearer token, and the grant ends', async () => {
    const { emulator: linear } = context;
    const { browser, userId } = await signIn(person('5c6d7e8f-9a0b-4c2d-8e4f-5a6b7c8d9e0f', 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'linear', { browser, userId }, { requests: 1 });
    const sent = linear.server.requests.filter((r) => r.path === '/oauth/revoke').at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(linear.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtLinear(linear, stored.refreshToken!)).status).toBe(400);
  });

  it('disconnect after Linear ended the grant elsewhere: its 400 for a revoked token counts as revoked', async () => {
    const { emulator: linear, app } = context;
    const { browser, userId } = await signIn(person('6d7e8f9a-0b1c-4d3e-9f5a-6b7c8d9e0f1a', 'Already Gone'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'linear');
    // The person removed the app in Linear: its tokens stop working there.
    expect((await fetch(`${linear.origin}/oauth/revoke`, { method: 'POST', headers: { authorization: `Bearer ${stored!.accessToken}` } })).status).toBe(200);
    expect(await disconnectThrough(browser, 'linear')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'linear')).toBeUndefined();
  });

  standardCases(() => context, LINEAR, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Linear apps made before December 2023 (scope answered as an array)', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startEmulator(true), env: linearEnv });

  it('signs in and refreshes, the scope array kept space-separated', async () => {
    const { database, emulator: linear, app } = context;
    linear.signInAs(person('7e8f9a0b-1c2d-4e4f-8a6b-7c8d9e0f1a2b', 'Early Adopter'));
    expect((await signInThrough(app.browser(), 'linear')).status).toBe(200);
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'linear').where('subject', '=', '7e8f9a0b-1c2d-4e4f-8a6b-7c8d9e0f1a2b').executeTakeFirstOrThrow();
    expect(await app.runtime.tokenStore.findToken(userId, 'linear')).toMatchObject({ scope: 'read' });
    await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', userId).execute();
    const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'linear');
    expect(linear.accepts(accessToken)).toBe(true);
  });
});

describeClientFailures(LINEAR, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
