import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startOsuEmulator, type OsuEmulator, type OsuUser } from './osu.emulator.js';

// A client id and secret of the form osu!'s account settings page shows.
const CLIENT_ID = '31337';
const CLIENT_SECRET = 'kP3vX9qR7tW2yZ5bN8mC1dF4gH6jL0sAeU2iO9pQ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/osu/callback`;

function person(id: number, username: string, restricted = false): OsuUser {
  return { id: 7_560_000 + id, username, countryCode: 'AU', restricted };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function osuEnv(osu: OsuEmulator): Record<string, string> {
  return presetEnv('osu', CLIENT_ID, CLIENT_SECRET, {
    OSU_AUTHORIZE_URL: `${osu.origin}/oauth/authorize`,
    OSU_ACCESS_TOKEN_URL: `${osu.origin}/oauth/token`,
    OSU_API_BASE_URL: `${osu.origin}/api/v2`,
  });
}

/** A refresh at osu! itself, as another copy of the token would make it. */
function refreshAtOsu(osu: OsuEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${osu.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', headers: { accept: 'application/json' } });
}

const OSU: StandardProvider<OsuUser, OsuEmulator> = {
  preset: 'osu',
  displayName: 'osu!',
  startEmulator: () => startOsuEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: osuEnv,
  people: {
    cancelled: person(108, 'ChangedMind'),
    'refused-code': person(109, 'RefusedCode'),
    'wrong-secret': person(301, 'WrongSecret'),
    'exchange-failure': person(302, 'OutagePerson'),
  },
  subjectOf: (user) => String(user.id),
};

const bestScores = (browser: TestBrowser, user: OsuUser) => browser.get(`${APP_ORIGIN}/api/providers/osu/proxy/users/${user.id}/scores/best?mode=osu&limit=2`);

describeEachDialect('osu!, against an emulator of osu!', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), OSU);

  const signIn = (user: OsuUser) => signInAs(context, 'osu', user);

  it('signs in as the numeric id of /me, never the username, with the username as the name and no e-mail; identify and public asked with a state, no PKCE, the client in the form, day-long tokens with a refresh token', async () => {
    const { database, emulator: osu, app } = context;
    const cookiezi = person(101, 'chocomint');
    const { userId, request } = await signIn(cookiezi);
    expect(request.get('scope')).toBe('identify public');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(cookiezi.id));
    const claims = JSON.parse(account.claims);
    expect(claims).toMatchObject({ id: cookiezi.id, preferred_username: 'chocomint', country_code: 'AU', is_restricted: false });
    expect(claims).not.toHaveProperty('statistics');
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'chocomint' });
    const token = await app.runtime.tokenStore.findToken(userId, 'osu');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'identify public' });
    expectAccessTokenLifetime(token, 86_300, 86_400);
    expect(osu.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
  });

  it('a restricted person can still sign in, and is_restricted says so for the app to decide', async () => {
    const { database } = context;
    const { userId } = await signIn(person(105, 'Restricted', true));
    const account = await database.db.selectFrom('accounts').select('claims').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(JSON.parse(account.claims)).toMatchObject({ is_restricted: true });
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh without narrowing its scope, the new refresh token is kept, and the used one is refused', async () => {
    const { emulator: osu } = context;
    const player = person(102, 'WhiteCat');
    const { browser, userId } = await signIn(player);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'osu', userId, () => bestScores(browser, player));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ user_id: player.id, rank: 'S' }, { user_id: player.id }]);
    expect(osu.refreshScopes.at(-1)).toBeNull();
    expect(after.scope).toBe('identify public');
    expect(await statusAndBody(refreshAtOsu(osu, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant', hint: 'Token has been revoked' } });
  });

  it("the app revoked on the person's account settings page marks the connection 'needs re-auth' after osu!'s 401, with one refused refresh", async () => {
    const { emulator: osu, app } = context;
    const leaving = person(103, 'LeavingSoon');
    const { browser, userId } = await signIn(leaving);
    osu.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: osu }, 'osu', userId, () => bestScores(browser, leaving));
  });

  it('disconnect revokes the token with DELETE /oauth/tokens/current, the access token as Bearer, and its refresh token ends with it', async () => {
    const { emulator: osu } = context;
    const { browser, userId } = await signIn(person(104, 'GoodbyePerson'));
    const stored = await expectDisconnectRevokes(context, 'osu', { browser, userId }, { requests: 1 });
    const sent = osu.server.requests.filter((r) => r.path === '/api/v2/oauth/tokens/current').at(-1)!;
    expect(sent.method).toBe('DELETE');
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(osu.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtOsu(osu, stored.refreshToken!)).status).toBe(400);
  });

  it("disconnect after the app was revoked: osu!'s 401 for the token it no longer has counts as revoked", async () => {
    const { emulator: osu, app } = context;
    const gone = person(106, 'AlreadyGone');
    const { browser, userId } = await signIn(gone);
    osu.removeApp(gone);
    expect(await disconnectThrough(browser, 'osu')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'osu')).toBeUndefined();
  });

  standardCases(() => context, OSU, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(OSU, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
