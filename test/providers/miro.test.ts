import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMiroEmulator, type MiroEmulator, type MiroUser } from './miro.emulator.js';

// A client id as Miro shows it (digits) and a secret of its length.
const CLIENT_ID = '3458764601234567890';
const CLIENT_SECRET = 'Vq7Zp0Xr2Kc9Lm4Tn8Bw1Hs6Dy3Fg5J';
const REDIRECT_URI = `${APP_ORIGIN}/auth/miro/callback`;
const DESIGN = { id: '3074457358607431473', name: 'Design' };

function person(id: number, name: string): MiroUser {
  return { id: String(3_458_764_598_000_000_000n + BigInt(id)), name, team: DESIGN };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the token context moves with the API base). */
function miroEnv(miro: MiroEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('miro', CLIENT_ID, CLIENT_SECRET, {
    MIRO_AUTHORIZE_URL: `${miro.origin}/oauth/authorize`,
    MIRO_ACCESS_TOKEN_URL: `${miro.origin}/v1/oauth/token`,
    MIRO_REVOCATION_URL: `${miro.origin}/v2/oauth/revoke`,
    MIRO_API_BASE_URL: miro.origin,
    ...extra,
  });
}

/** A refresh at Miro itself, as another copy of the token would make it. */
function refreshAtMiro(miro: MiroEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${miro.origin}/v1/oauth/token?${new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken })}`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
}

const startEmulator = (options: { expiringTokens?: boolean; now?: () => number } = {}) => startMiroEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...options });

const MIRO: StandardProvider<MiroUser, MiroEmulator> = {
  preset: 'miro',
  displayName: 'Miro',
  startEmulator: () => startEmulator(),
  env: miroEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Miro, against an emulator of Miro', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: MIRO.startEmulator, env: miroEnv });

  const signIn = (user: MiroUser) => signInAs(context, 'miro', user);

  const boards = (browser: TestBrowser) => browser.request(`${APP_ORIGIN}/api/providers/miro/proxy/v2/boards`, { method: 'GET' });

  it('signs in as the user.id of the token context, with its name and no e-mail, the team and organization kept; no scope asked, the client in the form, 1-hour tokens with a refresh token', async () => {
    const { database, emulator: miro, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ team: { id: DESIGN.id, name: 'Design' }, organization: { name: 'Acme' }, scopes: ['boards:read', 'boards:write', 'identity:read', 'team:read'] });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'miro');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'boards:read boards:write identity:read team:read' });
    expectAccessTokenLifetime(token, 3500, 3599);
    const exchange = miro.server.requests.find((r) => r.path.startsWith('/v1/oauth/token'))!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(miro.server.requests.filter((r) => r.path === '/v1/oauth-token').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Miro takes neither old token again', async () => {
    const { emulator: miro } = context;
    const { browser, userId } = await signIn(person(102, 'Storm Rotating'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'miro', userId, () => boards(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ type: 'list', data: [{ type: 'board', name: 'Retro' }] });
    expect(miro.accepts(before.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtMiro(miro, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app uninstalled from the team marks the connection 'needs re-auth' after Miro's 401, with one refused refresh", async () => {
    const { emulator: miro } = context;
    const user = person(103, 'Uninstalling Person');
    const { browser, userId } = await signIn(user);
    miro.uninstall(user);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'miro', userId, () => boards(browser));
  });

  it('disconnect revokes at /v2/oauth/revoke with the access token and the client in a JSON body, and both tokens end', async () => {
    const { emulator: miro } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'miro', { browser, userId }, { requests: 1 });
    const sent = miro.server.requests.filter((r) => r.path.startsWith('/v2/oauth/revoke')).at(-1)!;
    expect(sent.path).toBe('/v2/oauth/revoke');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(miro.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtMiro(miro, stored.refreshToken!)).status).toBe(400);
  });

  it('disconnect after the app was uninstalled: Miro’s 400 for the token it no longer has counts as revoked', async () => {
    const { emulator: miro, app } = context;
    const user = person(105, 'Already Gone');
    const { browser, userId } = await signIn(user);
    miro.uninstall(user);
    expect(await disconnectThrough(browser, 'miro')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'miro')).toBeUndefined();
  });

  it('/v1/oauth-token failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MIRO, person(110, 'Outage Context'), (miro) => miro.failNextTokenContext(500));
  });

  standardCases(() => context, MIRO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Miro apps without expiring tokens', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startEmulator({ expiringTokens: false }), env: miroEnv });

  it('keeps a token with no end and no refresh token; 20 concurrent calls ask Miro for no token', async () => {
    const { database, emulator: miro, app } = context;
    miro.signInAs(person(120, 'Lasting Token'));
    const browser = app.browser();
    expect((await signInThrough(browser, 'miro', '/api/me')).status).toBe(200);
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'miro').where('subject', '=', person(120, '').id).executeTakeFirstOrThrow();
    expect(await app.runtime.tokenStore.findToken(userId, 'miro')).toMatchObject({ refreshToken: null, expiresAt: null });
    await expectNoTokenRequestFor20Calls(miro, () => browser.request(`${APP_ORIGIN}/api/providers/miro/proxy/v2/boards`, { method: 'GET' }));
  });
});

describeKeepAlive(MIRO, {
  title: 'Miro refresh tokens (60 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 60, and the rotated refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startEmulator({ now }),
  person: person(201, 'Idle Person'),
  dueAfterDays: 53,
  // 63 days after sign-in: the first refresh token is past its 60 days (and was rotated out); the sweep's works.
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (miro, refreshToken) => {
    expect((await refreshAtMiro(miro, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(MIRO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
