import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs, signInThrough } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { countRows, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { QUESTRADE_ACCESS_TOKEN_SECONDS, startQuestradeEmulator, type QuestradeEmulator, type QuestradeUser } from './questrade.emulator.js';

// A consumer key of the kind Questrade's API Centre issues a registered application; it has no secret here.
const CLIENT_ID = 'pd7dHUQ4tXlEe2Kf0_ZpXwJXqYbTLw';
const REDIRECT_URI = `${APP_ORIGIN}/auth/questrade/callback`;

function person(id: number): QuestradeUser {
  return { userId: 3000000 + id, accounts: [`26${String(id).padStart(6, '0')}`, `51${String(id).padStart(6, '0')}`] };
}

/** Only the documented variables: the preset, the client id (no secret: it is optional, and none is sent), the endpoints, and the API origin (the host a token answer's api_server may name). */
function questradeEnv(questrade: QuestradeEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'questrade',
    QUESTRADE_PRESET: 'questrade',
    QUESTRADE_CLIENT_ID: CLIENT_ID,
    QUESTRADE_AUTHORIZE_URL: `${questrade.origin}/oauth2/authorize`,
    QUESTRADE_ACCESS_TOKEN_URL: `${questrade.origin}/oauth2/token`,
    QUESTRADE_API_BASE_URL: questrade.origin,
  };
}

const QUESTRADE: StandardProvider<QuestradeUser, QuestradeEmulator> = {
  preset: 'questrade',
  displayName: 'Questrade',
  startEmulator: () => startQuestradeEmulator({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI }),
  env: questradeEnv,
  people: standardPeople((id) => person(id)),
  subjectOf: (user) => String(user.userId),
};

const balances = (browser: TestBrowser, user: QuestradeUser) => browser.get(`${APP_ORIGIN}/api/providers/questrade/proxy/v1/accounts/${user.accounts[0]}/balances`);

describeEachDialect('Questrade, against an emulator of Questrade', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), QUESTRADE);
  const signIn = (user: QuestradeUser) => signInAs(context, 'questrade', user);

  it("signs in as the userId of {api_server}/v1/accounts with the primary account kept, api_server as the connection's API base; no scope, no PKCE, the code exchanged with a GET whose query holds the client id and no secret, a 30-minute token with a refresh token", async () => {
    const { database, emulator: questrade, app } = context;
    const ada = person(101);
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('3000101');
    expect(JSON.parse(account.claims)).toEqual({ id: '3000101', primary_account: ada.accounts[0] });
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: null, email: null });
    const row = await database.db.selectFrom('tokens').select(['api_base_url']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.api_base_url).toBe(questrade.origin);
    const token = await app.runtime.tokenStore.findToken(userId, 'questrade');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, QUESTRADE_ACCESS_TOKEN_SECONDS - 100, QUESTRADE_ACCESS_TOKEN_SECONDS);
    const exchange = questrade.tokenRequests.at(-1)!;
    expect(exchange.method).toBe('GET');
    expect(exchange.body).toBe('');
    expect(exchange.query.get('grant_type')).toBe('authorization_code');
    expect(exchange.query.get('client_id')).toBe(CLIENT_ID);
    expect(exchange.query.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(exchange.query.get('code')).toEqual(expect.any(String));
    expect(exchange.query.has('client_secret')).toBe(false);
    expect(questrade.server.requests.findLast((r) => r.path.startsWith('/oauth2/token'))!.headers.authorization).toBeUndefined();
    expect(questrade.server.requests.findLast((r) => r.path === '/v1/accounts')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API server; 20 concurrent calls on an expired token make one refresh, a GET with the refresh token in the query, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: questrade } = context;
    const grace = person(102);
    const { browser, userId } = await signIn(grace);
    const first = await balances(browser, grace);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ perCurrencyBalances: [{ currency: 'CAD' }] });
    const { before, after } = await expectRotatedAfterStorm(context, 'questrade', userId, () => balances(browser, grace));
    expectAccessTokenLifetime(after, QUESTRADE_ACCESS_TOKEN_SECONDS - 100, QUESTRADE_ACCESS_TOKEN_SECONDS);
    const refresh = questrade.tokenRequests.at(-1)!;
    expect(refresh.method).toBe('GET');
    expect(refresh.query.get('grant_type')).toBe('refresh_token');
    expect(refresh.query.get('refresh_token')).toBe(before.refreshToken);
    const replay = new URL(`${questrade.origin}/oauth2/token`);
    replay.search = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refreshToken! }).toString();
    expect(await statusAndBody(fetch(replay))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('signing in again finds the same person by the userId', async () => {
    const first = await signIn(person(105));
    const second = await signIn(person(105));
    expect(second.userId).toBe(first.userId);
  });

  it('an api_server outside questrade.com and the configured API host is refused: 502, no token sent there, nothing stored', async () => {
    const { database, emulator: questrade, app } = context;
    const users = await countRows(database, 'users');
    questrade.setApiServer('https://collector.example.net/');
    try {
      questrade.signInAs(person(106));
      const page = await signInThrough(app.browser(), 'questrade');
      expect(page.status).toBe(502);
      expect(page.text).toContain('named an API origin (api_server) outside its own domains');
    } finally {
      questrade.setApiServer(`${questrade.origin}/`);
    }
    expect(await countRows(database, 'users')).toBe(users);
  });

  it("the application revoked in the API Centre: the refused refresh marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: questrade } = context;
    const leaving = person(103);
    const { browser, userId } = await signIn(leaving);
    questrade.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'questrade', userId, () => balances(browser, leaving));
  });

  it('disconnect asks Questrade nothing (it documents no revocation endpoint) and forgets the tokens, which Questrade still takes', async () => {
    const { emulator: questrade, app } = context;
    const { browser, userId } = await signIn(person(104));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'questrade'))!;
    await expectDisconnectAsksNothing(context, 'questrade', { browser, userId });
    expect(questrade.accepts(stored.accessToken)).toBe(true);
  });

  it('the token endpoint refuses another client id, and a code exchange without the redirect_uri', async () => {
    const { emulator: questrade } = context;
    const wrong = new URL(`${questrade.origin}/oauth2/token`);
    wrong.search = new URLSearchParams({ client_id: 'someone-else', code: 'x', grant_type: 'authorization_code', redirect_uri: REDIRECT_URI }).toString();
    expect(await statusAndBody(fetch(wrong))).toEqual({ status: 401, body: { error: 'invalid_client' } });
    const partial = new URL(`${questrade.origin}/oauth2/token`);
    partial.search = new URLSearchParams({ client_id: CLIENT_ID, code: 'x', grant_type: 'authorization_code' }).toString();
    expect(await statusAndBody(fetch(partial))).toEqual({ status: 400, body: { error: 'invalid_request' } });
  });

  it('/v1/accounts failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, QUESTRADE, person(110), (questrade) => questrade.failNextAccounts(500));
  });

  standardCases(() => context, QUESTRADE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

// No wrong-secret case: the preset sends no secret, and one set anyway stops start-up (questrade.test.ts in src).
describe('Questrade failing the code exchange', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), QUESTRADE);
  standardCases(() => context, QUESTRADE, { exchangeFailure: {} }, { emptyDatabase: true });
});
