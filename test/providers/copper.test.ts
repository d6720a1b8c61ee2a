import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { readFormPost } from './apple.emulator.js';
import { startCopperEmulator, type CopperEmulator, type CopperUser } from './copper.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, type ProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the alphanumeric kind Copper issues.
const CLIENT_ID = 'cu7Hq2Vb9Lm4Xr8Tz1Np6Wd3';
const CLIENT_SECRET = 'Zk4Rt8Mv2Qw6Ly1Hs9Jd3Fb7Pc5Xn0Ga';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/copper/callback`;

function person(id: number, name: string): CopperUser {
  return { id: 159000 + id, name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function copperEnv(copper: CopperEmulator): Record<string, string> {
  return presetEnv('copper', CLIENT_ID, CLIENT_SECRET, {
    COPPER_AUTHORIZE_URL: `${copper.origin}/oauth/authorize`,
    COPPER_ACCESS_TOKEN_URL: `${copper.origin}/oauth/token`,
    COPPER_API_BASE_URL: `${copper.origin}/developer_api/v1`,
  });
}

/**
 * A sign-in of whoever is signed in at Copper: its answer, a form posted to the callback from Copper's page, comes
 * without the app's cookie, so it is posted from a browser of its own and relayed back into the one signing in.
 */
async function postedSignIn(browser: TestBrowser, app: ProviderTestApp, alter: (posted: URLSearchParams) => void = () => {}) {
  const start = await browser.get(`${APP_ORIGIN}/login/copper?next=/api/me`, { followRedirects: false });
  const request = new URL(start.location!).searchParams;
  const answer = readFormPost((await browser.get(start.location!)).text);
  expect(answer.action).toBe(REDIRECT_URI);
  alter(answer.fields);
  const relay = await app.browser().post(answer.action, answer.fields);
  expect(relay.status).toBe(200);
  return { request, posted: answer.fields, page: await browser.submitForm(relay) };
}

const COPPER: StandardProvider<CopperUser, CopperEmulator> = {
  preset: 'copper',
  displayName: 'Copper',
  startEmulator: () => startCopperEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: copperEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
  signIn: async (app) => (await postedSignIn(app.browser(), app)).page,
};

const account = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/copper/proxy/account`);

describeEachDialect('Copper, against an emulator of Copper', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), COPPER);

  async function signIn(user: CopperUser) {
    const { emulator: copper, app } = context;
    copper.signInAs(user);
    const browser = app.browser();
    const { request, posted, page } = await postedSignIn(browser, app);
    expect(page.status).toBe(200);
    return { browser, request, posted, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  }

  it("signs in as /users/me's id, with its name and an unverified e-mail; developer/v1/all, no PKCE, the code posted back, the client in the form, a token with no expiry and no refresh token", async () => {
    const { database, emulator: copper, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request, posted } = await signIn(ada);
    expect(request.get('scope')).toBe('developer/v1/all');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.has('code_challenge')).toBe(false);
    expect(posted.get('code')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toEqual({ id: String(ada.id), name: 'Ada Lovelace', email: 'ada@acme.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@acme.test' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'copper');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = copper.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const me = copper.server.requests.findLast((r) => r.path === '/developer_api/v1/users/me')!;
    expect(me.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(me.headers['x-pw-application']).toBe('developer_api');
  });

  it('the proxy calls the Developer API with X-PW-Application; 20 concurrent calls ask Copper for no token, as there is nothing to refresh', async () => {
    const { emulator: copper } = context;
    const { browser } = await signIn(person(102, 'Grace Hopper'));
    const tokenRequests = copper.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => account(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toEqual({ id: 10000, name: 'Acme Corp' });
    expect(copper.server.requests.findLast((r) => r.path === '/developer_api/v1/account')!.headers['x-pw-application']).toBe('developer_api');
    expect(copper.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("an API call without X-PW-Application, or with a token Copper does not take, is refused", async () => {
    const { emulator: copper } = context;
    const missing = await fetch(`${copper.origin}/developer_api/v1/users/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(missing.status).toBe(400);
    const refused = await fetch(`${copper.origin}/developer_api/v1/users/me`, { headers: { authorization: 'Bearer not-a-token', 'x-pw-application': 'developer_api' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ success: false, status: 401, message: 'Invalid token' });
  });

  it("the integration removed in Copper (401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: copper, app } = context;
    const leaving = person(103, 'Alan Turing');
    const { browser, userId } = await signIn(leaving);
    copper.removeIntegration(leaving);
    const tokenRequests = copper.server.counts.token_request ?? 0;
    const call = await account(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'copper'))!.status).toBe('needs_reauth');
    expect(copper.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it('disconnect asks Copper nothing (it documents no revocation) and forgets the token', async () => {
    const { browser, userId } = await signIn(person(104, 'Radia Perlman'));
    await expectDisconnectAsksNothing(context, 'copper', { browser, userId });
  });

  it('/users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    const { database, emulator: copper, app } = context;
    const before = await rowCounts(database);
    copper.signInAs(person(110, 'Outage Profile'));
    copper.failNextProfile(500);
    const { page } = await postedSignIn(app.browser(), app);
    expect(page.status).toBe(502);
    expect(page.text).toContain('Copper failed the userinfo request (HTTP 500)');
    expect(await rowCounts(database)).toEqual(before);
  });

  it('a code Copper refuses (400 invalid_grant) is a clear 400, and nothing is stored', async () => {
    const { database, emulator: copper, app } = context;
    const before = await rowCounts(database);
    const refused = person(109, 'Refused Code');
    copper.signInAs(refused);
    const { page } = await postedSignIn(app.browser(), app, (posted) => posted.set('code', 'not-a-code-copper-issued'));
    expect(page.status).toBe(400);
    expect(page.text).toContain('Copper did not accept this sign-in');
    expect(await rowCounts(database)).toEqual(before);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'copper').where('subject', '=', String(refused.id)).execute()).toEqual([]);
  });

  // The refused code is checked above: the standard case reads the code from a redirect's query, and Copper posts it.
  standardCases(() => context, COPPER, { cancelled: {} });
});

describeClientFailures(COPPER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Copper in production', () => {
  it('with the client alone, signs in at app.copper.com, reads api.copper.com/developer_api/v1/users/me and calls the API there', () => {
    const { settings } = presetInProduction('copper', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Copper',
      endpoints: {
        authorizationEndpoint: 'https://app.copper.com/oauth/authorize',
        tokenEndpoint: 'https://app.copper.com/oauth/token',
        userinfoEndpoint: 'https://api.copper.com/developer_api/v1/users/me',
      },
      scope: 'developer/v1/all',
      apiBaseUrl: 'https://api.copper.com/developer_api/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
