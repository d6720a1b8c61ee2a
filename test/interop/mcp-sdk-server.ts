// The official MCP TypeScript SDK's own pieces, in-process on 127.0.0.1 (the
// @modelcontextprotocol/sdk devDependency): an authorization server made of the
// SDK's mcpAuthRouter (its /authorize, /token, /register, /revoke handlers and
// RFC 8414 metadata) over an OAuthServerProvider written here with the SDK's
// types, and an MCP server (McpServer + StreamableHTTPServerTransport, stateless,
// answering POSTs as SSE, the SDK's default) behind the SDK's requireBearerAuth,
// which checks each token's RFC 8707 resource and names its RFC 9728 metadata
// (served by mcpAuthMetadataRouter) in a 401's WWW-Authenticate.
//
// The provider is written here, not the SDK's DemoInMemoryAuthProvider, because
// the demo issues no refresh token, cannot revoke, and approves at once; its
// clients store (DemoInMemoryClientsStore) is the SDK's. The authorization page
// is a one-button consent form, a GET, since the SDK's express app parses JSON
// bodies only.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DemoInMemoryClientsStore } from '@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js';
import { InvalidGrantError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { AuthorizationParams, OAuthServerProvider } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import { createOAuthMetadata, getOAuthProtectedResourceMetadataUrl, mcpAuthMetadataRouter, mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { OAuthClientInformationFull, OAuthTokenRevocationRequest, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export const ACCESS_TOKEN_SECONDS = 3600;

interface Grant {
  clientId: string;
  resource: string | undefined;
}

interface IssuedToken {
  kind: 'access' | 'refresh';
  grant: Grant;
  expiresAt: number;
}

/** What the provider was asked, for the tests to check. */
export interface SdkAuthLog {
  authorizations: Array<{ clientId: string; params: AuthorizationParams }>;
  exchanges: Array<{ grant: 'authorization_code' | 'refresh_token'; clientId: string; resource: string | undefined }>;
  revocations: Array<{ clientId: string; token: string; hint: string | undefined }>;
  toolCalls: Array<{ tool: string; clientId: string | undefined; resource: string | undefined }>;
  /** Each request the MCP server's bearer check let through: its method, Mcp-Session-Id and MCP-Protocol-Version. */
  mcpRequests: Array<{ method: string; sessionId: string | undefined; protocolVersion: string | undefined }>;
}

/** An OAuthServerProvider that issues rotating refresh tokens bound to the authorization's resource, and revokes a grant. */
class InteropAuthProvider implements OAuthServerProvider {
  readonly clientsStore = new DemoInMemoryClientsStore();
  readonly pending = new Map<string, { client: OAuthClientInformationFull; params: AuthorizationParams }>();
  private readonly codes = new Map<string, { client: OAuthClientInformationFull; params: AuthorizationParams }>();
  readonly tokens = new Map<string, IssuedToken>();

  constructor(readonly log: SdkAuthLog) {}

  async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: { type(kind: string): { send(body: string): void } }): Promise<void> {
    this.log.authorizations.push({ clientId: client.client_id, params });
    const id = randomUUID();
    this.pending.set(id, { client, params });
    res.type('html').send(`<!doctype html><title>Allow access</title><p>${escapeHtml(client.client_name ?? client.client_id)} asks to use the MCP server.</p><form method="get" action="/consent"><input type="hidden" name="request" value="${id}"><button>Allow</button></form>`);
  }

  /** The consent page's answer: a code for the pending request, sent to its redirect URI. */
  approve(id: string): string | undefined {
    const request = this.pending.get(id);
    if (request === undefined) return undefined;
    this.pending.delete(id);
    const code = randomUUID();
    this.codes.set(code, request);
    const target = new URL(request.params.redirectUri);
    target.searchParams.set('code', code);
    if (request.params.state !== undefined) target.searchParams.set('state', request.params.state);
    return target.href;
  }

  async challengeForAuthorizationCode(_client: OAuthClientInformationFull, code: string): Promise<string> {
    const request = this.codes.get(code);
    if (request === undefined) throw new InvalidGrantError('unknown authorization code');
    return request.params.codeChallenge;
  }

  async exchangeAuthorizationCode(client: OAuthClientInformationFull, code: string, _verifier?: string, redirectUri?: string, resource?: URL): Promise<OAuthTokens> {
    this.log.exchanges.push({ grant: 'authorization_code', clientId: client.client_id, resource: resource?.href });
    const request = this.codes.get(code);
    this.codes.delete(code);
    if (request === undefined || request.client.client_id !== client.client_id) throw new InvalidGrantError('unknown authorization code');
    if (redirectUri !== undefined && redirectUri !== request.params.redirectUri) throw new InvalidGrantError('redirect_uri differs from the authorization request');
    // RFC 8707 §2.2: the resource of the code exchange is the one authorized.
    if (resource?.href !== request.params.resource?.href) throw new InvalidGrantError('resource differs from the authorization request');
    return this.issue({ clientId: client.client_id, resource: request.params.resource?.href });
  }

  async exchangeRefreshToken(client: OAuthClientInformationFull, refreshToken: string, _scopes?: string[], resource?: URL): Promise<OAuthTokens> {
    this.log.exchanges.push({ grant: 'refresh_token', clientId: client.client_id, resource: resource?.href });
    const issued = this.tokens.get(refreshToken);
    if (issued?.kind !== 'refresh' || issued.grant.clientId !== client.client_id) throw new InvalidGrantError('unknown refresh token');
    if (resource !== undefined && resource.href !== issued.grant.resource) throw new InvalidGrantError('resource differs from the grant');
    this.tokens.delete(refreshToken);
    return this.issue(issued.grant);
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const issued = this.tokens.get(token);
    if (issued?.kind !== 'access' || issued.expiresAt < Date.now()) throw new InvalidTokenError('unknown or expired access token');
    return { token, clientId: issued.grant.clientId, scopes: [], expiresAt: Math.floor(issued.expiresAt / 1000), ...(issued.grant.resource === undefined ? {} : { resource: new URL(issued.grant.resource) }) };
  }

  /** Ends the token, and with a refresh token its whole grant (the access tokens issued with it). */
  async revokeToken(client: OAuthClientInformationFull, request: OAuthTokenRevocationRequest): Promise<void> {
    this.log.revocations.push({ clientId: client.client_id, token: request.token, hint: request.token_type_hint });
    const issued = this.tokens.get(request.token);
    if (issued === undefined || issued.grant.clientId !== client.client_id) return;
    this.tokens.delete(request.token);
    if (issued.kind === 'refresh') for (const [token, other] of this.tokens) if (other.grant === issued.grant) this.tokens.delete(token);
  }

  private issue(grant: Grant): OAuthTokens {
    const accessToken = randomUUID();
    const refreshToken = randomUUID();
    this.tokens.set(accessToken, { kind: 'access', grant, expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000 });
    this.tokens.set(refreshToken, { kind: 'refresh', grant, expiresAt: Number.POSITIVE_INFINITY });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS, refresh_token: refreshToken };
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface McpSdkServers {
  /** The MCP server's URL, the resource its tokens are for. */
  readonly resource: string;
  /** The authorization server's issuer, as the SDK writes it (its URL's href, with the trailing slash). */
  readonly issuer: string;
  /** Requests each server answered, by `METHOD /path` (the authorization server's prefixed `as`, the MCP server's `mcp`). */
  readonly counts: Record<string, number>;
  readonly log: SdkAuthLog;
  /** The clients the SDK's /register stored (and those registered by hand). */
  registeredClients(): OAuthClientInformationFull[];
  /** A confidential client registered by hand in the SDK's store, as an operator would: its id and secret. */
  registerByHand(redirectUri: string): Promise<{ clientId: string; clientSecret: string }>;
  /** Whether the MCP server's bearer check takes `token` (asked over HTTP with a tools/list outside any session). */
  accepts(token: string): Promise<boolean>;
  close(): Promise<void>;
}

async function listen(handler: { current: (req: IncomingMessage, res: ServerResponse) => void }): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => handler.current(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Starts the SDK's authorization server and MCP server on random ports. */
export async function startMcpSdkServers(): Promise<McpSdkServers> {
  const asHandler = { current: (_req: IncomingMessage, res: ServerResponse) => void res.end() };
  const mcpHandler = { current: (_req: IncomingMessage, res: ServerResponse) => void res.end() };
  const as = await listen(asHandler);
  const mcp = await listen(mcpHandler);
  const issuerUrl = new URL(`${as.origin}/`);
  const resource = `${mcp.origin}/mcp`;
  const counts: Record<string, number> = {};
  const log: SdkAuthLog = { authorizations: [], exchanges: [], revocations: [], toolCalls: [], mcpRequests: [] };
  const provider = new InteropAuthProvider(log);
  const count = (prefix: string) => (req: { method: string; path: string }, _res: unknown, next: () => void) => {
    const key = `${prefix} ${req.method} ${req.path}`;
    counts[key] = (counts[key] ?? 0) + 1;
    next();
  };

  // Rate limits off: the SDK's defaults (50 token requests in 15 minutes) are for the open internet, not a test.
  const asApp = createMcpExpressApp();
  asApp.use(count('as'));
  asApp.use(
    mcpAuthRouter({
      provider,
      issuerUrl,
      resourceServerUrl: new URL(resource),
      authorizationOptions: { rateLimit: false },
      tokenOptions: { rateLimit: false },
      clientRegistrationOptions: { rateLimit: false },
      revocationOptions: { rateLimit: false },
    }),
  );
  asApp.get('/consent', (req: { query: Record<string, unknown> }, res: { redirect(url: string): void; status(code: number): { send(body: string): void } }) => {
    const target = typeof req.query.request === 'string' ? provider.approve(req.query.request) : undefined;
    if (target === undefined) res.status(400).send('no such authorization request');
    else res.redirect(target);
  });
  asHandler.current = asApp;

  const mcpApp = createMcpExpressApp();
  mcpApp.use(count('mcp'));
  mcpApp.use(mcpAuthMetadataRouter({ oauthMetadata: createOAuthMetadata({ provider, issuerUrl }), resourceServerUrl: new URL(resource), resourceName: 'MCP SDK interop server' }));
  const bearer = requireBearerAuth({ verifier: provider, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(new URL(resource)), expectedResource: new URL(resource) });
  // Sessions, as the SDK's own examples run it: an initialize without Mcp-Session-Id opens one (the answer names
  // it), every later request names it, a DELETE ends it.
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const mcpRequest = async (req: IncomingMessage & { body?: unknown; auth?: AuthInfo }, res: ServerResponse) => {
    const named = req.headers['mcp-session-id'];
    log.mcpRequests.push({ method: req.method ?? '', sessionId: typeof named === 'string' ? named : undefined, protocolVersion: headerOf(req, 'mcp-protocol-version') });
    const open = typeof named === 'string' ? sessions.get(named) : undefined;
    if (open !== undefined) return open.handleRequest(req, res, req.body);
    if (named !== undefined || req.method !== 'POST' || !isInitializeRequest(req.body)) {
      res.writeHead(typeof named === 'string' ? 404 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: typeof named === 'string' ? 'Session not found' : 'Bad Request: no session' }, id: null }));
      return;
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => void sessions.set(id, transport),
      onsessionclosed: (id) => void sessions.delete(id),
    });
    const server = new McpServer({ name: 'tokenkeeper-interop', version: '1.0.0' });
    server.registerTool('whoami', { description: 'Says which client and resource the bearer token was issued to.' }, (extra) => {
      const auth = extra.authInfo;
      log.toolCalls.push({ tool: 'whoami', clientId: auth?.clientId, resource: auth?.resource?.href });
      return { content: [{ type: 'text', text: `client ${auth?.clientId ?? '?'} for ${auth?.resource?.href ?? '?'}` }] };
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
  mcpApp.post('/mcp', bearer, mcpRequest);
  mcpApp.get('/mcp', bearer, mcpRequest);
  mcpApp.delete('/mcp', bearer, mcpRequest);
  mcpHandler.current = mcpApp;

  return {
    resource,
    issuer: issuerUrl.href,
    counts,
    log,
    registeredClients: () => [...(provider.clientsStore as unknown as { clients: Map<string, OAuthClientInformationFull> }).clients.values()],
    registerByHand: async (redirectUri) => {
      const client = { client_id: randomUUID(), client_secret: randomUUID(), redirect_uris: [redirectUri], token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };
      await provider.clientsStore.registerClient(client);
      return { clientId: client.client_id, clientSecret: client.client_secret };
    },
    accepts: async (token) => {
      const answer = await fetch(resource, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      await answer.body?.cancel();
      // Without a session the SDK's transport is never reached: 401 is the bearer check's refusal, 400 "no session" its pass.
      if (answer.status === 401) return false;
      if (answer.status === 400) return true;
      throw new Error(`the MCP server answered ${answer.status} to a request without a session`);
    },
    close: async () => {
      for (const { server } of [as, mcp]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
