import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startZoomEmulator, type ZoomEmulator, type ZoomUser } from './zoom.emulator.js';

// Zoom's client ids hold `_` (and its secrets letters and digits): sent form-encoded (RFC 6749 §2.3.1), `_` would be `%5F`.
const CLIENT_ID = 'Zm_9xYtQ2Rk_wTest.Id';
const CLIENT_SECRET = 'zoom-test_secret.0123456789';
const REDIRECT_URI = `${APP_ORIGIN}/auth/zoom/callback`;

function person(id: string, displayName: string, verified: 0 | 1 = 1): ZoomUser {
  const [firstName = '', lastName = ''] = displayName.split(' ');
  return { id, firstName, lastName, displayName, email: `${firstName.toLowerCase() || id}@zoom.test`, verified };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function zoomEnv(zoom: ZoomEmulator): Record<string, string> {
  return presetEnv('zoom', CLIENT_ID, CLIENT_SECRET, {
    ZOOM_AUTHORIZE_URL: `${zoom.origin}/oauth/authorize`,
    ZOOM_ACCESS_TOKEN_URL: `${zoom.origin}/oauth/token`,
    ZOOM_USERINFO_URL: `${zoom.origin}/v2/users/me`,
    ZOOM_REVOCATION_URL: `${zoom.origin}/oauth/revoke`,
    ZOOM_API_BASE_URL: `${zoom.origin}/v2`,
  });
}

const ZOOM: StandardProvider<ZoomUser, ZoomEmulator> = {
  preset: 'zoom',
  displayName: 'Zoom',
  startEmulator: () => startZoomEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: zoomEnv,
  people: {
    'refused-code': person('z-refused-code-5', 'Refused Code'),
    'wrong-secret': person('z-wrong-7', 'Wrong Secret'),
    'exchange-failure': person('z-outage-8', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Zoom, against an emulator of Zoom', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ZOOM);

  const signIn = (user: ZoomUser) => signInAs(context, 'zoom', user);

  it('signs in as the Zoom user id with the display name and a verified e-mail; PKCE, plain Basic credentials, one-hour tokens', async () => {
    const { database, emulator: zoom, app } = context;
    const { userId, request } = await signIn(person('KDcuGIm1QgePTO8WbOqwIQ', 'Jill Chill'));
    expect(request.get('scope')).toBe('user:read:user');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('KDcuGIm1QgePTO8WbOqwIQ');
    expect(JSON.parse(account.claims)).toMatchObject({ email_verified: true, verified: 1 });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Jill Chill', email: 'jill@zoom.test' });
    const token = await app.runtime.tokenStore.findToken(userId, 'zoom');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    const exchange = zoom.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
  });

  it('without a display name the name is the first and last name; an unverified e-mail (verified: 0) is kept but not marked verified', async () => {
    const { database } = context;
    const { userId } = await signIn({ id: 'z-unverified-1', firstName: 'Ada', lastName: 'Byron', displayName: '', email: 'ada@zoom.test', verified: 0 });
    const account = await database.db.selectFrom('accounts').select(['claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(JSON.parse(account.claims)).toMatchObject({ email_verified: false, name: 'Ada Byron' });
    const user = await database.db.selectFrom('users').select(['name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.name).toBe('Ada Byron');
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, the rotated refresh token is kept, and Zoom refuses the old one', async () => {
    const { emulator: zoom } = context;
    const { browser, userId } = await signIn(person('z-storm-2', 'Storm Rotating'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'zoom', userId, () => browser.get(`${APP_ORIGIN}/api/providers/zoom/proxy/users/me`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ id: 'z-storm-2', display_name: 'Storm Rotating' });
    const replay = await fetch(`${zoom.origin}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refreshToken! }),
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });
  });

  it("a refresh token Zoom refuses (400 invalid_grant 'Invalid Token!') marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: zoom, app } = context;
    const { browser, userId } = await signIn(person('z-refused-3', 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'zoom');
    // Rotated behind the app's back (another copy of the token used it): Zoom no longer takes the stored one.
    const elsewhere = await fetch(`${zoom.origin}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored!.refreshToken! }),
    });
    expect(elsewhere.status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: zoom }, 'zoom', userId, () => browser.get(`${APP_ORIGIN}/api/providers/zoom/proxy/users/me`));
  });

  it('disconnect revokes at Zoom with the access token alone, as Zoom documents: one request, and the authorization ends', async () => {
    const { emulator: zoom } = context;
    const { browser, userId } = await signIn(person('z-leaving-4', 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'zoom', { browser, userId }, { requests: 1 });
    expect(zoom.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, ZOOM, { refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(ZOOM, {
  title: 'Zoom refresh tokens (90 days from each refresh) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 90, and the connection outlives that refresh token',
  startEmulator: (now) => startZoomEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person('z-idle-6', 'Idle Person'),
  dueAfterDays: 83,
  // Past the first refresh token's 90 days, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 14,
});

describeClientFailures(ZOOM, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
