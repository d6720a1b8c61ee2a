import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startZendeskEmulator, type ZendeskEmulator, type ZendeskUser } from './zendesk.emulator.js';

// A client's unique identifier as Admin Center makes it from the app's name, and a 64-hex-digit secret.
const CLIENT_ID = 'tokenkeeper_test_app';
const CLIENT_SECRET = '8f3a1c9e2b7d4f6a0c5e9b1d3f7a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/zendesk/callback`;

function person(id: number, name: string, role: ZendeskUser['role'] = 'agent'): ZendeskUser {
  return { id: 360_000_000 + id, name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test`, role };
}

/** Only the documented variables: the preset, the client, the account's domain, and the endpoints and API base pointed at the emulator (users/me and the revocation move with the API base). */
function zendeskEnv(zendesk: ZendeskEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('zendesk', CLIENT_ID, CLIENT_SECRET, {
    ZENDESK_DOMAIN: 'acme.zendesk.com',
    ZENDESK_AUTHORIZE_URL: `${zendesk.origin}/oauth/authorizations/new`,
    ZENDESK_ACCESS_TOKEN_URL: `${zendesk.origin}/oauth/tokens`,
    ZENDESK_API_BASE_URL: `${zendesk.origin}/api/v2`,
    ...extra,
  });
}

/** A refresh at Zendesk itself, as another copy of the token would make it. */
function refreshAtZendesk(zendesk: ZendeskEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${zendesk.origin}/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
}

const ZENDESK: StandardProvider<ZendeskUser, ZendeskEmulator> = {
  preset: 'zendesk',
  displayName: 'Zendesk',
  startEmulator: () => startZendeskEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: zendeskEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Zendesk, against an emulator of a Zendesk account', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: ZENDESK.startEmulator, env: zendeskEnv });

  const signIn = (user: ZendeskUser) => signInAs(context, 'zendesk', user);

  it('signs in as the id of /api/v2/users/me.json (e-mail verification unknown); read with PKCE, the code exchanged with a JSON body carrying the client, 30-minute tokens and a refresh token', async () => {
    const { database, emulator: zendesk, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, role: 'agent', verified: true });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@acme.test', email_verified: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'zendesk');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read', apiBaseUrl: null });
    expectAccessTokenLifetime(token, 1_700, 1_800);
    const exchange = zendesk.server.requests.find((r) => r.path === '/oauth/tokens')!;
    expect(exchange.headers['content-type']).toBe('application/json');
    expect(exchange.headers.authorization).toBeUndefined();
    expect(zendesk.server.requests.filter((r) => r.path === '/api/v2/users/me.json').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the account’s API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Zendesk refuses the used one', async () => {
    const { emulator: zendesk } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await browser.get(`${APP_ORIGIN}/api/providers/zendesk/proxy/tickets.json`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ tickets: [{ subject: "Help, Grace's printer is on fire!" }], count: 1 });

    const { before } = await expectRotatedAfterStorm(context, 'zendesk', userId, () => browser.get(`${APP_ORIGIN}/api/providers/zendesk/proxy/tickets.json`));
    expect(zendesk.server.requests.filter((r) => r.path === '/oauth/tokens').at(-1)!.headers['content-type']).toBe('application/json');
    expect(zendesk.accepts(before.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtZendesk(zendesk, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a grant ended at Zendesk marks the connection 'needs re-auth' after one refresh Zendesk refuses", async () => {
    const { emulator: zendesk, app } = context;
    const { browser, userId } = await signIn(person(103, 'Barbara Liskov'));
    zendesk.revokeGrant((await app.runtime.tokenStore.findToken(userId, 'zendesk'))!.accessToken);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'zendesk', userId, () => browser.get(`${APP_ORIGIN}/api/providers/zendesk/proxy/tickets.json`));
  });

  it('disconnect revokes with DELETE /api/v2/oauth/tokens/current.json and the access token; the refresh token ends with it', async () => {
    const { emulator: zendesk } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'zendesk', { browser, userId }, { requests: 1 });
    const sent = zendesk.server.requests.filter((r) => r.path === '/api/v2/oauth/tokens/current.json').at(-1)!;
    expect(sent).toMatchObject({ method: 'DELETE', headers: { authorization: `Bearer ${stored.accessToken}` } });
    expect(zendesk.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtZendesk(zendesk, stored.refreshToken!)).status).toBe(400);
  });

  it('disconnect after the grant ended at Zendesk: its 401 for a live token counts as revoked', async () => {
    const { emulator: zendesk, app } = context;
    const { browser, userId } = await signIn(person(105, 'Already Gone'));
    zendesk.revokeGrant((await app.runtime.tokenStore.findToken(userId, 'zendesk'))!.accessToken);
    expect(await disconnectThrough(browser, 'zendesk')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'zendesk')).toBeUndefined();
  });

  it('users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, ZENDESK, person(106, 'Outage Profile'), (zendesk) => zendesk.failNextUserRequest(500));
  });

  standardCases(() => context, ZENDESK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Zendesk with a resource scope the API checks', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: ZENDESK.startEmulator, env: (zendesk) => zendeskEnv(zendesk, { ZENDESK_SCOPE: 'users:read' }) });

  it('signs in with users:read alone; a call outside it is Zendesk’s 403, passed on with no refresh', async () => {
    const { emulator: zendesk, app } = context;
    zendesk.signInAs(person(201, 'Narrow Scope'));
    const browser = app.browser();
    const page = await signInThrough(browser, 'zendesk');
    expect(page.status).toBe(200);
    const refreshes = zendesk.server.counts.refresh_token ?? 0;
    const call = await browser.get(`${APP_ORIGIN}/api/providers/zendesk/proxy/tickets.json`);
    expect(call.status).toBe(403);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'Forbidden' });
    expect(zendesk.server.counts.refresh_token ?? 0).toBe(refreshes);
  });
});

describeKeepAlive(ZENDESK, {
  title: 'Zendesk refresh tokens (30 days each) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 30, and the new refresh token has 30 days again',
  startEmulator: (now) => startZendeskEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(301, 'Idle Person'),
  dueAfterDays: 23,
  // 50 days after sign-in, 27 after the last refresh: the refresh token it answered still works.
  usedAgainAfterDays: 27,
});

describeEachDialect('Zendesk clients whose tokens do not expire', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startZendeskEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, expiringTokens: false }), env: zendeskEnv });

  it("keeps a token with no expiry and no refresh token; once Zendesk stops taking it, the connection needs re-auth with no token request", async () => {
    const { database, emulator: zendesk, app } = context;
    const older = person(401, 'Older Client');
    zendesk.signInAs(older);
    const browser = app.browser();
    expect((await signInThrough(browser, 'zendesk')).status).toBe(200);
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'zendesk').where('subject', '=', String(older.id)).executeTakeFirstOrThrow();
    const token = await app.runtime.tokenStore.findToken(userId, 'zendesk');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    expect((await browser.get(`${APP_ORIGIN}/api/providers/zendesk/proxy/tickets.json`)).status).toBe(200);

    zendesk.revokeGrant(token!.accessToken);
    const tokenRequests = zendesk.server.counts.token_request ?? 0;
    const call = await browser.get(`${APP_ORIGIN}/api/providers/zendesk/proxy/tickets.json`);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(zendesk.server.counts.token_request ?? 0).toBe(tokenRequests);
  });
});

describeClientFailures(ZENDESK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
