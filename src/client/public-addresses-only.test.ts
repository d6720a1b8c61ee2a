import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { newDPoPKey } from './dpop.js';
import { ProviderUnavailableError } from './errors.js';
import type { ProviderSettings } from './provider-settings.js';
import { MemoryTokenStore } from './testing/memory-token-store.js';

const NOW = 1_800_000_000;

/** A provider on 127.0.0.1: discovery, a token endpoint and an API, each request noted. */
let server: Server;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      const origin = `http://${req.headers.host}`;
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, response_types_supported: ['code'] }),
        );
      } else if (req.url === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'at-2', token_type: 'Bearer', expires_in: 3600 }));
      } else {
        res.writeHead(200).end(`api ${req.url} ${req.headers.authorization?.split(' ')[0]}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * Two providers whose servers the people signing in would name: `acme` with its endpoints, token endpoint at
 * 127.0.0.1 and API at localhost; `found` by discovery at localhost. Production (`allowInsecureHttp: false`) asks for
 * https, which is never reached: the refusal comes before any connection, let alone TLS.
 */
function providers(production: boolean, publicAddressesOnly = true): ProviderSettings[] {
  const scheme = production ? 'https' : 'http';
  const common = { clientId: 'id', clientSecret: 'secret', tokenEndpointAuthMethod: 'client_secret_basic', scope: 'read', allowInsecureHttp: !production } as const;
  return [
    {
      ...common,
      name: 'acme',
      displayName: 'Acme',
      endpoints: { authorizationEndpoint: `${scheme}://127.0.0.1:${port}/authorize`, tokenEndpoint: `${scheme}://127.0.0.1:${port}/token` },
      apiBaseUrl: `${scheme}://localhost:${port}/api`,
      ...(publicAddressesOnly ? { publicAddressesOnly } : {}),
    },
    { ...common, name: 'found', displayName: 'Found', discovery: { issuer: `${scheme}://localhost:${port}` }, ...(publicAddressesOnly ? { publicAddressesOnly } : {}) },
  ];
}

/** A client whose store holds u1's bearer token for acme, and u2's bound to a DPoP key (whose calls carry proofs). */
async function clientOf(settings: ProviderSettings[]) {
  const store = new MemoryTokenStore();
  const tokenSet = { refreshToken: 'rt-1', idToken: null, tokenType: 'Bearer', scope: 'read', expiresAt: NOW + 3600, issuedAt: NOW };
  store.saveTokenSet('u1', 'acme', { ...tokenSet, accessToken: 'at-1' });
  store.saveTokenSet('u2', 'acme', { ...tokenSet, accessToken: 'at-dpop', tokenType: 'DPoP', dpopKey: await newDPoPKey() });
  return createClient({ providers: settings, store, timeoutSeconds: 2, tokens: { now: () => NOW } });
}

/** The messages along an error's causes. */
function causes(error: unknown): string[] {
  const messages: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) messages.push(current.message);
  return messages;
}

const LOCALHOST_REFUSED = /^localhost resolves to (127\.0\.0\.1|::1), which is not a public address$/;

describe('a provider whose servers its users name (publicAddressesOnly)', () => {
  it('in production, every request for it to a non-public address is refused before it is sent: API calls (bearer and DPoP), refreshes, hooks, discovery', async () => {
    seen.length = 0;
    const client = await clientOf(providers(true));
    try {
      const api = await client.fetch('u1', 'acme', 'me').catch((caught: unknown) => caught);
      expect(api).toBeInstanceOf(ProviderUnavailableError);
      expect(api).toMatchObject({ code: 'provider_unreachable' });
      // The message says why: the address, not an outage.
      const refused = expect.stringMatching(/^The API call for Acme was not sent: localhost resolves to (127\.0\.0\.1|::1), which is not a public address\.$/);
      expect(causes(api)).toEqual([refused, 'fetch failed', expect.stringMatching(LOCALHOST_REFUSED)]);
      const proven = await client.fetch('u2', 'acme', 'me').catch((caught: unknown) => caught);
      expect(causes(proven)).toEqual([refused, 'fetch failed', expect.stringMatching(LOCALHOST_REFUSED)]);

      const refresh = await client.refresh('u1', 'acme').catch((caught: unknown) => caught);
      expect(refresh).toBeInstanceOf(ProviderUnavailableError);
      expect(causes(refresh)).toContain('127.0.0.1 is not a public address');

      // What a hook sends (an AT Protocol DID document, a PDS's metadata) goes the same way.
      const hook = await client.registry.get('acme').send(`https://127.0.0.1:${port}/did.json`, { method: 'GET', headers: {} }).catch((caught: unknown) => caught);
      expect(hook).toBeInstanceOf(TypeError);
      expect(causes(hook)).toEqual(['fetch failed', '127.0.0.1 is not a public address']);

      const discovery = await client.registry.get('found').configuration().catch((caught: unknown) => caught);
      expect(discovery).toBeInstanceOf(ProviderUnavailableError);
      expect(causes(discovery).at(-1)).toMatch(LOCALHOST_REFUSED);

      expect(seen).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('outside production (allowInsecureHttp) it is not guarded: a provider on 127.0.0.1 is reached', async () => {
    seen.length = 0;
    const client = await clientOf(providers(false));
    try {
      expect(await (await client.fetch('u1', 'acme', 'me')).text()).toBe('api /api/me Bearer');
      expect(await (await client.fetch('u2', 'acme', 'me')).text()).toBe('api /api/me DPoP');
      expect((await client.refresh('u1', 'acme')).accessToken).toBe('at-2');
      expect((await client.registry.get('acme').send(`http://127.0.0.1:${port}/did.json`, { method: 'GET', headers: {} })).status).toBe(200);
      expect((await client.registry.get('found').configuration()).serverMetadata().token_endpoint).toBe(`http://localhost:${port}/token`);
      expect(seen).toEqual(['GET /api/me', 'GET /api/me', 'POST /token', 'GET /did.json', 'GET /.well-known/openid-configuration']);
    } finally {
      await client.close();
    }
  });

  it('a provider the operator configured is not guarded in production: its request goes out (here, to fail at TLS)', async () => {
    const client = await clientOf(providers(true, false));
    try {
      const hook = await client.registry.get('acme').send(`https://127.0.0.1:${port}/did.json`, { method: 'GET', headers: {} }).catch((caught: unknown) => caught);
      expect(hook).toBeInstanceOf(TypeError);
      expect(causes(hook).join(' ')).not.toContain('not a public address');
    } finally {
      await client.close();
    }
  });
});
