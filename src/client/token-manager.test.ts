import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TokenkeeperError } from './errors.js';
import { ProviderRegistry } from './provider-registry.js';
import type { ProviderSettings } from './provider-settings.js';
import { MemoryTokenStore } from './testing/memory-token-store.js';
import type { TokenEvent } from './token-events.js';
import { TokenManager, type TokenManagerOptions } from './token-manager.js';
import type { TokenSet } from './token-set.js';

const NOW = 1_800_000_000;

interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is; undefined: no body. */
  body?: unknown;
}

/**
 * A token and revocation endpoint on 127.0.0.1 whose answers each test
 * chooses. Every request is kept (its form), so tests count what reached the
 * provider.
 */
let server: Server;
let origin: string;
let tokenRequests: URLSearchParams[] = [];
let revokeRequests: URLSearchParams[] = [];
let answerToken: (form: URLSearchParams) => Answer | Promise<Answer>;
let answerRevoke: (form: URLSearchParams) => Answer | Promise<Answer>;
let issued = 0;

/** A token endpoint answer with a new access token each time (RFC 6749 §5.1), and the refresh token given, if any. */
function newTokens(refreshToken?: string, expiresIn = 3600): Answer {
  issued += 1;
  return { status: 200, body: { access_token: `at-new-${issued}`, token_type: 'Bearer', expires_in: expiresIn, ...(refreshToken ? { refresh_token: refreshToken } : {}) } };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const path = req.url ?? '';
      const pending = path === '/token' ? (tokenRequests.push(form), answerToken(form)) : path === '/revoke' ? (revokeRequests.push(form), answerRevoke(form)) : { status: 404 };
      void Promise.resolve(pending).then((answer) => {
        const isJson = answer.body !== undefined && typeof answer.body !== 'string';
        res.writeHead(answer.status, { ...(isJson ? { 'content-type': 'application/json' } : {}), ...answer.headers });
        res.end(answer.body === undefined ? undefined : isJson ? JSON.stringify(answer.body) : (answer.body as string));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  tokenRequests = [];
  revokeRequests = [];
  answerToken = () => newTokens();
  answerRevoke = () => ({ status: 200 });
});

function settings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    name: 'acme',
    displayName: 'Acme',
    clientId: 'client-1',
    clientSecret: 'secret-1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    endpoints: { authorizationEndpoint: `${origin}/authorize`, tokenEndpoint: `${origin}/token`, revocationEndpoint: `${origin}/revoke` },
    scope: 'read',
    allowInsecureHttp: true,
    ...overrides,
  };
}

function storedSet(overrides: Partial<TokenSet> = {}): TokenSet {
  return { accessToken: 'at-old', refreshToken: 'rt-old', idToken: null, tokenType: 'Bearer', scope: 'read', expiresAt: NOW + 3600, issuedAt: NOW - 3600, ...overrides };
}

/** A TokenManager over a MemoryTokenStore, on a clock the test moves, with every event it emits. */
function setup(options: Partial<TokenManagerOptions> & { providers?: ProviderSettings[]; store?: MemoryTokenStore } = {}) {
  const clock = { now: NOW };
  const store = options.store ?? new MemoryTokenStore();
  const registry = new ProviderRegistry(options.providers ?? [settings(), settings({ name: 'plain', displayName: 'Plain', endpoints: { authorizationEndpoint: `${origin}/authorize`, tokenEndpoint: `${origin}/token` } })]);
  const tokens = new TokenManager({ leewaySeconds: 60, ...options, registry, store, now: () => clock.now });
  const events: TokenEvent[] = [];
  tokens.on((event) => {
    events.push(event);
  });
  return { clock, store, tokens, events };
}

async function failure(promise: Promise<unknown>): Promise<TokenkeeperError & { retryAfterSeconds?: number | null }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as TokenkeeperError,
  );
}

