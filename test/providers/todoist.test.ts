import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh, expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTodoistEmulator, type TodoistEmulator, type TodoistUser } from './todoist.emulator.js';

// A client id and secret of the form Todoist's App Management Console shows (32 hex digits each).
const CLIENT_ID = '4f7c2a9e1b3d5f60718293a4b5c6d7e8';
const CLIENT_SECRET = 'e8d7c6b5a4938271605f4e3d2c1b0a9f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/todoist/callback`;

function person(id: string, fullName: string): TodoistUser {
  return { id, fullName, email: `${fullName.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the scope, and each endpoint pointed at the emulator (/api/v1/user moves with the API base). */
function todoistEnv(todoist: TodoistEmulator): Record<string, string> {
  return presetEnv('todoist', CLIENT_ID, CLIENT_SECRET, {
    TODOIST_SCOPE: 'data:read task:add',
    TODOIST_AUTHORIZE_URL: `${todoist.origin}/oauth/authorize`,
    TODOIST_ACCESS_TOKEN_URL: `${todoist.origin}/oauth/access_token`,
    TODOIST_REVOCATION_URL: `${todoist.origin}/api/v1/revoke`,
    TODOIST_API_BASE_URL: todoist.origin,
  });
}

/** A refresh at Todoist itself, as another copy of the token would make it. */
function refreshAtTodoist(todoist: TodoistEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${todoist.origin}/oauth/access_token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const TODOIST: StandardProvider<TodoistUser, TodoistEmulator> = {
  preset: 'todoist',
  displayName: 'Todoist',
  startEmulator: () => startTodoistEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: todoistEnv,
  people: {
    cancelled: person('2671108', 'Changed Mind'),
    'refused-code': person('2671109', 'Refused Code'),
    'wrong-secret': person('2671301', 'Wrong Secret'),
    'exchange-failure': person('2671302', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

const projects = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/todoist/proxy/api/v1/projects`);

describeEachDialect('Todoist, against an emulator of Todoist', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TODOIST);

  const signIn = (user: TodoistUser) => signInAs(context, 'todoist', user);

  it('signs in as the id of /api/v1/user with its full name and e-mail (verification unknown); the scopes asked comma-separated, the client in the form, a token with a refresh token', async () => {
    const { database, emulator: todoist, app } = context;
    const { userId, request } = await signIn(person('2671101', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('data:read,task:add');
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('2671101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '2671101', full_name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'todoist');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = todoist.server.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls API v1; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Todoist takes the spent refresh token no more', async () => {
    const { emulator: todoist } = context;
    const { browser, userId } = await signIn(person('2671102', 'Alan Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'todoist', userId, () => projects(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ results: [{ name: 'Inbox' }], next_cursor: null });
    expectAccessTokenLifetime(after, 3500, 3600);
    expect(await statusAndBody(refreshAtTodoist(todoist, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed in the person's Todoist settings marks the connection 'needs re-auth' after one refresh Todoist refuses", async () => {
    const { emulator: todoist } = context;
    const leaving = person('2671103', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    todoist.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'todoist', userId, () => projects(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /api/v1/revoke with the client by Basic, and the grant ends', async () => {
    const { emulator: todoist } = context;
    const { browser, userId } = await signIn(person('2671104', 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'todoist', { browser, userId }, { requests: 2 });
    const sent = todoist.server.requests.filter((r) => r.path === '/api/v1/revoke').slice(-2);
    expect(todoist.revocationHints.slice(-2)).toEqual(['refresh_token', 'access_token']);
    expect(sent.every((r) => r.headers.authorization === `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`)).toBe(true);
    expect(todoist.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtTodoist(todoist, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, TODOIST, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Todoist, an older app without refresh tokens', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startTodoistEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, refreshTokens: false }),
    env: todoistEnv,
  });

  it('keeps a long-lived access token alone, which the proxy uses; once the app is removed, the connection needs signing in again and Todoist is asked for no token', async () => {
    const { emulator: todoist, app } = context;
    const older = person('2671120', 'Long Lived');
    const { browser, userId } = await signInAs(context, 'todoist', older);
    expect(await app.runtime.tokenStore.findToken(userId, 'todoist')).toMatchObject({ refreshToken: null, expiresAt: null });
    expect((await projects(browser)).status).toBe(200);
    todoist.removeApp(older);
    await expectNeedsReauthWithoutTokenRequest(context, 'todoist', userId, () => projects(browser));
  });

  it('disconnect revokes the access token alone', async () => {
    const { emulator: todoist } = context;
    const { browser } = await signInAs(context, 'todoist', person('2671121', 'Short Visit'));
    const revocations = todoist.server.counts.revoke ?? 0;
    expect(await disconnectThrough(browser, 'todoist')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(todoist.server.counts.revoke).toBe(revocations + 1);
    expect(todoist.revocationHints.at(-1)).toBe('access_token');
  });
});

describeClientFailures(TODOIST, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
