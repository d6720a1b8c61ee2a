import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMeetupEmulator, type MeetupEmulator, type MeetupMember } from './meetup.emulator.js';

// A key and secret of the kind Meetup gives an OAuth client.
const CLIENT_ID = 'q3k8v1m9b2n7c4x6z5l0p8o2i1';
const CLIENT_SECRET = 'f7d2s9a4g6h1j3k8l5z0x2c7v9b4n6m1';
const REDIRECT_URI = `${APP_ORIGIN}/auth/meetup/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): MeetupMember {
  return { id: String(310_000_000 + id), name };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the GraphQL profile moves with the API base). */
function meetupEnv(meetup: MeetupEmulator): Record<string, string> {
  return presetEnv('meetup', CLIENT_ID, CLIENT_SECRET, {
    MEETUP_AUTHORIZE_URL: `${meetup.origin}/oauth2/authorize`,
    MEETUP_ACCESS_TOKEN_URL: `${meetup.origin}/oauth2/access`,
    MEETUP_API_BASE_URL: meetup.origin,
  });
}

const MEETUP: StandardProvider<MeetupMember, MeetupEmulator> = {
  preset: 'meetup',
  displayName: 'Meetup',
  startEmulator: () => startMeetupEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: meetupEnv,
  people: standardPeople(person),
  subjectOf: (member) => member.id,
};

const GROUP_QUERY = 'query ($urlname: String!) { groupByUrlname(urlname: $urlname) { id name urlname } }';
const graphql = async (browser: TestBrowser, query = GROUP_QUERY) =>
  browser.request(`${APP_ORIGIN}/api/providers/meetup/proxy/gql-ext`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query, variables: { urlname: 'tokyo-typescript' } } });

describeEachDialect('Meetup, against an emulator of its OAuth and GraphQL API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MEETUP);

  const signIn = (member: MeetupMember) => signInAs(context, 'meetup', member);

  it('signs in as the id of the GraphQL `self`, its name the name, no e-mail; no scope and no PKCE asked, the client in the form with the redirect_uri again, a 60-minute token with a refresh token', async () => {
    const { database, emulator: meetup, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'meetup');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = meetup.server.requests.find((r) => r.path === '/oauth2/access')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = meetup.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(meetup.queries[0]).toBe('query { self { id name } }');
    expect(meetup.server.requests.find((r) => r.path === '/gql-ext')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again after a change of name finds the same member by the id', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Old Name'));
    const second = await signIn(person(105, 'New Name'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('users').select('name').where('id', '=', first.userId).executeTakeFirstOrThrow()).toEqual({ name: 'New Name' });
  });

  it('the proxy posts GraphQL queries to /gql-ext and passes a query error back as it came; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator: meetup } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await graphql(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: { groupByUrlname: { urlname: 'tokyo-typescript' } } });
    const broken = await graphql(browser, '{');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text)).toMatchObject({ errors: [{ message: 'Invalid Syntax' }] });
    const { after } = await expectRotatedAfterStorm(context, 'meetup', userId, () => graphql(browser));
    expectAccessTokenLifetime(after, 3500, 3600);
    const refresh = meetup.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const refreshed = await refreshAtProvider(`${meetup.origin}/oauth2/access`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
  });

  it("the app removed in the member's Meetup settings marks the connection 'needs re-auth' after one refresh Meetup refuses", async () => {
    const { emulator: meetup } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    meetup.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'meetup', userId, () => graphql(browser));
  });

  it('disconnect asks Meetup nothing (it documents no revocation) and forgets the tokens, which Meetup still takes', async () => {
    const { emulator: meetup, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'meetup'))!;
    await expectDisconnectAsksNothing(context, 'meetup', { browser, userId });
    expect(meetup.accepts(stored.accessToken)).toBe(true);
  });

  it('the `self` query failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MEETUP, person(110, 'Outage Profile'), (meetup) => meetup.failNextProfile(500));
  });

  standardCases(() => context, MEETUP, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(MEETUP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Meetup in production', () => {
  it('with the client alone, signs in at secure.meetup.com, reads `self` from api.meetup.com/gql-ext and calls the API there, with no scope and the client in the form', () => {
    const { settings } = presetInProduction('meetup', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Meetup',
      endpoints: {
        authorizationEndpoint: 'https://secure.meetup.com/oauth2/authorize',
        tokenEndpoint: 'https://secure.meetup.com/oauth2/access',
        userinfoEndpoint: 'https://api.meetup.com/gql-ext',
      },
      scope: '',
      apiBaseUrl: 'https://api.meetup.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