describe('TokenManager.getAccessToken', () => {
  it('returns a fresh stored token as it is, without asking the provider', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    expect(await tokens.getAccessToken('u1', 'acme')).toEqual({ accessToken: 'at-old', tokenType: 'Bearer', scope: 'read', expiresAt: NOW + 3600, apiBaseUrl: null });
    expect(tokenRequests).toHaveLength(0);
  });

  it('refreshes a token expiring within the leeway with the stored refresh token, and stores the result', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 59 }));
    const token = await tokens.getAccessToken('u1', 'acme');
    expect(token.accessToken).toMatch(/^at-new-/);
    expect(token.expiresAt).toBe(NOW + 3600);
    expect(tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(tokenRequests[0]!)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-old' });
    expect(await store.findToken('u1', 'acme')).toMatchObject({ accessToken: token.accessToken, refreshToken: 'rt-old', lastRefreshedAt: NOW, status: 'active' });
  });

  it('refreshes once for 50 concurrent callers in one process, all of whom get the new token', async () => {
    const store = new MemoryTokenStore();
    let leaseRequests = 0;
    const acquire = store.acquireRefreshLease.bind(store);
    store.acquireRefreshLease = (...args) => {
      leaseRequests += 1;
      return acquire(...args);
    };
    const { tokens } = setup({ store });
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 10 }));
    // The answer waits a little so that every caller is still waiting for it when it comes.
    answerToken = () => new Promise((resolve) => setTimeout(() => resolve(newTokens()), 20));
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.getAccessToken('u1', 'acme')));
    expect(tokenRequests).toHaveLength(1);
    // One in-process flight: the others never even asked the store for the lease.
    expect(leaseRequests).toBe(1);
    expect(new Set(results.map((result) => result.accessToken)).size).toBe(1);
    expect(results[0]!.accessToken).not.toBe('at-old');
  });

  it('uses a token without a refresh token while it is valid, then asks for a new sign-in (needs_reauth)', async () => {
    const { clock, store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ refreshToken: null, expiresAt: NOW + 30 }));
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-old');
    clock.now = NOW + 30;
    expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'needs_reauth', status: 401 });
    expect(tokenRequests).toHaveLength(0);
  });

  it('a token without a refresh token that has expired, or that the API refused, marks the connection needs_reauth once, with its event', async () => {
    for (const end of ['expired', 'refused'] as const) {
      const { clock, store, tokens, events } = setup();
      store.saveTokenSet('u1', 'acme', storedSet({ refreshToken: null, expiresAt: NOW + 30 }));
      if (end === 'expired') clock.now = NOW + 30;
      const ask = () => (end === 'expired' ? tokens.getAccessToken('u1', 'acme') : tokens.refresh('u1', 'acme', { rejectedAccessToken: 'at-old' }));
      const answers = await Promise.all(Array.from({ length: 5 }, () => failure(ask())));
      expect(answers.map((answer) => answer.code)).toEqual(Array(5).fill('needs_reauth'));
      expect((await store.findToken('u1', 'acme'))!.status).toBe('needs_reauth');
      expect(events.filter((event) => event.type === 'token.needs_reauth')).toEqual([
        { type: 'token.needs_reauth', userId: 'u1', provider: 'acme', code: 'no_refresh_token', message: expect.stringContaining(end === 'expired' ? 'has expired' : 'refused') },
      ]);
      expect(await failure(ask())).toMatchObject({ code: 'needs_reauth' });
      expect(events.filter((event) => event.type === 'token.needs_reauth')).toHaveLength(1);
      expect(tokenRequests).toHaveLength(0);
    }
  });

  it('a token without expiry is always used as it is', async () => {
    const { clock, store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: null }));
    clock.now = NOW + 10 * 365 * 86_400;
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-old');
    expect(tokenRequests).toHaveLength(0);
  });

  it('no stored token is not_connected (409), an unknown provider unknown_provider (404)', async () => {
    const { tokens } = setup();
    expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'not_connected', status: 409 });
    expect(await failure(tokens.getAccessToken('u1', 'nope'))).toMatchObject({ code: 'unknown_provider', status: 404 });
  });

  it('the stored set a caller has just read spares reading the store', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    const current = (await store.findToken('u1', 'acme'))!;
    store.findToken = () => Promise.reject(new Error('the store should not be read'));
    expect((await tokens.getAccessToken('u1', 'acme', current)).accessToken).toBe('at-old');
    expect(await failure(tokens.getAccessToken('u1', 'acme', null))).toMatchObject({ code: 'not_connected' });
  });

  it('a token the provider names its own API origin for carries it', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ apiBaseUrl: 'https://eu1.api.acme.test' }));
    expect((await tokens.getAccessToken('u1', 'acme')).apiBaseUrl).toBe('https://eu1.api.acme.test');
  });
});

