import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough, startProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startShutterstockEmulator, type ShutterstockEmulator, type ShutterstockUser } from './shutterstock.emulator.js';

// A consumer key and secret of the kind Shutterstock shows on an application's page.
const CLIENT_ID = '6d097450b209c6dcd859';
const CLIENT_SECRET = '8e2f1c7a9b4d3e6f0a5c2b8d7e1f4a9c3b6d0e2f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/shutterstock/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, firstName: string, lastName: string): ShutterstockUser {
  return { id: `9f3c${String(id).padStart(6, '0')}`, customerId: String(300400000 + id), firstName, lastName, username: `${firstName}${lastName}`.toLowerCase(), email: `${firstName.toLowerCase()}@studio.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function shutterstockEnv(shutterstock: ShutterstockEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('shutterstock', CLIENT_ID, CLIENT_SECRET, {
    SHUTTERSTOCK_AUTHORIZE_URL: `${shutterstock.origin}/oauth/authorize`,
    SHUTTERSTOCK_ACCESS_TOKEN_URL: `${shutterstock.origin}/v2/oauth/access_token`,
    SHUTTERSTOCK_API_BASE_URL: `${shutterstock.origin}/v2`,
    ...extra,
  });
}

const SHUTTERSTOCK: StandardProvider<ShutterstockUser, ShutterstockEmulator> = {
  preset: 'shutterstock',
  displayName: 'Shutterstock',
  startEmulator: () => startShutterstockEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: shutterstockEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const images = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/shutterstock/proxy/images/search?query=donkey`);

describeEachDialect('Shutterstock, against an emulator of its OAuth and API v2', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SHUTTERSTOCK);

  const signIn = (user: ShutterstockUser) => signInAs(context, 'shutterstock', user);

  it('signs in as the id of /v2/user (not the customer id or username), named by its full name, with an unverified e-mail; user.view and state asked without PKCE, the client in the form with a User-Agent, a token with no end and no refresh token', async () => {
    const { database, emulator: shutterstock, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user.view');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toMatch(/\S/);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'adalovelace', email: 'ada@studio.test' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@studio.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'shutterstock');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = shutterstock.server.requests.find((r) => r.path === '/v2/oauth/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(exchange.headers['user-agent']).toMatch(/\S/);
    const form = shutterstock.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.has('expires')).toBe(false);
    const profile = shutterstock.server.requests.filter((r) => r.path === '/v2/user').at(-1)!;
    expect(profile.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(profile.headers['user-agent']).toMatch(/\S/);
  });

  it('a scope configured without user.view cannot read /v2/user (403): the sign-in fails and nothing is stored', async () => {
    const { database, emulator: shutterstock } = context;
    const narrow = await startProviderTestApp({ databaseUrl: database.url, env: shutterstockEnv(shutterstock, { SHUTTERSTOCK_SCOPE: 'licenses.view' }) });
    try {
      const before = await rowCounts(database);
      shutterstock.signInAs(person(108, 'Narrow', 'Scope'));
      const page = await signInThrough(narrow.browser(), 'shutterstock');
      expect(page.status).toBe(502);
      expect(page.text).toContain('Shutterstock refused the userinfo request (HTTP 403');
      expect(await rowCounts(database)).toEqual(before);
    } finally {
      await narrow.close();
    }
  });

  it('the proxy calls API v2 with the token as Bearer; 20 concurrent calls ask Shutterstock for no token, as there is nothing to refresh', async () => {
    const { emulator: shutterstock } = context;
    const { browser } = await signIn(person(102, 'Grace', 'Hopper'));
    const answers = await expectNoTokenRequestFor20Calls(shutterstock, () => images(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ id: '1572478477', media_type: 'image' }] });
    expect(shutterstock.server.counts.images).toBeGreaterThanOrEqual(20);
  });

  it("the person's password changed (the API's 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: shutterstock } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    shutterstock.changePassword(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'shutterstock', userId, () => images(browser));
  });

  it('disconnect asks Shutterstock nothing (it documents no revocation) and forgets the token, which Shutterstock still takes', async () => {
    const { emulator: shutterstock, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'shutterstock'))!;
    await expectDisconnectAsksNothing(context, 'shutterstock', { browser, userId });
    expect(shutterstock.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SHUTTERSTOCK, person(110, 'Outage', 'Profile'), (shutterstock) => shutterstock.failNextProfile(500));
  });

  standardCases(() => context, SHUTTERSTOCK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SHUTTERSTOCK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Shutterstock in production', () => {
  it('with the client alone, signs in at accounts.shutterstock.com and takes tokens, /v2/user and the API at api.shutterstock.com/v2, asking user.view with the client in the form', () => {
    const { settings } = presetInProduction('shutterstock', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Shutterstock',
      endpoints: {
        authorizationEndpoint: 'https://accounts.shutterstock.com/oauth/authorize',
        tokenEndpoint: 'https://api.shutterstock.com/v2/oauth/access_token',
        userinfoEndpoint: 'https://api.shutterstock.com/v2/user',
      },
      scope: 'user.view',
      apiBaseUrl: 'https://api.shutterstock.com/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
