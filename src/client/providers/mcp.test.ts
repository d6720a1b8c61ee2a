import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../config/provider-config.js';
import { ProviderUnavailableError } from '../errors.js';
import { REGISTERED_AT_EACH_SERVER } from '../provider-settings.js';
import type { ClientRegistrationRequest } from '../provider-hooks.js';
import { authorizationServerMetadataUrls, canonicalResource, mcp, protectedResourceMetadataUrls, resourceMetadataOf } from './mcp.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const ISSUER = 'https://auth.example.com/tenant1';
const SERVER = { issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: `${ISSUER}/token`, code_challenge_methods_supported: ['S256'] };

type Answers = Record<string, { status: number; body?: unknown; headers?: Record<string, string> }>;

/** A `send` answering each `METHOD url` from `answers` (404 otherwise), with what was sent. */
function sender(answers: Answers) {
  const sent: Array<{ method: string; url: string; body?: string }> = [];
  const send = async (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
    sent.push({ method: init.method, url, ...(init.body === undefined ? {} : { body: init.body }) });
    const answer = answers[`${init.method} ${url}`] ?? { status: 404 };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers } });
  };
  return { send, sent };
}

function hooksOf(clientId = '') {
  return mcp.settings({ baseUrl: RESOURCE }, { clientId }).hooks!;
}

