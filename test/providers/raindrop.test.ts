import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startRaindropEmulator, type RaindropEmulator, type RaindropUser } from './raindrop.emulator.js';

// A client id and secret of the form Raindrop.io's pages show (a 24-hex-digit id, a UUID secret).
const CLIENT_ID = '5e1c589cf6f48c0211311383';
const CLIENT_SECRET = 'c3363988-9d27-4bc6-a0ae-d126ce78dc09';
const REDIRECT_URI = `${APP_ORIGIN}/auth/raindrop/callback`;

function person(id: number, fullName: string): RaindropUser {
  return { id: 1_000_000 + id, fullName, email: `${fullName.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/user moves with it). */
function raindropEnv(raindrop: RaindropEmulator): Record<string, string> {
  return presetEnv('raindrop', CLIENT_ID, CLIENT_SECRET, {
    RAINDROP_AUTHORIZE_URL: `${raindrop.origin}/oauth/authorize`,
    RAINDROP_ACCESS_TOKEN_URL: `${raindrop.origin}/oauth/access_token`,
    RAINDROP_API_BASE_URL: `${raindrop.origin}/rest/v1`,
  });
}

/** A refresh at Raindrop.io itself, as another copy of the token would make it: the JSON body its pages document. */
function refreshAtRaindrop(raindrop: RaindropEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${raindrop.origin}/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const RAINDROP: StandardProvider<RaindropUser, RaindropEmulator> = {
  preset: 'raindrop',
  displayName: 'Raindrop.io',
  startEmulator: () => startRaindropEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: raindropEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const collections = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/raindrop/proxy/collections`);

describeEachDialect('Raindrop.io, against an emulator of Raindrop.io', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), RAINDROP);

  const signIn = (user: RaindropUser) => signInAs(context, 'raindrop', user);

  it('signs in as the _id of /rest/v1/user with its fullName and e-mail (verification unknown); no scope and no PKCE asked, the code exchanged as JSON with the client in it, a two-week token with a refresh token', async () => {
    const { database, emulator: raindrop, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toMatchObject({ id: String(ada.id), pro: false });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@example.com', email_verified: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'raindrop');
    expect(token).toMatchObject({ refreshToken: expect.any(String), tokenType: 'bearer' });
    expectAccessTokenLifetime(token, 1_209_599 - 100, 1_209_599);
    const exchange = raindrop.server.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(exchange.headers['content-type']).toBe('application/json');
    expect(exchange.headers.authorization).toBeUndefined();
    expect(raindrop.server.requests.filter((r) => r.path === '/rest/v1/user').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls REST API v1 with the token as Bearer; 20 concurrent calls on an expired token make one JSON refresh, the new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: raindrop } = context;
    const alan = person(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'raindrop', userId, () => collections(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ result: true, items: [{ _id: 8492393, title: 'Development', user: { $id: alan.id } }] });
    expect(raindrop.server.requests.filter((r) => r.path === '/oauth/access_token').at(-1)!.headers['content-type']).toBe('application/json');
    expect(raindrop.server.requests.filter((r) => r.path === '/rest/v1/collections').at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
    expectAccessTokenLifetime(after, 1_209_599 - 100, 1_209_599);
    expect(await statusAndBody(refreshAtRaindrop(raindrop, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a grant ended at Raindrop.io (its 401 Unauthorized) marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: raindrop } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    expect((await collections(browser)).status).toBe(200);
    raindrop.endGrants(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'raindrop', userId, () => collections(browser));
  });

  it('disconnect deletes the tokens here and asks Raindrop.io nothing: it documents no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'raindrop', { browser, userId });
  });

  it('an application Raindrop.io suspended (error=invalid_application_status) is told as such, no code is exchanged, and nothing is stored', async () => {
    const { database, emulator: raindrop, app } = context;
    const before = await rowCounts(database);
    const exchanges = raindrop.server.counts.authorization_code ?? 0;
    raindrop.signInAs(person(105, 'Suspended App'));
    raindrop.suspendApplication(true);
    try {
      const page = await signInThrough(app.browser(), 'raindrop');
      expect(page.status).toBe(400);
      expect(page.text).toContain('Raindrop.io could not complete the sign-in (invalid_application_status).');
    } finally {
      raindrop.suspendApplication(false);
    }
    expect(raindrop.server.counts.authorization_code ?? 0).toBe(exchanges);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, RAINDROP, { cancelled: {}, refusedCode: { sentAs: '400 bad_authorization_code' } });
});

describeClientFailures(RAINDROP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls Raindrop.io itself: raindrop.io's authorization page and token endpoint, api.raindrop.io's REST API v1", () => {
  const settings = presetInProduction('raindrop', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({ authorizationEndpoint: 'https://raindrop.io/oauth/authorize', tokenEndpoint: 'https://raindrop.io/oauth/access_token', userinfoEndpoint: 'https://api.raindrop.io/rest/v1/user' });
  expect(settings.apiBaseUrl).toBe('https://api.raindrop.io/rest/v1');
});
