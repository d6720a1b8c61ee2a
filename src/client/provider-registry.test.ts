import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from './errors.js';
import { ProviderRegistry } from './provider-registry.js';
import type { ProviderSettings } from './provider-settings.js';

/**
 * A discovery server whose answers the tests choose: `/o` redirects (as Django OAuth Toolkit's does without its
 * trailing slash), `/missing` answers 404.
 */
let server: Server;
let origin: string;
let discoveryRequests = 0;
let discoveryStatus = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/o/.well-known/openid-configuration') {
      res.writeHead(301, { location: '/o/.well-known/openid-configuration/' }).end();
      return;
    }
    if (req.url?.startsWith('/missing/')) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      return;
    }
    discoveryRequests += 1;
    if (discoveryStatus !== 200) {
      res.writeHead(discoveryStatus).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        issuer: `${origin}/p`,
        authorization_endpoint: `${origin}/p/authorize`,
        token_endpoint: `${origin}/p/token`,
        jwks_uri: `${origin}/p/jwks`,
        response_types_supported: ['code'],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function settings(overrides: Partial<ProviderSettings>): ProviderSettings {
  return { name: 'acme', displayName: 'Acme', clientId: 'id', clientSecret: 'secret', tokenEndpointAuthMethod: 'client_secret_basic', scope: 'openid', allowInsecureHttp: true, ...overrides };
}

describe('ProviderRegistry', () => {
  it('a discovery answered with a redirect names the status and where it points (not followed)', async () => {
    const registry = new ProviderRegistry([settings({ discovery: { issuer: `${origin}/o` } })]);
    const error = await registry.get('acme').configuration().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).code).toBe('provider_bad_response');
    expect((error as Error).message).toBe(
      `Acme answered the discovery at ${origin}/o/.well-known/openid-configuration with HTTP 301, a redirect to /o/.well-known/openid-configuration/, which is not followed; configure that URL instead.`,
    );
  });

  it('a discovery answered 404 names the URL fetched (the issuer with the well-known path) and, lacking a trailing slash, hints at one', async () => {
    const registry = new ProviderRegistry([settings({ discovery: { issuer: `${origin}/missing` } })]);
    await expect(registry.get('acme').configuration()).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: `Acme answered the discovery at ${origin}/missing/.well-known/openid-configuration with HTTP 404. Some servers (Django OAuth Toolkit) serve it only with a trailing slash: try the metadata URL ${origin}/missing/.well-known/openid-configuration/`,
    });
    expect(registry.get('acme').discovery()).toMatchObject({ state: 'failed', message: expect.stringContaining(`at ${origin}/missing/.well-known/openid-configuration with HTTP 404.`) });

    // A metadata URL that has the slash gets no hint.
    const slashed = new ProviderRegistry([settings({ discovery: { metadataUrl: `${origin}/missing/.well-known/openid-configuration/` } })]);
    await expect(slashed.get('acme').configuration()).rejects.toMatchObject({
      message: `Acme answered the discovery at ${origin}/missing/.well-known/openid-configuration/ with HTTP 404.`,
    });
  });

  it('a discovery address a preset made answered 404: the values it was made from are named, with no trailing-slash hint', async () => {
    const madeBy = 'the keycloak preset, from KEYCLOAK_BASE_URL and KEYCLOAK_REALM';
    const registry = new ProviderRegistry([settings({ discovery: { issuer: `${origin}/missing`, madeBy } })]);
    await expect(registry.get('acme').configuration()).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: `Acme answered the discovery at ${origin}/missing/.well-known/openid-configuration with HTTP 404. The address was made by ${madeBy}: check those values.`,
    });
  });

  it('a discovery document naming another issuer says which it names, and how to configure it', async () => {
    discoveryStatus = 200;
    for (const configured of [`${origin}/p/`, `${origin}/elsewhere`]) {
      const registry = new ProviderRegistry([settings({ discovery: { issuer: configured } })]);
      await expect(registry.get('acme').configuration()).rejects.toMatchObject({
        code: 'provider_bad_response',
        message: `Acme's discovery document at ${configured.replace(/\/?$/, '/')}.well-known/openid-configuration names the issuer ${origin}/p, not ${configured}: configure the issuer exactly as the provider names itself (its ID tokens' iss), or this document's URL as the metadata URL.`,
      });
    }
  });

  it('the URL named leaves out a user and password written into it', async () => {
    const withCredentials = new URL(`${origin}/missing/.well-known/openid-configuration/`);
    withCredentials.username = 'operator';
    withCredentials.password = 'hunter2';
    // fetch refuses a URL with credentials: this one sends it without them.
    const registry = new ProviderRegistry([settings({ discovery: { metadataUrl: withCredentials.href } })], {
      fetch: (url, init) => {
        const sent = new URL(url);
        sent.username = '';
        sent.password = '';
        return fetch(sent, init as RequestInit);
      },
    });
    const error = (await registry.get('acme').configuration().catch((caught: unknown) => caught)) as Error;
    expect(error.message).toBe(`Acme answered the discovery at ${origin}/missing/.well-known/openid-configuration/ with HTTP 404.`);
  });

  it('discovers once, keeps the result, and applies configured endpoints over the document', async () => {
    discoveryStatus = 200;
    const registry = new ProviderRegistry([settings({ discovery: { issuer: `${origin}/p` }, metadataOverrides: { revocationEndpoint: `${origin}/p/revoke` } })]);
    const before = discoveryRequests;
    const [first, second] = await Promise.all([registry.get('acme').configuration(), registry.get('acme').configuration()]);
    expect(first).toBe(second);
    expect(discoveryRequests).toBe(before + 1);
    expect(first.serverMetadata()).toMatchObject({ issuer: `${origin}/p`, token_endpoint: `${origin}/p/token`, revocation_endpoint: `${origin}/p/revoke` });
  });

  it('a failed discovery is not kept: the next use tries again', async () => {
    discoveryStatus = 503;
    const registry = new ProviderRegistry([settings({ discovery: { issuer: `${origin}/p` } })]);
    await expect(registry.get('acme').configuration()).rejects.toMatchObject({ code: 'provider_unavailable' });
    discoveryStatus = 200;
    const before = discoveryRequests;
    await expect(registry.get('acme').configuration()).resolves.toBeDefined();
    expect(discoveryRequests).toBe(before + 1);
  });

  it('says how discovery stands: pending, failed with why (kept while it is tried again), then ok; none without discovery', async () => {
    discoveryStatus = 503;
    const registry = new ProviderRegistry([
      settings({ discovery: { issuer: `${origin}/p` } }),
      settings({ name: 'plain', endpoints: { authorizationEndpoint: `${origin}/p/authorize`, tokenEndpoint: `${origin}/p/token` } }),
    ]);
    const acme = registry.get('acme');
    expect(acme.discovery()).toEqual({ state: 'pending' });
    expect(registry.get('plain').discovery()).toEqual({ state: 'none' });
    await acme.configuration().catch(() => {});
    const failed = { state: 'failed', error: 'provider_unavailable', message: `Acme is temporarily unavailable (HTTP 503) for the discovery at ${origin}/p/.well-known/openid-configuration.` };
    expect(acme.discovery()).toEqual(failed);
    discoveryStatus = 200;
    const retry = acme.configuration();
    expect(acme.discovery()).toEqual(failed);
    await retry;
    expect(acme.discovery()).toEqual({ state: 'ok' });
  });

  it('a refresh endpoint takes the refresh token grants, through the token endpoint’s hooks; every other grant still goes to the token endpoint', async () => {
    const sent: Array<{ url: string; grant: string | null; authorization: string | undefined }> = [];
    const recording: oidc.CustomFetch = async (url, init) => {
      const body = init.body as URLSearchParams;
      sent.push({ url, grant: body.get('grant_type'), authorization: (init.headers as Record<string, string>).authorization });
      return new Response(JSON.stringify({ access_token: `at-${sent.length}`, token_type: 'bearer', expires_in: 60 }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const tokenResponse = async (response: Response) => new Response(JSON.stringify({ ...((await response.json()) as object), scope: 'seen' }), { status: 200, headers: { 'content-type': 'application/json' } });
    const registry = new ProviderRegistry(
      [
        settings({ endpoints: { authorizationEndpoint: `${origin}/f/oauth`, tokenEndpoint: `${origin}/f/token`, refreshEndpoint: `${origin}/f/refresh` }, hooks: { tokenResponse } }),
        settings({ name: 'discovered', discovery: { issuer: `${origin}/p` }, metadataOverrides: { refreshEndpoint: `${origin}/p/refresh` } }),
      ],
      { fetch: (url, init) => (url.includes('/.well-known/') ? fetch(url, init as RequestInit) : recording(url, init)) },
    );
    discoveryStatus = 200;
    const config = await registry.get('acme').configuration();
    expect(config.serverMetadata().token_endpoint).toBe(`${origin}/f/token`);
    const refreshed = await oidc.refreshTokenGrant(config, 'rt-1');
    expect(refreshed).toMatchObject({ access_token: 'at-1', scope: 'seen' });
    await oidc.clientCredentialsGrant(config);
    await oidc.refreshTokenGrant(await registry.get('discovered').configuration(), 'rt-2');
    expect(sent).toEqual([
      { url: `${origin}/f/refresh`, grant: 'refresh_token', authorization: expect.stringMatching(/^Basic /) },
      { url: `${origin}/f/token`, grant: 'client_credentials', authorization: expect.stringMatching(/^Basic /) },
      { url: `${origin}/p/refresh`, grant: 'refresh_token', authorization: expect.stringMatching(/^Basic /) },
    ]);
  });

  it("a regional server's configuration has the token, userinfo and revocation endpoints on that origin, its token answers read by the preset's hooks; a server not listed is refused", async () => {
    const sent: string[] = [];
    const answer: oidc.CustomFetch = async (url) => {
      sent.push(url);
      return new Response(JSON.stringify({ access_token: `at-${sent.length}`, token_type: 'bearer' }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const tokenResponse = async (response: Response) => new Response(JSON.stringify({ ...((await response.json()) as object), scope: 'seen' }), { status: 200, headers: { 'content-type': 'application/json' } });
    const registry = new ProviderRegistry(
      [
        settings({
          endpoints: { authorizationEndpoint: `${origin}/oauth/v2/auth`, tokenEndpoint: `${origin}/oauth/v2/token`, userinfoEndpoint: `${origin}/oauth/user/info`, revocationEndpoint: `${origin}/oauth/v2/token/revoke` },
          regionalServers: ['https://accounts.example.eu'],
          hooks: { tokenResponse },
        }),
      ],
      { fetch: answer },
    );
    const acme = registry.get('acme');
    const home = await acme.configuration();
    expect(await acme.configurationAt(null)).toBe(home);
    expect(await acme.configurationAt(`${origin}/`)).toBe(home);
    const eu = await acme.configurationAt('https://accounts.example.eu');
    expect(eu.serverMetadata()).toMatchObject({
      issuer: home.serverMetadata().issuer,
      authorization_endpoint: `${origin}/oauth/v2/auth`,
      token_endpoint: 'https://accounts.example.eu/oauth/v2/token',
      userinfo_endpoint: 'https://accounts.example.eu/oauth/user/info',
      revocation_endpoint: 'https://accounts.example.eu/oauth/v2/token/revoke',
    });
    expect(await acme.configurationAt('https://accounts.example.eu')).toBe(eu);
    expect(await oidc.refreshTokenGrant(eu, 'rt-1')).toMatchObject({ access_token: 'at-1', scope: 'seen' });
    expect(sent).toEqual(['https://accounts.example.eu/oauth/v2/token']);
    const refused = await acme.configurationAt('https://accounts.example.com').catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(ProviderUnavailableError);
    expect((refused as Error).message).toBe('This Acme connection was made at https://accounts.example.com, which is not among the servers configured for Acme (ACME_REGIONAL_SERVERS).');
    expect(sent).toHaveLength(1);
  });

  it("a connection made at a regional server refreshes at the refresh endpoint's path there; one made at the configured server at the refresh endpoint as configured", async () => {
    const sent: Array<{ url: string; grant: string | null }> = [];
    const answer: oidc.CustomFetch = async (url, init) => {
      sent.push({ url, grant: (init.body as URLSearchParams).get('grant_type') });
      return new Response(JSON.stringify({ access_token: `at-${sent.length}`, token_type: 'bearer' }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const registry = new ProviderRegistry(
      [
        settings({
          endpoints: { authorizationEndpoint: `${origin}/public/oauth/v2`, tokenEndpoint: `${origin}/oauth/v2/token`, refreshEndpoint: `${origin}/oauth/v2/refresh` },
          regionalServers: ['https://api.eu1.example.com'],
        }),
      ],
      { fetch: answer },
    );
    const acme = registry.get('acme');
    const eu = await acme.configurationAt('https://api.eu1.example.com');
    await oidc.refreshTokenGrant(eu, 'rt-eu');
    await oidc.clientCredentialsGrant(eu);
    await oidc.refreshTokenGrant(await acme.configurationAt(null), 'rt-home');
    expect(sent).toEqual([
      { url: 'https://api.eu1.example.com/oauth/v2/refresh', grant: 'refresh_token' },
      { url: 'https://api.eu1.example.com/oauth/v2/token', grant: 'client_credentials' },
      { url: `${origin}/oauth/v2/refresh`, grant: 'refresh_token' },
    ]);
  });

  it('a provider whose authorization server is found at run time (authorizationServerMetadata) is configured from what the hook returns, once; another issuer is discovered without it', async () => {
    const asked: string[] = [];
    const found: Array<{ allowInsecureHttp: boolean }> = [];
    const recording: oidc.CustomFetch = (url, init) => {
      asked.push(url);
      return fetch(url, init as RequestInit);
    };
    const registry = new ProviderRegistry(
      [
        settings({
          discovery: { issuer: `${origin}/resource` },
          hooks: {
            authorizationServerMetadata: async (request) => {
              found.push({ allowInsecureHttp: request.allowInsecureHttp });
              await (await request.send(`${origin}/missing/resource-metadata`, { method: 'GET', headers: {} })).text();
              return { issuer: 'https://as.example.com/t', authorization_endpoint: 'https://as.example.com/t/authorize', token_endpoint: 'https://as.example.com/t/token' };
            },
            accountAuthorizationServer: async () => ({ issuer: `${origin}/p`, loginHint: '' }),
          },
        }),
      ],
      { fetch: recording },
    );
    const acme = registry.get('acme');
    const before = discoveryRequests;
    const config = await acme.configuration();
    expect(config.serverMetadata()).toMatchObject({ issuer: 'https://as.example.com/t', token_endpoint: 'https://as.example.com/t/token' });
    await acme.configuration();
    expect(found).toEqual([{ allowInsecureHttp: true }]);
    expect(asked).toEqual([`${origin}/missing/resource-metadata`]);
    expect(acme.discovery()).toEqual({ state: 'ok' });
    // A connection made at another issuer: that issuer's own discovery, not the hook again.
    expect((await acme.configurationAt(`${origin}/p`)).serverMetadata().issuer).toBe(`${origin}/p`);
    expect(found).toHaveLength(1);
    expect(discoveryRequests).toBe(before + 1);
  });

  it('a failure of the authorizationServerMetadata hook is the discovery state, and is tried again', async () => {
    let calls = 0;
    const registry = new ProviderRegistry([
      settings({
        discovery: { issuer: `${origin}/resource` },
        hooks: {
          authorizationServerMetadata: async () => {
            calls += 1;
            throw new ProviderUnavailableError('provider_bad_response', 'The resource names no authorization server.');
          },
        },
      }),
    ]);
    const acme = registry.get('acme');
    await expect(acme.configuration()).rejects.toThrow('The resource names no authorization server.');
    expect(acme.discovery()).toEqual({ state: 'failed', error: 'provider_bad_response', message: 'The resource names no authorization server.' });
    await expect(acme.configuration()).rejects.toThrow();
    expect(calls).toBe(2);
  });

  it('an unknown provider is a 404 unknown_provider', () => {
    const registry = new ProviderRegistry([]);
    expect(() => registry.get('nope')).toThrow(expect.objectContaining({ code: 'unknown_provider', status: 404 }));
  });
});
