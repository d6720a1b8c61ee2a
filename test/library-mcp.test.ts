// The mcp preset through the library and tokenkeeper/fastify, as a host app uses it: a person of the host app (known
// to Tokenkeeper by the host's own id only) connects an MCP server whose authorization server takes Client ID
// Metadata Documents, which it fetches from the host's route (providers.<name>.clientMetadataUrl); one that takes
// only registration is registered at, with the host's callback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenkeeper, type Tokenkeeper } from '../src/library/index.js';
import { TestBrowser } from './support/browser.js';
import { PluginHost } from './support/plugin-host.js';
import { APP_ORIGIN, TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { startMcpEmulator, type McpEmulator } from './providers/mcp.emulator.js';

const callback = (provider: string) => `${APP_ORIGIN}/auth/${provider}/callback`;
const DOCUMENT = `${APP_ORIGIN}/auth/docs/client-metadata.json`;

describe('MCP servers through the library and tokenkeeper/fastify', () => {
  let byDocument: McpEmulator;
  let byRegistration: McpEmulator;
  let tokenkeeper: Tokenkeeper;
  const host = new PluginHost();
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-mcp-'));

  beforeAll(async () => {
    byDocument = await startMcpEmulator({ registration: false, fetchClientMetadata: (url) => host.fetch(url) });
    byRegistration = await startMcpEmulator();
    tokenkeeper = await createTokenkeeper({
      database: `sqlite:${join(folder, 'app.db')}`,
      encryptionKeys: [TEST_ENCRYPTION_KEY],
      providers: {
        docs: { preset: 'mcp', baseUrl: byDocument.resource, redirectUri: callback('docs'), clientMetadataUrl: DOCUMENT },
        tools: { preset: 'mcp', baseUrl: byRegistration.resource, redirectUri: callback('tools') },
      },
    });
    await host.serve(tokenkeeper);
  });
  afterAll(async () => {
    await host.close();
    await tokenkeeper?.close();
    await Promise.all([byDocument?.close(), byRegistration?.close()]);
    rmSync(folder, { recursive: true, force: true });
  });

  it("connects a person of the host by the host's id, the document's URL as the client id at a server that takes documents, nothing registered", async () => {
    host.signedInAs = { externalId: 'host-user-1' };
    byDocument.signInAs({ id: 'reader' });
    const page = await new TestBrowser({ fetch: host.fetch }).get(`${APP_ORIGIN}/auth/docs/login`);
    expect(page.url, page.text).toBe(`${APP_ORIGIN}/`);
    expect(byDocument.authorizationQueries.at(-1)?.get('client_id')).toBe(DOCUMENT);
    expect(byDocument.server.counts.register ?? 0).toBe(0);
    expect(host.signIns.at(-1)).toMatchObject({ isNewUser: true, user: { externalId: 'host-user-1' }, connection: { provider: 'docs', status: 'active' } });
    // The document the host's route serves, which the server fetched.
    expect(JSON.parse((await host.app.inject({ method: 'GET', url: '/auth/docs/client-metadata.json' })).body)).toMatchObject({
      client_id: DOCUMENT,
      redirect_uris: [callback('docs')],
      token_endpoint_auth_method: 'none',
    });
    const tools = await tokenkeeper.fetch({ externalId: 'host-user-1' }, 'docs', '', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(tools.status).toBe(200);
  });

  it("registers the host's callback at a server that takes no documents, for the same person's second server", async () => {
    byRegistration.signInAs({ id: 'reader' });
    const page = await new TestBrowser({ fetch: host.fetch }).get(`${APP_ORIGIN}/auth/tools/login`);
    expect(page.url, page.text).toBe(`${APP_ORIGIN}/`);
    expect(byRegistration.clients).toEqual([expect.objectContaining({ redirectUris: [callback('tools')] })]);
    expect(host.signIns.at(-1)).toMatchObject({ isNewUser: false, user: { externalId: 'host-user-1' }, connection: { provider: 'tools' } });
  });

  it('without a person signed in to the host, is refused: an MCP server says nothing of who connects it', async () => {
    host.signedInAs = undefined;
    const refused = await new TestBrowser({ fetch: host.fetch }).get(`${APP_ORIGIN}/auth/docs/login`);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('connect_only');
  });

  it('takes clientMetadataUrl only for the mcp preset, and only as a URL with a path', async () => {
    const options = (providers: Record<string, unknown>) => ({ database: 'sqlite::memory:', encryptionKeys: [TEST_ENCRYPTION_KEY], providers: providers as never });
    await expect(createTokenkeeper(options({ docs: { preset: 'mcp', baseUrl: byDocument.resource, redirectUri: callback('docs'), clientMetadataUrl: 'https://app.example.com' } }))).rejects.toThrow(
      'providers.docs.clientMetadataUrl must be the absolute URL of your route serving the client metadata document, with a path',
    );
    await expect(createTokenkeeper(options({ gh: { preset: 'github', clientId: 'id', clientSecret: 's', clientMetadataUrl: DOCUMENT } }))).rejects.toThrow(
      'providers.gh.clientMetadataUrl is not used: only a preset known at each server by the app',
    );
  });
});
