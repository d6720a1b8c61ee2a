import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDisqusEmulator, type DisqusEmulator, type DisqusUser } from './disqus.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A public and a secret key as Disqus shows an API application's (64 letters and digits each).
const CLIENT_ID = 'E8Uh5l5fHZ6gD8U3KycjAIAk46f68Zw7C6eW8WSjZvCLXebZ7p0r1yrYDrLilk2F';
const CLIENT_SECRET = 'q3xT9mP0vW8sN2rL5kJ7hG4fD6aS1zX0cV9bN8mQ2wE4rT6yU8iO0pA3sD5fG7hJ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/disqus/callback`;

function person(id: number, name: string): DisqusUser {
  const first = name.split(' ')[0]!.toLowerCase();
  return { id: String(300_000 + id), username: `${first}_${id}`, name, email: `${first}@acme.test` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (users/details moves with it). */
function disqusEnv(disqus: DisqusEmulator): Record<string, string> {
  return presetEnv('disqus', CLIENT_ID, CLIENT_SECRET, {
    DISQUS_AUTHORIZE_URL: `${disqus.origin}/api/oauth/2.0/authorize/`,
    DISQUS_ACCESS_TOKEN_URL: `${disqus.origin}/api/oauth/2.0/access_token/`,
    DISQUS_API_BASE_URL: `${disqus.origin}/api/3.0`,
  });
}

/** A refresh at Disqus itself, as another copy of the token would make it. */
function refreshAtDisqus(disqus: DisqusEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${disqus.origin}/api/oauth/2.0/access_token/`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const DISQUS: StandardProvider<DisqusUser, DisqusEmulator> = {
  preset: 'disqus',
  displayName: 'Disqus',
  startEmulator: () => startDisqusEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: disqusEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Disqus, against an emulator of Disqus', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DISQUS);

  const signIn = (user: DisqusUser) => signInAs(context, 'disqus', user);
  const posts = (browser: TestBrowser, query = 'limit=2') => browser.get(`${APP_ORIGIN}/api/providers/disqus/proxy/users/listPosts.json?${query}`);

  it('signs in as the id of users/details (never the username) with its name and unverified e-mail; read,email asked comma-separated, no PKCE, the client in the form, a 30-day token with a refresh token, its comma-separated scope kept space-separated; the token and public key in the query', async () => {
    const { database, emulator: disqus, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read,email');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, username: 'ada_101', profile: 'http://disqus.com/ada_101/' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'disqus');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read email' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(2_592_000 - 100);
    expect(lifetime).toBeLessThanOrEqual(2_592_000);
    const exchange = disqus.server.requests.find((r) => r.path === '/api/oauth/2.0/access_token/')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const details = disqus.server.requests.filter((r) => r.path.startsWith('/api/3.0/users/details.json')).at(-1)!;
    expect(details.headers.authorization).toBeUndefined();
    const query = new URL(details.path, disqus.origin).searchParams;
    expect(query.get('access_token')).toBe(token!.accessToken);
    expect(query.get('api_key')).toBe(CLIENT_ID);
  });

  it("the proxy calls API 3.0 with the person's token and the public key in place of the caller's own; 20 concurrent calls on an expired token make one refresh, the new pair is kept and the spent refresh token is refused", async () => {
    const { emulator: disqus } = context;
    const alan = person(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'disqus', userId, () => posts(browser, 'limit=2&access_token=someone-elses&api_key=another-app'));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ code: 0, response: [{ author: { id: alan.id } }, { raw_message: 'Post 2 by Alan Turing' }] });
    const sent = new URL(disqus.server.requests.filter((r) => r.path.startsWith('/api/3.0/users/listPosts.json')).at(-1)!.path, disqus.origin).searchParams;
    expect(sent.getAll('access_token')).toEqual([after.accessToken]);
    expect(sent.getAll('api_key')).toEqual([CLIENT_ID]);
    expect(sent.get('limit')).toBe('2');
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshAtDisqus(disqus, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the application removed in the person's Disqus settings marks the connection 'needs re-auth' after Disqus's 401, with one refused refresh", async () => {
    const { emulator: disqus } = context;
    const joan = person(103, 'Joan Clarke');
    const { browser, userId } = await signIn(joan);
    disqus.removeApp(joan);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'disqus', userId, () => posts(browser));
  });

  it('disconnect deletes the token and asks Disqus nothing (it documents no revocation); the token still works there', async () => {
    const { emulator: disqus, app } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Person'));
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'disqus'))!.accessToken;
    await expectDisconnectAsksNothing(context, 'disqus', { browser, userId });
    expect(disqus.accepts(accessToken)).toBe(true);
  });

  it('users/details failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DISQUS, person(110, 'Outage Profile'), (disqus) => disqus.failNextDetails(500));
  });

  standardCases(() => context, DISQUS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Disqus without the email scope', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: DISQUS.startEmulator, env: (disqus) => ({ ...disqusEnv(disqus), DISQUS_SCOPE: 'read' }) });

  it('signs in without an e-mail, as users/details shows none', async () => {
    const { database } = context;
    const { userId, request } = await signInAs(context, 'disqus', person(120, 'Grace Hopper'));
    expect(request.get('scope')).toBe('read');
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Grace Hopper' });
  });
});

describeClientFailures(DISQUS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset uses Disqus's own endpoints, the profile at users/details, the token as access_token and the public key as api_key", () => {
  const { settings } = presetInProduction('disqus', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const defaults = settings({});
  expect(defaults.endpoints).toMatchObject({
    authorizationEndpoint: 'https://disqus.com/api/oauth/2.0/authorize/',
    tokenEndpoint: 'https://disqus.com/api/oauth/2.0/access_token/',
    userinfoEndpoint: 'https://disqus.com/api/3.0/users/details.json',
  });
  expect(defaults).toMatchObject({ apiBaseUrl: 'https://disqus.com/api/3.0', scope: 'read email', accessTokenParameter: 'access_token', apiQueryParameters: { api_key: CLIENT_ID } });
});
