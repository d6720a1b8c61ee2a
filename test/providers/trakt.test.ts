import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTraktEmulator, type TraktEmulator, type TraktUser } from './trakt.emulator.js';

// A client id and secret of the form Trakt's app page shows (64 hex digits each).
const CLIENT_ID = '9b36d8c0db59eff5038aea7a417d73e69aea75b41aac771816d2ef1b3109cc2f';
const CLIENT_SECRET = 'd6ea27703957b69939b8104ed4524595e210cd2e79af587744a7eb6e58f5b3d2';
const REDIRECT_URI = `${APP_ORIGIN}/auth/trakt/callback`;

function person(uuid: string, username: string, name: string): TraktUser {
  return { uuid, username, name };
}

/** The documented variables only: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function traktEnv(trakt: TraktEmulator): Record<string, string> {
  return presetEnv('trakt', CLIENT_ID, CLIENT_SECRET, {
    TRAKT_AUTHORIZE_URL: `${trakt.origin}/oauth/authorize`,
    TRAKT_ACCESS_TOKEN_URL: `${trakt.origin}/oauth/token`,
    TRAKT_REVOCATION_URL: `${trakt.origin}/oauth/revoke`,
    TRAKT_API_BASE_URL: trakt.origin,
  });
}

/** A refresh at Trakt itself, as another copy of the token would make it. */
function refreshAtTrakt(trakt: TraktEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${trakt.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI }),
  });
}

const TRAKT: StandardProvider<TraktUser, TraktEmulator> = {
  preset: 'trakt',
  displayName: 'Trakt',
  startEmulator: () => startTraktEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: traktEnv,
  people: {
    cancelled: person('8c5c5d2e-0108-4f0e-9d0a-6f1c2b3a4d5e', 'changed_mind', 'Changed Mind'),
    'refused-code': person('8c5c5d2e-0109-4f0e-9d0a-6f1c2b3a4d5e', 'refused_code', 'Refused Code'),
    'wrong-secret': person('8c5c5d2e-0301-4f0e-9d0a-6f1c2b3a4d5e', 'wrong_secret', 'Wrong Secret'),
    'exchange-failure': person('8c5c5d2e-0302-4f0e-9d0a-6f1c2b3a4d5e', 'outage_person', 'Outage Person'),
  },
  subjectOf: (user) => user.uuid,
};

const lastActivities = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/trakt/proxy/sync/last_activities`);

describeEachDialect('Trakt, against an emulator of Trakt', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TRAKT);

  const signIn = (user: TraktUser) => signInAs(context, 'trakt', user);

  it("signs in as the uuid of /users/settings (not the username), named by its name, no e-mail; no scope and no PKCE asked; the code exchanged in a JSON body with the client in it; the profile read with trakt-api-key and trakt-api-version; a 7-day token with a refresh token", async () => {
    const { database, emulator: trakt, app } = context;
    const { userId, request } = await signIn(person('3f2c6a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b', 'sean', 'Sean Rudford'));
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('3f2c6a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b');
    expect(JSON.parse(account.claims)).toMatchObject({ preferred_username: 'sean', name: 'Sean Rudford', slug: 'sean' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Sean Rudford' });
    const token = await app.runtime.tokenStore.findToken(userId, 'trakt');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'public' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(7 * 24 * 3600 - 100);
    expect(lifetime).toBeLessThanOrEqual(7 * 24 * 3600);
    const exchange = trakt.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange.headers.authorization).toBeUndefined();
    const settings = trakt.server.requests.find((r) => r.path === '/users/settings')!;
    expect(settings.headers['trakt-api-key']).toBe(CLIENT_ID);
    expect(settings.headers['trakt-api-version']).toBe('2');
  });

  it('the proxy calls the API with the required headers; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and the spent refresh token is refused', async () => {
    const { emulator: trakt } = context;
    const { browser, userId } = await signIn(person('3f2c6a1e-0102-4e8f-9a0b-1c2d3e4f5a6b', 'alan', 'Alan Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'trakt', userId, () => lastActivities(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ all: '2026-12-05T20:41:12.000Z' });
    const calls = trakt.server.requests.filter((r) => r.path === '/sync/last_activities');
    expect(calls.every((r) => r.headers['trakt-api-key'] === CLIENT_ID && r.headers['trakt-api-version'] === '2')).toBe(true);
    expect(await statusAndBody(refreshAtTrakt(trakt, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app revoked in the person's Trakt settings marks the connection 'needs re-auth' after Trakt's 401, with one refused refresh", async () => {
    const { emulator: trakt } = context;
    const leaving = person('3f2c6a1e-0103-4e8f-9a0b-1c2d3e4f5a6b', 'leaving', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    trakt.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'trakt', userId, () => lastActivities(browser));
  });

  it('disconnect revokes the access token at /oauth/revoke with a JSON body of the token and the client, and its tokens end', async () => {
    const { emulator: trakt, app } = context;
    const { browser, userId } = await signIn(person('3f2c6a1e-0104-4e8f-9a0b-1c2d3e4f5a6b', 'goodbye', 'Goodbye Person'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'trakt');
    expect(await disconnectThrough(browser, 'trakt')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(trakt.revocations.at(-1)).toEqual({ token: stored!.accessToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(trakt.server.requests.filter((r) => r.path === '/oauth/revoke').at(-1)!.headers['content-type']).toMatch(/^application\/json/);
    expect(trakt.accepts(stored!.accessToken)).toBe(false);
    expect((await refreshAtTrakt(trakt, stored!.refreshToken!)).status).toBe(400);
    expect(await app.runtime.tokenStore.findToken(userId, 'trakt')).toBeUndefined();
  });

  it('/users/settings failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TRAKT, person('3f2c6a1e-0110-4e8f-9a0b-1c2d3e4f5a6b', 'outage_profile', 'Outage Profile'), (trakt) => trakt.failNextSettings(500));
  });

  standardCases(() => context, TRAKT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TRAKT, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });
