import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { TEAMLEADER_ACCESS_TOKEN_SECONDS, startTeamleaderEmulator, type TeamleaderEmulator, type TeamleaderUser } from './teamleader.emulator.js';

// A client id and secret of the kind Teamleader's Marketplace issues an integration.
const CLIENT_ID = 'a8f3c1d27e5b4960b1c2d3e4f5a6b7c8';
const CLIENT_SECRET = '3f9e1d7c5b3a19e7d5c3b1a9f7e5d3c1';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/teamleader/callback`;
const ACCOUNT_ID = '0fc55513-7f68-4865-aba0-de5da9e4e43d';

function person(id: number, firstName: string, lastName: string): TeamleaderUser {
  return { id: `cb8da52a-ce89-4bf6-8f7e-8ee6cb8${String(id).padStart(5, '0')}`, accountId: ACCOUNT_ID, firstName, lastName, emailConfirmed: true };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (users.me moves with the API base). */
function teamleaderEnv(teamleader: TeamleaderEmulator): Record<string, string> {
  return presetEnv('teamleader', CLIENT_ID, CLIENT_SECRET, {
    TEAMLEADER_AUTHORIZE_URL: `${teamleader.origin}/oauth2/authorize`,
    TEAMLEADER_ACCESS_TOKEN_URL: `${teamleader.origin}/oauth2/access_token`,
    TEAMLEADER_API_BASE_URL: teamleader.origin,
  });
}

const TEAMLEADER: StandardProvider<TeamleaderUser, TeamleaderEmulator> = {
  preset: 'teamleader',
  displayName: 'Teamleader Focus',
  startEmulator: () => startTeamleaderEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: teamleaderEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const contacts = async (browser: TestBrowser) =>
  browser.request(`${APP_ORIGIN}/api/providers/teamleader/proxy/contacts.list`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { page: { size: 20, number: 1 } } });

describeEachDialect('Teamleader Focus, against an emulator of Teamleader', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TEAMLEADER);
  const signIn = (user: TeamleaderUser) => signInAs(context, 'teamleader', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth2/access_token`;

  it('signs in as the id of users.me (POSTed), with the account, the names and the e-mail verified as Teamleader says; no scope, no PKCE, the client in the form, an hour-long token with a refresh token', async () => {
    const { database, emulator: teamleader, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({
      id: ada.id,
      account_id: ACCOUNT_ID,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@piedpiper.eu',
      email_verified: true,
      locale: 'nl-BE',
      zoneinfo: 'Europe/Brussels',
    });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@piedpiper.eu' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'teamleader');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, TEAMLEADER_ACCESS_TOKEN_SECONDS - 100, TEAMLEADER_ACCESS_TOKEN_SECONDS);
    const exchange = teamleader.server.requests.findLast((r) => r.path === '/oauth2/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = teamleader.tokenParameters.at(-1)!;
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI });
    const me = teamleader.server.requests.findLast((r) => r.path === '/users.me')!;
    expect(me.method).toBe('POST');
    expect(me.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it("a pending e-mail is kept unverified", async () => {
    const { database } = context;
    const { userId } = await signIn({ ...person(107, 'Pending', 'Person'), emailConfirmed: false });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('pending@piedpiper.eu');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy POSTs JSON to the API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: teamleader } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await contacts(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: [{ first_name: 'Erlich' }], meta: { matches: 1 } });
    const { before, after } = await expectRotatedAfterStorm(context, 'teamleader', userId, () => contacts(browser));
    expectAccessTokenLifetime(after, TEAMLEADER_ACCESS_TOKEN_SECONDS - 100, TEAMLEADER_ACCESS_TOKEN_SECONDS);
    expect(Object.fromEntries(teamleader.tokenParameters.at(-1)!)).toMatchObject({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: before.refreshToken });
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('Teamleader takes the client only in the parameters (not as HTTP Basic), and an API call without a live token is its 401 with errors', async () => {
    const { emulator: teamleader } = context;
    expect((await refreshAtProvider(tokenUrl(), CLIENT, 'rt_anything', { by: 'basic' })).status).toBe(401);
    const call = await fetch(`${teamleader.origin}/contacts.list`, { method: 'POST', headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' }, body: '{}' });
    expect(call.status).toBe(401);
    expect(await call.json()).toMatchObject({ errors: [{ title: expect.any(String) }] });
  });

  it("the integration uninstalled: the refused refresh marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: teamleader } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    teamleader.uninstall(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'teamleader', userId, () => contacts(browser));
  });

  it('disconnect asks Teamleader nothing (it documents no revocation) and forgets the tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'teamleader', { browser, userId });
  });

  it('users.me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TEAMLEADER, person(110, 'Outage', 'Profile'), (teamleader) => teamleader.failNextProfile(500));
  });

  standardCases(() => context, TEAMLEADER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TEAMLEADER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Teamleader Focus in production', () => {
  it('with the client alone, signs in at focus.teamleader.eu, POSTs users.me and calls the API at api.focus.teamleader.eu, with no scope and the client in the form', () => {
    const { settings } = presetInProduction('teamleader', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Teamleader Focus',
      endpoints: {
        authorizationEndpoint: 'https://focus.teamleader.eu/oauth2/authorize',
        tokenEndpoint: 'https://focus.teamleader.eu/oauth2/access_token',
        userinfoEndpoint: 'https://api.focus.teamleader.eu/users.me',
      },
      scope: '',
      apiBaseUrl: 'https://api.focus.teamleader.eu',
      tokenEndpointAuthMethod: 'client_secret_post',
      userinfoPostJson: {},
      subjectClaim: 'id',
    });
  });
});
