import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { POLAR_ACCESS_TOKEN_SECONDS, startPolarEmulator, type PolarEmulator, type PolarUser } from './polar.emulator.js';

// A client id and secret of the kind admin.polaraccesslink.com gives an API client (both UUIDs).
const CLIENT_ID = '57a715f8-b7e8-11e7-abc4-cec278b6b50a';
const CLIENT_SECRET = '62c54f4a-b7e8-11e7-abc4-cec278b6b50a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/polar/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const PLAIN_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: number, firstName: string, lastName: string): PolarUser {
  return { id: 40_512_000 + id, firstName, lastName };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base. */
function polarEnv(polar: PolarEmulator): Record<string, string> {
  return presetEnv('polar', CLIENT_ID, CLIENT_SECRET, {
    POLAR_AUTHORIZE_URL: `${polar.origin}/oauth2/authorization`,
    POLAR_ACCESS_TOKEN_URL: `${polar.origin}/v2/oauth2/token`,
    POLAR_API_BASE_URL: `${polar.origin}/v3`,
  });
}

const POLAR: StandardProvider<PolarUser, PolarEmulator> = {
  preset: 'polar',
  displayName: 'Polar AccessLink',
  startEmulator: () => startPolarEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: polarEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const proxied = (path: string) => `${APP_ORIGIN}/api/providers/polar/proxy${path}`;
const register = async (browser: TestBrowser, memberId: string) => browser.request(proxied('/users'), { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { 'member-id': memberId } });
const information = (browser: TestBrowser, user: PolarUser) => browser.get(proxied(`/users/${user.id}`));

describeEachDialect('Polar AccessLink, against an emulator of AccessLink', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), POLAR);

  const signIn = (user: PolarUser) => signInAs(context, 'polar', user);

  it('signs in as the x_user_id of the token answer (no profile call), no scope and no PKCE asked, the client as plain Basic with the redirect_uri again, a ten-year token and no refresh token', async () => {
    const { database, emulator: polar, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const exchange = polar.server.requests.find((r) => r.path === '/v2/oauth2/token')!;
    expect(exchange.headers.authorization).toBe(PLAIN_BASIC);
    expect(polar.server.requests.filter((r) => r.path.startsWith('/v3'))).toEqual([]);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toEqual({ id: String(ada.id) });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'polar');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, POLAR_ACCESS_TOKEN_SECONDS - 100, POLAR_ACCESS_TOKEN_SECONDS);
  });

  it("the app registers the user through the proxy (POST /v3/users with a member-id), after which their information is read; Polar's 404 before and 409 on a second registration pass back as they came", async () => {
    const { emulator: polar } = context;
    const grace = person(102, 'Grace', 'Hopper');
    const { browser } = await signIn(grace);
    expect((await information(browser, grace)).status).toBe(404);
    const registered = await register(browser, 'app-user-102');
    expect(registered.status).toBe(200);
    expect(JSON.parse(registered.text)).toMatchObject({ 'polar-user-id': grace.id, 'member-id': 'app-user-102' });
    expect(polar.registrations.get(grace.id)).toBe('app-user-102');
    expect((await register(browser, 'app-user-102')).status).toBe(409);
    const read = await information(browser, grace);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text)).toMatchObject({ 'polar-user-id': grace.id, 'first-name': 'Grace', 'last-name': 'Hopper' });
    expect((await browser.get(proxied(`/users/${grace.id + 1}`))).status).toBe(403);
  });

  it('20 concurrent calls ask Polar for no token, as there is nothing to refresh', async () => {
    const { emulator: polar, app } = context;
    const runner = person(103, 'Concurrent', 'Runner');
    const { browser, userId } = await signIn(runner);
    await register(browser, 'app-user-103');
    const tokenRequests = polar.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => information(browser, runner)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const stored = await app.runtime.tokenStore.findToken(userId, 'polar');
    expect(polar.server.requests.filter((r) => r.path === `/v3/users/${runner.id}`).at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect(polar.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the client's access ended in Polar Flow (a 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: polar } = context;
    const leaving = person(104, 'Leaving', 'Runner');
    const { browser, userId } = await signIn(leaving);
    await register(browser, 'app-user-104');
    polar.removeAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'polar', userId, () => information(browser, leaving));
  });

  it('de-registration is the app’s own DELETE /v3/users/{user-id} through the proxy, which ends the token; disconnect then asks Polar nothing', async () => {
    const { emulator: polar, app } = context;
    const going = person(105, 'Goodbye', 'Runner');
    const { browser, userId } = await signIn(going);
    await register(browser, 'app-user-105');
    const stored = (await app.runtime.tokenStore.findToken(userId, 'polar'))!;
    const deleted = await browser.request(proxied(`/users/${going.id}`), { method: 'DELETE', headers: { 'x-csrf-token': await csrfTokenOf(browser) } });
    expect(deleted.status).toBe(204);
    expect(polar.registrations.has(going.id)).toBe(false);
    expect(polar.accepts(stored.accessToken)).toBe(false);
    await expectDisconnectAsksNothing(context, 'polar', { browser, userId });
  });

  it('the token endpoint refuses the client in the form: only HTTP Basic is taken', async () => {
    const { emulator: polar } = context;
    const response = await fetch(`${polar.origin}/v2/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'any', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(response.status).toBe(401);
  });

  standardCases(() => context, POLAR, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(POLAR, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Polar AccessLink in production', () => {
  it('with the client alone, signs in at flow.polar.com, takes tokens at polarremote.com with the client as plain Basic, and calls www.polaraccesslink.com/v3', () => {
    const settings = presetInProduction('polar', CLIENT).settings({});
    expect(settings).toMatchObject({
      displayName: 'Polar AccessLink',
      endpoints: { authorizationEndpoint: 'https://flow.polar.com/oauth2/authorization', tokenEndpoint: 'https://polarremote.com/v2/oauth2/token' },
      scope: '',
      apiBaseUrl: 'https://www.polaraccesslink.com/v3',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
  });
});
