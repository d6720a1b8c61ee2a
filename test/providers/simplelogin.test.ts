import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough, startProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSimpleLoginEmulator, type SimpleLoginEmulator, type SimpleLoginUser } from './simplelogin.emulator.js';

// A client id and secret of the form SimpleLogin's developer page gives a website (an app id with a random tail, a secret of letters and digits).
const CLIENT_ID = 'tokenkeeper-dldffyfgzp';
const CLIENT_SECRET = 'fxkmmqbctswgjfzbpwxpsirqxzyxldpfiwovoboyzcjvpjnfhshmpstkkbcm';
const REDIRECT_URI = `${APP_ORIGIN}/auth/simplelogin/callback`;

function person(id: number, name: string): SimpleLoginUser {
  // SimpleLogin shares an alias in place of the person's own address when they choose one.
  return { id, name, email: `${name.toLowerCase().replace(/\W+/g, '.')}.${id}@simplelogin.co` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (userinfo moves with it). */
function simpleloginEnv(simplelogin: SimpleLoginEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('simplelogin', CLIENT_ID, CLIENT_SECRET, {
    SIMPLELOGIN_AUTHORIZE_URL: `${simplelogin.origin}/oauth2/authorize`,
    SIMPLELOGIN_ACCESS_TOKEN_URL: `${simplelogin.origin}/oauth2/token`,
    SIMPLELOGIN_API_BASE_URL: `${simplelogin.origin}/oauth2`,
    ...extra,
  });
}

const SIMPLELOGIN: StandardProvider<SimpleLoginUser, SimpleLoginEmulator> = {
  preset: 'simplelogin',
  displayName: 'SimpleLogin',
  startEmulator: () => startSimpleLoginEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: simpleloginEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('SimpleLogin, against an emulator of Sign in with SimpleLogin', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SIMPLELOGIN);

  const signIn = (user: SimpleLoginUser) => signInAs(context, 'simplelogin', user);
  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/simplelogin/proxy/userinfo`);

  it("signs in as userinfo's sub (not the e-mail, which may be an alias), with the name and the e-mail SimpleLogin calls verified; scope profile, the client and redirect_uri in the form, an hour's token and no refresh token", async () => {
    const { database, emulator: simplelogin, app } = context;
    const wick = person(36, 'John Wick');
    const { userId, request } = await signIn(wick);
    expect(Object.fromEntries(['response_type', 'client_id', 'redirect_uri', 'scope'].map((name) => [name, request.get(name)]))).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      scope: 'profile',
    });
    expect(request.get('state')).toBeTruthy();
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('36');
    expect(JSON.parse(account.claims)).toMatchObject({ sub: '36', client: 'Tokenkeeper' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ name: 'John Wick', email: wick.email, email_verified: true });
    const token = await app.runtime.tokenStore.findToken(userId, 'simplelogin');
    expect(token).toMatchObject({ refreshToken: null, scope: 'profile' });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = simplelogin.server.requests.filter((r) => r.path === '/oauth2/token').at(-1)!;
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(simplelogin.server.requests.filter((r) => r.path === '/oauth2/userinfo').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy reads userinfo again with the token as Bearer; 20 concurrent calls ask SimpleLogin for no token, as there is nothing to refresh', async () => {
    const { emulator: simplelogin } = context;
    const { browser } = await signIn(person(102, 'Alias Keeper'));
    const answers = await expectNoTokenRequestFor20Calls(simplelogin, () => userinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ sub: '102', id: 102, email_verified: true });
  });

  it('once the hour is over, 20 calls answer needs_reauth without asking SimpleLogin for anything, and the connection is marked', async () => {
    const { database, emulator: simplelogin, app } = context;
    const { browser, userId } = await signIn(person(103, 'Hour Over'));
    await expireAccessTokens(database, userId);
    const requests = simplelogin.server.requests.length;
    const answers = await Promise.all(Array.from({ length: 20 }, () => userinfo(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(simplelogin.server.requests.length).toBe(requests);
    expect((await app.runtime.tokenStore.findToken(userId, 'simplelogin'))!.status).toBe('needs_reauth');
  });

  it("a token SimpleLogin no longer takes (401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: simplelogin } = context;
    const leaving = person(104, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    simplelogin.revokeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'simplelogin', userId, () => userinfo(browser));
  });

  it('disconnect deletes the token here and asks SimpleLogin nothing: it documents no revocation endpoint', async () => {
    const { emulator: simplelogin, app } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'simplelogin'))!;
    await expectDisconnectAsksNothing(context, 'simplelogin', { browser, userId });
    expect(simplelogin.accepts(stored.accessToken)).toBe(true);
  });

  it('userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SIMPLELOGIN, person(106, 'Outage Again'), (simplelogin) => simplelogin.failNextUserinfoRequest(500));
  });

  it('a client id SimpleLogin does not know comes back as error=invalid_client_id, told as such; no code is exchanged and nothing is stored', async () => {
    const { database, emulator: simplelogin } = context;
    const unknown = await startProviderTestApp({ databaseUrl: database.url, env: simpleloginEnv(simplelogin, { SIMPLELOGIN_CLIENT_ID: 'not-an-app-id' }) });
    try {
      const before = await rowCounts(database);
      const exchanges = simplelogin.server.counts.authorization_code ?? 0;
      simplelogin.signInAs(person(107, 'Wrong App'));
      const page = await signInThrough(unknown.browser(), 'simplelogin');
      expect(page.status).toBe(400);
      expect(page.text).toContain('SimpleLogin could not complete the sign-in (invalid_client_id).');
      expect(simplelogin.server.counts.authorization_code ?? 0).toBe(exchanges);
      expect(await rowCounts(database)).toEqual(before);
    } finally {
      await unknown.close();
    }
  });

  standardCases(() => context, SIMPLELOGIN, { cancelled: { error: 'deny', sentAs: 'error=deny' }, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SIMPLELOGIN, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls SimpleLogin itself: app.simplelogin.io's /oauth2 authorization page, token endpoint and userinfo", () => {
  const settings = presetInProduction('simplelogin', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://app.simplelogin.io/oauth2/authorize',
    tokenEndpoint: 'https://app.simplelogin.io/oauth2/token',
    userinfoEndpoint: 'https://app.simplelogin.io/oauth2/userinfo',
  });
  expect(settings.apiBaseUrl).toBe('https://app.simplelogin.io/oauth2');
});