describe('the mcp preset', () => {
  it('canonical server URIs: lower-case scheme and host, no lone trailing slash, nothing for a fragment', () => {
    expect(canonicalResource('HTTPS://MCP.Example.com/')).toBe('https://mcp.example.com');
    expect(canonicalResource('https://mcp.example.com:8443')).toBe('https://mcp.example.com:8443');
    expect(canonicalResource('https://mcp.example.com/server/mcp')).toBe('https://mcp.example.com/server/mcp');
    expect(canonicalResource('https://mcp.example.com#fragment')).toBe('');
    expect(canonicalResource('mcp.example.com')).toBe('');
  });

  it('RFC 9728 §3.1: the well-known path inserted before the server\'s path, then the root\'s', () => {
    expect(protectedResourceMetadataUrls('https://example.com/public/mcp')).toEqual([
      'https://example.com/.well-known/oauth-protected-resource/public/mcp',
      'https://example.com/.well-known/oauth-protected-resource',
    ]);
    expect(protectedResourceMetadataUrls('https://mcp.example.com')).toEqual(['https://mcp.example.com/.well-known/oauth-protected-resource']);
  });

  it('an authorization server\'s metadata addresses in the order MCP gives: RFC 8414 inserted, OpenID inserted, OpenID appended', () => {
    expect(authorizationServerMetadataUrls(ISSUER)).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
      'https://auth.example.com/.well-known/openid-configuration/tenant1',
      'https://auth.example.com/tenant1/.well-known/openid-configuration',
    ]);
    expect(authorizationServerMetadataUrls('https://auth.example.com')).toEqual(['https://auth.example.com/.well-known/oauth-authorization-server', 'https://auth.example.com/.well-known/openid-configuration']);
  });

  it('reads resource_metadata from a Bearer challenge only', () => {
    expect(resourceMetadataOf('Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="files:read"')).toBe('https://mcp.example.com/.well-known/oauth-protected-resource');
    expect(resourceMetadataOf('Bearer realm="x", resource_metadata="https://a.example/m"')).toBe('https://a.example/m');
    expect(resourceMetadataOf('Basic realm="x", resource_metadata="https://a.example/m"')).toBeUndefined();
    expect(resourceMetadataOf(null)).toBeUndefined();
  });

  it('sends resource with the authorization request and every token request, calls the server at its URL, registers only without a configured client', () => {
    const settings = mcp.settings({ baseUrl: 'https://MCP.example.com/mcp' }, { clientId: '' });
    expect(settings).toMatchObject({ authorizationParams: { resource: RESOURCE }, apiBaseUrl: RESOURCE, scope: '' });
    expect(settings.hooks?.registerClient).toBeDefined();
    const sent = settings.hooks!.tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', resource: RESOURCE });
    expect(mcp.settings({ baseUrl: RESOURCE }, { clientId: 'pre-registered' }).hooks?.registerClient).toBeUndefined();
  });

  it('the proxies carry the Streamable HTTP headers: Mcp-Session-Id both ways, MCP-Protocol-Version and Last-Event-ID on to the server', () => {
    const env = { LINEAR_MCP_PRESET: 'mcp', LINEAR_MCP_BASE_URL: RESOURCE };
    expect(providerSettings(env, 'linear_mcp', true, process.cwd(), new URL('https://app.example.com')).proxyHeaders).toEqual({
      request: ['mcp-session-id', 'mcp-protocol-version', 'last-event-id'],
      response: ['mcp-session-id'],
    });
  });

  it('finds the authorization server from the 401\'s resource_metadata, then its RFC 8414 metadata', async () => {
    const { send, sent } = sender({
      [`POST ${RESOURCE}`]: { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="https://mcp.example.com/prm"' } },
      'GET https://mcp.example.com/prm': { status: 200, body: { resource: RESOURCE, authorization_servers: [ISSUER] } },
      'GET https://auth.example.com/.well-known/oauth-authorization-server/tenant1': { status: 200, body: SERVER },
    });
    expect(await hooksOf().authorizationServerMetadata!({ allowInsecureHttp: false, send })).toEqual(SERVER);
    expect(sent.map(({ method, url }) => `${method} ${url}`)).toEqual([`POST ${RESOURCE}`, 'GET https://mcp.example.com/prm', 'GET https://auth.example.com/.well-known/oauth-authorization-server/tenant1']);
  });

  it('without a challenge, tries the inserted well-known address, then the root\'s; an OpenID document with the path inserted is taken too', async () => {
    const { send, sent } = sender({
      'GET https://mcp.example.com/.well-known/oauth-protected-resource': { status: 200, body: { resource: RESOURCE, authorization_servers: [ISSUER] } },
      'GET https://auth.example.com/.well-known/openid-configuration/tenant1': { status: 200, body: SERVER },
    });
    expect(await hooksOf().authorizationServerMetadata!({ allowInsecureHttp: false, send })).toEqual(SERVER);
    expect(sent.map(({ url }) => url)).toEqual([
      RESOURCE,
      'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
      'https://mcp.example.com/.well-known/oauth-protected-resource',
      'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
      'https://auth.example.com/.well-known/openid-configuration/tenant1',
    ]);
  });

  it('refuses metadata for another resource, a server without S256, a server naming another issuer, and no metadata at all', async () => {
    const find = (answers: Answers) => hooksOf().authorizationServerMetadata!({ allowInsecureHttp: false, send: sender(answers).send });
    const prm = (body: unknown) => ({ 'GET https://mcp.example.com/.well-known/oauth-protected-resource/mcp': { status: 200, body } });
    await expect(find(prm({ resource: 'https://evil.example.com/mcp', authorization_servers: [ISSUER] }))).rejects.toThrow(
      'The resource metadata at https://mcp.example.com/.well-known/oauth-protected-resource/mcp is for "https://evil.example.com/mcp", not https://mcp.example.com/mcp: nothing is sent to a server that names another resource (RFC 9728 §3.3).',
    );
    const server = (body: unknown) => ({ ...prm({ resource: RESOURCE, authorization_servers: [ISSUER] }), 'GET https://auth.example.com/.well-known/oauth-authorization-server/tenant1': { status: 200, body } });
    await expect(find(server({ ...SERVER, code_challenge_methods_supported: undefined }))).rejects.toThrow(
      'The authorization server https://auth.example.com/tenant1 does not list S256 in code_challenge_methods_supported: an MCP client does not use a server without PKCE.',
    );
    await expect(find(server({ ...SERVER, code_challenge_methods_supported: ['plain'] }))).rejects.toThrow(ProviderUnavailableError);
    await expect(find(server({ ...SERVER, issuer: 'https://auth.example.com' }))).rejects.toThrow('names the issuer https://auth.example.com, not https://auth.example.com/tenant1.');
    await expect(find(prm({ resource: RESOURCE, authorization_servers: [] }))).rejects.toThrow('names no authorization_servers');
    await expect(find(prm({ resource: RESOURCE, authorization_servers: ['http://auth.example.com'] }))).rejects.toThrow('which is not an https URL');
    await expect(find({})).rejects.toThrow('https://mcp.example.com/mcp publishes no OAuth protected resource metadata (RFC 9728): it names no authorization server.');
  });

  it('registers by RFC 7591 as a public client; a secret for client_secret_basic is kept, other methods refused', async () => {
    const register = hooksOf().registerClient!;
    const request = (answer: { status: number; body?: unknown }, metadata: Record<string, unknown> = { registration_endpoint: `${ISSUER}/register` }) => {
      const { send, sent } = sender({ [`POST ${ISSUER}/register`]: answer });
      const asked: ClientRegistrationRequest = { issuer: ISSUER, metadata, redirectUri: 'https://app.example.com/auth/linear_mcp/callback', scope: '', clientName: 'app.example.com', website: 'https://app.example.com', allowInsecureHttp: false, send };
      return { done: register(asked), sent };
    };
    const made = request({ status: 201, body: { client_id: 'c1', token_endpoint_auth_method: 'none' } });
    expect(await made.done).toEqual({ clientId: 'c1', clientSecret: null });
    expect(JSON.parse(made.sent[0]!.body!)).toEqual({
      client_name: 'app.example.com',
      client_uri: 'https://app.example.com',
      application_type: 'web',
      redirect_uris: ['https://app.example.com/auth/linear_mcp/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    expect(await request({ status: 201, body: { client_id: 'c2', client_secret: 's2', token_endpoint_auth_method: 'client_secret_basic' } }).done).toEqual({ clientId: 'c2', clientSecret: 's2' });
    await expect(request({ status: 201, body: { client_id: 'c3', client_secret: 's3', token_endpoint_auth_method: 'client_secret_post' } }).done).rejects.toThrow('registered this app for client_secret_post');
    await expect(request({ status: 400, body: { error: 'invalid_redirect_uri', error_description: 'not allowed' } }).done).rejects.toThrow(
      'https://auth.example.com/tenant1 refused to register this app (HTTP 400: invalid_redirect_uri, not allowed).',
    );
    await expect(request({ status: 201 }, {}).done).rejects.toThrow('names no registration_endpoint: register a client there and configure its id (<NAME>_CLIENT_ID).');

    // A server that takes client metadata documents: the document's URL is the client, and nothing is sent; without a
    // document (a library's host serves none), it registers if it can, and says why it cannot otherwise.
    const documentUrl = 'https://app.example.com/auth/linear_mcp/client-metadata.json';
    const sendsNothing = () => Promise.reject(new Error('nothing is sent'));
    const asked = { issuer: ISSUER, redirectUri: 'https://app.example.com/auth/linear_mcp/callback', scope: '', clientName: 'app.example.com', website: 'https://app.example.com', allowInsecureHttp: false, send: sendsNothing };
    expect(await register({ ...asked, metadata: { client_id_metadata_document_supported: true, registration_endpoint: `${ISSUER}/register` }, metadataDocumentUrl: documentUrl })).toEqual({ clientId: documentUrl, clientSecret: null });
    await expect(request({ status: 500 }, { client_id_metadata_document_supported: true, registration_endpoint: `${ISSUER}/register` }).done).rejects.toThrow('answered HTTP 500');
    await expect(request({ status: 201 }, { client_id_metadata_document_supported: true }).done).rejects.toThrow('names no registration_endpoint (it takes client metadata documents, which this app serves only with an https BASE_URL)');
  });

  it('as configured: registering at the server without LINEAR_MCP_CLIENT_ID, a client registered by hand with it; BASE_URL required', () => {
    const app = new URL('https://app.example.com');
    const env = { LINEAR_MCP_PRESET: 'mcp', LINEAR_MCP_BASE_URL: 'https://mcp.example.com/mcp' };
    const registering = providerSettings(env, 'linear_mcp', true, process.cwd(), app);
    expect(registering).toMatchObject({
      clientId: REGISTERED_AT_EACH_SERVER,
      clientRegistration: { redirectUri: 'https://app.example.com/auth/linear_mcp/callback', metadataDocumentUrl: 'https://app.example.com/auth/linear_mcp/client-metadata.json' },
      authorizationParams: { resource: RESOURCE },
      apiBaseUrl: RESOURCE,
      scope: '',
    });
    expect(registering.hooks?.registerClient).toBeDefined();
    // No document a server could fetch: on an http BASE_URL in production, or through the library (the host's callback).
    expect(providerSettings(env, 'linear_mcp', true, process.cwd(), new URL('http://app.example.com')).clientRegistration).not.toHaveProperty('metadataDocumentUrl');
    const hosted = providerSettings(env, 'linear_mcp', true, process.cwd(), undefined, new URL('https://host.example.com/auth/mcp/callback'));
    expect(hosted.clientRegistration).toEqual({ redirectUri: 'https://host.example.com/auth/mcp/callback', clientName: 'host.example.com', website: 'https://host.example.com' });
    const byHand = providerSettings({ ...env, LINEAR_MCP_CLIENT_ID: 'hand-made', LINEAR_MCP_CLIENT_SECRET: 'secret' }, 'linear_mcp', true, process.cwd(), app);
    expect(byHand).toMatchObject({ clientId: 'hand-made', clientSecret: 'secret', tokenEndpointAuthMethod: 'client_secret_basic' });
    expect(byHand.hooks?.registerClient).toBeUndefined();
    expect(byHand).not.toHaveProperty('clientRegistration');
    const publicByHand = providerSettings({ ...env, LINEAR_MCP_CLIENT_ID: 'hand-made', LINEAR_MCP_TOKEN_ENDPOINT_AUTH_METHOD: 'none' }, 'linear_mcp', true, process.cwd(), app);
    expect(publicByHand).toMatchObject({ clientId: 'hand-made', tokenEndpointAuthMethod: 'none' });
    expect(() => providerSettings({ LINEAR_MCP_PRESET: 'mcp' }, 'linear_mcp', true, process.cwd(), app)).toThrow('LINEAR_MCP_BASE_URL is missing');
    // Its authorization server is the one the server's metadata names: an issuer set beside it would be left unused.
    expect(() => providerSettings({ ...env, LINEAR_MCP_ISSUER: 'https://auth.example.com' }, 'linear_mcp', true, process.cwd(), app)).toThrow(
      'LINEAR_MCP_ISSUER is not used: the mcp preset finds its authorization server in the metadata of LINEAR_MCP_BASE_URL; remove it',
    );
    expect(() => providerSettings({ ...env, LINEAR_MCP_SERVER_METADATA_URL: 'https://auth.example.com/.well-known/oauth-authorization-server' }, 'linear_mcp', true, process.cwd(), app)).toThrow(
      'LINEAR_MCP_SERVER_METADATA_URL is not used',
    );
    expect(() => providerSettings({ ...env, LINEAR_MCP_CONNECT_ONLY: 'off' }, 'linear_mcp', true, process.cwd(), app)).toThrow('LINEAR_MCP_CONNECT_ONLY cannot be off with the mcp preset');
  });
});
