import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMondayEmulator, type MondayEmulator, type MondayUser } from './monday.emulator.js';

const CLIENT_ID = '8c3f1e2d4b5a69788f7e6d5c4b3a2910';
const CLIENT_SECRET = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/monday/callback`;
const ACME = { id: '7654321', name: 'Acme', slug: 'acme' };

function person(id: number, name: string, isVerified = true): MondayUser {
  return { id: String(41_000_000 + id), name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test`, isVerified, account: ACME };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the me query moves with the API base). */
function mondayEnv(monday: MondayEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('monday', CLIENT_ID, CLIENT_SECRET, {
    MONDAY_AUTHORIZE_URL: `${monday.origin}/oauth2/authorize`,
    MONDAY_ACCESS_TOKEN_URL: `${monday.origin}/oauth_ms/oauth/token`,
    MONDAY_REVOCATION_URL: `${monday.origin}/oauth_ms/oauth/revoke`,
    MONDAY_API_BASE_URL: monday.origin,
    ...extra,
  });
}

/** A refresh at monday itself, as another copy of the token would make it. */
function refreshAtMonday(monday: MondayEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${monday.origin}/oauth_ms/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
}

const MONDAY: StandardProvider<MondayUser, MondayEmulator> = {
  preset: 'monday',
  displayName: 'monday.com',
  startEmulator: () => startMondayEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: mondayEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('monday.com, against an emulator of monday.com', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: MONDAY.startEmulator, env: (monday) => mondayEnv(monday, { MONDAY_SCOPE: 'me:read boards:read' }) });

  const signIn = (user: MondayUser) => signInAs(context, 'monday', user);

  const graphql = async (browser: TestBrowser, query: string, headers: Record<string, string> = {}) =>
    browser.request(`${APP_ORIGIN}/api/providers/monday/proxy/v2`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser), ...headers }, json: { query } });

  it('signs in as the id of the GraphQL me, with its name, its e-mail verified by is_verified and the account; space-separated scopes, PKCE, the client in the form, the access token’s lifetime from its exp', async () => {
    const { database, emulator: monday, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('me:read boards:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, is_verified: true, account: { id: '7654321', name: 'Acme', slug: 'acme' } });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@acme.test' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'monday');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^mrt_/), scope: 'me:read boards:read' });
    // monday answers no expires_in: the hour comes from the JWT's exp.
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = monday.server.requests.find((r) => r.path === '/oauth_ms/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const me = monday.server.requests.find((r) => r.path === '/v2')!;
    expect(me).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token!.accessToken}` } });
  });

  it('keeps an e-mail monday has not verified (is_verified false) as unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'Unverified Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unverified@acme.test');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy POSTs GraphQL with the caller’s API-Version; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and monday refuses the used one', async () => {
    const { emulator: monday } = context;
    const { browser, userId } = await signIn(person(103, 'Storm Rotating'));
    const pinned = await graphql(browser, '{ boards { id name } }', { 'api-version': '2026-10' });
    expect(pinned.status).toBe(200);
    expect(monday.server.requests.filter((r) => r.path === '/v2').at(-1)!.headers['api-version']).toBe('2026-10');
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'monday', userId, () => graphql(browser, '{ boards { id name } }'));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: { boards: [{ id: '1234567890', name: 'Roadmap' }] } });
    expect(after.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    expect(await statusAndBody(refreshAtMonday(monday, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app uninstalled at monday marks the connection 'needs re-auth' after its 401, with one refused refresh", async () => {
    const { emulator: monday } = context;
    const user = person(104, 'Uninstalling Person');
    const { browser, userId } = await signIn(user);
    monday.uninstall(user);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'monday', userId, () => graphql(browser, '{ boards { id } }'));
  });

  it('disconnect revokes the refresh token at /oauth_ms/oauth/revoke with a JSON body carrying the client, and the grant ends', async () => {
    const { emulator: monday } = context;
    const { browser, userId } = await signIn(person(105, 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'monday', { browser, userId }, { requests: 1 });
    expect(monday.server.requests.filter((r) => r.path === '/oauth_ms/oauth/revoke').at(-1)!.headers['content-type']).toBe('application/json');
    expect(monday.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtMonday(monday, stored.refreshToken!)).status).toBe(400);
  });

  it('disconnect after the app was uninstalled: monday’s 200 for a token it no longer knows counts as revoked', async () => {
    const { emulator: monday, app } = context;
    const user = person(106, 'Already Gone');
    const { browser, userId } = await signIn(user);
    monday.uninstall(user);
    expect(await disconnectThrough(browser, 'monday')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'monday')).toBeUndefined();
  });

  standardCases(() => context, MONDAY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('monday.com without me:read', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: MONDAY.startEmulator, env: (monday) => mondayEnv(monday, { MONDAY_SCOPE: 'boards:read' }) });

  it('a me answered null with missingRequiredPermissions fails the sign-in with a 502, and nothing is stored', async () => {
    const { database, emulator: monday, app } = context;
    const before = await rowCounts(database);
    monday.signInAs(person(110, 'No Scope'));
    const page = await signInThrough(app.browser(), 'monday');
    expect(page.status).toBe(502);
    expect(page.text).toContain('monday.com');
    expect(await rowCounts(database)).toEqual(before);
  });
});

describeEachDialect('monday.com answering expires_in', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startMondayEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, answerExpiresIn: true }), env: mondayEnv });

  it('signs in and refreshes as answered', async () => {
    const { database, emulator: monday, app } = context;
    monday.signInAs(person(111, 'Answered Expiry'));
    expect((await signInThrough(app.browser(), 'monday')).status).toBe(200);
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'monday').where('subject', '=', '41000111').executeTakeFirstOrThrow();
    const token = await app.runtime.tokenStore.findToken(userId, 'monday');
    expect(token).toMatchObject({ scope: 'me:read' });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    await expireAccessTokens(database, userId);
    const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'monday');
    expect(monday.accepts(accessToken)).toBe(true);
  });
});

describeClientFailures(MONDAY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
