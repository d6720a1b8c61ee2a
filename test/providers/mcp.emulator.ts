/**
 * An emulator of a remote MCP server and its authorization server on one origin, as the MCP authorization
 * specification has them (https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization):
 * - The MCP endpoint `POST /mcp` (the resource, `<origin>/mcp`): a request without a token is 401 with
 *   `WWW-Authenticate: Bearer resource_metadata="…"` (RFC 9728 §5.1; without it when `challenge` is false), one with a
 *   token it does not take (unknown, expired, or issued for another resource: RFC 8707 §2's audience) 401
 *   `invalid_token`. With a good token it answers JSON-RPC 2.0: `tools/list` lists one tool, any other method is
 *   `-32601` (method not found).
 * - `GET /.well-known/oauth-protected-resource/mcp`, RFC 9728 §3 metadata with the path inserted: `resource` (the
 *   MCP URL, or `metadataResource`), `authorization_servers` (the issuer `<origin>/oauth`), `bearer_methods_supported`.
 *   The root's well-known address is 404.
 * - `GET /.well-known/oauth-authorization-server/oauth`, RFC 8414 metadata with the issuer's path inserted: the
 *   endpoints below, `code_challenge_methods_supported` (`S256`, or what `pkceMethods` says; null leaves it out),
 *   `registration_endpoint` unless `registration` is false, a `revocation_endpoint`.
 * - `POST /oauth/register`, RFC 7591 §3.1: a JSON body with `redirect_uris` (required, absolute, no fragment),
 *   `token_endpoint_auth_method` (`none` only), `grant_types`, `response_types`, `client_name`: 201 with the client's
 *   metadata and a new `client_id` (§3.2.1), else 400 `invalid_redirect_uri` or `invalid_client_metadata` (§3.2.2).
 * - `GET /oauth/authorize`: a registered client and one of its redirect URIs exactly (else an error page), a PKCE
 *   `S256` challenge (else `invalid_request`), and `resource` equal to the MCP URL (else RFC 8707 §2's
 *   `invalid_target`).
 * - `POST /oauth/token`, public clients (`client_id` in the form): the code grant with its verifier, and the refresh
 *   grant, each with `resource` equal to the grant's (RFC 8707 §2; none is `invalid_request`, another
 *   `invalid_target`); access tokens live an hour, refresh tokens rotate (a public client's must, 2025-11-25 "Token
 *   Theft").
 * - `POST /oauth/revoke` (RFC 7009 §2.1): the form's `token`, revoked with its grant; 200 whatever it was.
 * - With `fetchClientMetadata`, Client ID Metadata Documents (MCP 2026-07-28): a URL as `client_id` at the
 *   authorization and token endpoints is fetched, and taken when the document names that URL and the redirect URI.
 */
import { randomBytes } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenMembers } from './kit/token-endpoint.js';

export interface McpUser {
  id: string;
}

export interface McpEmulatorOptions {
  /** The `resource` its protected-resource metadata names (default: its own MCP URL). */
  metadataResource?: string;
  /** `code_challenge_methods_supported` (default `['S256']`); null: the member is left out. */
  pkceMethods?: string[] | null;
  /** False: the 401 names no `resource_metadata`, so the client finds the metadata at its well-known address. Default true. */
  challenge?: boolean;
  /** False: no `registration_endpoint`. Default true. */
  registration?: boolean;
  /**
   * Set: the authorization server takes Client ID Metadata Documents (`client_id_metadata_document_supported`): a
   * `client_id` that is an http(s) URL is a client whose metadata this fetches there (through this function: the
   * app under test is in-process), and which must name that URL as its `client_id` and the redirect URI among its
   * `redirect_uris` (draft-ietf-oauth-client-id-metadata-document §4.1, MCP 2026-07-28 "Client ID Metadata Documents").
   */
  fetchClientMetadata?: (url: string) => Promise<Response>;
}

export interface RegisteredMcpClient {
  clientId: string;
  clientName: string | undefined;
  redirectUris: string[];
  tokenEndpointAuthMethod: string;
}

