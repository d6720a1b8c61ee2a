import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { DATABRICKS_ACCESS_TOKEN_SECONDS, startDatabricksEmulator, type DatabricksEmulator, type DatabricksUser } from './databricks.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A custom OAuth app connection's client: a UUID id and a `dose…` secret, as the account console shows them.
const CLIENT_ID = '6a1c2e4f-8b3d-4f7a-9e21-5c0d7b8a9f36';
const CLIENT_SECRET = 'dose7f3a9c1e5b2d8f4a6c0e9b7d3f1a5c8e2b';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/databricks/callback`;

function person(id: number, givenName: string, familyName: string): DatabricksUser {
  return { id: String(7012345678900000 + id), givenName, familyName, userName: `${givenName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the workspace's URL, the emulator's origin. */
function databricksEnv(databricks: DatabricksEmulator): Record<string, string> {
  return presetEnv('databricks', CLIENT_ID, CLIENT_SECRET, { DATABRICKS_BASE_URL: databricks.origin });
}

const subjectAt = (databricks: DatabricksEmulator, user: DatabricksUser) => `${user.id}@${new URL(databricks.origin).host}`;

let started: DatabricksEmulator | undefined;
const DATABRICKS: StandardProvider<DatabricksUser, DatabricksEmulator> = {
  preset: 'databricks',
  displayName: 'Databricks',
  startEmulator: async () => (started = await startDatabricksEmulator({ ...CLIENT, redirectUri: REDIRECT_URI })),
  env: databricksEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => subjectAt(started!, user),
};

const clusters = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/databricks/proxy/2.0/clusters/list`);

describeEachDialect('Databricks, against an emulator of one workspace', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DATABRICKS);
  const signIn = (user: DatabricksUser) => signInAs(context, 'databricks', user);
  const tokenUrl = () => `${context.emulator.origin}/oidc/v1/token`;

  it("signs in as the Current User's id at the workspace's host, with the names, the user name and an unverified e-mail; all-apis and offline_access with PKCE, the client as Basic, an hour's token and a refresh token", async () => {
    const { database, emulator: databricks, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('all-apis offline_access');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(subjectAt(databricks, ada));
    expect(JSON.parse(account.claims)).toEqual({ id: subjectAt(databricks, ada), user_id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada@acme.test', email: 'ada@acme.test' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'databricks');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'all-apis offline_access' });
    expectAccessTokenLifetime(token, DATABRICKS_ACCESS_TOKEN_SECONDS - 100, DATABRICKS_ACCESS_TOKEN_SECONDS);
    const exchange = databricks.server.requests.findLast((r) => r.path === '/oidc/v1/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(databricks.server.requests.findLast((r) => r.path === '/api/2.0/preview/scim/v2/Me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the qualified id, whatever the user name became', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), userName: 'admiral@acme.test' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the REST APIs under /api; 20 concurrent calls on an expired token make one refresh, which spends the single-use refresh token: the old one is refused', async () => {
    const { emulator: databricks } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await clusters(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ clusters: [{ cluster_name: "Alan's cluster" }] });
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'databricks', userId, () => clusters(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, DATABRICKS_ACCESS_TOKEN_SECONDS - 100, DATABRICKS_ACCESS_TOKEN_SECONDS);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('an API call with a token the workspace does not take is a 401', async () => {
    const response = await fetch(`${context.emulator.origin}/api/2.0/clusters/list`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it("the person removed from the workspace: the refused refresh marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: databricks } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    databricks.removeUser(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'databricks', userId, () => clusters(browser));
  });

  it('disconnect asks Databricks nothing (it documents no revocation for these tokens) and deletes the tokens here', async () => {
    const signedIn = await signIn(person(104, 'Radia', 'Perlman'));
    await expectDisconnectAsksNothing(context, 'databricks', signedIn);
  });

  it('the Current User failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DATABRICKS, person(110, 'Outage', 'Profile'), (databricks) => databricks.failNextProfile(500));
  });

  standardCases(() => context, DATABRICKS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(DATABRICKS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the databricks preset in production', () => {
  const { settings, refusal } = presetInProduction('databricks', CLIENT);

  it("takes the workspace's URL, and needs it; authorization, tokens, the Current User and the APIs are all on that workspace", () => {
    expect(settings({ DATABRICKS_BASE_URL: 'https://adb-1234567890123456.7.azuredatabricks.net/' })).toMatchObject({
      displayName: 'Databricks',
      endpoints: {
        authorizationEndpoint: 'https://adb-1234567890123456.7.azuredatabricks.net/oidc/v1/authorize',
        tokenEndpoint: 'https://adb-1234567890123456.7.azuredatabricks.net/oidc/v1/token',
        userinfoEndpoint: 'https://adb-1234567890123456.7.azuredatabricks.net/api/2.0/preview/scim/v2/Me',
      },
      scope: 'all-apis offline_access',
      apiBaseUrl: 'https://adb-1234567890123456.7.azuredatabricks.net/api',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
    expect(refusal({})).toContain('DATABRICKS_BASE_URL');
  });
});