describe('TokenManager.keepAlive and refreshAhead', () => {
  it("keepAlive goes by the refresh token's last use, refreshAhead by the access token's issue: a sign-in that kept the refresh token renewed the access token only", async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ issuedAt: NOW - 3600 }));
    // A sign-in since, that brought no refresh token: the one stored is kept, unused.
    store.saveTokenSet('u1', 'acme', storedSet({ accessToken: 'at-signed-in', refreshToken: null, issuedAt: NOW }));
    expect(await tokens.refreshAhead('u1', 'acme', NOW - 60)).toBe('not_needed');
    expect(tokenRequests).toHaveLength(0);
    expect(await tokens.keepAlive('u1', 'acme', NOW - 60)).toBe('refreshed');
    expect(Object.fromEntries(tokenRequests[0]!)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-old' });
    // That refresh used it: renewed for both.
    expect(await tokens.keepAlive('u1', 'acme', NOW)).toBe('not_needed');
    expect(await tokens.refreshAhead('u1', 'acme', NOW)).toBe('not_needed');
    expect(tokenRequests).toHaveLength(1);
  });

  it('a refresh token handed back unchanged is the one kept, with its expiry unless stated anew', async () => {
    const { store, tokens, clock } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ refreshTokenExpiresAt: NOW + 86_400 }));
    // Stated anew (an hour sooner than it was): the end the provider says now.
    answerToken = () => ({ status: 200, body: { access_token: 'at-refreshed', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-old', refresh_token_expires_in: 86_400 - 3600 } });
    clock.now = NOW + 60;
    expect(await tokens.keepAlive('u1', 'acme', NOW)).toBe('refreshed');
    expect(await store.findToken('u1', 'acme')).toMatchObject({ refreshToken: 'rt-old', refreshTokenExpiresAt: NOW + 60 + 86_400 - 3600, refreshTokenUsedAt: NOW + 60 });
    // Not stated: the end it had.
    answerToken = () => ({ status: 200, body: { access_token: 'at-again', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-old' } });
    clock.now = NOW + 120;
    expect(await tokens.keepAlive('u1', 'acme', NOW + 90)).toBe('refreshed');
    expect(await store.findToken('u1', 'acme')).toMatchObject({ refreshToken: 'rt-old', refreshTokenExpiresAt: NOW + 60 + 86_400 - 3600, refreshTokenUsedAt: NOW + 120 });
  });
});

describe('TokenManager: a refresh another process is making', () => {
  /**
   * A store in which "another process" holds the lease: each attempt of ours
   * to take it is refused, and the other process saves its result after
   * `finishAfter` of our attempts (never, when undefined). `onAttempt` lets
   * the test move the clock as the polls go by.
   */
  class ContendedStore extends MemoryTokenStore {
    attempts = 0;
    #otherLease: string | undefined;
    constructor(
      readonly finishAfter: number | undefined,
      readonly onAttempt: () => void = () => {},
    ) {
      super();
    }
    async takeLeaseAsOtherProcess(now: number): Promise<void> {
      this.#otherLease = await super.acquireRefreshLease('u1', 'acme', now, 30);
    }
    override async acquireRefreshLease(userId: string, provider: string, now: number, leaseSeconds: number): Promise<string | undefined> {
      const lease = await super.acquireRefreshLease(userId, provider, now, leaseSeconds);
      this.attempts += 1;
      this.onAttempt();
      if (this.attempts === this.finishAfter) {
        await this.saveRefreshedTokenSet('u1', 'acme', this.#otherLease!, storedSet({ accessToken: 'at-other-process', refreshToken: 'rt-other-process', expiresAt: NOW + 7200 }), NOW);
      }
      return lease;
    }
  }

  it('waits for it and uses the token it saved, sending no refresh of its own', async () => {
    const store = new ContendedStore(2);
    const { tokens } = setup({ store });
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 10 }));
    await store.takeLeaseAsOtherProcess(NOW);
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-other-process');
    expect(store.attempts).toBe(2);
    expect(tokenRequests).toHaveLength(0);
  });

  it('gives up with provider_timeout (504) when it never finishes within the wait', async () => {
    const clock = { now: NOW };
    // Each poll takes 10 s of the injected clock: the third passes the 25 s wait (after 20 + 40 + 80 ms of real pauses).
    const store = new ContendedStore(undefined, () => {
      clock.now += 10;
    });
    const registry = new ProviderRegistry([settings()]);
    const tokens = new TokenManager({ registry, store, now: () => clock.now, leaseSeconds: 60, waitSeconds: 25 });
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 10 }));
    await store.takeLeaseAsOtherProcess(NOW);
    const error = await failure(tokens.getAccessToken('u1', 'acme'));
    expect(error).toMatchObject({ code: 'provider_timeout', status: 504 });
    expect(store.attempts).toBe(3);
    expect(tokenRequests).toHaveLength(0);
  });

  it('takes over a lease left by a process that crashed, once the lease has expired', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 10 }));
    expect(await store.acquireRefreshLease('u1', 'acme', NOW - 31, 30)).toEqual(expect.any(String));
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toMatch(/^at-new-/);
    expect(tokenRequests).toHaveLength(1);
  });

  it('a sign-in during the refresh wins: its tokens are used and the refresh result is dropped', async () => {
    const { store, tokens, events } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 10 }));
    answerToken = () => {
      store.saveTokenSet('u1', 'acme', storedSet({ accessToken: 'at-signin', refreshToken: 'rt-signin', expiresAt: NOW + 3600 }));
      return newTokens('rt-from-refresh');
    };
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-signin');
    expect(await store.findToken('u1', 'acme')).toMatchObject({ accessToken: 'at-signin', refreshToken: 'rt-signin' });
    expect(events.filter((event) => event.type === 'token.refreshed')).toHaveLength(0);
  });

  it('a sign-in during the refresh that left a token needing a refresh too is provider_error: try again', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 10 }));
    answerToken = () => {
      store.saveTokenSet('u1', 'acme', storedSet({ accessToken: 'at-signin', expiresAt: NOW + 5 }));
      return newTokens();
    };
    expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'provider_error', status: 502 });
  });
});

