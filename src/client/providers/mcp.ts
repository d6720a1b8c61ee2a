/**
 * A remote MCP server (Model Context Protocol), one provider per server: `<NAME>_BASE_URL` is the server's URL
 * (`https://mcp.example.com/mcp`), the resource its tokens are for. A person who signed in otherwise connects it from
 * their account (connect-only: an MCP server says nothing of who the person is), and backends call it through the
 * proxy, whose base is that URL. From the MCP authorization specification
 * (https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization and its 2025-11-25 revision,
 * https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization) and the RFCs it names:
 * - The MCP server is an OAuth 2.1 resource server; its RFC 9728 protected-resource metadata names its authorization
 *   servers (`authorization_servers`, at least one). It is found at the URL a 401 to a request without a token names
 *   in `WWW-Authenticate: Bearer resource_metadata="…"` (RFC 9728 §5.1), else at the well-known address with the
 *   server's path inserted after the host (RFC 9728 §3.1: `/.well-known/oauth-protected-resource/mcp`), else at the
 *   root's, in that order (2025-11-25, "Protected Resource Metadata Discovery Requirements"). Its `resource` must be
 *   the configured URL, or nothing is used (RFC 9728 §3.3); the first authorization server listed is used.
 * - The authorization server's metadata is read at RFC 8414's address with the issuer's path inserted, then at
 *   OpenID Connect Discovery's with the path inserted, then with it appended (2025-11-25, "Authorization Server
 *   Metadata Discovery"); its `issuer` must be the one asked (RFC 8414 §3.3). PKCE is S256, and a server whose
 *   metadata lists no `S256` in `code_challenge_methods_supported` is refused (2025-11-25, "Authorization Code
 *   Protection").
 * - The `resource` parameter (RFC 8707 §2), the server's canonical URI (lower-case scheme and host, no fragment, no
 *   lone trailing slash), goes with the authorization request, the code exchange and every refresh ("Resource
 *   Parameter Implementation"); tokens go to the server only as `Authorization: Bearer` ("Token Requirements").
 * - Without `<NAME>_CLIENT_ID`, the app needs a client at each authorization server, kept in the database per
 *   server's issuer (2026-07-28 "Authorization Server Binding",
 *   https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration): where the
 *   server's metadata says `client_id_metadata_document_supported`, the client id is the URL of the app's own client
 *   metadata document (`<BASE_URL>/auth/<name>/client-metadata.json`: `client_id`, `client_name`, `redirect_uris`, a
 *   public client), which the server fetches (draft-ietf-oauth-client-id-metadata-document), and which that revision
 *   prefers; else it registers at the `registration_endpoint` by RFC 7591 (§3.1: a JSON POST of its metadata with
 *   `application_type` `web`, §3.2.1: answered 201 with `client_id` and perhaps a `client_secret`): a public client
 *   (`none`, PKCE only) unless the server gives a secret for `client_secret_basic`. With `<NAME>_CLIENT_ID` (and
 *   `<NAME>_CLIENT_SECRET`), that pre-registered client is used, which every revision puts first.
 * - Refresh tokens are used where issued (a public client's rotate, 2025-11-25 "Token Theft"); revocation only at a
 *   `revocation_endpoint` the metadata names (RFC 8414 §2, RFC 7009).
 * - Through the proxies, the Streamable HTTP transport's own headers go both ways (2025-06-18 and 2025-11-25,
 *   "Transports"): the `Mcp-Session-Id` a server names in its answer to `initialize` back to the caller, and from the
 *   caller on to the server, with it, `MCP-Protocol-Version` (which every request after initialization carries) and
 *   `Last-Event-ID` (resuming an SSE stream). Without them no server that keeps sessions can be used past `initialize`.
 * No scope is asked unless `<NAME>_SCOPE` names some (the server's `scopes_supported`, or the `scope` of its 401).
 * Not checked against the spec's pages: which authorization server to pick among several (RFC 9728 §7.6 leaves it to
 * the client; the first is taken); a registration answered with a secret for another method than
 * `client_secret_basic` is refused rather than used; the scope is not taken from the 401's `scope` or
 * `scopes_supported` (2026-07-28 "Scope Selection Strategy"): `<NAME>_SCOPE` names it.
 */
