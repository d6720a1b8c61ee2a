import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { PROPELAUTH_ACCESS_TOKEN_SECONDS, startPropelAuthEmulator, type PropelAuthEmulator, type PropelAuthUser } from './propelauth.emulator.js';

// A Client ID and Client Secret of the kind the OAuth Config page generates: hex strings.
const CLIENT_ID = '140b68df6b9476693d817334f530ae0c';
const CLIENT_SECRET = '6a0c5e9f2b7d41e38c94f1a2d5b7e0c3f8a1d4b6e9c2f5a7d0b3e6c9f2a5d8b1';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/propelauth/callback`;

function person(id: number, firstName: string, lastName: string): PropelAuthUser {
  return { id: `31c41c16-c281-44ae-9602-${String(id).padStart(12, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the OAuth client, and the environment's Auth URL. */
function propelauthEnv(propelauth: PropelAuthEmulator): Record<string, string> {
  return presetEnv('propelauth', CLIENT_ID, CLIENT_SECRET, { PROPELAUTH_BASE_URL: propelauth.origin });
}

const subjectAt = (propelauth: PropelAuthEmulator, user: PropelAuthUser) => `${user.id}@${new URL(propelauth.origin).host}`;

let started: PropelAuthEmulator | undefined;
const PROPELAUTH: StandardProvider<PropelAuthUser, PropelAuthEmulator> = {
  preset: 'propelauth',
  displayName: 'PropelAuth',
  startEmulator: async () => (started = await startPropelAuthEmulator({ ...CLIENT, redirectUri: REDIRECT_URI })),
  env: propelauthEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => subjectAt(started!, user),
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/propelauth/proxy/userinfo`);

/** A refresh at the environment itself, the client as HTTP Basic. */
const refreshAtPropelAuth = (propelauth: PropelAuthEmulator, refreshToken: string) => refreshAtProvider(`${propelauth.origin}/propelauth/oauth/token`, CLIENT, refreshToken);

describeEachDialect('PropelAuth, against an emulator of a PropelAuth environment as an OAuth provider', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PROPELAUTH);
  const signIn = (user: PropelAuthUser) => signInAs(context, 'propelauth', user);

  it("signs in as the user_id qualified by the Auth URL's host, with the names and an unverified e-mail; no scope, state and PKCE, the client as HTTP Basic, a token with a refresh token", async () => {
    const { database, emulator: propelauth, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toMatch(/\S/);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(subjectAt(propelauth, ada));
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: ada.id, given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', email_verified: false });
    const token = await app.runtime.tokenStore.findToken(userId, 'propelauth');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, PROPELAUTH_ACCESS_TOKEN_SECONDS - 100, PROPELAUTH_ACCESS_TOKEN_SECONDS);
    const exchange = propelauth.server.requests.filter((r) => r.path === '/propelauth/oauth/token').at(-1)!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(propelauth.server.requests.filter((r) => r.path === '/propelauth/oauth/userinfo').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the user_id, whatever the e-mail became', async () => {
    const first = await signIn(person(107, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(107, 'Grace', 'Hopper'), email: 'admiral@example.com' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy reads the user info; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: propelauth } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'propelauth', userId, () => userinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ user_id: person(102, 'Alan', 'Turing').id });
    expectAccessTokenLifetime(after, PROPELAUTH_ACCESS_TOKEN_SECONDS - 100, PROPELAUTH_ACCESS_TOKEN_SECONDS);
    const refresh = propelauth.server.requests.filter((r) => r.path === '/propelauth/oauth/token').at(-1)!;
    expect(refresh.headers.authorization).toMatch(/^Basic /);
    expect(await statusAndBody(refreshAtPropelAuth(propelauth, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the person logged out everywhere in PropelAuth marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: propelauth } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    propelauth.logOutEverywhere(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'propelauth', userId, () => userinfo(browser));
  });

  it("disconnect deletes the tokens here and asks PropelAuth nothing: its logout is the Backend API's, with the API key the preset does not hold", async () => {
    const { emulator: propelauth, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'propelauth'))!;
    await expectDisconnectAsksNothing(context, 'propelauth', { browser, userId });
    expect(propelauth.accepts(stored.accessToken)).toBe(true);
  });

  it('the user info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PROPELAUTH, person(106, 'Outage', 'Profile'), (propelauth) => propelauth.failNextUserinfoRequest(500));
  });

  standardCases(() => context, PROPELAUTH, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(PROPELAUTH, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the propelauth preset in production', () => {
  const { settings, refusal } = presetInProduction('propelauth', CLIENT);

  it("takes the environment's Auth URL, and needs it; every endpoint is under its /propelauth/oauth", () => {
    expect(settings({ PROPELAUTH_BASE_URL: 'https://auth.example.com/' })).toMatchObject({
      displayName: 'PropelAuth',
      endpoints: {
        authorizationEndpoint: 'https://auth.example.com/propelauth/oauth/authorize',
        tokenEndpoint: 'https://auth.example.com/propelauth/oauth/token',
        userinfoEndpoint: 'https://auth.example.com/propelauth/oauth/userinfo',
      },
      scope: '',
      apiBaseUrl: 'https://auth.example.com/propelauth/oauth',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
    expect(refusal({})).toContain('PROPELAUTH_BASE_URL');
  });
});