describe('TokenManager: refresh failures and back-off', () => {
  it('a 5xx leaves a still-valid token in use and backs off before asking again', async () => {
    const { clock, store, tokens, events } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 30 }));
    answerToken = () => ({ status: 500 });
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-old');
    expect(tokenRequests).toHaveLength(1);
    expect(await store.findToken('u1', 'acme')).toMatchObject({ accessToken: 'at-old', refreshToken: 'rt-old', status: 'active', lastError: 'provider_error' });
    expect(events).toEqual([{ type: 'token.refresh_failed', userId: 'u1', provider: 'acme', code: 'provider_error', message: 'Acme failed the token refresh (HTTP 500).' }]);

    clock.now = NOW + 1;
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-old');
    expect(tokenRequests).toHaveLength(1);
    clock.now = NOW + 2;
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-old');
    expect(tokenRequests).toHaveLength(2);
  });

  it('a forced refresh while backing off is refused with provider_unavailable, never answered with the old token as if refreshed', async () => {
    const { clock, store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 30 }));
    answerToken = () => ({ status: 500 });
    expect(await failure(tokens.refresh('u1', 'acme'))).toMatchObject({ code: 'provider_error', status: 502 });
    clock.now = NOW + 1;
    expect(await failure(tokens.refresh('u1', 'acme'))).toMatchObject({ code: 'provider_unavailable', status: 503, retryAfterSeconds: 1 });
    expect(tokenRequests).toHaveLength(1);
    // Not forced, the still-valid token is used meanwhile.
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toBe('at-old');
    clock.now = NOW + 2;
    answerToken = () => newTokens();
    expect((await tokens.refresh('u1', 'acme')).accessToken).toMatch(/^at-new-/);
    expect(tokenRequests).toHaveLength(2);
  });

  it('the back-off doubles after each failure, 2, 4, 8 … s, up to 300 s', async () => {
    const { clock, store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 502, body: 'Bad Gateway' });
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'provider_error', status: 502 });
      expect(tokenRequests).toHaveLength(attempt);
      const backingOff = await failure(tokens.getAccessToken('u1', 'acme'));
      expect(backingOff).toMatchObject({ code: 'provider_unavailable', status: 503 });
      waits.push(backingOff.retryAfterSeconds!);
      // One second before the back-off ends the provider is still left alone.
      clock.now += backingOff.retryAfterSeconds! - 1;
      expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'provider_unavailable', retryAfterSeconds: 1 });
      expect(tokenRequests).toHaveLength(attempt);
      clock.now += 1;
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
  });

  it('the first back-off is the configured one', async () => {
    const { store, tokens } = setup({ backoffSeconds: 5 });
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 500 });
    await failure(tokens.getAccessToken('u1', 'acme'));
    expect((await failure(tokens.getAccessToken('u1', 'acme'))).retryAfterSeconds).toBe(5);
  });

  it('a 503 with Retry-After in seconds is waited out, not the shorter doubled back-off', async () => {
    const { clock, store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 503, headers: { 'retry-after': '120' } });
    expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'provider_unavailable', status: 503, retryAfterSeconds: 120 });
    clock.now = NOW + 119;
    expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'provider_unavailable', retryAfterSeconds: 1 });
    expect(tokenRequests).toHaveLength(1);
    clock.now = NOW + 120;
    answerToken = () => newTokens();
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toMatch(/^at-new-/);
    expect(tokenRequests).toHaveLength(2);
  });

  it('a Retry-After beyond 300 s is capped at 300 s', async () => {
    const { clock, store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 503, headers: { 'retry-after': '86400' } });
    await failure(tokens.getAccessToken('u1', 'acme'));
    expect((await failure(tokens.getAccessToken('u1', 'acme'))).retryAfterSeconds).toBe(300);
    clock.now = NOW + 300;
    await failure(tokens.getAccessToken('u1', 'acme'));
    expect(tokenRequests).toHaveLength(2);
  });

  it('a Retry-After given as an HTTP date is waited out', async () => {
    const { clock, store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    // RFC 9110 §10.2.3: an HTTP date, whole seconds; parsed against the real clock, so up to a second is lost to rounding.
    answerToken = () => ({ status: 503, headers: { 'retry-after': new Date(Date.now() + 200_000).toUTCString() } });
    const first = await failure(tokens.getAccessToken('u1', 'acme'));
    expect(first.retryAfterSeconds).toBeGreaterThanOrEqual(199);
    expect(first.retryAfterSeconds).toBeLessThanOrEqual(200);
    clock.now = NOW + 198;
    await failure(tokens.getAccessToken('u1', 'acme'));
    expect(tokenRequests).toHaveLength(1);
    clock.now = NOW + 200;
    await failure(tokens.getAccessToken('u1', 'acme'));
    expect(tokenRequests).toHaveLength(2);
  });

  it('a success ends the back-off: the next failure starts again from 2 s', async () => {
    const { clock, store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 500 });
    await failure(tokens.getAccessToken('u1', 'acme'));
    clock.now = NOW + 2;
    await failure(tokens.getAccessToken('u1', 'acme'));
    expect((await failure(tokens.getAccessToken('u1', 'acme'))).retryAfterSeconds).toBe(4);
    clock.now = NOW + 6;
    answerToken = () => newTokens(undefined, 30);
    await tokens.getAccessToken('u1', 'acme');
    clock.now = NOW + 40;
    answerToken = () => ({ status: 500 });
    await failure(tokens.getAccessToken('u1', 'acme'));
    expect((await failure(tokens.getAccessToken('u1', 'acme'))).retryAfterSeconds).toBe(2);
  });

  it('back-offs over for 5 minutes are swept as new ones come: connections never tried again are not kept for ever', async () => {
    const { clock, store, tokens } = setup();
    answerToken = () => ({ status: 500 });
    const failAll = async (users: string[]) => {
      for (let i = 0; i < users.length; i += 50) await Promise.all(users.slice(i, i + 50).map((user) => failure(tokens.getAccessToken(user, 'acme'))));
    };
    const left = Array.from({ length: 1000 }, (_, i) => `left-${i}`);
    const later = Array.from({ length: 1000 }, (_, i) => `later-${i}`);
    for (const user of [...left, ...later]) store.saveTokenSet(user, 'acme', storedSet({ expiresAt: NOW - 1 }));
    await failAll(left);
    expect(tokens.backoffsKept).toBe(1000);
    // The first 1000 back-offs (2 s) ended 300 s ago; the next 1000 failures sweep them.
    clock.now = NOW + 2 + 300;
    await failAll(later);
    expect(tokenRequests).toHaveLength(2000);
    expect(tokens.backoffsKept).toBe(1000);
    // A swept connection's next failure waits the first back-off again; one still backing off is left alone.
    expect(await failure(tokens.getAccessToken('left-0', 'acme'))).toMatchObject({ code: 'provider_error' });
    expect(await failure(tokens.getAccessToken('left-0', 'acme'))).toMatchObject({ code: 'provider_unavailable', retryAfterSeconds: 2 });
    expect(await failure(tokens.getAccessToken('later-0', 'acme'))).toMatchObject({ code: 'provider_unavailable', retryAfterSeconds: 2 });
    expect(tokenRequests).toHaveLength(2001);
  });

  it('a new sign-in (user.signed_in) clears the back-off', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 500 });
    await failure(tokens.getAccessToken('u1', 'acme'));
    await tokens.emit({ type: 'user.signed_in', userId: 'u1', provider: 'acme', created: false });
    answerToken = () => newTokens();
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toMatch(/^at-new-/);
    expect(tokenRequests).toHaveLength(2);
  });

  it('a refusal other than invalid_grant is a configuration fault: provider_error, and the connection stays active', async () => {
    const { store, tokens, events } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 401, body: { error: 'invalid_client' } });
    const error = await failure(tokens.getAccessToken('u1', 'acme'));
    expect(error).toMatchObject({ code: 'provider_error', status: 502, message: 'Acme refused the token refresh (invalid_client); check the client id and secret configured for it (ACME_CLIENT_ID, ACME_CLIENT_SECRET).' });
    expect(await store.findToken('u1', 'acme')).toMatchObject({ status: 'active', lastError: 'provider_error' });
    expect(events.map((event) => event.type)).toEqual(['token.refresh_failed']);
  });
});

