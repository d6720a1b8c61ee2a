import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startFreshBooksEmulator, type FreshBooksEmulator, type FreshBooksIdentity } from './freshbooks.emulator.js';

// A client id and secret of the form FreshBooks' examples show (64 hex digits).
const CLIENT_ID = '943f08ec5a5797f579e2682103868216f2d00a64faf0fb36e8257c8acceebfc6';
const CLIENT_SECRET = '5b1d7b0c2a3e4f6a8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/freshbooks/callback`;

function person(id: number, first: string, last: string, confirmed = true): FreshBooksIdentity {
  return {
    id,
    first_name: first,
    last_name: last,
    email: `${first.toLowerCase()}@example.com`,
    confirmed_at: confirmed ? '2020-03-11T09:30:00Z' : null,
    business: { id: 240_000 + id, name: `${first}'s Business`, account_id: `AC${id}` },
  };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (users/me moves with the API base). */
function freshbooksEnv(freshbooks: FreshBooksEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('freshbooks', CLIENT_ID, CLIENT_SECRET, {
    FRESHBOOKS_AUTHORIZE_URL: `${freshbooks.origin}/oauth/authorize`,
    FRESHBOOKS_ACCESS_TOKEN_URL: `${freshbooks.origin}/auth/oauth/token`,
    FRESHBOOKS_REVOCATION_URL: `${freshbooks.origin}/auth/oauth/revoke`,
    FRESHBOOKS_API_BASE_URL: freshbooks.origin,
    ...extra,
  });
}

/** A refresh at FreshBooks itself, as another copy of the token would make it. */
function refreshAtFreshBooks(freshbooks: FreshBooksEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${freshbooks.origin}/auth/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const FRESHBOOKS: StandardProvider<FreshBooksIdentity, FreshBooksEmulator> = {
  preset: 'freshbooks',
  displayName: 'FreshBooks',
  startEmulator: () => startFreshBooksEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: freshbooksEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('FreshBooks, against an emulator of FreshBooks', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: FRESHBOOKS.startEmulator, env: (freshbooks) => freshbooksEnv(freshbooks, { FRESHBOOKS_SCOPE: 'user:profile:read user:clients:read' }) });

  const signIn = (identity: FreshBooksIdentity) => signInAs(context, 'freshbooks', identity);

  const clients = (browser: TestBrowser, identity: FreshBooksIdentity) => browser.get(`${APP_ORIGIN}/api/providers/freshbooks/proxy/accounting/account/${identity.business.account_id}/users/clients`);

  it('signs in as the identity id of /auth/api/v1/users/me, its names the name and a confirmed e-mail verified, the business kept; the code exchanged as JSON with the client in it, 12-hour tokens with a refresh token', async () => {
    const { database, emulator: freshbooks, app } = context;
    const ada = person(2_192_788, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user:profile:read user:clients:read');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('2192788');
    expect(JSON.parse(account.claims)).toMatchObject({ businesses: [{ role: 'owner', id: ada.business.id, account_id: 'AC2192788' }] });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'freshbooks');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'user:profile:read user:clients:read' });
    expectAccessTokenLifetime(token, 43_200 - 100, 43_200);
    const exchange = freshbooks.server.requests.find((r) => r.path === '/auth/oauth/token')!;
    expect(exchange.headers['content-type']).toBe('application/json');
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('an e-mail FreshBooks has not confirmed is stored unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(2_192_790, 'Unconfirmed', 'Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unconfirmed@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the accounting API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the used one is refused', async () => {
    const { emulator: freshbooks } = context;
    const grace = person(2_192_791, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await clients(browser, grace);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ response: { result: { clients: [{ id: 238951 }], total: 1 } } });

    const { before } = await expectRotatedAfterStorm(context, 'freshbooks', userId, () => clients(browser, grace));
    expect(freshbooks.server.requests.filter((r) => r.path === '/auth/oauth/token').at(-1)!.headers['content-type']).toBe('application/json');
    expect(await statusAndBody(refreshAtFreshBooks(freshbooks, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("an app the person disconnected in FreshBooks marks the connection 'needs re-auth' after one refresh FreshBooks refuses; disconnect then counts the grant as revoked", async () => {
    const { emulator: freshbooks, app } = context;
    const identity = person(2_192_792, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(identity);
    freshbooks.disconnectInFreshBooks(identity);
    const refreshes = freshbooks.server.counts.refresh_token ?? 0;
    const call = await clients(browser, identity);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(freshbooks.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'freshbooks'))!.status).toBe('needs_reauth');
    await disconnectThrough(browser, 'freshbooks');
    expect(await app.runtime.tokenStore.findToken(userId, 'freshbooks')).toBeUndefined();
  });

  it('disconnect revokes the refresh token at /auth/oauth/revoke with the client in a JSON body, and both tokens end', async () => {
    const { emulator: freshbooks } = context;
    const { browser, userId } = await signIn(person(2_192_793, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'freshbooks', { browser, userId }, { requests: 1 });
    expect(freshbooks.server.requests.filter((r) => r.path === '/auth/oauth/revoke').at(-1)!.headers['content-type']).toBe('application/json');
    expect(freshbooks.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtFreshBooks(freshbooks, stored.refreshToken!)).status).toBe(400);
  });

  it('/auth/api/v1/users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    const { database, emulator: freshbooks, app } = context;
    const before = await rowCounts(database);
    freshbooks.signInAs(person(2_192_794, 'Outage', 'Again'));
    freshbooks.failNextIdentityRequest(500);
    const browser = app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/freshbooks`, { followRedirects: false });
    const callback = await browser.get(start.location!);
    expect(callback.status).toBe(502);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, FRESHBOOKS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FRESHBOOKS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
