import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevProvider } from '../../src/dev-provider/index.js';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect, type TestDatabase } from '../support/postgres.js';
import { injectFetch } from '../support/inject-fetch.js';
import { newServiceKey } from '../support/service-api.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, startProviderTestApp, type ProviderTestApp } from './kit/provider-app.js';
import { expireAccessTokens } from './kit/standard-cases.js';
import { connectThrough, expectSignInRefused, startWayIn, wayInEnv } from './kit/connect-only.js';
import { startMastodonEmulator, type MastodonEmulator } from './mastodon.emulator.js';
import { startMcpEmulator, type McpEmulator } from './mcp.emulator.js';

/** Mastodon (fediverse) to sign in with, and three MCP servers: a good one, one whose metadata names another resource, one whose authorization server lists no S256. */
function env(home: MastodonEmulator, mcp: McpEmulator, other: McpEmulator, plain: McpEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'fediverse,linear_mcp,other_mcp,plain_mcp',
    FEDIVERSE_PRESET: 'fediverse',
    FEDIVERSE_BASE_URL: home.origin,
    LINEAR_MCP_PRESET: 'mcp',
    LINEAR_MCP_BASE_URL: mcp.resource,
    OTHER_MCP_PRESET: 'mcp',
    OTHER_MCP_BASE_URL: other.resource,
    PLAIN_MCP_PRESET: 'mcp',
    PLAIN_MCP_BASE_URL: plain.resource,
  };
}

