import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { PANOPTES_ACCEPT, ZOONIVERSE_ACCESS_TOKEN_SECONDS, startZooniverseEmulator, type ZooniverseEmulator, type ZooniverseUser } from './zooniverse.emulator.js';

// A client id and secret of the form Doorkeeper gives an application (43 URL-safe characters each).
const CLIENT_ID = 'Qm3vT8xK2pL9wR4nB7cF1hJ6dS0aZ5yU3eG8iO2tV4k';
const CLIENT_SECRET = 'Xn7bW2qE9rT4yU1iO6pA3sD8fG5hJ0kL2zC7vB4nM9q';
const REDIRECT_URI = `${APP_ORIGIN}/auth/zooniverse/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, displayName: string, confirmedAt: string | null = '2024-01-25T17:33:01.000Z'): ZooniverseUser {
  const login = displayName.toLowerCase().replace(/\W+/g, '_');
  return { id, login, displayName, email: `${login}@volunteers.test`, confirmedAt };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/api/me moves with it). */
function zooniverseEnv(zooniverse: ZooniverseEmulator): Record<string, string> {
  return presetEnv('zooniverse', CLIENT_ID, CLIENT_SECRET, {
    ZOONIVERSE_AUTHORIZE_URL: `${zooniverse.origin}/oauth/authorize`,
    ZOONIVERSE_ACCESS_TOKEN_URL: `${zooniverse.origin}/oauth/token`,
    ZOONIVERSE_API_BASE_URL: `${zooniverse.origin}/api`,
  });
}

const ZOONIVERSE: StandardProvider<ZooniverseUser, ZooniverseEmulator> = {
  preset: 'zooniverse',
  displayName: 'Zooniverse',
  startEmulator: () => startZooniverseEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: zooniverseEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Zooniverse, against an emulator of Panoptes', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ZOONIVERSE);

  const signIn = (user: ZooniverseUser) => signInAs(context, 'zooniverse', user);
  const projects = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/zooniverse/proxy/projects`);

  it('signs in as the id of /api/me (read with the Accept header Panoptes requires), with its display name, login and confirmed e-mail; user public, no PKCE, the client in the form, a 2-hour token with a refresh token', async () => {
    const { database, emulator: zooniverse, app } = context;
    const { userId, request } = await signIn(person(9999999, 'Stuart Lynn'));
    expect(request.get('scope')).toBe('user public');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('9999999');
    expect(JSON.parse(account.claims)).toEqual({ id: '9999999', name: 'Stuart Lynn', preferred_username: 'stuart_lynn', credited_name: 'Stuart Lynn', email: 'stuart_lynn@volunteers.test', email_verified: true });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Stuart Lynn', email: 'stuart_lynn@volunteers.test' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'zooniverse');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'user public' });
    expectAccessTokenLifetime(token, ZOONIVERSE_ACCESS_TOKEN_SECONDS - 100, ZOONIVERSE_ACCESS_TOKEN_SECONDS);
    const exchange = zooniverse.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    const form = zooniverse.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    const me = zooniverse.server.requests.filter((r) => r.path === '/api/me').at(-1)!;
    expect(me.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(me.headers.accept).toBe(PANOPTES_ACCEPT);
  });

  it('an e-mail not yet confirmed is stored unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(101, 'New Volunteer', null));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('new_volunteer@volunteers.test');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the API with the Accept header; 20 concurrent calls on an expired token make one refresh with the client in the form, the new pair is kept, and Panoptes takes the spent refresh token no more', async () => {
    const { emulator: zooniverse } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await projects(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ projects: [{ display_name: 'Galaxy Zoo' }] });
    expect(zooniverse.server.requests.filter((r) => r.path === '/api/projects').at(-1)!.headers.accept).toBe(PANOPTES_ACCEPT);
    const { before, after } = await expectRotatedAfterStorm(context, 'zooniverse', userId, () => projects(browser));
    expectAccessTokenLifetime(after, ZOONIVERSE_ACCESS_TOKEN_SECONDS - 100, ZOONIVERSE_ACCESS_TOKEN_SECONDS);
    const refresh = zooniverse.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(await statusAndBody(refreshAtProvider(`${zooniverse.origin}/oauth/token`, CLIENT, before.refreshToken!, { by: 'form' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('Panoptes answers 404 to an API call without its Accept header, and 401 to a token it does not take', async () => {
    const { emulator: zooniverse } = context;
    expect((await fetch(`${zooniverse.origin}/api/projects`, { headers: { authorization: 'Bearer not-a-token', accept: 'application/json' } })).status).toBe(404);
    expect((await fetch(`${zooniverse.origin}/api/projects`, { headers: { authorization: 'Bearer not-a-token', accept: PANOPTES_ACCEPT } })).status).toBe(401);
  });

  it("the application revoked by the person marks the connection 'needs re-auth' after one refresh Panoptes refuses", async () => {
    const { emulator: zooniverse } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    zooniverse.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'zooniverse', userId, () => projects(browser));
  });

  it('disconnect deletes the tokens here and asks Panoptes nothing: Zooniverse documents no revocation endpoint', async () => {
    const { emulator: zooniverse, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'zooniverse'))!;
    await expectDisconnectAsksNothing(context, 'zooniverse', { browser, userId });
    expect(zooniverse.accepts(stored.accessToken)).toBe(true);
  });

  it('/api/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, ZOONIVERSE, person(110, 'Outage Again'), (zooniverse) => zooniverse.failNextProfile(500));
  });

  standardCases(() => context, ZOONIVERSE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ZOONIVERSE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls Zooniverse itself: signin.zooniverse.org for OAuth, /api/me and the API, with Panoptes’s Accept header', () => {
  const settings = presetInProduction('zooniverse', CLIENT).settings({});
  expect(settings).toMatchObject({
    displayName: 'Zooniverse',
    endpoints: { authorizationEndpoint: 'https://signin.zooniverse.org/oauth/authorize', tokenEndpoint: 'https://signin.zooniverse.org/oauth/token', userinfoEndpoint: 'https://signin.zooniverse.org/api/me' },
    scope: 'user public',
    apiBaseUrl: 'https://signin.zooniverse.org/api',
    apiHeaders: { accept: PANOPTES_ACCEPT },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
  });
});
