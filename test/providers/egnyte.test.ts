import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startEgnyteEmulator, type EgnyteEmulator, type EgnyteUser } from './egnyte.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An API key and secret of the form Egnyte's developer site issues.
const CLIENT_ID = 'x2g35g8gynb5cedas649m4h4';
const CLIENT_SECRET = 'Qm7vR4pW9sK2tY6bN3hF8dL5';
const REDIRECT_URI = `${APP_ORIGIN}/auth/egnyte/callback`;
const DOMAIN = 'acme.egnyte.com';

function person(id: number, firstName: string, lastName: string): EgnyteUser {
  return { id: 12_345_000 + id, username: firstName.toLowerCase(), firstName, lastName };
}

/** Only the documented variables: the preset, the client, the domain, and the endpoints and the API base on the emulator (the user info moves with the API base). */
function egnyteEnv(egnyte: EgnyteEmulator): Record<string, string> {
  return presetEnv('egnyte', CLIENT_ID, CLIENT_SECRET, {
    EGNYTE_DOMAIN: DOMAIN,
    EGNYTE_AUTHORIZE_URL: `${egnyte.origin}/puboauth/token`,
    EGNYTE_ACCESS_TOKEN_URL: `${egnyte.origin}/puboauth/token`,
    EGNYTE_API_BASE_URL: `${egnyte.origin}/pubapi`,
  });
}

const EGNYTE: StandardProvider<EgnyteUser, EgnyteEmulator> = {
  preset: 'egnyte',
  displayName: 'Egnyte',
  startEmulator: () => startEgnyteEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: egnyteEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => `${user.id}@${DOMAIN}`,
};

describeEachDialect('Egnyte, against an emulator of an Egnyte domain', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EGNYTE);

  const signIn = (user: EgnyteUser) => signInAs(context, 'egnyte', user);
  const shared = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/egnyte/proxy/v1/fs/Shared`);

  it("signs in as the user info's id qualified by the domain's host, with the username and names and no e-mail; Egnyte.filesystem asked, no PKCE, the client in the form with the redirect_uri, a token with no end and no refresh token", async () => {
    const { database, emulator: egnyte, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('Egnyte.filesystem');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`12345101@${DOMAIN}`);
    expect(JSON.parse(account.claims)).toEqual({ id: `12345101@${DOMAIN}`, user_id: '12345101', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: null, username: 'ada' });
    const token = await app.runtime.tokenStore.findToken(userId, 'egnyte');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = egnyte.server.requests.filter((r) => r.path === '/puboauth/token' && r.method === 'POST').at(-1)!;
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    const form = egnyte.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(egnyte.server.requests.filter((r) => r.path === '/pubapi/v1/userinfo').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same account by the qualified id', async () => {
    const returning = person(110, 'Returning', 'Person');
    const first = await signIn(returning);
    const second = await signIn(returning);
    expect(second.userId).toBe(first.userId);
    expect(await context.database.db.selectFrom('accounts').select('id').where('provider', '=', 'egnyte').where('subject', '=', `12345110@${DOMAIN}`).execute()).toHaveLength(1);
  });

  it('the proxy calls the public API under /pubapi with the token as Bearer; 20 concurrent calls ask Egnyte for no token, as there is nothing to refresh', async () => {
    const { emulator: egnyte } = context;
    const { browser } = await signIn(person(102, 'Grace', 'Hopper'));
    const answers = await expectNoTokenRequestFor20Calls(egnyte, () => shared(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ path: '/Shared', folders: [{ name: 'Documents' }] });
    expect(egnyte.server.counts.fs).toBeGreaterThanOrEqual(20);
  });

  it('an API call with a token Egnyte does not take is a 401 "Developer Inactive"', async () => {
    const { emulator: egnyte } = context;
    const response = await fetch(`${egnyte.origin}/pubapi/v1/fs/Shared`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('Developer Inactive');
  });

  it("the access revoked (or the password changed) in Egnyte: the 401 marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: egnyte } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    egnyte.revokeAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'egnyte', userId, () => shared(browser));
  });

  it('disconnect asks Egnyte nothing (it documents no revocation) and forgets the token, which Egnyte still takes', async () => {
    const { emulator: egnyte, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'egnyte'))!;
    await expectDisconnectAsksNothing(context, 'egnyte', { browser, userId });
    expect(egnyte.accepts(stored.accessToken)).toBe(true);
  });

  it('the user info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, EGNYTE, person(111, 'Outage', 'Profile'), (egnyte) => egnyte.failNextProfile(500));
  });

  standardCases(() => context, EGNYTE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(EGNYTE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the egnyte preset in production', () => {
  const { settings, refusal } = presetInProduction('egnyte', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the domain's host for the authorization, the token, the user info and the API, asks Egnyte.filesystem with the client in the form, and needs the domain", () => {
    expect(settings({ EGNYTE_DOMAIN: 'acme.egnytegov.com' })).toMatchObject({
      displayName: 'Egnyte',
      endpoints: {
        authorizationEndpoint: 'https://acme.egnytegov.com/puboauth/token',
        tokenEndpoint: 'https://acme.egnytegov.com/puboauth/token',
        userinfoEndpoint: 'https://acme.egnytegov.com/pubapi/v1/userinfo',
      },
      scope: 'Egnyte.filesystem',
      apiBaseUrl: 'https://acme.egnytegov.com/pubapi',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(refusal({})).toContain('EGNYTE_DOMAIN is missing');
  });
});
