import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { CHATWORK_ACCESS_TOKEN_SECONDS, startChatworkEmulator, type ChatworkEmulator, type ChatworkUser } from './chatwork.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Chatwork's OAuth client screen shows for a confidential client.
const CLIENT_ID = 'Kq7vN2xWb9RtLm4PzA8sDe3Hc';
const CLIENT_SECRET = 'Yx3pT8kQ2vN6wR9mB4cF7hJ1sL5dG0eUa2Zr7XqWt4Pn';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/chatwork/callback`;

function person(id: number, name: string): ChatworkUser {
  const handle = name.toLowerCase().replace(/[^a-z]/g, '');
  return { accountId: 1100000 + id, name, chatworkId: handle, loginMail: `${handle}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function chatworkEnv(chatwork: ChatworkEmulator): Record<string, string> {
  return presetEnv('chatwork', CLIENT_ID, CLIENT_SECRET, {
    CHATWORK_AUTHORIZE_URL: `${chatwork.origin}/packages/oauth2/login.php`,
    CHATWORK_ACCESS_TOKEN_URL: `${chatwork.origin}/token`,
    CHATWORK_API_BASE_URL: `${chatwork.origin}/v2`,
  });
}

const CHATWORK: StandardProvider<ChatworkUser, ChatworkEmulator> = {
  preset: 'chatwork',
  displayName: 'Chatwork',
  startEmulator: () => startChatworkEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: chatworkEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.accountId),
};

const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/chatwork/proxy/me`);

describeEachDialect('Chatwork, against an emulator of Chatwork', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CHATWORK);
  const signIn = (user: ChatworkUser) => signInAs(context, 'chatwork', user);
  const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

  it('signs in as the account_id of /v2/me with the name, the Chatwork ID and an unverified login e-mail; users.profile.me:read offline_access asked with PKCE, the client as HTTP Basic, a 15-minute token with a refresh token', async () => {
    const { database, emulator: chatwork, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('users.profile.me:read offline_access');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1100101');
    expect(JSON.parse(account.claims)).toEqual({
      account_id: '1100101',
      name: 'Ada Lovelace',
      preferred_username: 'adalovelace',
      picture: 'https://appdata.chatwork.com/avatar/1100101.png',
      email: 'adalovelace@acme.test',
    });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'adalovelace@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'chatwork');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'users.profile.me:read offline_access' });
    expectAccessTokenLifetime(token, CHATWORK_ACCESS_TOKEN_SECONDS - 100, CHATWORK_ACCESS_TOKEN_SECONDS);
    const exchange = chatwork.server.requests.findLast((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBe(basic);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(chatwork.server.requests.findLast((r) => r.path === '/v2/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the account_id, whatever the name and Chatwork ID became', async () => {
    const first = await signIn(person(105, 'Grace Hopper'));
    const second = await signIn({ ...person(105, 'Grace Murray'), chatworkId: '' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, with the client as HTTP Basic, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: chatwork } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const first = await me(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ account_id: 1100102, name: 'Alan Turing' });
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'chatwork', userId, () => me(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, CHATWORK_ACCESS_TOKEN_SECONDS - 100, CHATWORK_ACCESS_TOKEN_SECONDS);
    expect(chatwork.server.requests.findLast((r) => r.path === '/token')!.headers.authorization).toBe(basic);
    expect(await statusAndBody(refreshAtProvider(`${chatwork.origin}/token`, CLIENT, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a route past the scopes asked is refused 403, and a token Chatwork no longer takes is its 401 with WWW-Authenticate', async () => {
    const { emulator: chatwork } = context;
    const { browser } = await signIn(person(106, 'Edsger Dijkstra'));
    expect((await browser.get(`${APP_ORIGIN}/api/providers/chatwork/proxy/rooms`)).status).toBe(403);
    const response = await fetch(`${chatwork.origin}/v2/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await response.json()).toEqual({ errors: ['Invalid API token'] });
  });

  it("the client's access removed in Chatwork marks the connection 'needs re-auth' after one refresh Chatwork refuses", async () => {
    const { emulator: chatwork } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    chatwork.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'chatwork', userId, () => me(browser));
  });

  it('disconnect asks Chatwork nothing (it documents no revocation) and forgets the tokens, which Chatwork still takes', async () => {
    const { emulator: chatwork, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'chatwork'))!;
    await expectDisconnectAsksNothing(context, 'chatwork', { browser, userId });
    expect(chatwork.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CHATWORK, person(110, 'Outage Profile'), (chatwork) => chatwork.failNextProfile(500));
  });

  standardCases(() => context, CHATWORK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CHATWORK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the chatwork preset in production', () => {
  it('with the client alone, signs in at www.chatwork.com, takes tokens at oauth.chatwork.com and calls api.chatwork.com/v2, asking users.profile.me:read offline_access with the client as HTTP Basic', () => {
    const { settings } = presetInProduction('chatwork', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Chatwork',
      endpoints: {
        authorizationEndpoint: 'https://www.chatwork.com/packages/oauth2/login.php',
        tokenEndpoint: 'https://oauth.chatwork.com/token',
        userinfoEndpoint: 'https://api.chatwork.com/v2/me',
      },
      scope: 'users.profile.me:read offline_access',
      apiBaseUrl: 'https://api.chatwork.com/v2',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'account_id',
    });
  });
});
