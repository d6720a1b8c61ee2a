import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startConfluenceEmulator, type ConfluenceEmulator, type ConfluenceUser } from './confluence_data_center.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the hexadecimal form an incoming link shows.
const CLIENT_ID = '8c1d4e7a2f5b40c9a3e6d1b8f4a7c290';
const CLIENT_SECRET = '3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/confluence_data_center/callback`;
const HOUR = 3600;

/** A Confluence user whose key ends in `n`; the username is the given name in lowercase. */
function person(n: number, givenName: string, familyName: string): ConfluenceUser {
  return { userKey: `8a7f808a8c5e4b1e018c5e4c${String(n).padStart(8, '0')}`, username: givenName.toLowerCase(), displayName: `${givenName} ${familyName}` };
}

/** Only the documented variables: the preset, the client, and the site's base URL. */
function confluenceEnv(confluence: ConfluenceEmulator): Record<string, string> {
  return presetEnv('confluence_data_center', CLIENT_ID, CLIENT_SECRET, { CONFLUENCE_DATA_CENTER_BASE_URL: confluence.origin });
}

const subjectAt = (confluence: ConfluenceEmulator, user: ConfluenceUser) => `${user.userKey}@${new URL(confluence.origin).host}`;

/** A refresh at Confluence itself, as another copy of the token would make it, with the redirect URI it wants. */
function refreshAtConfluence(confluence: ConfluenceEmulator, refreshToken: string, extra: Record<string, string> = { redirect_uri: REDIRECT_URI }): Promise<Response> {
  return refreshAtProvider(`${confluence.origin}/rest/oauth2/latest/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', extra });
}

let started: ConfluenceEmulator | undefined;
const CONFLUENCE: StandardProvider<ConfluenceUser, ConfluenceEmulator> = {
  preset: 'confluence_data_center',
  displayName: 'Confluence Data Center',
  startEmulator: async () => (started = await startConfluenceEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI })),
  env: confluenceEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => subjectAt(started!, user),
};

const spaces = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/confluence_data_center/proxy/api/space`);

describeEachDialect('Confluence Data Center, against an emulator of a Confluence Data Center site', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CONFLUENCE);

  const signIn = (user: ConfluenceUser) => signInAs(context, 'confluence_data_center', user);

  it("signs in as the userKey of /rest/api/user/current qualified by the site's host (not the username), with its display name and no e-mail; READ asked with a state and PKCE, the client in the form, a one-hour token and a refresh token", async () => {
    const { database, emulator: confluence, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('READ');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`8a7f808a8c5e4b1e018c5e4c00000101@${new URL(confluence.origin).host}`);
    expect(JSON.parse(account.claims)).toMatchObject({ user_key: '8a7f808a8c5e4b1e018c5e4c00000101', preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'confluence_data_center');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'READ' });
    expectAccessTokenLifetime(token, HOUR - 100, HOUR);
    const exchange = confluence.server.requests.find((r) => r.path === '/rest/oauth2/latest/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls /rest with the token as Bearer; 20 concurrent calls on an expired token make one refresh, sending the redirect_uri again, the new pair is kept, and Confluence refuses the spent refresh token', async () => {
    const { emulator: confluence } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'confluence_data_center', userId, () => spaces(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ results: [{ key: 'ENG', name: 'Engineering' }] });
    expect(confluence.server.requests.findLast((r) => r.path === '/rest/api/space')!.headers.authorization).toMatch(/^Bearer /);
    expect(confluence.refreshRedirectUris).toEqual([REDIRECT_URI]);
    expectAccessTokenLifetime(after, HOUR - 100, HOUR);
    expect(await statusAndBody(refreshAtConfluence(confluence, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a refresh without the redirect_uri is one the emulator refuses, as the provider is said to: it holds the preset to sending it', async () => {
    const { emulator: confluence } = context;
    const { userId } = await signIn(person(105, 'Grace', 'Hopper'));
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'confluence_data_center');
    expect(await statusAndBody(refreshAtConfluence(confluence, stored!.refreshToken!, {}))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('an answer of /rest/api/user/current without a userKey (the anonymous user) names no one: the sign-in fails (502) and nothing is stored', async () => {
    const { database, emulator: confluence, app } = context;
    const before = await rowCounts(database);
    confluence.signInAs({ ...person(106, 'Anon', 'Ymous'), anonymous: true });
    const page = await signInThrough(app.browser(), 'confluence_data_center');
    expect(page.status).toBe(502);
    expect(await rowCounts(database)).toEqual(before);
  });

  it("the grant revoked under the person's Authorized applications: the refresh is refused and the connection needs re-auth after one try", async () => {
    const { emulator: confluence } = context;
    const leaving = person(103, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    confluence.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'confluence_data_center', userId, () => spaces(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Confluence, which documents no revocation endpoint: no request is sent', async () => {
    const { browser, userId } = await signIn(person(104, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'confluence_data_center', { browser, userId });
  });

  standardCases(() => context, CONFLUENCE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CONFLUENCE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Confluence Data Center in production', () => {
  const { settings, refusal } = presetInProduction('confluence_data_center', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the site's base URL, with its context path, and stops start-up without one", () => {
    expect(settings({ CONFLUENCE_DATA_CENTER_BASE_URL: 'https://wiki.acme.test/confluence/' })).toMatchObject({
      displayName: 'Confluence Data Center',
      endpoints: {
        authorizationEndpoint: 'https://wiki.acme.test/confluence/rest/oauth2/latest/authorize',
        tokenEndpoint: 'https://wiki.acme.test/confluence/rest/oauth2/latest/token',
        userinfoEndpoint: 'https://wiki.acme.test/confluence/rest/api/user/current',
      },
      apiBaseUrl: 'https://wiki.acme.test/confluence/rest',
    });
    expect(refusal({})).toContain('CONFLUENCE_DATA_CENTER_BASE_URL');
  });
});