describeEachDialect('a remote MCP server (mcp), connected by people signed in with Mastodon, against an emulator of an MCP server and its authorization server', (dialect) => {
  let database: TestDatabase;
  let home: MastodonEmulator;
  let mcp: McpEmulator;
  let other: McpEmulator;
  let plain: McpEmulator;
  let app: ProviderTestApp;
  let userCount = 0;

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    home = await startMastodonEmulator();
    mcp = await startMcpEmulator();
    other = await startMcpEmulator({ metadataResource: 'https://elsewhere.example.com/mcp', challenge: false });
    plain = await startMcpEmulator({ pkceMethods: null });
    app = await startProviderTestApp({ databaseUrl: database.url, env: env(home, mcp, other, plain) });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([home?.close(), mcp?.close(), other?.close(), plain?.close()]);
    await database?.close();
  });

  /** A new person signed in with Mastodon at `at` (the app by default); their browser and user id. */
  async function signIn(at: ProviderTestApp = app): Promise<{ browser: TestBrowser; userId: string }> {
    userCount += 1;
    home.signInAs({ id: String(7000 + userCount), username: `person${userCount}`, displayName: `Person ${userCount}` });
    // The same person at the MCP server's authorization server, which approves their connection at once.
    for (const server of [mcp, other, plain]) server.signInAs({ id: `person${userCount}` });
    const browser = at.browser();
    const page = await browser.get(`${APP_ORIGIN}/login/fediverse?next=/api/me`);
    expect(page.status, page.text).toBe(200);
    return { browser, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  }

  /** Connects `provider` from the account page, as its Connect button does: the answer the browser ends on, and where it was sent first. */
  async function connect(browser: TestBrowser, provider: string): Promise<{ status: number; text: string; location: string | undefined }> {
    const start = await browser.post(`${APP_ORIGIN}/account/connections/${provider}`, { _csrf: await csrfTokenOf(browser) }, { followRedirects: false });
    if (start.status !== 303) return { status: start.status, text: start.text, location: undefined };
    const end = await browser.get(start.location!);
    return { status: end.status, text: end.text, location: start.location };
  }

  /** A JSON-RPC call to the user's MCP server through the service API's proxy. */
  const callTools = async (key: string, userId: string) =>
    app.runtime.app.inject({
      method: 'POST',
      url: `/api/v1/users/${userId}/connections/linear_mcp/proxy/`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });

  it('a signed-in person connects the MCP server: registered once by RFC 7591, PKCE S256 and resource on the authorization request and the code exchange, the connection the person\'s own', async () => {
    const mcp0 = mcp.server.counts.register ?? 0;
    const { browser, userId } = await signIn();
    const connected = await connect(browser, 'linear_mcp');
    expect(connected.status, connected.text).toBe(200);
    expect(new URL(connected.location!).origin).toBe(mcp.origin);

    expect(mcp.server.counts.register).toBe(mcp0 + 1);
    expect(mcp.clients).toHaveLength(1);
    const [client] = mcp.clients;
    expect(client).toMatchObject({ redirectUris: [`${APP_ORIGIN}/auth/linear_mcp/callback`], tokenEndpointAuthMethod: 'none', clientName: new URL(APP_ORIGIN).host });
    const asked = mcp.authorizationQueries.at(-1)!;
    expect(Object.fromEntries([...asked].filter(([name]) => ['client_id', 'resource', 'code_challenge_method', 'response_type'].includes(name)))).toEqual({
      client_id: client!.clientId,
      resource: mcp.resource,
      code_challenge_method: 'S256',
      response_type: 'code',
    });
    expect(asked.has('scope')).toBe(false);
    const exchange = mcp.tokenForms.at(-1)!;
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('resource')).toBe(mcp.resource);
    expect(exchange.get('client_id')).toBe(client!.clientId);
    expect(exchange.has('client_secret')).toBe(false);
    expect(exchange.get('code_verifier')).toEqual(expect.any(String));

    const kept = await database.db.selectFrom('registered_clients').select(['provider', 'server', 'client_id', 'client_secret']).where('provider', '=', 'linear_mcp').execute();
    expect(kept).toEqual([{ provider: 'linear_mcp', server: mcp.issuer, client_id: client!.clientId, client_secret: null }]);
    const tokens = await database.db.selectFrom('tokens').select(['provider']).where('user_id', '=', userId).execute();
    expect(tokens.map((row) => row.provider).sort()).toEqual(['fediverse', 'linear_mcp']);
    // Connect-only: the MCP server names nobody, so the connection's subject is the person's own id here.
    const account = await database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', userId).where('provider', '=', 'linear_mcp').executeTakeFirstOrThrow();
    expect(account.subject).toBe(userId);
  });

  it('nobody signs in with an MCP server: the sign-in is refused before anything is sent to it', async () => {
    await expectSignInRefused(app, mcp, 'linear_mcp', 'MCP server');
  });

  it('disconnecting revokes the grant at the revocation_endpoint the metadata names: the MCP server takes the token no more', async () => {
    const { browser, userId } = await signIn();
    expect((await connect(browser, 'linear_mcp')).status).toBe(200);
    const key = await newServiceKey(app, `mcp-revoke-${dialect.name}`, ['proxy']);
    expect((await callTools(key, userId)).statusCode).toBe(200);
    const issued = mcp.accessTokens.at(-1)!;
    expect(mcp.accepts(issued)).toBe(true);
    const revocations = mcp.server.counts.revoke ?? 0;
    expect(await disconnectThrough(browser, 'linear_mcp')).toMatchObject({ revokedAtProvider: true });
    expect(mcp.server.counts.revoke).toBeGreaterThan(revocations);
    expect(mcp.accepts(issued)).toBe(false);
  });

  it('the proxy carries a JSON-RPC call to the MCP endpoint with the person\'s token; an expired one is refreshed first, with resource, and the rotated refresh token kept', async () => {
    const { browser, userId } = await signIn();
    expect((await connect(browser, 'linear_mcp')).status).toBe(200);
    const key = await newServiceKey(app, `mcp-${dialect.name}`, ['proxy']);
    const listed = await callTools(key, userId);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'echo' }] } });
    expect(mcp.rpcCalls.at(-1)).toEqual({ method: 'tools/list', user: expect.any(String) });

    const refreshes = mcp.server.counts.refresh_token ?? 0;
    for (const round of [1, 2]) {
      await expireAccessTokens(database, userId);
      const again = await callTools(key, userId);
      expect(again.statusCode, again.body).toBe(200);
      expect(mcp.server.counts.refresh_token).toBe(refreshes + round);
      const refresh = mcp.tokenForms.at(-1)!;
      expect(refresh.get('grant_type')).toBe('refresh_token');
      expect(refresh.get('resource')).toBe(mcp.resource);
    }
  });

  it('the client registered at the server is kept for every process: a second app on the same database registers nothing', async () => {
    const { browser } = await signIn();
    expect((await connect(browser, 'linear_mcp')).status).toBe(200);
    const registered = mcp.clients.length;
    const second = await startProviderTestApp({ databaseUrl: database.url, env: env(home, mcp, other, plain) });
    try {
      const { browser: elsewhere } = await signIn(second);
      const connected = await connect(elsewhere, 'linear_mcp');
      expect(connected.status, connected.text).toBe(200);
      expect(mcp.clients).toHaveLength(registered);
      expect(new URL(connected.location!).searchParams.get('client_id')).toBe(mcp.clients[0]!.clientId);
    } finally {
      await second.close();
    }
  });

  it('a server whose resource metadata names another resource is refused with a clear error, before anything is registered or authorized', async () => {
    const { browser } = await signIn();
    const refused = await connect(browser, 'other_mcp');
    expect(refused.status).toBe(502);
    expect(refused.text).toContain(`is for &quot;https://elsewhere.example.com/mcp&quot;, not ${other.resource}`);
    expect(other.server.counts.resource_metadata).toBeGreaterThan(0);
    expect(other.server.counts.register ?? 0).toBe(0);
    expect(other.server.counts.authorize ?? 0).toBe(0);
  });

  it('an authorization server whose metadata lists no S256 is refused: nothing registered, no authorization request', async () => {
    const { browser } = await signIn();
    const refused = await connect(browser, 'plain_mcp');
    expect(refused.status).toBe(502);
    expect(refused.text).toContain('does not list S256 in code_challenge_methods_supported');
    expect(plain.server.counts.server_metadata).toBeGreaterThan(0);
    expect(plain.server.counts.register ?? 0).toBe(0);
    expect(plain.server.counts.authorize ?? 0).toBe(0);
  });
});

