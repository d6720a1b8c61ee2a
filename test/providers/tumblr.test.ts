import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTumblrEmulator, type TumblrEmulator, type TumblrUser } from './tumblr.emulator.js';

// An OAuth consumer key and secret of the length Tumblr's app page shows.
const CLIENT_ID = 'PyezS3Q4Smivb24d9SzZGYSuhIaMfAkE8wQjRvXcNmLbTgHdKf';
const CLIENT_SECRET = 'Qm2vXc8NbLk4JhGf6DsA1pOiUy7TrEw3ZxCvBnMa9SdFgHjKlQ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/tumblr/callback`;

function person(uuid: string, name: string, title: string): TumblrUser {
  return { uuid: `t:${uuid}`, name, title };
}

/** The documented variables only: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function tumblrEnv(tumblr: TumblrEmulator): Record<string, string> {
  return presetEnv('tumblr', CLIENT_ID, CLIENT_SECRET, {
    TUMBLR_AUTHORIZE_URL: `${tumblr.origin}/oauth2/authorize`,
    TUMBLR_ACCESS_TOKEN_URL: `${tumblr.origin}/v2/oauth2/token`,
    TUMBLR_API_BASE_URL: tumblr.origin,
  });
}

/** A refresh at Tumblr itself, as another copy of the token would make it. */
function refreshAtTumblr(tumblr: TumblrEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${tumblr.origin}/v2/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const TUMBLR: StandardProvider<TumblrUser, TumblrEmulator> = {
  preset: 'tumblr',
  displayName: 'Tumblr',
  startEmulator: () => startTumblrEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: tumblrEnv,
  people: {
    cancelled: person('cHaNgEdMiNd0108', 'changed-mind', 'Changed Mind'),
    'refused-code': person('rEfUsEdCoDe0109', 'refused-code', 'Refused Code'),
    'wrong-secret': person('wRoNgSeCrEt0301', 'wrong-secret', 'Wrong Secret'),
    'exchange-failure': person('oUtAgE00000302', 'outage-person', 'Outage Person'),
  },
  subjectOf: (user) => user.uuid,
};

const dashboard = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/tumblr/proxy/v2/user/dashboard?limit=2`);

describeEachDialect('Tumblr, against an emulator of Tumblr', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TUMBLR);

  const signIn = (user: TumblrUser) => signInAs(context, 'tumblr', user);

  it("signs in as the primary blog's uuid (not the short name), named by its title, no e-mail; basic and offline_access asked, no PKCE, the client in the form; Tumblr's id_token: false is left out; a 42-minute token with a refresh token", async () => {
    const { database, emulator: tumblr, app } = context;
    const { userId, request } = await signIn(person('0aY0xL2Fi1OFJg4YxpmegQ', 'staff', 'Tumblr Staff'));
    expect(request.get('scope')).toBe('basic offline_access');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toBeTruthy();
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('t:0aY0xL2Fi1OFJg4YxpmegQ');
    expect(JSON.parse(account.claims)).toMatchObject({ uuid: 't:0aY0xL2Fi1OFJg4YxpmegQ', preferred_username: 'staff', name: 'Tumblr Staff', blog_url: 'https://staff.tumblr.com/' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Tumblr Staff' });
    const token = await app.runtime.tokenStore.findToken(userId, 'tumblr');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'basic offline_access' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(2400);
    expect(lifetime).toBeLessThanOrEqual(2520);
    const exchange = tumblr.server.requests.find((r) => r.path === '/v2/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(tumblr.server.requests.find((r) => r.path === '/v2/user/info')!.headers['user-agent']).toBeTruthy();
  });

  it('a new short name is the same person: the subject is the blog uuid', async () => {
    const { database } = context;
    const first = await signIn(person('rEnAmEd00000103', 'old-name', 'Renamed'));
    const again = await signIn(person('rEnAmEd00000103', 'new-name', 'Renamed'));
    expect(again.userId).toBe(first.userId);
    const claims = await database.db.selectFrom('accounts').select('claims').where('user_id', '=', first.userId).executeTakeFirstOrThrow();
    expect(JSON.parse(claims.claims)).toMatchObject({ preferred_username: 'new-name' });
  });

  it('the proxy calls the API v2 with a User-Agent; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and the spent refresh token is refused (401)', async () => {
    const { emulator: tumblr } = context;
    const { browser, userId } = await signIn(person('aLaNtUrInG00102', 'alan', 'Alan Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'tumblr', userId, () => dashboard(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ meta: { status: 200, msg: 'OK' }, response: { posts: [{ id: 6828225215 }, { id: 6828225216 }] } });
    expect(tumblr.server.requests.filter((r) => r.path.startsWith('/v2/user/dashboard')).every((r) => Boolean(r.headers['user-agent']))).toBe(true);
    expect(after.scope).toBe('basic offline_access');
    expect((await refreshAtTumblr(tumblr, before.refreshToken!)).status).toBe(401);
  });

  it("access ended at Tumblr marks the connection 'needs re-auth' after Tumblr's 401 to the refresh, with one refused refresh", async () => {
    const { emulator: tumblr } = context;
    const leaving = person('lEaViNgSoOn0104', 'leaving', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    tumblr.endAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'tumblr', userId, () => dashboard(browser));
  });

  it('disconnect deletes the token and asks Tumblr nothing (it documents no revocation); the token still works there', async () => {
    const { emulator: tumblr, app } = context;
    const { browser, userId } = await signIn(person('gOoDbYe00000105', 'goodbye', 'Goodbye'));
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'tumblr'))!.accessToken;
    await expectDisconnectAsksNothing(context, 'tumblr', { browser, userId });
    expect(tumblr.accepts(accessToken)).toBe(true);
  });

  it('/v2/user/info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TUMBLR, person('oUtAgEpRoF00110', 'outage-profile', 'Outage Profile'), (tumblr) => tumblr.failNextUserInfo(500));
  });

  standardCases(() => context, TUMBLR, { cancelled: {}, refusedCode: { sentAs: '401 invalid_grant' } });
});

describeEachDialect('Tumblr without offline_access', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: TUMBLR.startEmulator, env: (tumblr) => ({ ...tumblrEnv(tumblr), TUMBLR_SCOPE: 'basic' }) });

  it('keeps no refresh token; once the access token ends, the connection needs signing in again and Tumblr is asked for no token', async () => {
    const { database, emulator: tumblr, app } = context;
    const { browser, userId } = await signInAs(context, 'tumblr', person('sHoRtLiVeD00120', 'short', 'Short Lived'));
    expect(await app.runtime.tokenStore.findToken(userId, 'tumblr')).toMatchObject({ refreshToken: null, scope: 'basic' });
    expect((await dashboard(browser)).status).toBe(200);
    await expireAccessTokens(database, userId);
    const tokenRequests = tumblr.server.counts.token_request ?? 0;
    const call = await dashboard(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(tumblr.server.counts.token_request ?? 0).toBe(tokenRequests);
  });
});

describeClientFailures(TUMBLR, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
