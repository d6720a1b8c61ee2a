import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startLichessEmulator, type LichessEmulator, type LichessUser } from './lichess.emulator.js';

// Lichess registers no client: the app names itself, here by its domain.
const CLIENT_ID = 'tokenkeeper.example.com';
const REDIRECT_URI = `${APP_ORIGIN}/auth/lichess/callback`;

function person(username: string): LichessUser {
  return { username, email: `${username.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client id (no secret: Lichess takes none), and each endpoint pointed at the emulator (/api/account moves with the API base). */
function lichessEnv(lichess: LichessEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'lichess',
    LICHESS_PRESET: 'lichess',
    LICHESS_CLIENT_ID: CLIENT_ID,
    LICHESS_AUTHORIZE_URL: `${lichess.origin}/oauth`,
    LICHESS_ACCESS_TOKEN_URL: `${lichess.origin}/api/token`,
    LICHESS_API_BASE_URL: lichess.origin,
  };
}

const LICHESS: StandardProvider<LichessUser, LichessEmulator> = {
  preset: 'lichess',
  displayName: 'Lichess',
  startEmulator: () => startLichessEmulator({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI }),
  env: lichessEnv,
  people: { cancelled: person('ChangedMind'), 'refused-code': person('RefusedCode'), 'exchange-failure': person('OutagePerson') },
  subjectOf: (user) => user.username.toLowerCase(),
};

const playing = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/lichess/proxy/api/account/playing?nb=2`);

describeEachDialect('Lichess, against an emulator of its OAuth and API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LICHESS);

  const signIn = (user: LichessUser) => signInAs(context, 'lichess', user);

  it('signs in as the id of /api/account, the username the name, the e-mail of /api/account/email (its verification unknown); email:read with PKCE S256, no client secret anywhere, a one-year token and no refresh token', async () => {
    const { database, emulator: lichess, app } = context;
    const { userId, request } = await signIn(person('Bobby'));
    expect(request.get('scope')).toBe('email:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('bobby');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 'bobby', preferred_username: 'Bobby', profile: 'https://lichess.org/@/Bobby' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'bobby@example.com', name: 'Bobby' });
    expect(user.email_verified).toBeNull();
    const token = await app.runtime.tokenStore.findToken(userId, 'lichess');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, 365 * 86_400 - 100, 365 * 86_400);
    const exchange = lichess.server.requests.findLast((r) => r.path === '/api/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = lichess.tokenForms.at(-1)!;
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
    expect(form.has('client_secret')).toBe(false);
  });

  it('signing in again with the username in other capitals finds the same person by the id', async () => {
    const { database } = context;
    const first = await signIn(person('Magnus'));
    const second = await signIn(person('MAGNUS'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'lichess').where('subject', '=', 'magnus').execute()).toHaveLength(1);
  });

  it('the proxy calls the API with the token as Bearer', async () => {
    const { emulator: lichess } = context;
    const { browser } = await signIn(person('Judit'));
    const answer = await playing(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ nowPlaying: [{ color: 'white' }, { color: 'black' }] });
    expect(lichess.server.requests.findLast((r) => r.path.startsWith('/api/account/playing'))!.headers.authorization).toMatch(/^Bearer lio_/);
  });

  it('once the year-long token has ended, 20 concurrent calls answer needs_reauth without asking Lichess for anything (it has no refresh), and the connection is marked', async () => {
    const { database, emulator: lichess, app } = context;
    const { browser, userId } = await signIn(person('Hikaru'));
    await expireAccessTokens(database, userId);
    const tokenRequests = lichess.server.counts.token_request ?? 0;
    const calls = lichess.server.counts.playing ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => playing(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(lichess.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(lichess.server.counts.playing ?? 0).toBe(calls);
    expect((await app.runtime.tokenStore.findToken(userId, 'lichess'))!.status).toBe('needs_reauth');
  });

  it('the app revoked at Lichess: the API’s 401 marks the connection needs re-auth, with no refresh to try; disconnect then counts it as revoked', async () => {
    const { emulator: lichess, app } = context;
    const leaving = person('Leaving');
    const { browser, userId } = await signIn(leaving);
    lichess.removeApp(leaving);
    const tokenRequests = lichess.server.counts.token_request ?? 0;
    const call = await playing(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(lichess.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'lichess'))!.status).toBe('needs_reauth');
    expect(await disconnectThrough(browser, 'lichess')).toEqual({ disconnected: true, revokedAtProvider: true });
  });

  it('disconnect revokes with DELETE /api/token and the token as Bearer (204), and Lichess takes it no more', async () => {
    const { emulator: lichess } = context;
    const { browser, userId } = await signIn(person('Goodbye'));
    const stored = await expectDisconnectRevokes(context, 'lichess', { browser, userId }, { requests: 1 });
    expect(lichess.server.requests.findLast((r) => r.path === '/api/token' && r.method === 'DELETE')!.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(lichess.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, LICHESS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

// No wrong-secret case: Lichess authenticates no client, and a secret set anyway stops start-up (lichess.test.ts in src).
describe('Lichess failing the code exchange', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), LICHESS);
  standardCases(() => context, LICHESS, { exchangeFailure: {} }, { emptyDatabase: true });
});
