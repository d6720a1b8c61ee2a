// Tokenkeeper's `mcp` preset against the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk, a devDependency): its authorization server
// (mcpAuthRouter) and an MCP server (McpServer over StreamableHTTP behind
// requireBearerAuth, with the resource check on), started in-process by
// mcp-sdk-server.ts. Tokenkeeper is configured as a deployment would be: the
// preset and the server's URL only, beside the dev provider as the way in.
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DevProvider } from '../../src/dev-provider/index.js';
import { connectFrom, signedInThroughWayIn, startWayIn, wayInEnv } from '../providers/kit/connect-only.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, startProviderTestApp, type ProviderTestApp } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { describeEachDialect, type TestDatabase } from '../support/postgres.js';
import { newServiceKey } from '../support/service-api.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { ACCESS_TOKEN_SECONDS, startMcpSdkServers, type McpSdkServers } from './mcp-sdk-server.js';

const PROVIDER = 'sdk_mcp';

describeEachDialect('the official MCP TypeScript SDK: its authorization server and an MCP server behind its bearer check, connected through the mcp preset', (dialect) => {
  let wayIn: DevProvider;
  let sdk: McpSdkServers;
  let database: TestDatabase;
  let app: ProviderTestApp;
  let key: string;

  beforeAll(async () => {
    wayIn = await startWayIn();
    sdk = await startMcpSdkServers();
    database = await dialect.openTestDatabase();
    app = await startProviderTestApp({
      databaseUrl: database.url,
      env: wayInEnv(wayIn, { OAUTH_PROVIDERS: PROVIDER, SDK_MCP_PRESET: 'mcp', SDK_MCP_BASE_URL: sdk.resource }),
    });
    key = await newServiceKey(app, `mcp-sdk-${dialect.name}`, ['proxy', 'tokens:read']);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await sdk?.close();
    await wayIn?.close();
  });

  /** A person signed in through the way in who connects the MCP server: the SDK's consent page, then the page the app ends on. */
  async function connect(person: 'alice' | 'bob' | 'mallory', at = app, provider = PROVIDER): Promise<{ browser: TestBrowser; userId: string; consent: BrowserResponse; landed: BrowserResponse }> {
    const { browser, userId } = await signedInThroughWayIn(at, person);
    const consent = await connectFrom(browser, provider);
    expect(consent.status, consent.text).toBe(200);
    expect(consent.url.startsWith(`${sdk.issuer}authorize`)).toBe(true);
    const landed = await browser.submitForm(consent);
    return { browser, userId, consent, landed };
  }

  /** A JSON-RPC message (a request with `id`, else a notification) to the person's MCP server through the service API's proxy, as StreamableHTTP wants it. */
  const rpc = (userId: string, message: { method: string; id?: number; params?: Record<string, unknown> }, headers: Record<string, string> = {}) =>
    app.runtime.app.inject({
      method: 'POST',
      url: `/api/v1/users/${userId}/connections/${PROVIDER}/proxy/`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      payload: JSON.stringify({ jsonrpc: '2.0', ...message }),
    });

  /**
   * An MCP session opened through the proxy as a client opens one: initialize, whose answer names the session
   * (Mcp-Session-Id) and the protocol version, then notifications/initialized with both; the headers every later
   * request carries.
   */
  async function openSession(userId: string): Promise<Record<string, string>> {
    const initialized = await rpc(userId, { id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'tokenkeeper-test', version: '1.0.0' } } });
    expect(initialized.statusCode, initialized.body).toBe(200);
    const sessionId = initialized.headers['mcp-session-id'];
    expect(sessionId).toEqual(expect.any(String));
    const answer = messageOf(initialized) as { result: { protocolVersion: string; serverInfo: { name: string } } };
    expect(answer.result.serverInfo.name).toBe('tokenkeeper-interop');
    const headers = { 'mcp-session-id': String(sessionId), 'mcp-protocol-version': answer.result.protocolVersion };
    const notified = await rpc(userId, { method: 'notifications/initialized' }, headers);
    expect(notified.statusCode, notified.body).toBe(202);
    return headers;
  }

  /** The JSON-RPC message of an answer, JSON or a server-sent event stream (the SDK's default for a POST). */
  function messageOf(answer: { headers: Record<string, unknown>; body: string }): Record<string, unknown> {
    if (!String(answer.headers['content-type']).startsWith('text/event-stream')) return JSON.parse(answer.body) as Record<string, unknown>;
    const data = answer.body.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim());
    expect(data).toHaveLength(1);
    return JSON.parse(data[0]!) as Record<string, unknown>;
  }

  const storedToken = async (userId: string) => (await app.runtime.tokenStore.findToken(userId, PROVIDER))!;

  it('a signed-in person connects it: registered once at the SDK\'s /register by RFC 7591, PKCE S256 and resource on the authorization and the code exchange, the consent page driven, a refresh token kept', async () => {
    const { userId, consent, landed } = await connect('alice');
    expect(landed.status, landed.text).toBe(200);
    expect(landed.url).toBe(`${APP_ORIGIN}/account`);
    expect(consent.text).toContain('asks to use the MCP server');

    // Discovery as the spec orders it: a POST without a token, whose 401 (requireBearerAuth's) names the RFC 9728
    // metadata, read once, then the authorization server's RFC 8414 metadata, once; nothing else asked.
    expect(sdk.counts).toEqual({
      'mcp POST /mcp': 1,
      'mcp GET /.well-known/oauth-protected-resource/mcp': 1,
      'as GET /.well-known/oauth-authorization-server': 1,
      'as POST /register': 1,
      'as GET /authorize': 1,
      'as GET /consent': 1,
      'as POST /token': 1,
    });
    const [client, ...others] = sdk.registeredClients();
    expect(others).toEqual([]);
    expect(client).toMatchObject({ redirect_uris: [`${APP_ORIGIN}/auth/${PROVIDER}/callback`], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] });
    expect(client!.client_secret).toBeUndefined();

    const authorization = sdk.log.authorizations.at(-1)!;
    expect(authorization.clientId).toBe(client!.client_id);
    expect(authorization.params.resource?.href).toBe(sdk.resource);
    expect(authorization.params.codeChallenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization.params.scopes).toEqual([]);
    expect(sdk.log.exchanges.at(-1)).toEqual({ grant: 'authorization_code', clientId: client!.client_id, resource: sdk.resource });

    const kept = await database.db.selectFrom('registered_clients').select(['server', 'client_id', 'client_secret']).where('provider', '=', PROVIDER).execute();
    expect(kept).toEqual([{ server: sdk.issuer, client_id: client!.client_id, client_secret: null }]);
    const token = await storedToken(userId);
    expect(token).toMatchObject({ status: 'active', refreshToken: expect.any(String) });
    expect(await sdk.accepts(token.accessToken)).toBe(true);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).where('provider', '=', PROVIDER).executeTakeFirstOrThrow();
    expect(account.subject).toBe(userId);

    // A second person is connected with the same registered client: nothing registered again.
    const bob = await connect('bob');
    expect(bob.landed.url).toBe(`${APP_ORIGIN}/account`);
    expect(sdk.counts['as POST /register']).toBe(1);
    expect(sdk.log.authorizations.at(-1)!.clientId).toBe(client!.client_id);
  });

  it('an MCP session through the proxy: initialize, tools/list and tools/call with the person\'s token, Mcp-Session-Id and MCP-Protocol-Version carried both ways, the SDK\'s server-sent events streamed back, the session ended by DELETE', async () => {
    const { userId } = await connect('mallory');
    const seen = sdk.log.mcpRequests.length;
    const session = await openSession(userId);

    const listed = await rpc(userId, { id: 2, method: 'tools/list' }, session);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(String(listed.headers['content-type'])).toMatch(/^text\/event-stream/);
    expect(messageOf(listed)).toMatchObject({ jsonrpc: '2.0', id: 2, result: { tools: [{ name: 'whoami' }] } });

    const calls = sdk.log.toolCalls.length;
    const called = await rpc(userId, { id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } }, session);
    expect(called.statusCode, called.body).toBe(200);
    const clientId = sdk.registeredClients()[0]!.client_id;
    expect(messageOf(called)).toMatchObject({ id: 3, result: { content: [{ type: 'text', text: `client ${clientId} for ${sdk.resource}` }] } });
    expect(sdk.log.toolCalls.slice(calls)).toEqual([{ tool: 'whoami', clientId, resource: sdk.resource }]);

    const ended = await app.runtime.app.inject({ method: 'DELETE', url: `/api/v1/users/${userId}/connections/${PROVIDER}/proxy/`, headers: { authorization: `Bearer ${key}`, ...session } });
    expect(ended.statusCode, ended.body).toBe(200);
    const after = await rpc(userId, { id: 4, method: 'tools/list' }, session);
    expect(after.statusCode, after.body).toBe(404);

    // What the SDK's server was sent: no session on initialize, then this one with its protocol version on every request.
    const sent = sdk.log.mcpRequests.slice(seen);
    expect(sent.map((request) => request.method)).toEqual(['POST', 'POST', 'POST', 'POST', 'DELETE', 'POST']);
    expect(sent[0]).toEqual({ method: 'POST', sessionId: undefined, protocolVersion: undefined });
    for (const request of sent.slice(1)) expect(request).toEqual({ method: request.method, sessionId: session['mcp-session-id'], protocolVersion: session['mcp-protocol-version'] });
  });

  it('the account proxy too: the signed-in person\'s browser opens a session and lists the tools, with the CSRF token, the session named back to it', async () => {
    const { browser } = await connect('alice');
    const csrf = await csrfTokenOf(browser);
    const call = (message: Record<string, unknown>, headers: Record<string, string> = {}) =>
      browser.request(`${APP_ORIGIN}/api/providers/${PROVIDER}/proxy/`, { method: 'POST', json: { jsonrpc: '2.0', ...message }, headers: { accept: 'application/json, text/event-stream', 'x-csrf-token': csrf, ...headers } });
    const initialized = await call({ id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'tokenkeeper-test', version: '1.0.0' } } });
    expect(initialized.status, initialized.text).toBe(200);
    const session = { 'mcp-session-id': initialized.headers.get('mcp-session-id') ?? '', 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
    expect(session['mcp-session-id']).not.toBe('');
    expect((await call({ method: 'notifications/initialized' }, session)).status).toBe(202);
    const listed = await call({ id: 2, method: 'tools/list' }, session);
    expect(listed.status, listed.text).toBe(200);
    expect(messageOf({ headers: { 'content-type': listed.headers.get('content-type') }, body: listed.text })).toMatchObject({ id: 2, result: { tools: [{ name: 'whoami' }] } });
  });

  it('a forced refresh at the SDK\'s /token carries resource; the refresh token rotates and the new access token is taken by the MCP server; an expired one is refreshed before a proxied call', async () => {
    const { userId } = await connect('alice');
    const before = await storedToken(userId);
    const refreshes = sdk.log.exchanges.filter((exchange) => exchange.grant === 'refresh_token').length;
    const answer = await app.runtime.app.inject({
      method: 'POST',
      url: `/api/v1/users/${userId}/connections/${PROVIDER}/access-token`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ force_refresh: true }),
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json<{ access_token: string; expires_at: number }>();
    expect(body.access_token).not.toBe(before.accessToken);
    const refreshed = sdk.log.exchanges.filter((exchange) => exchange.grant === 'refresh_token');
    expect(refreshed).toHaveLength(refreshes + 1);
    expect(refreshed.at(-1)!.resource).toBe(sdk.resource);
    const after = await storedToken(userId);
    expect(after.accessToken).toBe(body.access_token);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(body.expires_at).toBeGreaterThan(Date.now() / 1000 + ACCESS_TOKEN_SECONDS - 120);
    expect(await sdk.accepts(after.accessToken)).toBe(true);
    const session = await openSession(userId);
    const listed = await rpc(userId, { id: 2, method: 'tools/list' }, session);
    expect(listed.statusCode, listed.body).toBe(200);

    // Expired: the proxy refreshes first (with resource again), and the call goes through on the new token.
    await expireStoredAccessToken(database, userId, PROVIDER);
    const again = await rpc(userId, { id: 3, method: 'tools/list' }, session);
    expect(again.statusCode, again.body).toBe(200);
    const refreshedAgain = sdk.log.exchanges.filter((exchange) => exchange.grant === 'refresh_token');
    expect(refreshedAgain).toHaveLength(refreshes + 2);
    expect(refreshedAgain.at(-1)!.resource).toBe(sdk.resource);
    expect((await storedToken(userId)).accessToken).not.toBe(after.accessToken);
  });

  it('disconnect revokes the grant at the SDK\'s /revoke (RFC 7009): the MCP server takes the token no more', async () => {
    const { browser, userId } = await connect('bob');
    const stored = await storedToken(userId);
    expect(await sdk.accepts(stored.accessToken)).toBe(true);
    const revocations = sdk.log.revocations.length;
    expect(await disconnectThrough(browser, PROVIDER)).toMatchObject({ revokedAtProvider: true });
    const revoked = sdk.log.revocations.slice(revocations);
    expect(revoked.length).toBeGreaterThan(0);
    expect(revoked.map((revocation) => revocation.token)).toContain(stored.refreshToken);
    expect(await sdk.accepts(stored.accessToken)).toBe(false);
    expect(await app.runtime.tokenStore.findToken(userId, PROVIDER)).toBeUndefined();
  });

  it('a client registered there by hand: the SDK takes client_secret_post only (not RFC 6749 §2.3.1\'s Basic), so <NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post; nothing registered', async () => {
    const redirectUri = `${APP_ORIGIN}/auth/hand_mcp/callback`;
    const hand = await sdk.registerByHand(redirectUri);
    const handEnv = (method: Record<string, string>) =>
      wayInEnv(wayIn, { OAUTH_PROVIDERS: 'hand_mcp', HAND_MCP_PRESET: 'mcp', HAND_MCP_BASE_URL: sdk.resource, HAND_MCP_CLIENT_ID: hand.clientId, HAND_MCP_CLIENT_SECRET: hand.clientSecret, ...method });
    const registrations = sdk.counts['as POST /register'];
    for (const [method, works] of [[{}, false], [{ HAND_MCP_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_post' }, true]] as const) {
      const second = await startProviderTestApp({ databaseUrl: database.url, env: handEnv(method) });
      try {
        const exchanges = sdk.log.exchanges.length;
        const { userId, landed } = await connect('mallory', second, 'hand_mcp');
        expect(sdk.log.authorizations.at(-1)!.clientId).toBe(hand.clientId);
        const token = await second.runtime.tokenStore.findToken(userId, 'hand_mcp');
        if (works) {
          expect(landed.url).toBe(`${APP_ORIGIN}/account`);
          expect(sdk.log.exchanges.slice(exchanges)).toEqual([{ grant: 'authorization_code', clientId: hand.clientId, resource: sdk.resource }]);
          expect(await sdk.accepts(token!.accessToken)).toBe(true);
        } else {
          // Basic only: the SDK's token endpoint reads the client from the form, finds none, and refuses before the exchange.
          expect(landed.status).toBe(502);
          expect(landed.text).toContain('MCP server refused the sign-in (invalid_request)');
          expect(sdk.log.exchanges.length).toBe(exchanges);
          expect(token).toBeUndefined();
        }
      } finally {
        await second.close();
      }
    }
    expect(sdk.counts['as POST /register']).toBe(registrations);
  });
});
