import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTeamViewerEmulator, type TeamViewerEmulator, type TeamViewerUser } from './teamviewer.emulator.js';

// A client id and secret of the form the TeamViewer Management Console shows for an app.
const CLIENT_ID = '1234567-AbCdEfGhIjKlMnOpQrSt';
const CLIENT_SECRET = 'uVwXyZaBcDeFgHiJkLmN';
const REDIRECT_URI = `${APP_ORIGIN}/auth/teamviewer/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(n: number, name: string): TeamViewerUser {
  return { userid: `u${12_345_000 + n}`, name, email: `${name.replace(' ', '.')}@example.com`.toLowerCase(), emailValidated: true };
}

/** Only the documented variables: the preset, the client, and TeamViewer's OAuth endpoints and Web API pointed at the emulator (the account moves with the API base). */
function teamviewerEnv(teamviewer: TeamViewerEmulator): Record<string, string> {
  return presetEnv('teamviewer', CLIENT_ID, CLIENT_SECRET, {
    TEAMVIEWER_AUTHORIZE_URL: `${teamviewer.origin}/oauth2/authorize`,
    TEAMVIEWER_ACCESS_TOKEN_URL: `${teamviewer.origin}/api/v1/oauth2/token`,
    TEAMVIEWER_REVOCATION_URL: `${teamviewer.origin}/api/v1/oauth2/revoke`,
    TEAMVIEWER_API_BASE_URL: `${teamviewer.origin}/api/v1`,
  });
}

const TEAMVIEWER: StandardProvider<TeamViewerUser, TeamViewerEmulator> = {
  preset: 'teamviewer',
  displayName: 'TeamViewer',
  startEmulator: () => startTeamViewerEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: (teamviewer) => teamviewerEnv(teamviewer),
  people: standardPeople(person),
  subjectOf: (user) => user.userid,
};

const devices = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/teamviewer/proxy/devices`);
const refreshAtTeamViewer = (teamviewer: TeamViewerEmulator, refreshToken: string) => refreshAtProvider(`${teamviewer.origin}/api/v1/oauth2/token`, CLIENT, refreshToken, { by: 'form' });

describeEachDialect('TeamViewer, against an emulator of TeamViewer', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TEAMVIEWER);

  const signIn = (user: TeamViewerUser) => signInAs(context, 'teamviewer', user);

  it('signs in as the userid of /api/v1/account, with its name, its e-mail verified as email_validated says and the company name; no scope, no PKCE, the client in the form, a day-long token with a refresh token', async () => {
    const { database, emulator: teamviewer, app } = context;
    const ada = { ...person(101, 'Ada Lovelace'), companyName: 'Analytical Engines' };
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userid);
    expect(JSON.parse(account.claims)).toMatchObject({ userid: ada.userid, name: 'Ada Lovelace', email: 'ada.lovelace@example.com', email_verified: true, company_name: 'Analytical Engines' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'teamviewer');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 86_300, 86_400);
    const exchange = teamviewer.server.requests.find((r) => r.path === '/api/v1/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('an e-mail TeamViewer has not validated is kept unverified', async () => {
    const { database } = context;
    const { userId } = await signIn({ ...person(105, 'Fresh Account'), emailValidated: false });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('fresh.account@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the Web API; 20 concurrent calls on an expired token make one refresh, which rotates the refresh token and ends the spent one', async () => {
    const { emulator: teamviewer } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'teamviewer', userId, () => devices(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ devices: [{ alias: 'Workshop PC' }] });
    expectAccessTokenLifetime(after, 86_300, 86_400);
    expect(await statusAndBody(refreshAtTeamViewer(teamviewer, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed from the person's TeamViewer account marks the connection 'needs re-auth' after one refresh TeamViewer refuses", async () => {
    const { emulator: teamviewer } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    teamviewer.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'teamviewer', userId, () => devices(browser));
  });

  it('disconnect revokes at TeamViewer with the access token as Bearer, and the tokens end', async () => {
    const { emulator: teamviewer } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'teamviewer', { browser, userId }, { requests: 1 });
    expect(teamviewer.revocations.at(-1)).toBe(`Bearer ${stored.accessToken}`);
    expect(teamviewer.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtTeamViewer(teamviewer, stored.refreshToken!)).status).toBe(400);
  });

  it('/api/v1/account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TEAMVIEWER, person(110, 'Outage Profile'), (teamviewer) => teamviewer.failNextProfile(500));
  });

  standardCases(() => context, TEAMVIEWER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TEAMVIEWER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('TeamViewer in production', () => {
  it('with the client alone, signs in at login.teamviewer.com, reads the account, revokes and calls the Web API at webapi.teamviewer.com', () => {
    const { settings } = presetInProduction('teamviewer', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'TeamViewer',
      endpoints: {
        authorizationEndpoint: 'https://login.teamviewer.com/oauth2/authorize',
        tokenEndpoint: 'https://webapi.teamviewer.com/api/v1/oauth2/token',
        userinfoEndpoint: 'https://webapi.teamviewer.com/api/v1/account',
        revocationEndpoint: 'https://webapi.teamviewer.com/api/v1/oauth2/revoke',
      },
      scope: '',
      apiBaseUrl: 'https://webapi.teamviewer.com/api/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'userid',
    });
  });
});
