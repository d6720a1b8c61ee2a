import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTeamworkEmulator, type TeamworkEmulator, type TeamworkUser } from './teamwork.emulator.js';

// A client id and secret of the kind Teamwork's Developer Portal shows on an app's Credentials tab.
const CLIENT_ID = '3f2b9c6e-8a41-4d7e-b0c5-91e2d4a6f873';
const CLIENT_SECRET = 'b7d41e9a-2c6f-4a83-9e15-6f0c3d8a2b47';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/teamwork/callback`;
const INSTALLATION = 512_340;

function person(id: number, firstName: string, lastName: string): TeamworkUser {
  return { id: 238_000 + id, installationId: INSTALLATION, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, the login and token endpoints, and the API origin (the host the token answer's apiEndPoint may name). */
function teamworkEnv(teamwork: TeamworkEmulator): Record<string, string> {
  return presetEnv('teamwork', CLIENT_ID, CLIENT_SECRET, {
    TEAMWORK_AUTHORIZE_URL: `${teamwork.origin}/launchpad/login`,
    TEAMWORK_ACCESS_TOKEN_URL: `${teamwork.origin}/launchpad/v1/token.json`,
    TEAMWORK_API_BASE_URL: teamwork.origin,
  });
}

const TEAMWORK: StandardProvider<TeamworkUser, TeamworkEmulator> = {
  preset: 'teamwork',
  displayName: 'Teamwork.com',
  startEmulator: () => startTeamworkEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: teamworkEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => `${user.id}@${user.installationId}`,
};

const projects = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/teamwork/proxy/projects/api/v3/projects.json`);

describeEachDialect('Teamwork.com, against an emulator of Teamwork', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TEAMWORK);
  const signIn = (user: TeamworkUser) => signInAs(context, 'teamwork', user);

  it("signs in as the person's id in the site with its installation id, from me.json on the site's apiEndPoint; no scope, no PKCE, the code exchanged as JSON with the client in it; a token that never expires, with no refresh token", async () => {
    const { database, emulator: teamwork, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toMatch(/\S/);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`238101@${INSTALLATION}`);
    expect(JSON.parse(account.claims)).toMatchObject({ teamwork_user: `238101@${INSTALLATION}`, id: '238101', installation_id: String(INSTALLATION), name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'teamwork');
    expect(token).toMatchObject({ apiBaseUrl: teamwork.origin, refreshToken: null, expiresAt: null });
    const exchange = teamwork.server.requests.find((r) => r.path === '/launchpad/v1/token.json')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/json');
    expect(teamwork.tokenBodies[0]).toMatchObject({ code: expect.any(String), client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI });
    expect(teamwork.server.requests.filter((r) => r.path === '/projects/api/v3/me.json').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('a person of another site with the same person id is another account', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), installationId: INSTALLATION + 1 });
    expect(second.userId).not.toBe(first.userId);
  });

  it("the proxy calls the site's API with Bearer; 20 concurrent calls ask Teamwork for no token, as there is nothing to refresh", async () => {
    const { emulator: teamwork, app } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await projects(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ projects: [{ name: "Alan's launch" }] });
    const token = await app.runtime.tokenStore.findToken(userId, 'teamwork');
    expect(teamwork.server.requests.filter((r) => r.path === '/projects/api/v3/projects.json').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    await expectNoTokenRequestFor20Calls(teamwork, () => projects(browser));
  });

  it("the app's access removed in Teamwork marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: teamwork } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    teamwork.removeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'teamwork', userId, () => projects(browser));
  });

  it.each([
    ['another host', 'https://collector.example.net/'],
    ["Teamwork's host as a user name before another", 'https://acme.teamwork.com@collector.example.net/'],
    ['a look-alike host', 'https://acme.teamwork.com.collector.example.net/'],
  ])('a token answer naming %s as apiEndPoint fails the sign-in: 502, no profile call, nothing stored', async (_name, endpoint) => {
    const { database, emulator: teamwork, app } = context;
    const before = await rowCounts(database);
    const profiles = teamwork.server.counts.profile ?? 0;
    teamwork.setApiEndPoint(endpoint);
    try {
      teamwork.signInAs(person(104, 'Eve', 'Mallory'));
      const page = await signInThrough(app.browser(), 'teamwork');
      expect(page.status).toBe(502);
      expect(page.text).toContain('Teamwork.com named an API origin (api_endpoint) outside its own domains');
    } finally {
      teamwork.setApiEndPoint(`${teamwork.origin}/`);
    }
    expect(await rowCounts(database)).toEqual(before);
    expect(teamwork.server.counts.profile ?? 0).toBe(profiles);
  });

  it('disconnect asks Teamwork nothing (it documents no revocation) and forgets the token, which Teamwork still takes', async () => {
    const { emulator: teamwork, app } = context;
    const { browser, userId } = await signIn(person(106, 'Leaving', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'teamwork'))!;
    await expectDisconnectAsksNothing(context, 'teamwork', { browser, userId });
    expect(teamwork.accepts(stored.accessToken)).toBe(true);
  });

  it('me.json failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TEAMWORK, person(110, 'Outage', 'Profile'), (teamwork) => teamwork.failNextProfile(500));
  });

  standardCases(() => context, TEAMWORK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TEAMWORK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Teamwork.com in production', () => {
  it("with the client alone, signs in at www.teamwork.com's launchpad, with no scope, the client in a JSON body, and each connection's API on its site's teamwork.com host", () => {
    const { settings } = presetInProduction('teamwork', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Teamwork.com',
      endpoints: {
        authorizationEndpoint: 'https://www.teamwork.com/launchpad/login',
        tokenEndpoint: 'https://www.teamwork.com/launchpad/v1/token.json',
      },
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      connectionApiBase: { member: 'api_endpoint', domains: ['teamwork.com'], userinfoPath: '/projects/api/v3/me.json' },
      subjectClaim: 'teamwork_user',
    });
  });
});