describe('TokenManager: a hostile provider\'s error', () => {
  it('is cut to the characters and the length RFC 6749 gives an error code, in the message and in providerError', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 400, body: { error: `<b>"\n${'x'.repeat(200)}` } });
    const error = await failure(tokens.getAccessToken('u1', 'acme'));
    const shown = `<b>??${'x'.repeat(59)}…`;
    expect(error).toMatchObject({ code: 'provider_error', providerError: shown, message: `Acme refused the token refresh (${shown}).` });
  });
});

describe('TokenManager: invalid_grant', () => {
  it('marks the connection needs_reauth, emits token.needs_reauth, and later calls fail fast without a request', async () => {
    const { clock, store, tokens, events } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 10 }));
    answerToken = () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'refresh token revoked' } });
    expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'needs_reauth', status: 401 });
    expect(await store.findToken('u1', 'acme')).toMatchObject({ status: 'needs_reauth', lastError: 'invalid_grant', accessToken: 'at-old', refreshToken: 'rt-old' });
    expect(events).toEqual([{ type: 'token.needs_reauth', userId: 'u1', provider: 'acme', code: 'invalid_grant', message: 'Acme no longer accepts the stored refresh token.' }]);

    clock.now = NOW + 3600;
    expect(await failure(tokens.getAccessToken('u1', 'acme'))).toMatchObject({ code: 'needs_reauth' });
    expect(await failure(tokens.refresh('u1', 'acme', { force: true }))).toMatchObject({ code: 'needs_reauth' });
    expect(tokenRequests).toHaveLength(1);
  });
});

