import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { PLANNING_CENTER_ACCESS_TOKEN_SECONDS, startPlanningCenterEmulator, type PlanningCenterEmulator, type PlanningCenterUser } from './planning_center.emulator.js';

// A client id and secret of the kind a Planning Center OAuth application is given (64 hex digits each).
const CLIENT_ID = '3f2a9c1e7b5d4086a1c2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e';
const CLIENT_SECRET = 'c0ffee11d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f809';
const REDIRECT_URI = `${APP_ORIGIN}/auth/planning_center/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, firstName: string, lastName: string, organizationId = '217'): PlanningCenterUser {
  return { id: String(48_000_000 + id), organizationId, organizationName: 'Grace Community Church', firstName, lastName, email: `${firstName.toLowerCase()}@grace.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function planningCenterEnv(emulator: PlanningCenterEmulator): Record<string, string> {
  return presetEnv('planning_center', CLIENT_ID, CLIENT_SECRET, {
    PLANNING_CENTER_AUTHORIZE_URL: `${emulator.origin}/oauth/authorize`,
    PLANNING_CENTER_ACCESS_TOKEN_URL: `${emulator.origin}/oauth/token`,
    PLANNING_CENTER_API_BASE_URL: emulator.origin,
  });
}

const PLANNING_CENTER: StandardProvider<PlanningCenterUser, PlanningCenterEmulator> = {
  preset: 'planning_center',
  displayName: 'Planning Center',
  startEmulator: () => startPlanningCenterEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: planningCenterEnv,
  people: standardPeopleByNameParts((id, firstName, lastName) => person(id, firstName, lastName)),
  subjectOf: (user) => `${user.id}@${user.organizationId}`,
};

const people = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/planning_center/proxy/people/v2/people`);

describeEachDialect('Planning Center, against an emulator of Planning Center', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PLANNING_CENTER);

  const signIn = (user: PlanningCenterUser) => signInAs(context, 'planning_center', user);

  it('signs in as the Current API person qualified by their organization, with an unverified e-mail; the people scope, no PKCE, the client in the form, a 2-hour token with a refresh token', async () => {
    const { database, emulator, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('people');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('48000101@217');
    expect(JSON.parse(account.claims)).toEqual({ id: '48000101@217', person_id: '48000101', organization_id: '217', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@grace.test', organization: 'Grace Community Church' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@grace.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'planning_center');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, PLANNING_CENTER_ACCESS_TOKEN_SECONDS - 100, PLANNING_CENTER_ACCESS_TOKEN_SECONDS);
    const exchange = emulator.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = emulator.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    const profile = emulator.server.requests.filter((r) => r.path.startsWith('/current/v2/me')).at(-1)!;
    expect(profile.path).toBe('/current/v2/me?include=organization');
    expect(profile.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the same person id in another organization is another account', async () => {
    const { database } = context;
    const here = await signIn(person(105, 'Twin', 'One', '217'));
    const there = await signIn(person(105, 'Twin', 'Two', '9001'));
    const subjects = await database.db.selectFrom('accounts').select('subject').where('user_id', 'in', [here.userId, there.userId]).execute();
    expect(subjects.map((row) => row.subject).sort()).toEqual(['48000105@217', '48000105@9001']);
    expect(here.userId).not.toBe(there.userId);
  });

  it('the proxy calls the People API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token replaces the spent one', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(person(102, 'Grace', 'Hopper'));
    const first = await people(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: [{ type: 'Person', attributes: { first_name: 'Grace' } }], meta: { parent: { type: 'Organization', id: '217' } } });
    const { before, after } = await expectRotatedAfterStorm(context, 'planning_center', userId, () => people(browser));
    expectAccessTokenLifetime(after, PLANNING_CENTER_ACCESS_TOKEN_SECONDS - 100, PLANNING_CENTER_ACCESS_TOKEN_SECONDS);
    const refresh = emulator.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const spent = await refreshAtProvider(`${emulator.origin}/oauth/token`, CLIENT, before.refreshToken!, { by: 'form' });
    expect(spent.status).toBe(400);
    expect(await spent.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('an API call with a token Planning Center does not take is a 401, and the People API refuses a token without the people scope', async () => {
    const { emulator } = context;
    const response = await fetch(`${emulator.origin}/people/v2/people`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ status: '401', title: 'Unauthorized' }] });
    const authorize = new URL(`${emulator.origin}/oauth/authorize`);
    for (const [key, value] of Object.entries({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'people payroll', state: 's' })) authorize.searchParams.set(key, value);
    const refused = await fetch(authorize, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it("the connected application removed in Planning Center marks the connection 'needs re-auth' after one refresh Planning Center refuses", async () => {
    const { emulator } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    emulator.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'planning_center', userId, () => people(browser));
  });

  it('disconnect asks Planning Center nothing (no revocation is documented) and forgets the tokens, which Planning Center still takes', async () => {
    const { emulator, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'planning_center'))!;
    await expectDisconnectAsksNothing(context, 'planning_center', { browser, userId });
    expect(emulator.accepts(stored.accessToken)).toBe(true);
  });

  it('/current/v2/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PLANNING_CENTER, person(110, 'Outage', 'Profile'), (emulator) => emulator.failNextProfile(500));
  });

  standardCases(() => context, PLANNING_CENTER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(PLANNING_CENTER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Planning Center in production', () => {
  it('with the client alone, signs in and reads the Current API at api.planningcenteronline.com, asking people, the client in the form', () => {
    const { settings } = presetInProduction('planning_center', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Planning Center',
      endpoints: {
        authorizationEndpoint: 'https://api.planningcenteronline.com/oauth/authorize',
        tokenEndpoint: 'https://api.planningcenteronline.com/oauth/token',
        userinfoEndpoint: 'https://api.planningcenteronline.com/current/v2/me?include=organization',
      },
      scope: 'people',
      apiBaseUrl: 'https://api.planningcenteronline.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
