import { describe, expect, it } from 'vitest';
import { AccessTokenCache, type AccessToken, type TokenRequest } from './access-token-cache.js';

// The cache's ordering rules, with requests the test answers when it chooses (test/service-client.test.ts has the HTTP side).

const NOW = 1_767_225_600;
const token = (value: string, expiresIn = 300): AccessToken => ({ accessToken: value, tokenType: 'bearer', expiresAt: NOW + expiresIn, scope: null });
const plain: TokenRequest = { minTtlSeconds: 60, forceRefresh: false };

/** An `ask` whose requests wait until the test answers them, in any order. */
function pendingServer() {
  const asked: Array<{ request: TokenRequest; answer(token: AccessToken): void; fail(error: Error): void }> = [];
  const ask = (request: TokenRequest) =>
    new Promise<AccessToken>((resolve, reject) => {
      asked.push({ request, answer: resolve, fail: reject });
    });
  return { asked, ask };
}

describe('AccessTokenCache', () => {
  it('a plain request answered after a rejected-token request began does not put back the token that was refused', async () => {
    const cache = new AccessTokenCache(100, () => NOW);
    const server = pendingServer();
    const slow = cache.get('alice', { ...plain, minTtlSeconds: 290 }, server.ask);
    const renewed = cache.get('alice', { ...plain, rejectedAccessToken: 'old' }, server.ask);
    expect(server.asked.map((entry) => entry.request.rejectedAccessToken)).toEqual([undefined, 'old']);
    server.asked[1]!.answer(token('new'));
    server.asked[0]!.answer(token('old'));
    expect((await renewed).accessToken).toBe('new');
    expect((await slow).accessToken).toBe('old');
    // The kept token is the one the newer request brought.
    expect((await cache.get('alice', plain, server.ask)).accessToken).toBe('new');
    expect(server.asked).toHaveLength(2);
  });

  it('a failed request fails everyone who shared it and keeps nothing: the next call asks again', async () => {
    const cache = new AccessTokenCache(100, () => NOW);
    const server = pendingServer();
    const calls = [cache.get('alice', plain, server.ask), cache.get('alice', plain, server.ask)];
    await Promise.resolve();
    expect(server.asked).toHaveLength(1);
    server.asked[0]!.fail(new Error('needs_reauth'));
    for (const call of calls) await expect(call).rejects.toThrow('needs_reauth');
    const next = cache.get('alice', plain, server.ask);
    server.asked[1]!.answer(token('t1'));
    expect((await next).accessToken).toBe('t1');
  });

  it('a caller that joins a request whose token has less left than it wants asks again for itself', async () => {
    const cache = new AccessTokenCache(100, () => NOW);
    const server = pendingServer();
    const first = cache.get('alice', plain, server.ask);
    const demanding = cache.get('alice', { ...plain, minTtlSeconds: 200 }, server.ask);
    server.asked[0]!.answer(token('t1', 100));
    expect((await first).accessToken).toBe('t1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.asked).toHaveLength(2);
    expect(server.asked[1]!.request.minTtlSeconds).toBe(200);
    server.asked[1]!.answer(token('t2', 300));
    expect((await demanding).accessToken).toBe('t2');
  });

  it('keeps at most maxEntries users and providers, dropping the least recently used', async () => {
    const cache = new AccessTokenCache(2, () => NOW);
    let asked = 0;
    const ask = async () => token(`t${++asked}`);
    await cache.get('a', plain, ask);
    await cache.get('b', plain, ask);
    await cache.get('a', plain, ask);
    await cache.get('c', plain, ask);
    expect(asked).toBe(3);
    await cache.get('a', plain, ask);
    expect(asked).toBe(3);
    await cache.get('b', plain, ask);
    expect(asked).toBe(4);
  });
});
