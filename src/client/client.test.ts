import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import type { ProviderSettings } from './provider-settings.js';
import { MemoryTokenStore } from './testing/memory-token-store.js';
import type { TokenEvent } from './token-events.js';

const NOW = 1_800_000_000;

/** A token endpoint, a revocation endpoint and an API on 127.0.0.1. */
let server: Server;
let origin: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'at-2', token_type: 'Bearer', expires_in: 3600 }));
      } else if (req.url === '/revoke') {
        res.writeHead(200).end();
      } else {
        res.writeHead(200).end(`api ${req.url} ${req.headers.authorization}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('createClient', () => {
  it('wires the registry, token manager and API over the store given, with the clock and options given', async () => {
    const provider: ProviderSettings = {
      name: 'acme',
      displayName: 'Acme',
      clientId: 'id',
      clientSecret: 'secret',
      tokenEndpointAuthMethod: 'client_secret_basic',
      endpoints: { authorizationEndpoint: `${origin}/authorize`, tokenEndpoint: `${origin}/token`, revocationEndpoint: `${origin}/revoke` },
      scope: 'read',
      apiBaseUrl: `${origin}/api`,
      allowInsecureHttp: true,
    };
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', { accessToken: 'at-1', refreshToken: 'rt-1', idToken: null, tokenType: 'Bearer', scope: 'read', expiresAt: NOW + 3600, issuedAt: NOW });
    const client = createClient({ providers: [provider], store, timeoutSeconds: 2, tokens: { now: () => NOW } });
    const events: TokenEvent[] = [];
    client.on((event) => {
      events.push(event);
    });
    try {
      expect(client.registry.names).toEqual(['acme']);
      expect((await client.getAccessToken('u1', 'acme')).accessToken).toBe('at-1');
      expect(await (await client.fetch('u1', 'acme', 'me')).text()).toBe('api /api/me Bearer at-1');
      expect((await client.refresh('u1', 'acme')).accessToken).toBe('at-2');
      expect(await client.revoke('u1', 'acme')).toEqual({ revokedAtProvider: true, error: null });
      expect(events.map((event) => event.type)).toEqual(['token.refreshed', 'token.revoked']);
      expect(seen).toEqual(['GET /api/me', 'POST /token', 'POST /revoke', 'POST /revoke']);
      expect(await store.findToken('u1', 'acme')).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});
