import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSketchfabEmulator, type SketchfabEmulator, type SketchfabUser } from './sketchfab.emulator.js';

// A client id and secret of the form Sketchfab issues (Django OAuth Toolkit's: 40 and 128 letters and digits).
const CLIENT_ID = 'Qm4Xr8Tz2Lp6Vn0Bc3Hd7Jf1Kw5Ys9Ga2Ue6Io0P';
const CLIENT_SECRET = 'S3cr4tK9mP2qL7vX1zN8bC5dF0gH6jW4tY2uR9eA3sD7fG1hJ5kL0zX8cV6bN2mQ4wE9rT3yU7iO1pA5sD0fG8hJ2kL6zX4cV9bN3mQ7wE1rT5yU0iO8pA2sD6fG4h';
const REDIRECT_URI = `${APP_ORIGIN}/auth/sketchfab/callback`;

function person(id: number, name: string): SketchfabUser {
  const username = name.toLowerCase().replace(/\W+/g, '');
  return { uid: `${id.toString(16).padStart(8, '0')}aa55aa55aa55aa55aa55aa55`, username, displayName: name, email: `${username}@example.com` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/v3/me moves with it). */
function sketchfabEnv(emulator: SketchfabEmulator): Record<string, string> {
  return presetEnv('sketchfab', CLIENT_ID, CLIENT_SECRET, {
    SKETCHFAB_AUTHORIZE_URL: `${emulator.origin}/oauth2/authorize/`,
    SKETCHFAB_ACCESS_TOKEN_URL: `${emulator.origin}/oauth2/token/`,
    SKETCHFAB_API_BASE_URL: `${emulator.origin}/v3`,
  });
}

/** A refresh at Sketchfab itself, as its page sends it (the client in the form). */
function refreshThere(emulator: SketchfabEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${emulator.origin}/oauth2/token/`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const SKETCHFAB: StandardProvider<SketchfabUser, SketchfabEmulator> = {
  preset: 'sketchfab',
  displayName: 'Sketchfab',
  startEmulator: () => startSketchfabEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: sketchfabEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.uid,
};

const models = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/sketchfab/proxy/me/models`);

describeEachDialect('Sketchfab, against an emulator of Sketchfab', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SKETCHFAB);

  const signIn = (user: SketchfabUser) => signInAs(context, 'sketchfab', user);

  it("signs in as the uid of /v3/me (not the username), with its display name and username and its e-mail unverified; no scope asked, no PKCE, the client in the form, month-long tokens with a refresh token and the answer's scope", async () => {
    const { database, emulator, app } = context;
    const mo = person(4012, 'Mo Deller');
    const { userId, request } = await signIn(mo);
    expect([...request.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'response_type', 'state']);
    expect(request.get('response_type')).toBe('code');
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe(mo.uid);
    expect(JSON.parse(stored.claims)).toMatchObject({ uid: mo.uid, name: 'Mo Deller', username: 'modeller' });
    const row = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ email: 'modeller@example.com', email_verified: null, name: 'Mo Deller' });
    const token = await app.runtime.tokenStore.findToken(userId, 'sketchfab');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read write' });
    expectAccessTokenLifetime(token, 2_591_900, 2_592_000);
    const exchange = emulator.server.requests.find((r) => r.path === '/oauth2/token/')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(emulator.tokenForms[0]).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(emulator.server.requests.filter((r) => r.path === '/v3/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy reaches the Data API v3; 20 concurrent calls on an expired token make one refresh, the rotated refresh token is kept, and the used one is refused', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(person(4013, 'Storm Person'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'sketchfab', userId, () => models(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ next: null, results: [{ uid: 'c0ffee00c0ffee00c0ffee00c0ffee00', name: 'Teapot' }] });
    expect(after.scope).toBe(before.scope);
    expect(emulator.tokenForms.at(-1)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(await statusAndBody(refreshThere(emulator, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed on Sketchfab marks the connection 'needs re-auth' after the API's 401, with one refused refresh", async () => {
    const { emulator } = context;
    const leaving = person(4014, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    emulator.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'sketchfab', userId, () => models(browser));
  });

  it("a refresh token Sketchfab no longer takes (rotated by another copy) marks the connection 'needs re-auth' once the access token ends", async () => {
    const { database, emulator, app } = context;
    const { browser, userId } = await signIn(person(4015, 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'sketchfab');
    expect((await refreshThere(emulator, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'sketchfab', userId, () => models(browser));
  });

  it('disconnect deletes the tokens here and asks Sketchfab nothing: it documents no revocation', async () => {
    const { emulator, app } = context;
    const { browser, userId } = await signIn(person(4016, 'Goodbye Person'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'sketchfab'))!;
    await expectDisconnectAsksNothing(context, 'sketchfab', { browser, userId });
    expect(emulator.accepts(accessToken)).toBe(true);
  });

  standardCases(() => context, SKETCHFAB, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

it("in production, the preset needs only the client: sketchfab.com's /oauth2/ endpoints and api.sketchfab.com/v3", () => {
  const settings = presetInProduction('sketchfab', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings).toMatchObject({
    endpoints: { authorizationEndpoint: 'https://sketchfab.com/oauth2/authorize/', tokenEndpoint: 'https://sketchfab.com/oauth2/token/', userinfoEndpoint: 'https://api.sketchfab.com/v3/me' },
    apiBaseUrl: 'https://api.sketchfab.com/v3',
  });
});

describeClientFailures(SKETCHFAB, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