describe('TokenManager.refresh', () => {
  it('refreshes a token an API refused when the store still holds that token', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    const renewed = await tokens.refresh('u1', 'acme', { rejectedAccessToken: 'at-old' });
    expect(renewed.accessToken).toMatch(/^at-new-/);
    expect(tokenRequests).toHaveLength(1);
  });

  it('does not refresh when the store already holds another token than the one refused (someone refreshed meanwhile)', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ accessToken: 'at-newer' }));
    expect((await tokens.refresh('u1', 'acme', { rejectedAccessToken: 'at-old' })).accessToken).toBe('at-newer');
    expect(tokenRequests).toHaveLength(0);
  });

  it('a refused token is not handed back when its refresh fails, even while it has not expired', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    answerToken = () => ({ status: 500 });
    expect(await failure(tokens.refresh('u1', 'acme', { rejectedAccessToken: 'at-old' }))).toMatchObject({ code: 'provider_error' });
    // And during the back-off that follows, it is not handed back either.
    expect(await failure(tokens.refresh('u1', 'acme', { rejectedAccessToken: 'at-old' }))).toMatchObject({ code: 'provider_unavailable' });
  });

  it('a refused token without a refresh token needs a new sign-in', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ refreshToken: null }));
    expect(await failure(tokens.refresh('u1', 'acme', { rejectedAccessToken: 'at-old' }))).toMatchObject({ code: 'needs_reauth' });
  });

  it('force: true (the default) refreshes a fresh token, and its failure is an error, not the old token', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    expect((await tokens.refresh('u1', 'acme')).accessToken).toMatch(/^at-new-/);
    expect((await tokens.refresh('u1', 'acme', { force: true })).accessToken).toMatch(/^at-new-/);
    expect(tokenRequests).toHaveLength(2);
    answerToken = () => ({ status: 500 });
    expect(await failure(tokens.refresh('u1', 'acme', { force: true }))).toMatchObject({ code: 'provider_error' });
  });

  it('minValiditySeconds refreshes a token that would outlive the leeway but not that long (refresh-ahead)', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW + 200 }));
    expect((await tokens.refresh('u1', 'acme', { minValiditySeconds: 100 })).accessToken).toBe('at-old');
    expect(tokenRequests).toHaveLength(0);
    expect((await tokens.refresh('u1', 'acme', { minValiditySeconds: 300 })).accessToken).toMatch(/^at-new-/);
    expect(tokenRequests).toHaveLength(1);
  });

  it('a rotated refresh token replaces the stored one (token.refreshed says so)', async () => {
    const { store, tokens, events } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    answerToken = () => newTokens('rt-rotated', 1800);
    await tokens.refresh('u1', 'acme');
    expect((await store.findToken('u1', 'acme'))?.refreshToken).toBe('rt-rotated');
    expect(events).toEqual([{ type: 'token.refreshed', userId: 'u1', provider: 'acme', expiresAt: NOW + 1800, refreshTokenRotated: true, scopeChanged: false }]);
    await tokens.refresh('u1', 'acme');
    expect(tokenRequests.map((form) => form.get('refresh_token'))).toEqual(['rt-old', 'rt-rotated']);
  });

  it('a store that fails to save the answer (a database blip) is tried again: the rotated refresh token is kept, after one request to the provider', async () => {
    const store = new MemoryTokenStore();
    const save = store.saveRefreshedTokenSet.bind(store);
    let saves = 0;
    store.saveRefreshedTokenSet = (...args) => {
      saves += 1;
      return saves <= 2 ? Promise.reject(new Error('Connection terminated unexpectedly')) : save(...args);
    };
    const { tokens, events } = setup({ store });
    store.saveTokenSet('u1', 'acme', storedSet());
    answerToken = () => newTokens('rt-rotated', 1800);
    await tokens.refresh('u1', 'acme');
    expect(saves).toBe(3);
    expect(tokenRequests).toHaveLength(1);
    expect(await store.findToken('u1', 'acme')).toMatchObject({ refreshToken: 'rt-rotated', status: 'active' });
    expect(events.map((event) => event.type)).toEqual(['token.refreshed']);
  });

  it('a store that never saves the answer while the lease lasts: its error, not a provider failure; nothing recorded as failed, no back-off', async () => {
    const store = new MemoryTokenStore();
    const lost = new Error('Connection terminated unexpectedly');
    store.saveRefreshedTokenSet = () => Promise.reject(lost);
    let failuresRecorded = 0;
    const record = store.recordRefreshFailure.bind(store);
    store.recordRefreshFailure = (...args) => {
      failuresRecorded += 1;
      return record(...args);
    };
    const { tokens, events } = setup({ store, leaseSeconds: 2 });
    store.saveTokenSet('u1', 'acme', storedSet());
    await expect(tokens.refresh('u1', 'acme')).rejects.toBe(lost);
    expect(tokenRequests).toHaveLength(1);
    expect(failuresRecorded).toBe(0);
    expect(events).toEqual([]);
    // No back-off: the next call asks the provider again.
    store.saveRefreshedTokenSet = MemoryTokenStore.prototype.saveRefreshedTokenSet.bind(store);
    await tokens.refresh('u1', 'acme');
    expect(tokenRequests).toHaveLength(2);
  });

  it('an answer without a refresh token keeps the old one, and so does one repeating it (not rotated)', async () => {
    const { store, tokens, events } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    await tokens.refresh('u1', 'acme');
    expect((await store.findToken('u1', 'acme'))?.refreshToken).toBe('rt-old');
    answerToken = () => newTokens('rt-old');
    await tokens.refresh('u1', 'acme');
    expect((await store.findToken('u1', 'acme'))?.refreshToken).toBe('rt-old');
    expect(events.map((event) => event.type === 'token.refreshed' && event.refreshTokenRotated)).toEqual([false, false]);
  });

  it('a scope the answer leaves out stays the one requested (RFC 6749 §5.1)', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ scope: 'read write' }));
    expect((await tokens.refresh('u1', 'acme')).scope).toBe('read write');
    answerToken = () => ({ status: 200, body: { access_token: 'at-narrow', token_type: 'Bearer', scope: 'read' } });
    const narrowed = await tokens.refresh('u1', 'acme');
    expect(narrowed).toMatchObject({ accessToken: 'at-narrow', scope: 'read', expiresAt: null });
  });
});

describe('TokenManager events', () => {
  it('a listener that throws is reported and does not break the refresh; an unsubscribed one hears nothing', async () => {
    const reported: Array<[unknown, TokenEvent]> = [];
    const { store, tokens } = setup({ onListenerError: (error, event) => reported.push([error, event]) });
    store.saveTokenSet('u1', 'acme', storedSet());
    const boom = new Error('listener failed');
    tokens.on(() => {
      throw boom;
    });
    const heard: TokenEvent[] = [];
    const off = tokens.on((event) => {
      heard.push(event);
    });
    off();
    expect((await tokens.refresh('u1', 'acme')).accessToken).toMatch(/^at-new-/);
    expect(reported).toEqual([[boom, expect.objectContaining({ type: 'token.refreshed' })]]);
    expect(heard).toEqual([]);
  });
});

