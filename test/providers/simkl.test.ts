import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SIMKL_TOKEN_SECONDS, startSimklEmulator, type SimklEmulator, type SimklUser } from './simkl.emulator.js';

// A client id and secret of the form Simkl's developer settings show (64 hex characters each).
const CLIENT_ID = 'c7be48f1559a6d7940192523c7c626326c7b0dfa559a6d79401925137c626316';
const CLIENT_SECRET = 'a9be48f1529a2d7940192523c7c626326c7d0dfa559a6d79401925137c626321';
const REDIRECT_URI = `${APP_ORIGIN}/auth/simkl/callback`;

function person(id: number, name: string): SimklUser {
  return { id: 700_000 + id, name: name.toLowerCase().replace(' ', '_') };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (the profile moves with it). */
function simklEnv(simkl: SimklEmulator): Record<string, string> {
  return presetEnv('simkl', CLIENT_ID, CLIENT_SECRET, {
    SIMKL_AUTHORIZE_URL: `${simkl.origin}/oauth/authorize`,
    SIMKL_ACCESS_TOKEN_URL: `${simkl.origin}/oauth/token`,
    SIMKL_API_BASE_URL: simkl.origin,
  });
}

const SIMKL: StandardProvider<SimklUser, SimklEmulator> = {
  preset: 'simkl',
  displayName: 'Simkl',
  startEmulator: () => startSimklEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: simklEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const activities = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/simkl/proxy/sync/activities`);

describeEachDialect('Simkl, against an emulator of Simkl', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SIMKL);

  const signIn = (user: SimklUser) => signInAs(context, 'simkl', user);

  it("signs in as the account id of POST /users/settings, the username its name, no e-mail; no scope and no PKCE asked, the client in the form, the API key on the profile call, a 5-year token and no refresh token", async () => {
    const { database, emulator: simkl, app } = context;
    const { userId, request } = await signIn(person(101, 'Jane Doe'));
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(simkl.tokenRequests).toEqual([{ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }]);
    const settings = simkl.server.requests.find((r) => r.path === '/users/settings')!;
    expect(settings.method).toBe('POST');
    expect(settings.headers['simkl-api-key']).toBe(CLIENT_ID);
    expect(settings.headers.authorization).toMatch(/^Bearer /);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('700101');
    expect(JSON.parse(account.claims)).toEqual({ id: 700_101, name: 'jane_doe', preferred_username: 'jane_doe', picture: 'https://simkl.in/avatars/700101/user_100.jpg' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'jane_doe', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'simkl');
    expect(token).toMatchObject({ refreshToken: null, scope: 'public' });
    expectAccessTokenLifetime(token, SIMKL_TOKEN_SECONDS - 100, SIMKL_TOKEN_SECONDS);
  });

  it('signing in again after a change of username finds the same person by the account id', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Old Name'));
    const second = await signIn(person(105, 'New Name'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('users').select('name').where('id', '=', first.userId).executeTakeFirstOrThrow()).toEqual({ name: 'new_name' });
  });

  it('the proxy calls the API with the token as Bearer and the client id as simkl-api-key, which a caller cannot change', async () => {
    const { emulator: simkl, app } = context;
    const { browser, userId } = await signIn(person(102, 'Watcher'));
    const answer = await browser.get(`${APP_ORIGIN}/api/providers/simkl/proxy/sync/activities`, { headers: { 'simkl-api-key': 'someone-else' } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ all: '2026-12-05T20:41:12Z', tv_shows: { watching: '2026-12-05T20:41:12Z' } });
    const sent = simkl.server.requests.findLast((r) => r.path === '/sync/activities')!;
    expect(sent.headers['simkl-api-key']).toBe(CLIENT_ID);
    expect(sent.headers.authorization).toBe(`Bearer ${(await app.runtime.tokenStore.findToken(userId, 'simkl'))!.accessToken}`);
  });

  it('once the token has ended, 20 concurrent calls answer needs_reauth without asking Simkl for anything (it has no refresh), and the connection is marked', async () => {
    const { database, emulator: simkl, app } = context;
    const { browser, userId } = await signIn(person(103, 'Expired'));
    await expireAccessTokens(database, userId);
    const tokenRequests = simkl.server.counts.token_request ?? 0;
    const calls = simkl.server.counts.activities ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => activities(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(simkl.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(simkl.server.counts.activities ?? 0).toBe(calls);
    expect((await app.runtime.tokenStore.findToken(userId, 'simkl'))!.status).toBe('needs_reauth');
  });

  it("the app revoked in the person's Connected Apps settings: Simkl's 401 marks the connection 'needs re-auth', and no refresh is tried", async () => {
    const { emulator: simkl } = context;
    const leaving = person(104, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    simkl.revokeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'simkl', userId, () => activities(browser));
  });

  it('disconnect deletes the token here and asks Simkl nothing: it has no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(106, 'Goodbye'));
    await expectDisconnectAsksNothing(context, 'simkl', { browser, userId });
  });

  standardCases(() => context, SIMKL, { cancelled: {}, refusedCode: { sentAs: '401 grant_error' } });
});

describeClientFailures(SIMKL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls Simkl itself: the authorization on simkl.com, the token and the API on api.simkl.com, with no revocation endpoint', () => {
  const settings = presetInProduction('simkl', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://simkl.com/oauth/authorize',
    tokenEndpoint: 'https://api.simkl.com/oauth/token',
    userinfoEndpoint: 'https://api.simkl.com/users/settings',
  });
  expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
  expect(settings).toMatchObject({ apiBaseUrl: 'https://api.simkl.com', clientIdHeader: 'simkl-api-key', scope: '', pkce: false });
});
