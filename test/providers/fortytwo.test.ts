import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { FORTYTWO_ACCESS_TOKEN_SECONDS, startFortyTwoEmulator, type FortyTwoEmulator, type FortyTwoUser } from './fortytwo.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client uid and secret of the form 42's application page shows them.
const CLIENT_ID = 'u-s4t2ud-3f1a9c0d7e5b2a4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c';
const CLIENT_SECRET = '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';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/fortytwo/callback`;

function person(id: number, firstName: string, lastName: string): FortyTwoUser {
  return { id: 180_000 + id, login: `${firstName[0]}${lastName}`.toLowerCase().slice(0, 8), firstName, lastName };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the person moves with the API base). */
function fortytwoEnv(fortytwo: FortyTwoEmulator): Record<string, string> {
  return presetEnv('fortytwo', CLIENT_ID, CLIENT_SECRET, {
    FORTYTWO_AUTHORIZE_URL: `${fortytwo.origin}/oauth/authorize`,
    FORTYTWO_ACCESS_TOKEN_URL: `${fortytwo.origin}/oauth/token`,
    FORTYTWO_API_BASE_URL: `${fortytwo.origin}/v2`,
  });
}

const FORTYTWO: StandardProvider<FortyTwoUser, FortyTwoEmulator> = {
  preset: 'fortytwo',
  displayName: '42',
  startEmulator: () => startFortyTwoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: fortytwoEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const cursus = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/fortytwo/proxy/cursus`);

describeEachDialect('42, against an emulator of the intranet API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FORTYTWO);
  const signIn = (user: FortyTwoUser) => signInAs(context, 'fortytwo', user);

  it('signs in as the id of /v2/me (not the login), with the usual full name, the login and an unverified e-mail; public asked without PKCE, the client in the form, a 2-hour token and no refresh token', async () => {
    const { database, emulator: fortytwo, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('public');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('180101');
    expect(JSON.parse(account.claims)).toEqual({
      id: '180101',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'alovelac',
      email: 'alovelac@student.42.fr',
      picture: 'https://cdn.intra.42.fr/users/alovelac.jpg',
    });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'alovelac@student.42.fr' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'fortytwo');
    expect(token).toMatchObject({ refreshToken: null, scope: 'public' });
    expectAccessTokenLifetime(token, FORTYTWO_ACCESS_TOKEN_SECONDS - 100, FORTYTWO_ACCESS_TOKEN_SECONDS);
    const exchange = fortytwo.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(fortytwo.server.requests.findLast((r) => r.path === '/v2/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the id, whatever the login says', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), login: 'amazing' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls API v2 with the token as Bearer', async () => {
    const { emulator: fortytwo, app } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const answer = await cursus(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject([{ slug: '42cursus' }]);
    const stored = await app.runtime.tokenStore.findToken(userId, 'fortytwo');
    expect(fortytwo.server.requests.findLast((r) => r.path === '/v2/cursus')!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it('a token that has ended here needs a new sign-in, asking 42 nothing (it gives no refresh token)', async () => {
    const { database } = context;
    const { browser, userId } = await signIn(person(103, 'Edsger', 'Dijkstra'));
    await expireAccessTokens(database, userId);
    await expectNeedsReauthWithoutTokenRequest(context, 'fortytwo', userId, () => cursus(browser));
  });

  it("the application's token revoked on the intranet: 42's 401 marks the connection needs re-auth, with no refresh tried", async () => {
    const { emulator: fortytwo } = context;
    const leaving = person(104, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    fortytwo.revokeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'fortytwo', userId, () => cursus(browser));
  });

  it('42 refuses a refresh grant (it issues no refresh token), a scope it does not know, and an API call without a live token', async () => {
    const { emulator: fortytwo } = context;
    expect(await statusAndBody(refreshAtProvider(`${fortytwo.origin}/oauth/token`, CLIENT, 'rt_anything', { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const authorize = new URL(`${fortytwo.origin}/oauth/authorize`);
    for (const [name, value] of Object.entries({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'public everything', state: 's1' })) authorize.searchParams.set(name, value);
    const refused = await fetch(authorize, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    const call = await fetch(`${fortytwo.origin}/v2/cursus`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(call.status).toBe(401);
  });

  it('disconnect deletes the token here and asks 42 nothing: it documents no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(106, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'fortytwo', { browser, userId });
  });

  it('/v2/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FORTYTWO, person(110, 'Outage', 'Profile'), (fortytwo) => fortytwo.failNextProfile(500));
  });

  standardCases(() => context, FORTYTWO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FORTYTWO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('42 in production', () => {
  it('with the client alone, signs in at api.intra.42.fr, reads /v2/me and calls API v2 there, asking public with the client in the form', () => {
    const { settings } = presetInProduction('fortytwo', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: '42',
      endpoints: {
        authorizationEndpoint: 'https://api.intra.42.fr/oauth/authorize',
        tokenEndpoint: 'https://api.intra.42.fr/oauth/token',
        userinfoEndpoint: 'https://api.intra.42.fr/v2/me',
      },
      scope: 'public',
      apiBaseUrl: 'https://api.intra.42.fr/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
