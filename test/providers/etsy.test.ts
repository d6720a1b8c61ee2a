import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startEtsyEmulator, type EtsyEmulator, type EtsyUser } from './etsy.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const KEYSTRING = '1aa2bb33c44d55eeeeee6fff';
const SHARED_SECRET = 'a1b2c3d4e5';
const REDIRECT_URI = `${APP_ORIGIN}/auth/etsy/callback`;

function person(userId: number, first: string, last: string, shopId?: number): EtsyUser {
  return { user_id: userId, ...(shopId === undefined ? {} : { shop_id: shopId }), first_name: first, last_name: last, primary_email: `${first.toLowerCase()}@etsy.test` };
}

/** Only the documented variables: the preset, the app's keystring and shared secret, and each endpoint pointed at the emulator (getMe moves with the API base). */
function etsyEnv(etsy: EtsyEmulator): Record<string, string> {
  return presetEnv('etsy', KEYSTRING, SHARED_SECRET, {
    ETSY_AUTHORIZE_URL: `${etsy.origin}/oauth/connect`,
    ETSY_ACCESS_TOKEN_URL: `${etsy.origin}/v3/public/oauth/token`,
    ETSY_API_BASE_URL: `${etsy.origin}/v3/application`,
  });
}

/** A refresh at Etsy itself, as another copy of the token would make it. */
function refreshAtEtsy(etsy: EtsyEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${etsy.origin}/v3/public/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: KEYSTRING, refresh_token: refreshToken }) });
}

const startEmulator = (now?: () => number) => startEtsyEmulator({ clientId: KEYSTRING, sharedSecret: SHARED_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const ETSY: StandardProvider<EtsyUser, EtsyEmulator> = {
  preset: 'etsy',
  displayName: 'Etsy',
  startEmulator: () => startEmulator(),
  env: etsyEnv,
  people: {
    cancelled: person(90000001, 'Changed', 'Mind'),
    'refused-code': person(90000002, 'Refused', 'Code'),
    'wrong-secret': person(90000003, 'Wrong', 'Secret'),
    'exchange-failure': person(90000004, 'Outage', 'Person'),
  },
  subjectOf: (user) => String(user.user_id),
};

describeEachDialect('Etsy, against an emulator of Etsy', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startEmulator(), env: etsyEnv });

  const signIn = (user: EtsyUser) => signInAs(context, 'etsy', user);

  const apiKey = `${KEYSTRING}:${SHARED_SECRET}`;

  it('signs in as the user_id of getMe, with the shop kept and the name and e-mail of getUser (verification unknown); space-separated scopes, PKCE S256, no secret at the token endpoint, x-api-key on each API call', async () => {
    const { database, emulator: etsy, app } = context;
    const { userId, request } = await signIn(person(12345678, 'Rob', 'Kalin', 7654321));
    expect(request.get('scope')).toBe('email_r shops_r');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('12345678');
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: 12345678, shop_id: 7654321, primary_email: 'rob@etsy.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Rob Kalin', email: 'rob@etsy.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'etsy');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^12345678\./), refreshToken: expect.stringMatching(/^12345678\./) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = etsy.server.requests.find((r) => r.path === '/v3/public/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['x-api-key']).toBeUndefined();
    expect(etsy.server.counts.client_secret_sent ?? 0).toBe(0);
    const profileCalls = etsy.server.requests.filter((r) => r.path.startsWith('/v3/application/users/'));
    expect(profileCalls.map((r) => r.path)).toEqual(['/v3/application/users/me', '/v3/application/users/me', '/v3/application/users/12345678']);
    for (const call of profileCalls) expect(call.headers).toMatchObject({ 'x-api-key': apiKey, authorization: `Bearer ${token!.accessToken}` });
  });

  it('a person whose e-mail Etsy does not give the app (primary_email null) is signed in without one', async () => {
    const { database } = context;
    const { userId } = await signIn({ ...person(23456789, 'Quiet', 'Buyer'), primary_email: null });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Quiet Buyer', email: null, email_verified: null });
  });

  it('the proxy sends the app’s x-api-key over the caller’s; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Etsy refuses the used one', async () => {
    const { database, emulator: etsy, app } = context;
    const { browser, userId } = await signIn(person(34567890, 'Storm', 'Seller', 3456));
    const before = await app.runtime.tokenStore.findToken(userId, 'etsy');
    await expireAccessTokens(database, userId);
    const refreshes = etsy.server.counts.refresh_token ?? 0;
    const refusedKeys = etsy.server.counts.api_key_refused ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => browser.request(`${APP_ORIGIN}/api/providers/etsy/proxy/shops/3456`, { headers: { 'x-api-key': 'another-app:guess' } })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ shop_id: 3456, user_id: 34567890 });
    expect(etsy.server.counts.refresh_token).toBe(refreshes + 1);
    expect(etsy.server.counts.api_key_refused ?? 0).toBe(refusedKeys);
    expect(etsy.server.requests.filter((r) => r.path === '/v3/application/shops/3456').every((r) => r.headers['x-api-key'] === apiKey)).toBe(true);
    const after = await app.runtime.tokenStore.findToken(userId, 'etsy');
    expect(after!.refreshToken).toMatch(/^34567890\./);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(etsy.accepts(after!.accessToken)).toBe(true);
    const replay = await refreshAtEtsy(etsy, before!.refreshToken!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'invalid_grant' });
  });

  it("the app removed at Etsy: the refresh Etsy refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: etsy } = context;
    const { browser, userId } = await signIn(person(45678901, 'Removed', 'App', 4567));
    etsy.removeApp(45678901);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'etsy', userId, () => browser.get(`${APP_ORIGIN}/api/providers/etsy/proxy/shops/4567`));
  });

  it('disconnect deletes the tokens here and asks Etsy nothing: it has no revocation endpoint', async () => {
    const { emulator: etsy } = context;
    const { browser, userId } = await signIn(person(56789012, 'Leaving', 'Person'));
    await expectDisconnectAsksNothing(context, 'etsy', { browser, userId });
  });

  standardCases(() => context, ETSY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(ETSY, {
  title: 'Etsy refresh tokens (90 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 90, and the connection outlives that refresh token',
  startEmulator: (now) => startEmulator(now),
  person: person(67890123, 'Idle', 'Seller'),
  dueAfterDays: 83,
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (etsy, refreshToken) => {
    expect((await refreshAtEtsy(etsy, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(
  ETSY,
  { exchangeFailure: {} },
  {
    more: (context) => {
      it('a wrong shared secret: the code exchange, which takes none, succeeds, but Etsy refuses getMe’s x-api-key (403): a 502, and nothing is stored', async () => {
        const { database, emulator, misconfigured } = context;
        const before = await rowCounts(database);
        emulator.signInAs(ETSY.people['wrong-secret']!);
        const page = await signInThrough(misconfigured!.browser(), 'etsy');
        expect(page.status).toBe(502);
        expect(page.text).toContain('Etsy refused the userinfo request (HTTP 403');
        expect(emulator.server.counts.api_key_refused).toBe(1);
        expect(emulator.server.requests.filter((r) => r.path === '/v3/application/users/me').map((r) => r.headers['x-api-key'])).toEqual([`${KEYSTRING}:not-the-secret`]);
        expect(await rowCounts(database)).toEqual(before);
      });
    },
  },
);