describe('TokenManager.revoke', () => {
  it('revokes the refresh token, then the access token (RFC 7009), deletes them and emits token.revoked', async () => {
    const { store, tokens, events } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: true, error: null });
    expect(revokeRequests.map((form) => [form.get('token'), form.get('token_type_hint')])).toEqual([
      ['rt-old', 'refresh_token'],
      ['at-old', 'access_token'],
    ]);
    expect(await store.findToken('u1', 'acme')).toBeUndefined();
    expect(events).toEqual([{ type: 'token.revoked', userId: 'u1', provider: 'acme', revokedAtProvider: true, revocationError: null }]);
  });

  it('without a refresh token, revokes the access token alone', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ refreshToken: null }));
    await tokens.revoke('u1', 'acme');
    expect(revokeRequests.map((form) => form.get('token_type_hint'))).toEqual(['access_token']);
  });

  it('a provider without a revocation endpoint: nothing is sent, the tokens are deleted here, and that is reported', async () => {
    const { store, tokens, events } = setup();
    store.saveTokenSet('u1', 'plain', storedSet());
    expect(await tokens.revoke('u1', 'plain')).toEqual({ revokedAtProvider: false, error: 'Plain has no revocation endpoint' });
    expect(revokeRequests).toHaveLength(0);
    expect(await store.findToken('u1', 'plain')).toBeUndefined();
    expect(events).toEqual([{ type: 'token.revoked', userId: 'u1', provider: 'plain', revokedAtProvider: false, revocationError: 'Plain has no revocation endpoint' }]);
  });

  it('invalid_token (a token the provider no longer knows, RFC 7009 §2.2) counts as revoked', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    answerRevoke = () => ({ status: 400, body: { error: 'invalid_token' } });
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: true, error: null });
    expect(revokeRequests).toHaveLength(2);
  });

  it('unsupported_token_type for the access token, once the refresh token was revoked, counts as revoked (RFC 7009 §2.2.1: the server revokes refresh tokens only)', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    answerRevoke = (form) => (form.get('token_type_hint') === 'access_token' ? { status: 400, body: { error: 'unsupported_token_type' } } : { status: 200 });
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: true, error: null });
    expect(revokeRequests).toHaveLength(2);
  });

  it('unsupported_token_type for the access token alone (no refresh token to revoke) is reported: the grant may live on', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ refreshToken: null }));
    answerRevoke = () => ({ status: 400, body: { error: 'unsupported_token_type' } });
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: false, error: 'Acme refused the token revocation (unsupported_token_type).' });
  });

  it('unsupported_token_type for the refresh token is reported', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    answerRevoke = () => ({ status: 400, body: { error: 'unsupported_token_type' } });
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: false, error: 'Acme refused the token revocation (unsupported_token_type).' });
    expect(revokeRequests).toHaveLength(1);
  });

  it('a provider that fails the revocation is reported, and the tokens are deleted all the same', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    answerRevoke = () => ({ status: 500 });
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: false, error: 'Acme failed the token revocation (HTTP 500).' });
    expect(revokeRequests).toHaveLength(1);
    expect(await store.findToken('u1', 'acme')).toBeUndefined();
  });

  it('another refusal (invalid_client) is reported as such', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    answerRevoke = () => ({ status: 401, body: { error: 'invalid_client' } });
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: false, error: 'Acme refused the token revocation (invalid_client).' });
  });

  it('a revocation endpoint that answers an HTML page is reported with its status (a wrong URL is a 404)', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet());
    answerRevoke = () => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' });
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: false, error: 'Acme answered the token revocation with HTTP 404 (not JSON).' });
  });

  it('nothing stored is not_connected', async () => {
    const { tokens } = setup();
    expect(await failure(tokens.revoke('u1', 'acme'))).toMatchObject({ code: 'not_connected', status: 409 });
  });

  it('a revoke hook is given a live access token: an expired one is refreshed first', async () => {
    const seen: string[] = [];
    const hooked = settings({ name: 'hooked', displayName: 'Hooked', hooks: { revoke: async (request) => (seen.push(request.accessToken), 'revoked') } });
    const { clock, store, tokens } = setup({ providers: [hooked] });
    store.saveTokenSet('u1', 'hooked', storedSet({ expiresAt: NOW + 100 }));
    store.saveTokenSet('u2', 'hooked', storedSet({ expiresAt: NOW + 100 }));
    expect(await tokens.revoke('u1', 'hooked')).toEqual({ revokedAtProvider: true, error: null });
    clock.now = NOW + 100;
    expect(await tokens.revoke('u2', 'hooked')).toEqual({ revokedAtProvider: true, error: null });
    expect(seen[0]).toBe('at-old');
    expect(seen[1]).toMatch(/^at-new-/);
    expect(revokeRequests).toHaveLength(0);
  });

  it('a revoke hook that fails is reported; when the refresh before it fails the stored token is tried', async () => {
    const seen: string[] = [];
    const hooked = settings({
      name: 'hooked',
      displayName: 'Hooked',
      hooks: {
        revoke: async (request) => {
          seen.push(request.accessToken);
          throw new Error('refused');
        },
      },
    });
    const { clock, store, tokens } = setup({ providers: [hooked] });
    store.saveTokenSet('u1', 'hooked', storedSet({ expiresAt: NOW + 100 }));
    clock.now = NOW + 100;
    answerToken = () => ({ status: 400, body: { error: 'invalid_grant' } });
    expect(await tokens.revoke('u1', 'hooked')).toEqual({ revokedAtProvider: false, error: 'The token revocation with Hooked failed: refused' });
    expect(seen).toEqual(['at-old']);
    expect(await store.findToken('u1', 'hooked')).toBeUndefined();
  });

  it('a revoke hook sends its requests over the provider connection, redirects not followed', async () => {
    const hooked = settings({
      name: 'hooked',
      displayName: 'Hooked',
      hooks: {
        revoke: async (request) => {
          const response = await request.send(`${origin}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${request.accessToken}` });
          return response.status === 200 ? 'revoked' : 'already_revoked';
        },
      },
    });
    const { store, tokens } = setup({ providers: [hooked] });
    store.saveTokenSet('u1', 'hooked', storedSet());
    expect(await tokens.revoke('u1', 'hooked')).toEqual({ revokedAtProvider: true, error: null });
    expect(revokeRequests.map((form) => form.get('token'))).toEqual(['at-old']);
  });

  it('a provider whose configuration cannot be had (discovery fails) is reported, and the tokens are deleted', async () => {
    const undiscoverable = settings({ endpoints: undefined, discovery: { issuer: `${origin}/missing` } });
    const { store, tokens } = setup({ providers: [undiscoverable] });
    store.saveTokenSet('u1', 'acme', storedSet());
    expect(await tokens.revoke('u1', 'acme')).toEqual({ revokedAtProvider: false, error: `Acme answered the discovery at ${origin}/missing/.well-known/openid-configuration with HTTP 404. Some servers (Django OAuth Toolkit) serve it only with a trailing slash: try the metadata URL ${origin}/missing/.well-known/openid-configuration/`,
    });
    expect(await store.findToken('u1', 'acme')).toBeUndefined();
  });

  it('a revocation clears the back-off of the connection', async () => {
    const { store, tokens } = setup();
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => ({ status: 500 });
    await failure(tokens.getAccessToken('u1', 'acme'));
    await tokens.revoke('u1', 'acme');
    store.saveTokenSet('u1', 'acme', storedSet({ expiresAt: NOW - 1 }));
    answerToken = () => newTokens();
    expect((await tokens.getAccessToken('u1', 'acme')).accessToken).toMatch(/^at-new-/);
  });
});

