import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { BITRIX24_ACCESS_TOKEN_SECONDS, BITRIX24_MEMBER_ID, startBitrix24Emulator, type Bitrix24Emulator, type Bitrix24User } from './bitrix24.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A local application's client id and secret, of the kind a Bitrix24 account gives one.
const CLIENT_ID = 'local.6667fc928a50a9.70414732';
const CLIENT_SECRET = 'ZeKyeYIgy2NsHZqsIHY6GfG1VbQ4rT8wXp2LmN5sD0aKcJ7hE3';
const REDIRECT_URI = `${APP_ORIGIN}/auth/bitrix24/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const ACCOUNT_HOST = 'acme.bitrix24.com';

function person(id: number, name: string, lastName: string): Bitrix24User {
  return { id: String(id), name, lastName, email: `${name.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, the account's domain, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function bitrix24Env(bitrix24: Bitrix24Emulator): Record<string, string> {
  return presetEnv('bitrix24', CLIENT_ID, CLIENT_SECRET, {
    BITRIX24_DOMAIN: ACCOUNT_HOST,
    BITRIX24_AUTHORIZE_URL: `${bitrix24.origin}/oauth/authorize/`,
    BITRIX24_ACCESS_TOKEN_URL: `${bitrix24.origin}/oauth/token/`,
    BITRIX24_API_BASE_URL: `${bitrix24.origin}/rest`,
  });
}

const BITRIX24: StandardProvider<Bitrix24User, Bitrix24Emulator> = {
  preset: 'bitrix24',
  displayName: 'Bitrix24',
  startEmulator: () => startBitrix24Emulator({ ...CLIENT, redirectUri: REDIRECT_URI, accountHost: ACCOUNT_HOST }),
  env: bitrix24Env,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => `${user.id}@${ACCOUNT_HOST}`,
};

