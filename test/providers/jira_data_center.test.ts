import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startJiraEmulator, type JiraEmulator, type JiraUser } from './jira_data_center.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the hexadecimal form a Jira incoming link shows.
const CLIENT_ID = '5f0c6a1e2b9d47c38e41f6a2d7b90c35';
const CLIENT_SECRET = '9a2e7c4b1d8f40e6a3c5b7d9e1f20486c3a5e7f9b1d3c5e7a9f1b3d5e7c9a1b3';
const REDIRECT_URI = `${APP_ORIGIN}/auth/jira_data_center/callback`;
const HOUR = 3600;

/** A Jira user whose key ends in `n`; the username is the given name in lowercase. */
function person(n: number, givenName: string, familyName: string): JiraUser {
  const name = givenName.toLowerCase();
  return { key: `JIRAUSER${10_000 + n}`, name, displayName: `${givenName} ${familyName}`, emailAddress: `${name}@example.com` };
}

/** Only the documented variables: the preset, the client, and the site's base URL. */
function jiraEnv(jira: JiraEmulator): Record<string, string> {
  return presetEnv('jira_data_center', CLIENT_ID, CLIENT_SECRET, { JIRA_DATA_CENTER_BASE_URL: jira.origin });
}

/** A refresh at Jira itself, as another copy of the token would make it, with the redirect URI it wants. */
function refreshAtJira(jira: JiraEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${jira.origin}/rest/oauth2/latest/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', extra: { redirect_uri: REDIRECT_URI } });
}

const JIRA: StandardProvider<JiraUser, JiraEmulator> = {
  preset: 'jira_data_center',
  displayName: 'Jira Data Center',
  startEmulator: () => startJiraEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: jiraEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.key,
};

const projects = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/jira_data_center/proxy/api/2/project`);

describeEachDialect('Jira Data Center, against an emulator of a Jira Data Center site', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), JIRA);

  const signIn = (user: JiraUser) => signInAs(context, 'jira_data_center', user);

  it('signs in as the user key of /rest/api/2/myself (not the username) with its display name and e-mail (not verified); READ asked with a state and PKCE, the client in the form, a one-hour token and a refresh token', async () => {
    const { database, emulator: jira, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('READ');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('JIRAUSER10101');
    expect(JSON.parse(account.claims)).toMatchObject({ preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'jira_data_center');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'READ' });
    expectAccessTokenLifetime(token, HOUR - 100, HOUR);
    const exchange = jira.server.requests.find((r) => r.path === '/rest/oauth2/latest/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls /rest with the token as Bearer; 20 concurrent calls on an expired token make one refresh, sending the redirect_uri again, the new pair is kept, and Jira refuses the spent refresh token', async () => {
    const { emulator: jira } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'jira_data_center', userId, () => projects(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ key: 'ENG', name: 'Engineering' }]);
    expect(jira.server.requests.findLast((r) => r.path === '/rest/api/2/project')!.headers.authorization).toMatch(/^Bearer /);
    expect(jira.refreshRedirectUris).toEqual([REDIRECT_URI]);
    expectAccessTokenLifetime(after, HOUR - 100, HOUR);
    expect(await statusAndBody(refreshAtJira(jira, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a refresh without the redirect_uri is one the emulator refuses, as Jira is said to: it holds the preset to sending it', async () => {
    const { emulator: jira } = context;
    const { userId } = await signIn(person(105, 'Grace', 'Hopper'));
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'jira_data_center');
    const answer = await refreshAtProvider(`${jira.origin}/rest/oauth2/latest/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, stored!.refreshToken!, { by: 'form' });
    expect(await statusAndBody(answer)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the grant revoked under the person's Authorized applications: the refresh is refused and the connection needs re-auth after one try", async () => {
    const { emulator: jira } = context;
    const leaving = person(103, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    jira.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'jira_data_center', userId, () => projects(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Jira, which documents no revocation endpoint: no request is sent', async () => {
    const { browser, userId } = await signIn(person(104, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'jira_data_center', { browser, userId });
  });

  standardCases(() => context, JIRA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(JIRA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Jira Data Center in production', () => {
  const { settings, refusal } = presetInProduction('jira_data_center', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the site's base URL, with its context path, and stops start-up without one", () => {
    expect(settings({ JIRA_DATA_CENTER_BASE_URL: 'https://jira.acme.test/jira/' })).toMatchObject({
      displayName: 'Jira Data Center',
      endpoints: { authorizationEndpoint: 'https://jira.acme.test/jira/rest/oauth2/latest/authorize', tokenEndpoint: 'https://jira.acme.test/jira/rest/oauth2/latest/token' },
      apiBaseUrl: 'https://jira.acme.test/jira/rest',
    });
    expect(refusal({})).toContain('JIRA_DATA_CENTER_BASE_URL');
  });
});
