import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startCanvasEmulator, type CanvasEmulator, type CanvasUser } from './canvas.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A developer key's id and secret of the shape Canvas shows them.
const CLIENT_ID = '170000000000123';
const CLIENT_SECRET = 'mQ7pX2vR9sT4wY6zA1bC3dE5fG8hJ0kL2nP4qS6uV8xZ1aB3cD5eF7gH9jK2mN4p';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/canvas/callback`;

function person(id: number, first: string, last: string): CanvasUser {
  const login = `${first.toLowerCase()}.${last.toLowerCase()}`;
  return { id, name: `${first} ${last}`, sortableName: `${last}, ${first}`, email: `${login}@school.example`, loginId: login };
}

/** Only the documented variables: the preset, the developer key, and the install's URL (the emulator's origin). */
function canvasEnv(canvas: CanvasEmulator): Record<string, string> {
  return presetEnv('canvas', CLIENT_ID, CLIENT_SECRET, { CANVAS_BASE_URL: canvas.origin });
}

const refreshAtCanvas = (canvas: CanvasEmulator, refreshToken: string) => refreshAtProvider(`${canvas.origin}/login/oauth2/token`, CLIENT, refreshToken, { by: 'form' });

const CANVAS: StandardProvider<CanvasUser, CanvasEmulator> = {
  preset: 'canvas',
  displayName: 'Canvas LMS',
  startEmulator: () => startCanvasEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: canvasEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const courses = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/canvas/proxy/v1/courses`);

describeEachDialect('Canvas LMS, against an emulator of a Canvas install', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CANVAS);

  const signIn = (user: CanvasUser) => signInAs(context, 'canvas', user);

  it("signs in as the id of /api/v1/users/self/profile with its name, primary e-mail (verification unknown) and login id; no scope, no PKCE, the client in the form, an hour's token and a refresh token", async () => {
    const { database, emulator: canvas, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.has('prompt')).toBe(false);
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 101, login_id: 'ada.lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@school.example', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'canvas');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = canvas.server.requests.find((r) => r.path === '/login/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the REST API under /api; 20 concurrent calls on an expired token make one refresh, which answers no refresh token: the one kept still refreshes, and the replaced access token is refused', async () => {
    const { emulator: canvas } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectKeptAfterStorm(context, 'canvas', userId, () => courses(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ id: 370663, enrollments: [{ user_id: 102 }] }]);
    expect(canvas.accepts(before.accessToken)).toBe(false);
    const again = await statusAndBody(refreshAtCanvas(canvas, after.refreshToken!));
    expect(again).toMatchObject({ status: 200, body: { token_type: 'Bearer', user: { id: 102 }, expires_in: 3600 } });
    expect(again.body).not.toHaveProperty('refresh_token');
  });

  it("the token deleted on the person's profile page: Canvas's invalid_request for the refresh token is read as refused, and the connection needs re-auth after one try", async () => {
    const { emulator: canvas } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'canvas');
    canvas.deleteToken(leaving);
    expect(await statusAndBody(refreshAtCanvas(canvas, stored!.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'refresh_token not found' } });
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'canvas', userId, () => courses(browser));
  });

  it('disconnect deletes the token with DELETE /login/oauth2/token, the access token as Bearer: it and its refresh token end', async () => {
    const { emulator: canvas } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'canvas', { browser, userId }, { requests: 1 });
    const sent = canvas.server.requests.filter((r) => r.path === '/login/oauth2/token' && r.method === 'DELETE').at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(canvas.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtCanvas(canvas, stored.refreshToken!)).status).toBe(400);
  });

  it("disconnect after the token was deleted on the profile page: Canvas's 401 counts as revoked", async () => {
    const { emulator: canvas, app } = context;
    const gone = person(105, 'Already', 'Gone');
    const { browser, userId } = await signIn(gone);
    canvas.deleteToken(gone);
    expect(await disconnectThrough(browser, 'canvas')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'canvas')).toBeUndefined();
  });

  it('the profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CANVAS, person(110, 'Outage', 'Profile'), (canvas) => canvas.failNextProfile(500));
  });

  standardCases(() => context, CANVAS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Canvas LMS with a developer key that enforces scopes', (dialect) => {
  const SCOPE = 'url:GET|/api/v1/users/:user_id/profile url:GET|/api/v1/courses';
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: CANVAS.startEmulator, env: (canvas) => ({ ...canvasEnv(canvas), CANVAS_SCOPE: SCOPE }) });

  it("asks the key's scopes, space-separated in one scope parameter, and keeps them with the token", async () => {
    const { app } = context;
    const { userId, request, browser } = await signInAs(context, 'canvas', person(120, 'Scoped', 'Key'));
    expect(request.getAll('scope')).toEqual([SCOPE]);
    expect(await app.runtime.tokenStore.findToken(userId, 'canvas')).toMatchObject({ scope: SCOPE });
    expect((await courses(browser)).status).toBe(200);
  });
});

describeClientFailures(CANVAS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the canvas preset in production', () => {
  const { settings, refusal } = presetInProduction('canvas', CLIENT);

  it("takes the install's URL, and needs it", () => {
    expect(settings({ CANVAS_BASE_URL: 'https://canvas.school.test/' })).toMatchObject({
      displayName: 'Canvas LMS',
      endpoints: { tokenEndpoint: 'https://canvas.school.test/login/oauth2/token', revocationEndpoint: 'https://canvas.school.test/login/oauth2/token' },
      apiBaseUrl: 'https://canvas.school.test/api',
    });
    expect(refusal({})).toContain('CANVAS_BASE_URL');
  });
});