export interface McpEmulator extends EmulatorHandle<McpUser> {
  /** `<origin>/mcp`, the MCP server's URL and the resource its tokens are for. */
  readonly resource: string;
  /** `<origin>/oauth`, the authorization server's issuer. */
  readonly issuer: string;
  /** The clients registered with `POST /oauth/register`, in order. */
  readonly clients: RegisteredMcpClient[];
  /** Every authorization request's query, and every token request's form, as they came. */
  readonly authorizationQueries: URLSearchParams[];
  readonly tokenForms: URLSearchParams[];
  /** Every access token issued, in order. */
  readonly accessTokens: string[];
  /** The JSON-RPC requests the MCP endpoint answered with a good token. */
  readonly rpcCalls: Array<{ method: unknown; user: string }>;
}

/** A JSON-RPC 2.0 answer to `id`. */
function rpc(id: unknown, member: { result: unknown } | { error: { code: number; message: string } }): EmulatorReply {
  return json(200, { jsonrpc: '2.0', id: id ?? null, ...member });
}

export async function startMcpEmulator(options: McpEmulatorOptions = {}): Promise<McpEmulator> {
  const server = await startEmulatorServer();
  const origin = server.origin;
  const resource = `${origin}/mcp`;
  const issuer = `${origin}/oauth`;
  const metadataUrl = `${origin}/.well-known/oauth-protected-resource/mcp`;
  const grants = new GrantStore<McpUser>({ accessTokenTtl: 3600, refreshPolicy: 'rotating' });
  const controls = emulatorControls<McpUser>(server, grants);
  const clients = new Map<string, RegisteredMcpClient>();
  /** The resource each grant's tokens are for (RFC 8707's audience). */
  const audiences = new Map<string, string>();
  /** The resource each code was asked for, until it is redeemed. */
  const codeResources = new Map<string, string>();
  const authorizationQueries: URLSearchParams[] = [];
  const tokenForms: URLSearchParams[] = [];
  const rpcCalls: McpEmulator['rpcCalls'] = [];
  const accessTokens: string[] = [];

  server.route('GET', '/.well-known/oauth-protected-resource/mcp', () => {
    server.count('resource_metadata');
    return json(200, { resource: options.metadataResource ?? resource, authorization_servers: [issuer], bearer_methods_supported: ['header'] });
  });

  server.route('GET', '/.well-known/oauth-authorization-server/oauth', () => {
    server.count('server_metadata');
    const pkce = options.pkceMethods === undefined ? ['S256'] : options.pkceMethods;
    return json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      ...(options.registration === false ? {} : { registration_endpoint: `${issuer}/register` }),
      revocation_endpoint: `${issuer}/revoke`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none'],
      ...(pkce === null ? {} : { code_challenge_methods_supported: pkce }),
      ...(options.fetchClientMetadata ? { client_id_metadata_document_supported: true } : {}),
    });
  });

  server.route('POST', '/oauth/register', (request) => {
    server.count('register');
    const body = request.json() as Record<string, unknown> | undefined;
    const uris = body?.redirect_uris;
    const redirectUris = Array.isArray(uris) ? uris.filter((uri): uri is string => typeof uri === 'string') : [];
    const fine = redirectUris.length > 0 && redirectUris.every((uri) => URL.canParse(uri) && !uri.includes('#'));
    if (!fine) return json(400, { error: 'invalid_redirect_uri', error_description: 'redirect_uris must be absolute URIs without a fragment.' });
    const method = typeof body?.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : 'client_secret_basic';
    if (method !== 'none') return json(400, { error: 'invalid_client_metadata', error_description: 'Only public clients (none) are registered.' });
    const client: RegisteredMcpClient = { clientId: randomBytes(12).toString('hex'), clientName: typeof body?.client_name === 'string' ? body.client_name : undefined, redirectUris, tokenEndpointAuthMethod: method };
    clients.set(client.clientId, client);
    return json(201, { ...body, client_id: client.clientId, client_id_issued_at: Math.floor(Date.now() / 1000), redirect_uris: redirectUris, token_endpoint_auth_method: method });
  });

  /** The client of `clientId`: a registered one, or, from a URL, the one its metadata document describes (fetched each time). */
  const clientOf = async (clientId: string): Promise<RegisteredMcpClient | undefined> => {
    if (clients.has(clientId) || !options.fetchClientMetadata || !/^https?:\/\//.test(clientId)) return clients.get(clientId);
    server.count('client_metadata_fetch');
    const response = await options.fetchClientMetadata(clientId);
    const document = response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
    const uris = Array.isArray(document?.redirect_uris) ? document.redirect_uris.filter((uri): uri is string => typeof uri === 'string') : [];
    if (document?.client_id !== clientId || typeof document.client_name !== 'string' || uris.length === 0) return undefined;
    const method = typeof document.token_endpoint_auth_method === 'string' ? document.token_endpoint_auth_method : 'none';
    return method === 'none' ? { clientId, clientName: document.client_name, redirectUris: uris, tokenEndpointAuthMethod: method } : undefined;
  };

  server.route('GET', '/oauth/authorize', async (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    authorizationQueries.push(query);
    const client = await clientOf(query.get('client_id') ?? '');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!client || !client.redirectUris.includes(redirectUri)) return html(400, '<p>Unknown client or redirect URI.</p>');
    const reply = redirectBack(redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return reply({ error: 'invalid_request', error_description: 'PKCE with S256 is required.' });
    if (query.get('resource') !== resource) return reply({ error: 'invalid_target', error_description: `resource must be ${resource}.` });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const code = grants.issueCode(codeRequest(query, { clientId: client.clientId, redirectUri }, user));
    codeResources.set(code, resource);
    return reply({ code });
  });

  /** RFC 8707 §2: the token request's `resource`, which must be the grant's. */
  const resourceRefusal = (form: URLSearchParams, expected: string | undefined): EmulatorReply | undefined => {
    const asked = form.get('resource');
    if (asked === null) return oauthError(400, 'invalid_request', 'resource is required.');
    return asked === expected ? undefined : oauthError(400, 'invalid_target', `resource must be ${expected ?? 'the one authorized'}.`);
  };
  const answer = (tokens: Parameters<typeof tokenMembers>[0], scope: string) => (accessTokens.push(tokens.accessToken), json(200, tokenMembers(tokens, scope || undefined, 'Bearer'), { 'cache-control': 'no-store' }));

  server.route('POST', '/oauth/token', async (request: EmulatorRequest) => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined && status !== null) return html(status, '<h1>Service Unavailable</h1>');
    const form = request.form();
    tokenForms.push(form);
    const client = await clientOf(form.get('client_id') ?? '');
    if (!client || request.basicAuth() !== null) return oauthError(401, 'invalid_client');
    if (form.get('grant_type') === 'refresh_token') {
      server.count('refresh_token');
      const grant = grants.grantOfToken(form.get('refresh_token') ?? '');
      const refused = resourceRefusal(form, grant && audiences.get(grant.id));
      if (refused) return refused;
      const refreshed = grants.refresh(form.get('refresh_token') ?? '', client.clientId);
      if (!refreshed.ok) return oauthError(400, 'invalid_grant');
      return answer(refreshed.tokens, refreshed.grant.scope);
    }
    if (form.get('grant_type') !== 'authorization_code') return oauthError(400, 'unsupported_grant_type');
    server.count('authorization_code');
    const code = form.get('code') ?? '';
    const refused = resourceRefusal(form, codeResources.get(code));
    if (refused) return refused;
    const redeemed = grants.redeemCode(code, { clientId: client.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!redeemed.ok) return oauthError(400, 'invalid_grant');
    audiences.set(redeemed.grant.id, codeResources.get(code)!);
    codeResources.delete(code);
    return answer(redeemed.tokens, redeemed.grant.scope);
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  server.route('POST', '/mcp', (request) => {
    server.count('mcp');
    const token = request.bearer();
    if (token === null) {
      return json(401, { error: 'unauthorized' }, { 'www-authenticate': options.challenge === false ? 'Bearer' : `Bearer resource_metadata="${metadataUrl}"` });
    }
    const grant = grants.grantOfAccessToken(token);
    if (!grant || audiences.get(grant.id) !== resource) {
      return json(401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer error="invalid_token", resource_metadata="${metadataUrl}"` });
    }
    const call = request.json() as { id?: unknown; method?: unknown } | undefined;
    rpcCalls.push({ method: call?.method, user: grant.user.id });
    if (call?.method === 'tools/list') {
      return rpc(call.id, { result: { tools: [{ name: 'echo', description: 'Says its text back.', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }] } });
    }
    return rpc(call?.id, { error: { code: -32601, message: 'Method not found' } });
  });

  return {
    ...controls.handle,
    resource,
    issuer,
    get clients() {
      return [...clients.values()];
    },
    authorizationQueries,
    tokenForms,
    accessTokens,
    rpcCalls,
  };
}
