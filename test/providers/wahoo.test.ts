import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWahooEmulator, type WahooEmulator, type WahooUser } from './wahoo.emulator.js';

// A client id and secret of the form Wahoo's developer portal shows (43 characters each).
const CLIENT_ID = 'vK3pX8qL2mN7rT4wY9zB1cD6fG0hJ5sA2eR8uI3oP7l';
const CLIENT_SECRET = 'Qw4Er7Ty2Ui9Op3As6Df1Gh8Jk5Lz0Xc4Vb7Nm2Mq9W';
const REDIRECT_URI = `${APP_ORIGIN}/auth/wahoo/callback`;

function person(id: number, first: string, last: string): WahooUser {
  return { id, first, last, email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the scope, and each endpoint pointed at the emulator (/v1/user moves with the API base). */
function wahooEnv(wahoo: WahooEmulator): Record<string, string> {
  return presetEnv('wahoo', CLIENT_ID, CLIENT_SECRET, {
    WAHOO_SCOPE: 'email user_read workouts_read',
    WAHOO_AUTHORIZE_URL: `${wahoo.origin}/oauth/authorize`,
    WAHOO_ACCESS_TOKEN_URL: `${wahoo.origin}/oauth/token`,
    WAHOO_API_BASE_URL: wahoo.origin,
  });
}

/** A refresh at Wahoo itself, as another copy of the token would make it. */
function refreshAtWahoo(wahoo: WahooEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${wahoo.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const WAHOO: StandardProvider<WahooUser, WahooEmulator> = {
  preset: 'wahoo',
  displayName: 'Wahoo',
  startEmulator: () => startWahooEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: wahooEnv,
  people: {
    cancelled: person(60108, 'Changed', 'Mind'),
    'refused-code': person(60109, 'Refused', 'Code'),
    'wrong-secret': person(60301, 'Wrong', 'Secret'),
    'exchange-failure': person(60302, 'Outage', 'Person'),
  },
  subjectOf: (user) => String(user.id),
};

const workouts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/wahoo/proxy/v1/workouts`);

describeEachDialect('Wahoo, against an emulator of Wahoo', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WAHOO);

  const signIn = (user: WahooUser) => signInAs(context, 'wahoo', user);

  it('signs in as the id of /v1/user with the first and last names and the e-mail (verification unknown); the scopes space-separated, PKCE S256, the client in the form, a two-hour token with a refresh token', async () => {
    const { database, emulator: wahoo, app } = context;
    const { userId, request } = await signIn(person(60101, 'Ada', 'Lovelace'));
    expect(request.get('scope')).toBe('email user_read workouts_read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('60101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 60101, given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'wahoo');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'email user_read workouts_read' });
    expectAccessTokenLifetime(token, 7100, 7200);
    expect(wahoo.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the Cloud API; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Wahoo takes the spent refresh token no more', async () => {
    const { emulator: wahoo } = context;
    const { browser, userId } = await signIn(person(60102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'wahoo', userId, () => workouts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ workouts: [{ id: 2501 }], total: 1 });
    expectAccessTokenLifetime(after, 7100, 7200);
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshAtWahoo(wahoo, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app disconnected in the person's Wahoo account marks the connection 'needs re-auth' after Wahoo's 401, with one refused refresh", async () => {
    const { emulator: wahoo } = context;
    const leaving = person(60103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    wahoo.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'wahoo', userId, () => workouts(browser));
  });

  it("disconnect ends the app's access with DELETE /v1/permissions, the access token as Bearer, and its tokens end", async () => {
    const { emulator: wahoo } = context;
    const { browser, userId } = await signIn(person(60104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'wahoo', { browser, userId }, { requests: 1 });
    const sent = wahoo.server.requests.filter((r) => r.path === '/v1/permissions').at(-1)!;
    expect(sent.method).toBe('DELETE');
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(wahoo.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtWahoo(wahoo, stored.refreshToken!)).status).toBe(400);
  });

  it("disconnect after the app was disconnected at Wahoo: Wahoo's 401 for the token it no longer has counts as revoked", async () => {
    const { emulator: wahoo, app } = context;
    const gone = person(60106, 'Already', 'Gone');
    const { browser, userId } = await signIn(gone);
    wahoo.removeApp(gone);
    expect(await disconnectThrough(browser, 'wahoo')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'wahoo')).toBeUndefined();
  });

  standardCases(() => context, WAHOO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Wahoo without the email scope', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: WAHOO.startEmulator, env: (wahoo) => ({ ...wahooEnv(wahoo), WAHOO_SCOPE: 'user_read workouts_read' }) });

  it('signs in by the id alone, named by first and last name, with no e-mail stored', async () => {
    const { database } = context;
    const { userId } = await signInAs(context, 'wahoo', person(60120, 'No', 'Email'));
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'No Email' });
  });
});

describeClientFailures(WAHOO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