describe('TokenManager: refreshes after an API refused a refreshed token', () => {
  it('backs off 30 s, then doubles while the refusals go on, up to 300 s; an accepted retry clears it', () => {
    const { clock, tokens } = setup();
    expect(tokens.mayRefreshAfterRejection('u1', 'acme')).toBe(true);
    const waits: number[] = [];
    for (let refusal = 0; refusal < 6; refusal += 1) {
      tokens.noteRetryAfterRefresh('u1', 'acme', true);
      const from = clock.now;
      while (!tokens.mayRefreshAfterRejection('u1', 'acme')) clock.now += 1;
      waits.push(clock.now - from);
    }
    expect(waits).toEqual([30, 60, 120, 240, 300, 300]);
    // Another connection is not concerned.
    tokens.noteRetryAfterRefresh('u1', 'acme', true);
    expect(tokens.mayRefreshAfterRejection('u1', 'acme')).toBe(false);
    expect(tokens.mayRefreshAfterRejection('u2', 'acme')).toBe(true);
    tokens.noteRetryAfterRefresh('u1', 'acme', false);
    expect(tokens.mayRefreshAfterRejection('u1', 'acme')).toBe(true);
    tokens.noteRetryAfterRefresh('u1', 'acme', true);
    clock.now += 29;
    expect(tokens.mayRefreshAfterRejection('u1', 'acme')).toBe(false);
    clock.now += 1;
    expect(tokens.mayRefreshAfterRejection('u1', 'acme')).toBe(true);
  });

  it('a new sign-in clears it', async () => {
    const { tokens } = setup();
    tokens.noteRetryAfterRefresh('u1', 'acme', true);
    await tokens.emit({ type: 'user.signed_in', userId: 'u1', provider: 'acme', created: false });
    expect(tokens.mayRefreshAfterRejection('u1', 'acme')).toBe(true);
  });

  it('remembers at most 10 000 connections, forgetting the oldest first', () => {
    const { tokens } = setup();
    for (let user = 0; user < 10_000; user += 1) tokens.noteRetryAfterRefresh(`u${user}`, 'acme', true);
    expect(tokens.mayRefreshAfterRejection('u0', 'acme')).toBe(false);
    tokens.noteRetryAfterRefresh('one-more', 'acme', true);
    expect(tokens.mayRefreshAfterRejection('u0', 'acme')).toBe(true);
    expect(tokens.mayRefreshAfterRejection('u1', 'acme')).toBe(false);
    expect(tokens.mayRefreshAfterRejection('one-more', 'acme')).toBe(false);
  });
});