import { describeProviderFailure, ProviderUnavailableError } from '../errors.js';
import type { AuthorizationServerMetadataRequest, ClientRegistrationRequest } from '../provider-hooks.js';
import type { RegisteredClient } from '../client-registration.js';
import { publicWebClientMetadata } from '../client-metadata.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { fetchableUrl } from './server-origin.js';

/**
 * An MCP server's canonical URI (RFC 8707 §2, MCP 2025-11-25 "Canonical Server URI"): lower-case scheme and host (as
 * URL parsing gives them), the path and query as given, no trailing slash after a bare host; '' for a URL that does not
 * parse or has a fragment.
 *
 * @example
 * canonicalResource('HTTPS://MCP.Example.com/'); // 'https://mcp.example.com'
 */
export function canonicalResource(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '';
  }
  if (parsed.hash !== '' || url.includes('#')) return '';
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.origin}${path}${parsed.search}`;
}

/** RFC 9728 §3.1: the well-known path inserted between the host and the resource's path (the root's when it has none). */
export function protectedResourceMetadataUrls(resource: string): string[] {
  const url = new URL(resource);
  const root = `${url.origin}/.well-known/oauth-protected-resource`;
  const path = url.pathname.replace(/\/$/, '');
  return path === '' ? [root] : [`${root}${path}${url.search}`, root];
}

/** The addresses of an authorization server's metadata, in the order MCP 2025-11-25 tries them. */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  if (path === '') return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  return [`${url.origin}/.well-known/oauth-authorization-server${path}`, `${url.origin}/.well-known/openid-configuration${path}`, `${url.origin}${path}/.well-known/openid-configuration`];
}

/** The `resource_metadata` of a Bearer challenge (RFC 9728 §5.1), or undefined. */
export function resourceMetadataOf(challenge: string | null): string | undefined {
  if (challenge === null || !/^\s*bearer\b/i.test(challenge)) return undefined;
  return /(?:^|[\s,])resource_metadata\s*=\s*"([^"]*)"/i.exec(challenge)?.[1];
}

/** A GET of JSON: the object of a 200 answer, `missing` for a 4xx, a ProviderUnavailableError for a 5xx or a failure to answer. */
async function getJson(request: AuthorizationServerMetadataRequest, url: string, step: string): Promise<Record<string, unknown> | 'missing'> {
  let response: Response;
  try {
    response = await request.send(url, { method: 'GET', headers: { accept: 'application/json' } });
  } catch (error) {
    throw describeProviderFailure('The MCP server', step, error);
  }
  if (response.status >= 500) throw new ProviderUnavailableError('provider_error', `${url} answered HTTP ${response.status} for the ${step}.`);
  const body = response.status === 200 ? objectOf(await response.json().catch(() => undefined)) : undefined;
  if (response.status !== 200) await response.body?.cancel().catch(() => {});
  if (response.status === 200 && body === undefined) throw new ProviderUnavailableError('provider_bad_response', `${url} answered the ${step} with no JSON object.`);
  return body ?? 'missing';
}

/** The URL a 401 to a request without a token names in its challenge, if the server answers so. */
async function challengedMetadataUrl(resource: string, request: AuthorizationServerMetadataRequest): Promise<string | undefined> {
  let response: Response;
  try {
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' });
    response = await request.send(resource, { method: 'POST', headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json' }, body: ping });
  } catch (error) {
    throw describeProviderFailure('The MCP server', `request to ${resource}`, error);
  }
  await response.body?.cancel().catch(() => {});
  return response.status === 401 ? resourceMetadataOf(response.headers.get('www-authenticate')) : undefined;
}

/** The resource's RFC 9728 metadata, from the challenge's URL or the well-known ones, its `resource` checked (§3.3). */
async function protectedResourceMetadata(resource: string, request: AuthorizationServerMetadataRequest): Promise<Record<string, unknown>> {
  const challenged = await challengedMetadataUrl(resource, request);
  if (challenged !== undefined && fetchableUrl(challenged, request.allowInsecureHttp) === undefined) {
    throw new ProviderUnavailableError('provider_bad_response', `${resource} names its resource metadata at "${challenged.slice(0, 200)}", which is not an https URL.`);
  }
  for (const url of challenged === undefined ? protectedResourceMetadataUrls(resource) : [challenged]) {
    const metadata = await getJson(request, url, 'protected resource metadata');
    if (metadata === 'missing') continue;
    const named = typeof metadata.resource === 'string' ? metadata.resource : '';
    if (canonicalResource(named) !== resource) {
      throw new ProviderUnavailableError('provider_bad_response', `The resource metadata at ${url} is for "${named.slice(0, 200)}", not ${resource}: nothing is sent to a server that names another resource (RFC 9728 §3.3).`);
    }
    return metadata;
  }
  throw new ProviderUnavailableError('provider_bad_response', `${resource} publishes no OAuth protected resource metadata (RFC 9728): it names no authorization server.`);
}

/** The authorization server's metadata, at the first of its addresses that has it, its issuer and PKCE support checked. */
async function serverMetadata(issuer: string, request: AuthorizationServerMetadataRequest): Promise<Record<string, unknown> & { issuer: string }> {
  for (const url of authorizationServerMetadataUrls(issuer)) {
    const metadata = await getJson(request, url, 'authorization server metadata');
    if (metadata === 'missing') continue;
    if (metadata.issuer !== issuer) {
      throw new ProviderUnavailableError('provider_bad_response', `The authorization server metadata at ${url} names the issuer ${String(metadata.issuer).slice(0, 200)}, not ${issuer}.`);
    }
    const methods = metadata.code_challenge_methods_supported;
    if (!Array.isArray(methods) || !methods.includes('S256')) {
      throw new ProviderUnavailableError('provider_bad_response', `The authorization server ${issuer} does not list S256 in code_challenge_methods_supported: an MCP client does not use a server without PKCE.`);
    }
    if (typeof metadata.authorization_endpoint !== 'string' || typeof metadata.token_endpoint !== 'string') {
      throw new ProviderUnavailableError('provider_bad_response', `The authorization server metadata at ${url} names no authorization_endpoint or token_endpoint.`);
    }
    return { ...metadata, issuer };
  }
  throw new ProviderUnavailableError('provider_bad_response', `The authorization server ${issuer} publishes no metadata (RFC 8414 or OpenID Connect Discovery).`);
}

/** From the MCP server to its authorization server's metadata: RFC 9728, then RFC 8414 or OpenID Connect Discovery. */
function mcpAuthorizationServer(resource: string) {
  return async (request: AuthorizationServerMetadataRequest): Promise<Record<string, unknown> & { issuer: string }> => {
    const metadata = await protectedResourceMetadata(resource, request);
    const servers = metadata.authorization_servers;
    const issuer = Array.isArray(servers) ? servers.find((server): server is string => typeof server === 'string') : undefined;
    if (issuer === undefined) throw new ProviderUnavailableError('provider_bad_response', `The resource metadata of ${resource} names no authorization_servers.`);
    if (fetchableUrl(issuer, request.allowInsecureHttp) === undefined) throw new ProviderUnavailableError('provider_bad_response', `The resource metadata of ${resource} names the authorization server "${issuer.slice(0, 200)}", which is not an https URL.`);
    return serverMetadata(issuer, request);
  };
}

/**
 * The app's client at an authorization server: its client metadata document's URL as its client id where the server
 * takes Client ID Metadata Documents (`client_id_metadata_document_supported`, tried before registration by the
 * 2026-07-28 revision, "Client Registration"), else a registration by RFC 7591 §3.1 at its registration endpoint, as a
 * public web client with its callback.
 */
async function registerMcpClient(request: ClientRegistrationRequest): Promise<Pick<RegisteredClient, 'clientId' | 'clientSecret'>> {
  if (request.metadata.client_id_metadata_document_supported === true && request.metadataDocumentUrl !== undefined) return { clientId: request.metadataDocumentUrl, clientSecret: null };
  const endpoint = request.metadata.registration_endpoint;
  if (typeof endpoint !== 'string' || fetchableUrl(endpoint, request.allowInsecureHttp) === undefined) {
    const cimd = request.metadata.client_id_metadata_document_supported === true ? ' (it takes client metadata documents, which this app serves only with an https BASE_URL)' : '';
    throw new ProviderUnavailableError('provider_bad_response', `The authorization server ${request.issuer} names no registration_endpoint${cimd}: register a client there and configure its id (<NAME>_CLIENT_ID).`);
  }
  const asked = publicWebClientMetadata(request, request.scope);
  let response: Response;
  try {
    response = await request.send(endpoint, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(asked) });
  } catch (error) {
    throw describeProviderFailure(request.issuer, 'client registration', error);
  }
  const body = objectOf(await response.json().catch(() => undefined));
  if (response.status >= 500) throw new ProviderUnavailableError('provider_error', `${request.issuer} answered HTTP ${response.status} when this app registered there.`);
  if ((response.status !== 201 && response.status !== 200) || typeof body?.client_id !== 'string' || body.client_id === '') {
    const said = typeof body?.error === 'string' ? `: ${body.error.slice(0, 100)}${typeof body.error_description === 'string' ? `, ${body.error_description.slice(0, 200)}` : ''}` : '';
    throw new ProviderUnavailableError('provider_bad_response', `${request.issuer} refused to register this app (HTTP ${response.status}${said}).`);
  }
  const method = typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : 'none';
  const secret = typeof body.client_secret === 'string' && body.client_secret !== '' ? body.client_secret : null;
  if (method === 'none') return { clientId: body.client_id, clientSecret: null };
  if (method !== 'client_secret_basic' || secret === null) {
    throw new ProviderUnavailableError('provider_bad_response', `${request.issuer} registered this app for ${method.slice(0, 50)}${secret === null ? ' without a secret' : ''}, which is not used here (none, or client_secret_basic with a secret).`);
  }
  return { clientId: body.client_id, clientSecret: secret };
}

/** The Streamable HTTP transport's headers that the proxies carry (see the module's comment). */
export const MCP_PROXY_HEADERS = { request: ['mcp-session-id', 'mcp-protocol-version', 'last-event-id'], response: ['mcp-session-id'] } as const;

/** The token request (code exchange and refresh) with RFC 8707's `resource`. */
function withResource(resource: string) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const body = new URLSearchParams(request.body);
    body.set('resource', resource);
    return { body: body.toString(), headers: request.headers };
  };
}

export const mcp: ProviderPreset = {
  displayName: 'MCP server',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }, client) => {
    const resource = canonicalResource(baseUrl ?? '');
    const registers = (client?.clientId ?? '') === '';
    return {
      discovery: { issuer: resource, wellKnown: 'oauth-authorization-server' },
      scope: '',
      authorizationParams: { resource },
      apiBaseUrl: resource,
      proxyHeaders: MCP_PROXY_HEADERS,
      connectOnly: true,
      registersByMetadataDocument: true,
      hooks: {
        authorizationServerMetadata: mcpAuthorizationServer(resource),
        tokenRequest: withResource(resource),
        ...(registers ? { registerClient: registerMcpClient } : {}),
      },
    };
  },
};
