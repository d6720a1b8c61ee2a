import { expect, it } from 'vitest';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAsanaEmulator, type AsanaEmulator, type AsanaUser } from './asana.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = '1204105362145398';
const CLIENT_SECRET = 'a4f9c1e27b8d3065f1e2a9c4b7d80e13';
const REDIRECT_URI = `${APP_ORIGIN}/auth/asana/callback`;
const DAY = 86_400;

function person(gid: string, name: string): AsanaUser {
  return { gid, name, email: `${name.split(' ')[0]!.toLowerCase()}@asana.test` };
}

/** Only the documented variables: the preset, the client, the scopes, and each endpoint pointed at the emulator. */
function asanaEnv(asana: AsanaEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('asana', CLIENT_ID, CLIENT_SECRET, {
    ASANA_SCOPE: 'users:read workspaces:read',
    ASANA_AUTHORIZE_URL: `${asana.origin}/-/oauth_authorize`,
    ASANA_ACCESS_TOKEN_URL: `${asana.origin}/-/oauth_token`,
    ASANA_REVOCATION_URL: `${asana.origin}/-/oauth_revoke`,
    ASANA_API_BASE_URL: `${asana.origin}/api/1.0`,
    ...extra,
  });
}

/** A refresh at Asana itself, as another copy of the token would make it. */
function refreshAtAsana(asana: AsanaEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${asana.origin}/-/oauth_token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const startEmulator = (now?: () => number) =>
  startAsanaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const ASANA: StandardProvider<AsanaUser, AsanaEmulator> = {
  preset: 'asana',
  displayName: 'Asana',
  startEmulator: () => startEmulator(),
  env: asanaEnv,
  people: {
    cancelled: person('1200551230', 'Changed Mind'),
    'refused-code': person('1200661340', 'Refused Code'),
    'wrong-secret': person('1200771450', 'Wrong Secret'),
    'exchange-failure': person('1200881560', 'Outage Person'),
  },
  subjectOf: (user) => user.gid,
};

describeEachDialect('Asana, against an emulator of Asana', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ASANA);

  const signIn = (user: AsanaUser) => signInAs(context, 'asana', user);

  it('signs in as the gid of /users/me (under data) with its name and e-mail (verification unknown); space-separated scopes, PKCE, the client in the body, one-hour tokens', async () => {
    const { database, emulator: asana, app } = context;
    const { userId, request } = await signIn(person('1199212345', 'Greg Sanchez'));
    expect(request.get('scope')).toBe('users:read workspaces:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1199212345');
    expect(JSON.parse(account.claims)).toMatchObject({ gid: '1199212345', resource_type: 'user', email: 'greg@asana.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Greg Sanchez', email: 'greg@asana.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'asana');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = asana.server.requests.find((r) => r.path === '/-/oauth_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(asana.server.requests.some((r) => r.path === '/api/1.0/users/me')).toBe(true);
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, and the refresh token, which Asana does not replace, is kept and still works', async () => {
    const { emulator: asana } = context;
    const { browser, userId } = await signIn(person('1199323456', 'Storm Static'));
    const { after, answers } = await expectKeptAfterStorm(context, 'asana', userId, () => browser.get(`${APP_ORIGIN}/api/providers/asana/proxy/workspaces`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ resource_type: 'workspace' }] });
    expect((await refreshAtAsana(asana, after.refreshToken!)).status).toBe(200);
  });

  it("a refresh token Asana refuses (400 invalid_grant: revoked behind the app's back) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: asana, app } = context;
    const { browser, userId } = await signIn(person('1199545678', 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'asana');
    const revoked = await fetch(`${asana.origin}/-/oauth_revoke`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored!.refreshToken! }) });
    expect(revoked.status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: asana }, 'asana', userId, () => browser.get(`${APP_ORIGIN}/api/providers/asana/proxy/users/me`));
  });

  it('disconnect revokes at /-/oauth_revoke with client_id, client_secret and the refresh token in the form, and the grant ends', async () => {
    const { emulator: asana } = context;
    const { browser, userId } = await signIn(person('1199656789', 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'asana', { browser, userId });
    expect(asana.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtAsana(asana, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, ASANA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Asana refresh tokens (no expiry) and the keep-alive sweep', (dialect) => {
  // Asana, the app and its sweep share one clock that moves only when told.
  const clock = testClock();
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startEmulator(clock.now), env: asanaEnv }, { now: clock.now });

  it('an unused connection is not swept (its refresh token does not expire), and a year on it still refreshes with the one refresh token', async () => {
    const { database, emulator: asana, app } = context;
    asana.signInAs(person('1199767890', 'Idle Person'));
    await signInThrough(app.browser(), 'asana');
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'asana').where('subject', '=', '1199767890').executeTakeFirstOrThrow();
    const signedInWith = await app.runtime.tokenStore.findToken(userId, 'asana');
    const refreshes = asana.server.counts.refresh_token ?? 0;
    clock.advance(365 * DAY);
    expect(await app.runtime.refreshKeepalive!.sweep()).toMatchObject({ due: 0 });
    const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'asana');
    expect(asana.server.counts.refresh_token).toBe(refreshes + 1);
    expect(asana.accepts(accessToken)).toBe(true);
    expect((await app.runtime.tokenStore.findToken(userId, 'asana'))!.refreshToken).toBe(signedInWith!.refreshToken);
  });
});

describeClientFailures(ASANA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