describe('an MCP server whose authorization server takes Client ID Metadata Documents (MCP 2026-07-28), against the emulator', () => {
  let database: TestDatabase;
  let wayIn: DevProvider;
  let mcp: McpEmulator;
  let app: ProviderTestApp;
  /** The app under test, reached in-process by the emulator's fetches of the client metadata document. */
  let appFetch: typeof fetch = () => Promise.reject(new Error('the app has not started'));

  beforeAll(async () => {
    database = await DIALECTS[0]!.openTestDatabase();
    wayIn = await startWayIn();
    mcp = await startMcpEmulator({ fetchClientMetadata: (url) => appFetch(url) });
    app = await startProviderTestApp({ databaseUrl: database.url, env: wayInEnv(wayIn, { OAUTH_PROVIDERS: 'docs_mcp', DOCS_MCP_PRESET: 'mcp', DOCS_MCP_BASE_URL: mcp.resource }) });
    appFetch = injectFetch(app.runtime.app, APP_ORIGIN);
  });
  afterAll(async () => {
    await app?.close();
    await mcp?.close();
    await wayIn?.close();
    await database?.close();
  });

  it('is connected with the URL of the app\'s own client metadata document as the client id: nothing registered, the document fetched by the server', async () => {
    const documentUrl = `${APP_ORIGIN}/auth/docs_mcp/client-metadata.json`;
    mcp.signInAs({ id: 'reader' });
    const { userId, page } = await connectThrough(app, 'docs_mcp');
    expect(page.url, page.text).toBe(`${APP_ORIGIN}/account`);
    expect(mcp.server.counts.register ?? 0).toBe(0);
    expect(mcp.authorizationQueries.at(-1)?.get('client_id')).toBe(documentUrl);
    expect(mcp.server.counts.client_metadata_fetch).toBeGreaterThanOrEqual(2); // at the authorization, and at the code exchange
    const kept = await database.db.selectFrom('registered_clients').select(['client_id', 'client_secret']).where('provider', '=', 'docs_mcp').execute();
    expect(kept).toEqual([{ client_id: documentUrl, client_secret: null }]);

    // The document: its own URL as the client id, the callback, a public client.
    const document = JSON.parse((await app.runtime.app.inject({ method: 'GET', url: '/auth/docs_mcp/client-metadata.json' })).body) as Record<string, unknown>;
    expect(document).toMatchObject({
      client_id: documentUrl,
      client_name: new URL(APP_ORIGIN).host,
      redirect_uris: [`${APP_ORIGIN}/auth/docs_mcp/callback`],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    });

    // A refresh is made as that client too.
    const key = await newServiceKey(app, 'agent', ['tokens:read']);
    const refreshed = await app.runtime.app.inject({
      method: 'POST',
      url: `/api/v1/users/${userId}/connections/docs_mcp/access-token`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ force_refresh: true }),
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(mcp.tokenForms.at(-1)?.get('client_id')).toBe(documentUrl);
  });
});
