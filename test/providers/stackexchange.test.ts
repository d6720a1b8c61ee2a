import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startStackExchangeEmulator, type StackExchangeEmulator, type StackExchangeUser } from './stackexchange.emulator.js';

// A client id (a number) and secret, as Stack Apps shows them for an application.
const CLIENT_ID = '31415';
const CLIENT_SECRET = 'm2Kx)fQ9pL3v7Tz1wR5n((';
const REDIRECT_URI = `${APP_ORIGIN}/auth/stackexchange/callback`;

/** A person whose network account id and Stack Overflow user id differ, as they do at Stack Exchange. */
function person(id: number, displayName: string): StackExchangeUser {
  return { accountId: 1_000_000 + id, userId: 9_000_000 + id, displayName };
}

/** Only the documented variables: the preset, the client, the two OAuth endpoints and the API base (/2.3/me moves with it). */
function stackexchangeEnv(stackexchange: StackExchangeEmulator, more: Record<string, string> = {}): Record<string, string> {
  return presetEnv('stackexchange', CLIENT_ID, CLIENT_SECRET, {
    STACKEXCHANGE_AUTHORIZE_URL: `${stackexchange.origin}/oauth`,
    STACKEXCHANGE_ACCESS_TOKEN_URL: `${stackexchange.origin}/oauth/access_token/json`,
    STACKEXCHANGE_API_BASE_URL: stackexchange.origin,
    ...more,
  });
}

const STACKEXCHANGE: StandardProvider<StackExchangeUser, StackExchangeEmulator> = {
  preset: 'stackexchange',
  displayName: 'Stack Exchange',
  startEmulator: () => startStackExchangeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: (emulator) => stackexchangeEnv(emulator),
  people: standardPeople(person),
  subjectOf: (user) => String(user.accountId),
};

