// What a server's graceful shutdown asks of the client: wait for the refreshes
// in flight, or, out of time, fail the provider requests and give the leases back.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, type TokenkeeperClient } from './client.js';
import { MemoryTokenStore } from './testing/memory-token-store.js';

const NOW = 1_800_000_000;

/** A token endpoint that holds every answer until the test lets it go. */
let server: Server;
let origin: string;
let held: ServerResponse[] = [];

function answerHeld(): void {
  for (const response of held) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'at-new', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-new' }));
  }
  held = [];
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => held.push(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  answerHeld();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let store: MemoryTokenStore;
let client: TokenkeeperClient;

beforeEach(() => {
  held = [];
  store = new MemoryTokenStore();
  // Expired: any use refreshes it.
  store.saveTokenSet('u1', 'acme', { accessToken: 'at-old', refreshToken: 'rt-old', idToken: null, tokenType: 'Bearer', scope: 'read', expiresAt: NOW - 10 });
  client = createClient({
    providers: [
      {
        name: 'acme',
        displayName: 'Acme',
        clientId: 'client-1',
        clientSecret: 'secret-1',
        tokenEndpointAuthMethod: 'client_secret_basic',
        endpoints: { authorizationEndpoint: `${origin}/authorize`, tokenEndpoint: `${origin}/token` },
        scope: 'read',
        allowInsecureHttp: true,
      },
    ],
    store,
    tokens: { now: () => NOW },
  });
});

/** A refresh that has reached the provider and waits there for its answer. */
async function refreshWaitingAtProvider(): Promise<{ refresh: Promise<unknown> }> {
  const refresh = client.getAccessToken('u1', 'acme');
  refresh.catch(() => {});
  await vi.waitFor(() => expect(held).toHaveLength(1));
  // Wrapped: an async function returning the promise itself would wait for it.
  return { refresh };
}

describe('TokenManager at shutdown', () => {
  it('settled() resolves once no refresh is in flight; refreshesInFlight counts them', async () => {
    expect(client.tokens.refreshesInFlight).toBe(0);
    await client.tokens.settled();
    const { refresh } = await refreshWaitingAtProvider();
    expect(client.tokens.refreshesInFlight).toBe(1);
    let settled = false;
    const settling = client.tokens.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    answerHeld();
    await settling;
    await expect(refresh).resolves.toMatchObject({ accessToken: 'at-new' });
    expect(client.tokens.refreshesInFlight).toBe(0);
    await client.close();
  });

  it('abandonRefreshes() gives the held lease back at once; the refresh then saves nothing, and no new one starts', async () => {
    const { refresh } = await refreshWaitingAtProvider();
    // The lease is held: nobody else may refresh.
    expect(await store.acquireRefreshLease('u1', 'acme', NOW, 30)).toBeUndefined();
    expect(await client.tokens.abandonRefreshes()).toBe(1);
    const other = await store.acquireRefreshLease('u1', 'acme', NOW, 30);
    expect(other).toEqual(expect.any(String));
    await store.releaseRefreshLease('u1', 'acme', other!);

    answerHeld();
    await expect(refresh).rejects.toMatchObject({ code: 'provider_error' });
    expect(await store.findToken('u1', 'acme')).toMatchObject({ accessToken: 'at-old', refreshToken: 'rt-old' });

    await expect(client.getAccessToken('u1', 'acme')).rejects.toMatchObject({ code: 'provider_unavailable', message: 'This server is shutting down and refreshes no more tokens; try again.' });
    expect(held).toHaveLength(0);
    await client.close();
  });

  it('destroy() fails a request still waiting on the provider instead of waiting for it, and releases its lease', async () => {
    const { refresh } = await refreshWaitingAtProvider();
    await client.destroy();
    await expect(refresh).rejects.toMatchObject({ code: 'provider_unreachable' });
    expect(await store.acquireRefreshLease('u1', 'acme', NOW, 30)).toEqual(expect.any(String));
    // close() after destroy() has nothing left to do.
    await client.close();
  });
});
