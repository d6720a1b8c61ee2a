import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderRegistry } from './provider-registry.js';
import type { LeaseWaitOutcome, RefreshOutcome } from './refresh-observer.js';
import { MemoryTokenStore } from './testing/memory-token-store.js';
import { TokenManager, type TokenManagerOptions } from './token-manager.js';
import type { TokenSet } from './token-set.js';

const NOW = 1_800_000_000;

/** A token endpoint on 127.0.0.1 whose answer each test chooses; `onRequest` runs as a request arrives (to move clocks). */
let server: Server;
let origin: string;
let answer: () => { status: number; body: unknown };
let onRequest: () => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      onRequest();
      const { status, body } = answer();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answer = () => ({ status: 200, body: { access_token: 'at-new', token_type: 'Bearer', expires_in: 3600 } });
  onRequest = () => {};
});

function storedSet(overrides: Partial<TokenSet> = {}): TokenSet {
  return { accessToken: 'at-old', refreshToken: 'rt-old', idToken: null, tokenType: 'Bearer', scope: 'read', expiresAt: NOW + 10, issuedAt: NOW - 3600, ...overrides };
}

/** A TokenManager whose observer records every call, on a clock (epoch seconds) and a monotonic clock (ms) the test moves. */
function setup(options: Partial<TokenManagerOptions> & { store?: MemoryTokenStore } = {}) {
  const clock = { now: NOW, ms: 1000 };
  const store = options.store ?? new MemoryTokenStore();
  const registry = new ProviderRegistry([
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
  ]);
  const refreshes: Array<[string, RefreshOutcome, number]> = [];
  const leaseWaits: Array<[string, LeaseWaitOutcome]> = [];
  const tokens = new TokenManager({
    leewaySeconds: 60,
    observer: {
      refreshed: (provider, outcome, seconds) => refreshes.push([provider, outcome, seconds]),
      leaseWaited: (provider, outcome) => leaseWaits.push([provider, outcome]),
    },
    monotonicMs: () => clock.ms,
    ...options,
    registry,
    store,
    now: () => clock.now,
  });
  store.saveTokenSet('u1', 'acme', storedSet());
  return { clock, store, tokens, refreshes, leaseWaits };
}

describe('TokenManager observer: refreshes', () => {
  it('reports a stored refresh as ok, with the time from the request to the stored result', async () => {
    const { clock, tokens, refreshes, leaseWaits } = setup();
    onRequest = () => {
      clock.ms += 250;
    };
    await tokens.getAccessToken('u1', 'acme');
    expect(refreshes).toEqual([['acme', 'ok', 0.25]]);
    expect(leaseWaits).toEqual([]);
  });

  it('reports nothing when the stored token is used as it is', async () => {
    const { store, tokens, refreshes } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 3600 }));
    await tokens.getAccessToken('u1', 'acme');
    expect(refreshes).toEqual([]);
  });

  it('reports invalid_grant as needs_reauth, and a provider fault by its error code', async () => {
    const { clock, tokens, refreshes } = setup();
    answer = () => ({ status: 500, body: { error: 'server_error' } });
    onRequest = () => {
      clock.ms += 1500;
    };
    await tokens.refresh('u1', 'acme').catch(() => {});
    clock.now += 3600; // past the back-off
    answer = () => ({ status: 400, body: { error: 'invalid_grant' } });
    await tokens.refresh('u1', 'acme').catch(() => {});
    expect(refreshes).toEqual([
      ['acme', 'provider_error', 1.5],
      ['acme', 'needs_reauth', 1.5],
    ]);
  });

  it('reports a refresh whose result a sign-in replaced meanwhile as superseded', async () => {
    const { store, tokens, refreshes } = setup();
    onRequest = () => {
      store.saveTokenSet('u1', 'acme', storedSet({ accessToken: 'at-signin', expiresAt: NOW + 3600 }));
    };
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-signin');
    expect(refreshes).toEqual([['acme', 'superseded', 0]]);
  });

  it('an observer that throws is reported and never fails the refresh', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const failing = () => {
        throw new Error('observer broke');
      };
      const { tokens } = setup({ observer: { refreshed: failing } });
      expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-new');
      expect(consoleError).toHaveBeenCalledWith('tokenkeeper: a refresh observer failed:', expect.objectContaining({ message: 'observer broke' }));
    } finally {
      consoleError.mockRestore();
    }
  });
});

describe('TokenManager observer: waiting for another process', () => {
  /** A store in which "another process" holds the lease (for 30 s); `onAttempt` runs after each of our attempts to take it. */
  class ContendedStore extends MemoryTokenStore {
    #otherLease: string | undefined;
    onAttempt: (attempt: number) => Promise<void> | void = () => {};
    #attempts = 0;
    async takeLeaseAsOtherProcess(): Promise<void> {
      this.#otherLease = await super.acquireRefreshLease('u1', 'acme', NOW, 30);
    }
    async finishAsOtherProcess(): Promise<void> {
      await this.saveRefreshedTokenSet('u1', 'acme', this.#otherLease!, storedSet({ accessToken: 'at-other', expiresAt: NOW + 7200 }), NOW);
    }
    override async acquireRefreshLease(userId: string, provider: string, now: number, leaseSeconds: number): Promise<string | undefined> {
      const lease = await super.acquireRefreshLease(userId, provider, now, leaseSeconds);
      this.#attempts += 1;
      await this.onAttempt(this.#attempts);
      return lease;
    }
  }

  it("reports joined when it used the other process's result, and no refresh of its own", async () => {
    const store = new ContendedStore();
    const { tokens, refreshes, leaseWaits } = setup({ store });
    await store.takeLeaseAsOtherProcess();
    store.onAttempt = (attempt) => (attempt === 2 ? store.finishAsOtherProcess() : undefined);
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-other');
    expect(leaseWaits).toEqual([['acme', 'joined']]);
    expect(refreshes).toEqual([]);
  });

  it('reports took_over when the lease expired before the other process finished, then its own refresh', async () => {
    const store = new ContendedStore();
    const { clock, tokens, refreshes, leaseWaits } = setup({ store, waitSeconds: 60 });
    await store.takeLeaseAsOtherProcess();
    store.onAttempt = () => {
      clock.now += 20; // the other process's 30 s lease runs out during the second wait
    };
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-new');
    expect(leaseWaits).toEqual([['acme', 'took_over']]);
    expect(refreshes).toEqual([['acme', 'ok', 0]]);
  });

  it('reports timed_out when the other process never finished within the wait', async () => {
    const store = new ContendedStore();
    const { clock, tokens, leaseWaits } = setup({ store, leaseSeconds: 600, waitSeconds: 25 });
    await store.takeLeaseAsOtherProcess();
    store.onAttempt = () => {
      clock.now += 10;
    };
    // The other process's lease (30 s) would expire at NOW + 30: ours gives up at NOW + 25 first.
    await expect(tokens.getAccessToken('u1', 'acme')).rejects.toMatchObject({ code: 'provider_timeout' });
    expect(leaseWaits).toEqual([['acme', 'timed_out']]);
  });
});
