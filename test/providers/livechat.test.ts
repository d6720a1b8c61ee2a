import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { LIVECHAT_ACCESS_TOKEN_SECONDS, startLiveChatEmulator, type LiveChatAgent, type LiveChatEmulator } from './livechat.emulator.js';

// A Client Id and Secret of the form Developer Console's Authorization block shows.
const CLIENT_ID = '9cbf3a968289727cb3cdfe83ab1d9836';
const CLIENT_SECRET = 'd7MEp1YYo3Lq8tVz2XcN5bR0kJ4hW6sA';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/livechat/callback`;
const ORGANIZATION = '390e44e6-f1e6-4a2b-9c3d-74a14508c2e0';

function agent(id: number, name: string, organizationId = ORGANIZATION): LiveChatAgent {
  return { accountId: `b7eff798-f8df-4364-8059-${String(id).padStart(12, '0')}`, organizationId, name };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the exchange and revocation share /v2/token). */
function livechatEnv(livechat: LiveChatEmulator): Record<string, string> {
  return presetEnv('livechat', CLIENT_ID, CLIENT_SECRET, {
    LIVECHAT_AUTHORIZE_URL: `${livechat.origin}/`,
    LIVECHAT_ACCESS_TOKEN_URL: `${livechat.origin}/v2/token`,
    LIVECHAT_REVOCATION_URL: `${livechat.origin}/v2/token`,
    LIVECHAT_API_BASE_URL: livechat.origin,
  });
}

const LIVECHAT: StandardProvider<LiveChatAgent, LiveChatEmulator> = {
  preset: 'livechat',
  displayName: 'LiveChat',
  startEmulator: () => startLiveChatEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: livechatEnv,
  people: standardPeople(agent),
  subjectOf: (person) => person.accountId,
};

const listChats = async (browser: TestBrowser) =>
  browser.request(`${APP_ORIGIN}/api/providers/livechat/proxy/v3.5/agent/action/list_chats`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: {} });

describeEachDialect('LiveChat, against an emulator of LiveChat', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LIVECHAT);
  const signIn = (person: LiveChatAgent) => signInAs(context, 'livechat', person);
  const tokenUrl = () => `${context.emulator.origin}/v2/token`;

  it("signs in as the token answer's account_id (no profile call), the organization kept; no scope, no PKCE, the client and redirect_uri in the form; the comma-separated scope kept space-separated, an 8-hour token with a refresh token", async () => {
    const { database, emulator: livechat, app } = context;
    const ada = agent(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.accountId);
    expect(JSON.parse(account.claims)).toEqual({ account_id: ada.accountId, organization_id: ORGANIZATION });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'livechat');
    expect(token).toMatchObject({ scope: 'chats--all:ro chats--all:rw', refreshToken: expect.stringMatching(/^dal:/), accessToken: expect.stringMatching(/^dal:/) });
    expectAccessTokenLifetime(token, LIVECHAT_ACCESS_TOKEN_SECONDS - 100, LIVECHAT_ACCESS_TOKEN_SECONDS);
    const exchange = livechat.server.requests.find((r) => r.path === '/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = livechat.tokenForms[0]!;
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI });
    expect(livechat.server.requests.filter((r) => r.path.startsWith('/v3.5'))).toEqual([]);
  });

  it('the same account signing in from another organization is the same person', async () => {
    const first = await signIn(agent(105, 'Grace Hopper'));
    const second = await signIn(agent(105, 'Grace Hopper', '5a1d3b7e-0c4f-4e2a-8b6d-9f0e1a2b3c4d'));
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy POSTs to the Agent Chat API; 20 concurrent calls on an expired token make one refresh with the client in the form, and the refresh token, named again, is kept', async () => {
    const { emulator: livechat } = context;
    const alan = agent(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const first = await listChats(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ found_chats: 1, chats_summary: [{ users: [{ id: alan.accountId, type: 'agent' }] }] });
    const { after } = await expectKeptAfterStorm(context, 'livechat', userId, () => listChats(browser));
    expectAccessTokenLifetime(after, LIVECHAT_ACCESS_TOKEN_SECONDS - 100, LIVECHAT_ACCESS_TOKEN_SECONDS);
    expect(Object.fromEntries(livechat.tokenForms.at(-1)!)).toEqual({ grant_type: 'refresh_token', refresh_token: after.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(livechat.server.requests.filter((r) => r.path === '/v3.5/agent/action/list_chats').at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
  });

  it('LiveChat refuses what its errors list names: a refresh token never issued (unauthorized_client), one of another client (invalid_client), a wrong secret (unauthorized_client), an exchange without redirect_uri', async () => {
    const { browser, userId } = await signIn(agent(106, 'Refusals Tester'));
    const stored = (await context.app.runtime.tokenStore.findToken(userId, 'livechat'))!;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, 'dal:never-issued', { by: 'form' }))).toEqual({ status: 400, body: { error: 'unauthorized_client' } });
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), { ...CLIENT, clientSecret: 'not-the-secret' }, stored.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'unauthorized_client' } });
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'basic' })).status).toBe(400);
    const exchange = await fetch(tokenUrl(), { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'dal:some-code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(await statusAndBody(exchange)).toEqual({ status: 400, body: { error: 'invalid_request' } });
    expect((await listChats(browser)).status).toBe(200);
  });

  it("the person removing the app: the refused refresh (invalid_grant) marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: livechat } = context;
    const leaving = agent(103, 'Leaving Agent');
    const { browser, userId } = await signIn(leaving);
    livechat.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'livechat', userId, () => listChats(browser));
  });

  it('disconnect revokes with DELETE /v2/token, the access token as Bearer: one request, and both tokens end', async () => {
    const { emulator: livechat } = context;
    const { browser, userId } = await signIn(agent(104, 'Goodbye Agent'));
    const stored = await expectDisconnectRevokes(context, 'livechat', { browser, userId }, { requests: 1 });
    const call = livechat.server.requests.filter((r) => r.path === '/v2/token' && r.method === 'DELETE').at(-1)!;
    expect(call.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(livechat.accepts(stored.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  standardCases(() => context, LIVECHAT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(LIVECHAT, { wrongSecret: { sentAs: '400 unauthorized_client', error: 'unauthorized_client' }, exchangeFailure: {} });

describe('the livechat preset in production', () => {
  it('with the client alone, signs in at accounts.livechat.com, exchanges and revokes at /v2/token, and calls api.livechatinc.com, asking no scope, the client in the form', () => {
    const { settings } = presetInProduction('livechat', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'LiveChat',
      endpoints: {
        authorizationEndpoint: 'https://accounts.livechat.com/',
        tokenEndpoint: 'https://accounts.livechat.com/v2/token',
        revocationEndpoint: 'https://accounts.livechat.com/v2/token',
      },
      scope: '',
      apiBaseUrl: 'https://api.livechatinc.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'account_id',
    });
  });
});
