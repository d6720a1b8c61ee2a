import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { JOBBER_ACCESS_TOKEN_SECONDS, startJobberEmulator, type JobberEmulator, type JobberUser } from './jobber.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Jobber's Developer Center shows for an app.
const CLIENT_ID = '8d3c1f0a-5b7e-4c29-9a61-2e4f6b8d0c13';
const CLIENT_SECRET = '4f1e9a7c2b5d8e0f3a6c9b2e5d8f1a4c7b0e3d6f9a2c5b8e1d4f7a0c3b6e9d2f';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/jobber/callback`;
const encoded = (kind: string, id: number) => Buffer.from(`gid://Jobber/${kind}/${id}`).toString('base64');

function person(id: number, firstName: string, lastName: string): JobberUser {
  return { id: encoded('User', 4_000 + id), firstName, lastName, accountId: encoded('Account', 900 + id), accountName: `${lastName} Lawn Care` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function jobberEnv(jobber: JobberEmulator): Record<string, string> {
  return presetEnv('jobber', CLIENT_ID, CLIENT_SECRET, {
    JOBBER_AUTHORIZE_URL: `${jobber.origin}/api/oauth/authorize`,
    JOBBER_ACCESS_TOKEN_URL: `${jobber.origin}/api/oauth/token`,
    JOBBER_API_BASE_URL: `${jobber.origin}/api`,
  });
}

const JOBBER: StandardProvider<JobberUser, JobberEmulator> = {
  preset: 'jobber',
  displayName: 'Jobber',
  startEmulator: () => startJobberEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: jobberEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const clients = async (browser: TestBrowser, headers: Record<string, string> = {}) =>
  browser.request(`${APP_ORIGIN}/api/providers/jobber/proxy/graphql`, {
    method: 'POST',
    headers: { 'x-csrf-token': await csrfTokenOf(browser), ...headers },
    json: { query: '{ clients(first: 20) { nodes { id firstName lastName } pageInfo { hasNextPage endCursor } } }' },
  });

describeEachDialect('Jobber, against an emulator of its OAuth and GraphQL API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), JOBBER);
  const signIn = (user: JobberUser) => signInAs(context, 'jobber', user);
  const tokenUrl = () => `${context.emulator.origin}/api/oauth/token`;

  it("signs in as the GraphQL `user`'s id, with the names, an unverified e-mail and the account; no scope, no PKCE, the client in the form, the token's end read from its JWT exp, the version header on the profile query", async () => {
    const { database, emulator: jobber, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({
      id: ada.id,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@lawnco.example',
      account_id: ada.accountId,
      account_name: 'Lovelace Lawn Care',
    });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@lawnco.example' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'jobber');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, JOBBER_ACCESS_TOKEN_SECONDS - 100, JOBBER_ACCESS_TOKEN_SECONDS);
    const exchange = jobber.server.requests.findLast((r) => r.path === '/api/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const profile = jobber.server.requests.findLast((r) => r.path === '/api/graphql')!;
    expect(profile.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(profile.headers['x-jobber-graphql-version']).toBe('2025-04-16');
  });

  it('the proxy posts GraphQL with the version header, or the version the caller names; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: jobber } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await clients(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: { clients: { nodes: [{ firstName: 'Dana' }] } }, extensions: { versioning: { version: '2025-04-16' } } });
    const pinned = await clients(browser, { 'x-jobber-graphql-version': '2025-01-20' });
    expect(JSON.parse(pinned.text)).toMatchObject({ extensions: { versioning: { version: '2025-01-20' } } });
    expect(jobber.versions.at(-1)).toBe('2025-01-20');
    const { before, after } = await expectRotatedAfterStorm(context, 'jobber', userId, () => clients(browser));
    expectAccessTokenLifetime(after, JOBBER_ACCESS_TOKEN_SECONDS - 100, JOBBER_ACCESS_TOKEN_SECONDS);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('Jobber takes GraphQL only as JSON with a version header, and answers a dead token 401 "invalid_request": what the preset is held to', async () => {
    const { emulator: jobber, app } = context;
    const { userId } = await signIn(person(105, 'Grace', 'Hopper'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'jobber'))!;
    const post = (token: string, headers: Record<string, string>, body: string) => fetch(`${jobber.origin}/api/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
    const query = JSON.stringify({ query: '{ account { id } }' });
    expect((await post(accessToken, { 'content-type': 'application/json' }, query)).status).toBe(400);
    expect((await post(accessToken, { 'content-type': 'application/x-www-form-urlencoded', 'x-jobber-graphql-version': '2025-04-16' }, 'query=%7B%20account%20%7B%20id%20%7D%20%7D')).status).toBe(415);
    expect((await post(accessToken, { 'content-type': 'application/json', 'x-jobber-graphql-version': '2025-04-16' }, query)).status).toBe(200);
    const dead = await post('not-a-token', { 'content-type': 'application/json', 'x-jobber-graphql-version': '2025-04-16' }, query);
    expect(dead.status).toBe(401);
    expect(await dead.json()).toMatchObject({ error: 'invalid_request' });
  });

  it("the app disconnected from the Jobber account: Jobber's 401, then its refusal of the refresh, mark the connection 'needs re-auth'", async () => {
    const { emulator: jobber } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    jobber.disconnectApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'jobber', userId, () => clients(browser));
  });

  it('disconnect asks Jobber nothing and forgets the tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'jobber', { browser, userId });
  });

  it('the profile query failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, JOBBER, person(110, 'Outage', 'Profile'), (jobber) => jobber.failNextProfile(500));
  });

  standardCases(() => context, JOBBER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(JOBBER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Jobber in production', () => {
  it('with the client alone, signs in at api.getjobber.com, queries the user over GraphQL with the version header, and asks no scope', () => {
    const { settings } = presetInProduction('jobber', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Jobber',
      endpoints: {
        authorizationEndpoint: 'https://api.getjobber.com/api/oauth/authorize',
        tokenEndpoint: 'https://api.getjobber.com/api/oauth/token',
        userinfoEndpoint: 'https://api.getjobber.com/api/graphql',
      },
      scope: '',
      apiBaseUrl: 'https://api.getjobber.com/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      apiHeaders: { 'x-jobber-graphql-version': '2025-04-16' },
      subjectClaim: 'id',
    });
  });
});