const profile = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/bitrix24/proxy/profile`);

/** A refresh at Bitrix24 itself, as its docs show it: a GET with every parameter in the query. */
function refreshAtBitrix24(bitrix24: Bitrix24Emulator, refreshToken: string): Promise<Response> {
  const query = new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken });
  return fetch(`${bitrix24.origin}/oauth/token/?${query}`);
}

describeEachDialect('Bitrix24, against an emulator of a Bitrix24 account and oauth.bitrix.info', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BITRIX24);

  const signIn = (user: Bitrix24User) => signInAs(context, 'bitrix24', user);

  it("signs in as user.current's ID qualified by the account's host, with the names and an unverified e-mail; no scope, no PKCE; the code exchanged with a GET whose query holds the client; an hour's token with a refresh token and the card's permissions", async () => {
    const { database, emulator: bitrix24, app } = context;
    const ada = person(3, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`3@${ACCOUNT_HOST}`);
    expect(JSON.parse(account.claims)).toEqual({ id: `3@${ACCOUNT_HOST}`, user_id: '3', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'bitrix24');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'crm user' });
    expectAccessTokenLifetime(token, BITRIX24_ACCESS_TOKEN_SECONDS - 100, BITRIX24_ACCESS_TOKEN_SECONDS);
    const exchange = bitrix24.tokenRequests[0]!;
    expect(exchange.method).toBe('GET');
    expect(exchange.body).toBe('');
    expect(exchange.query.get('grant_type')).toBe('authorization_code');
    expect(exchange.query.get('client_id')).toBe(CLIENT_ID);
    expect(exchange.query.get('client_secret')).toBe(CLIENT_SECRET);
    expect(exchange.query.get('code')).toEqual(expect.any(String));
    const read = bitrix24.server.requests.filter((r) => r.path.startsWith('/rest/user.current')).at(-1)!;
    expect(new URL(read.path, bitrix24.origin).searchParams.get('auth')).toBe(token!.accessToken);
    expect(read.headers.authorization).toBeUndefined();
  });

  it('the proxy calls REST methods with the token as `auth`; 20 concurrent calls on an expired token make one refresh, a GET with the client in its query, whose new refresh token is kept and whose spent one Bitrix24 refuses', async () => {
    const { emulator: bitrix24 } = context;
    const { browser, userId } = await signIn(person(4, 'Grace', 'Hopper'));
    const first = await profile(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ result: { ID: '4', NAME: 'Grace' } });
    const called = bitrix24.server.requests.filter((r) => r.path.startsWith('/rest/profile')).at(-1)!;
    expect(new URL(called.path, bitrix24.origin).searchParams.has('auth')).toBe(true);
    const { before, after } = await expectRotatedAfterStorm(context, 'bitrix24', userId, () => profile(browser));
    expectAccessTokenLifetime(after, BITRIX24_ACCESS_TOKEN_SECONDS - 100, BITRIX24_ACCESS_TOKEN_SECONDS);
    const refresh = bitrix24.tokenRequests.at(-1)!;
    expect(refresh.method).toBe('GET');
    expect(refresh.query.get('grant_type')).toBe('refresh_token');
    expect(refresh.query.get('refresh_token')).toBe(before.refreshToken);
    expect(refresh.query.get('client_secret')).toBe(CLIENT_SECRET);
    const spent = await refreshAtBitrix24(bitrix24, before.refreshToken!);
    expect(spent.status).toBe(400);
    expect(await spent.json()).toMatchObject({ error: 'invalid_grant' });
    const refreshed = await refreshAtBitrix24(bitrix24, after.refreshToken!);
    expect(await refreshed.json()).toMatchObject({ expires_in: BITRIX24_ACCESS_TOKEN_SECONDS, member_id: BITRIX24_MEMBER_ID, client_endpoint: `https://${ACCOUNT_HOST}/rest/` });
  });

  it("the application removed from the account marks the connection 'needs re-auth' after one refresh Bitrix24 refuses", async () => {
    const { emulator: bitrix24 } = context;
    const leaving = person(5, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    bitrix24.removeApplication(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'bitrix24', userId, () => profile(browser));
  });

  it('disconnect asks Bitrix24 nothing (it documents no revocation) and forgets the tokens, which Bitrix24 still takes', async () => {
    const { emulator: bitrix24, app } = context;
    const { browser, userId } = await signIn(person(6, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'bitrix24'))!;
    await expectDisconnectAsksNothing(context, 'bitrix24', { browser, userId });
    expect(bitrix24.accepts(stored.accessToken)).toBe(true);
  });

  it('user.current failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, BITRIX24, person(10, 'Outage', 'Profile'), (bitrix24) => bitrix24.failNextProfile(500));
  });

  standardCases(() => context, BITRIX24, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BITRIX24, { wrongSecret: { sentAs: '401 invalid_client', tokenRequestMethod: 'GET' }, exchangeFailure: {} });

describe('Bitrix24 in production', () => {
  it("with the client and the account's domain, authorizes there, gets tokens from oauth.bitrix.info with GETs, and reads user.current and calls REST methods on the account with the token as `auth`", () => {
    const { settings, refusal } = presetInProduction('bitrix24', CLIENT);
    expect(settings({ BITRIX24_DOMAIN: 'acme.bitrix24.de' })).toMatchObject({
      displayName: 'Bitrix24',
      endpoints: {
        authorizationEndpoint: 'https://acme.bitrix24.de/oauth/authorize/',
        tokenEndpoint: 'https://oauth.bitrix.info/oauth/token/',
        userinfoEndpoint: 'https://acme.bitrix24.de/rest/user.current',
      },
      scope: '',
      apiBaseUrl: 'https://acme.bitrix24.de/rest',
      tokenEndpointAuthMethod: 'client_secret_post',
      tokenRequestsInQuery: true,
      omitsTokenType: true,
      accessTokenParameter: 'auth',
      refreshTokenIdleSeconds: 180 * 86_400,
      subjectClaim: 'id',
    });
    expect(refusal({})).toContain('BITRIX24_DOMAIN is missing');
    expect(refusal({ BITRIX24_DOMAIN: 'https://acme.bitrix24.com' })).toContain('BITRIX24_DOMAIN is not a valid domain');
  });
});