const questions = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/stackexchange/proxy/2.3/me/questions?site=stackoverflow&pagesize=1`);

describeEachDialect('Stack Exchange, against an emulator of its OAuth and API v2.3', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), STACKEXCHANGE);

  const signIn = (user: StackExchangeUser) => signInAs(context, 'stackexchange', user);

  it('signs in as the network-wide account_id of /2.3/me (not the site user_id), the HTML-encoded display name decoded, no e-mail; no scope, PKCE S256, the client in the form, a day-long token and no refresh token', async () => {
    const { database, emulator: stackexchange, app } = context;
    const { userId, request } = await signIn(person(101, `Seán O'Brien & <Co>`));
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('scope')).toBe(false);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1000101');
    expect(JSON.parse(account.claims)).toMatchObject({ account_id: 1_000_101, profile: 'https://stackoverflow.com/users/9000101/se-n-o-brien-co-', picture: 'https://i.sstatic.net/1000101.png?s=256' });
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: `Seán O'Brien & <Co>`, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'stackexchange');
    expect(token).toMatchObject({ refreshToken: null, status: 'active' });
    expect(token!.accessToken).toMatch(/^Xq\*\(/);
    expectAccessTokenLifetime(token, 86_400 - 100, 86_400);
    const exchange = stackexchange.server.requests.findLast((r) => r.path === '/oauth/access_token/json')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const me = stackexchange.server.requests.findLast((r) => r.path.startsWith('/2.3/me'))!;
    expect(me.path).toBe('/2.3/me?site=stackoverflow');
    expect(me.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(stackexchange.server.counts.query_credentials ?? 0).toBe(0);
  });

  it('signing in again under another display name finds the same person by the account id', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Old Name'));
    const second = await signIn(person(105, 'New Name'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('users').select('name').where('id', '=', first.userId).executeTakeFirstOrThrow()).toEqual({ name: 'New Name' });
  });

  it('the proxy calls the API with the token as Bearer only, never as the access_token or key query parameter the API now refuses', async () => {
    const { emulator: stackexchange, app } = context;
    const { browser, userId } = await signIn(person(102, 'Asker'));
    const answer = await questions(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ items: [{ question_id: 11_227_809, owner: { account_id: 1_000_102 } }], has_more: false, quota_max: 10_000 });
    const call = stackexchange.server.requests.findLast((r) => r.path.startsWith('/2.3/me/questions'))!;
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'stackexchange'))!;
    expect(call.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(new URL(call.path, stackexchange.origin).searchParams.has('access_token')).toBe(false);
    expect(stackexchange.server.counts.query_credentials ?? 0).toBe(0);
    // The emulator holds Stack Exchange to its word: the same token in the query string is refused.
    const inQuery = await fetch(`${stackexchange.origin}/2.3/me/questions?site=stackoverflow&access_token=${encodeURIComponent(accessToken)}`);
    expect({ status: inQuery.status, body: await inQuery.json() }).toMatchObject({ status: 400, body: { error_id: 400, error_name: 'bad_parameter' } });
  });

  it('once the day-long token has ended, 20 concurrent calls answer needs_reauth without asking Stack Exchange for anything (it issues no refresh token), and the connection is marked', async () => {
    const { database, emulator: stackexchange, app } = context;
    const { browser, userId } = await signIn(person(103, 'Expired'));
    await expireAccessTokens(database, userId);
    const tokenRequests = stackexchange.server.counts.token_request ?? 0;
    const calls = stackexchange.server.counts.api_call ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => questions(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(stackexchange.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(stackexchange.server.counts.api_call ?? 0).toBe(calls);
    expect((await app.runtime.tokenStore.findToken(userId, 'stackexchange'))!.status).toBe('needs_reauth');
  });

  it('the application removed at Stack Exchange: its HTTP 400 invalid_access_token (402) is read as the token refused, the connection needs re-auth, and no refresh is tried', async () => {
    const { emulator: stackexchange, app } = context;
    const leaving = person(104, 'Leaving');
    const { browser, userId } = await signIn(leaving);
    stackexchange.removeApp(leaving);
    const tokenRequests = stackexchange.server.counts.token_request ?? 0;
    const call = await questions(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(stackexchange.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'stackexchange'))!.status).toBe('needs_reauth');
  });

  it('disconnect de-authenticates the application at Stack Exchange with the token in the path: the token is dead there', async () => {
    const { emulator: stackexchange } = context;
    const { browser, userId } = await signIn(person(106, 'Goodbye'));
    const stored = await expectDisconnectRevokes(context, 'stackexchange', { browser, userId }, { requests: 1 });
    const deauthentication = stackexchange.server.requests.findLast((r) => r.path.endsWith('/de-authenticate'))!;
    expect(deauthentication.path).toBe(`/2.3/apps/${encodeURIComponent(stored.accessToken)}/de-authenticate`);
    expect(stackexchange.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, STACKEXCHANGE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describe('Stack Exchange with the no_expiry scope', () => {
  // The app's clock, moved on to show the connection outliving a day-long token.
  let offset = 0;
  const context = useProviderTest(
    () => DIALECTS[0]!.openTestDatabase(),
    { startEmulator: STACKEXCHANGE.startEmulator, env: (emulator) => stackexchangeEnv(emulator, { STACKEXCHANGE_SCOPE: 'no_expiry' }) },
    { now: () => Math.floor(Date.now() / 1000) + offset },
  );

  it('asks for no_expiry, gets a token answer without `expires`, and stores a token that never ends, still used days later', async () => {
    const { database, emulator: stackexchange, app } = context;
    const { browser, userId, request } = await signInAs(context, 'stackexchange', person(201, 'Forever'));
    expect(request.get('scope')).toBe('no_expiry');
    const token = (await app.runtime.tokenStore.findToken(userId, 'stackexchange'))!;
    expect(token).toMatchObject({ expiresAt: null, refreshToken: null, status: 'active' });
    expect(stackexchange.secondsLeft(token.accessToken)).toBeNull();
    const row = await database.db.selectFrom('tokens').select('scope').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.scope).toBe('no_expiry');
    expect((await questions(browser)).status).toBe(200);
    offset = 3 * 86_400;
    // Three days on (the browser's session aside), the token is still handed out as it is, and Stack Exchange still takes it.
    const later = await app.runtime.tokens.getAccessToken(userId, 'stackexchange');
    expect(later).toMatchObject({ accessToken: token.accessToken });
    expect(stackexchange.accepts(token.accessToken)).toBe(true);
    expect((await app.runtime.tokenStore.findToken(userId, 'stackexchange'))!.status).toBe('active');
    expect(stackexchange.server.counts.token_request).toBe(1);
  });
});

describeClientFailures(STACKEXCHANGE, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('the stackexchange preset in production', () => {
  const { settings, refusal } = presetInProduction('stackexchange', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('has Stack Overflow’s OAuth endpoints, the JSON token endpoint, and /2.3/me on Stack Overflow under the API base, which moves it', () => {
    expect(settings({})).toMatchObject({
      displayName: 'Stack Exchange',
      endpoints: {
        authorizationEndpoint: 'https://stackoverflow.com/oauth',
        tokenEndpoint: 'https://stackoverflow.com/oauth/access_token/json',
        userinfoEndpoint: 'https://api.stackexchange.com/2.3/me?site=stackoverflow',
      },
      scope: '',
      apiBaseUrl: 'https://api.stackexchange.com',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(settings({ STACKEXCHANGE_API_BASE_URL: 'https://se-proxy.acme.test' }).endpoints!.userinfoEndpoint).toBe('https://se-proxy.acme.test/2.3/me?site=stackoverflow');
  });

  it('a revocation endpoint stops start-up: disconnect de-authenticates through the API', () => {
    expect(refusal({ STACKEXCHANGE_REVOCATION_URL: 'https://stackoverflow.com/oauth/revoke' })).toContain('STACKEXCHANGE_REVOCATION_URL');
  });
});
