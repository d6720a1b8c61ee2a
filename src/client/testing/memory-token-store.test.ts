import { describe, expect, it } from 'vitest';
import type { TokenSet } from '../token-set.js';
import { MemoryTokenStore } from './memory-token-store.js';

const NOW = 1_800_000_000;

function tokenSet(overrides: Partial<TokenSet> = {}): TokenSet {
  return { accessToken: 'at-1', refreshToken: 'rt-1', idToken: 'id-1', tokenType: 'Bearer', scope: 'read', expiresAt: NOW + 3600, issuedAt: NOW, ...overrides };
}

describe('MemoryTokenStore keeps the TokenStore contract', () => {
  it('finds what a sign-in saved, as a copy that cannot change the store', async () => {
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', tokenSet());
    const found = await store.findToken('u1', 'acme');
    expect(found).toEqual({ ...tokenSet(), apiBaseUrl: null, authorizationServerUrl: null, refreshTokenExpiresAt: null, refreshTokenUsedAt: NOW, userId: 'u1', provider: 'acme', status: 'active', lastError: null, lastRefreshedAt: null });
    found!.accessToken = 'changed';
    expect((await store.findToken('u1', 'acme'))?.accessToken).toBe('at-1');
    expect(await store.findToken('u1', 'other')).toBeUndefined();
  });

  it('gives a lease to one caller at a time, none for a missing token, and lets an expired lease be taken over', async () => {
    const store = new MemoryTokenStore();
    expect(await store.acquireRefreshLease('u1', 'acme', NOW, 30)).toBeUndefined();
    store.saveTokenSet('u1', 'acme', tokenSet());
    const [first, second] = await Promise.all([store.acquireRefreshLease('u1', 'acme', NOW, 30), store.acquireRefreshLease('u1', 'acme', NOW, 30)]);
    expect([first, second].filter((lease) => lease !== undefined)).toHaveLength(1);
    expect(await store.acquireRefreshLease('u1', 'acme', NOW + 29, 30)).toBeUndefined();
    const takeover = await store.acquireRefreshLease('u1', 'acme', NOW + 30, 30);
    expect(takeover).toEqual(expect.any(String));
    expect(takeover).not.toBe(first ?? second);
  });

  it('saves a refresh only under the current lease, keeping the old refresh and ID tokens when none are sent', async () => {
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', tokenSet());
    const stale = (await store.acquireRefreshLease('u1', 'acme', NOW, 30))!;
    const lease = (await store.acquireRefreshLease('u1', 'acme', NOW + 30, 30))!;
    expect(await store.saveRefreshedTokenSet('u1', 'acme', stale, tokenSet({ accessToken: 'lost' }), NOW + 31)).toBeUndefined();

    const saved = await store.saveRefreshedTokenSet('u1', 'acme', lease, tokenSet({ accessToken: 'at-2', refreshToken: null, idToken: null, expiresAt: NOW + 7200 }), NOW + 31);
    expect(saved).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-1', idToken: 'id-1', expiresAt: NOW + 7200, lastRefreshedAt: NOW + 31, status: 'active' });
    // The lease went with the save: the next refresh can start at once.
    expect(await store.acquireRefreshLease('u1', 'acme', NOW + 31, 30)).toEqual(expect.any(String));
  });

  it('a rotated refresh token replaces the old one', async () => {
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', tokenSet());
    const lease = (await store.acquireRefreshLease('u1', 'acme', NOW, 30))!;
    await store.saveRefreshedTokenSet('u1', 'acme', lease, tokenSet({ accessToken: 'at-2', refreshToken: 'rt-2' }), NOW);
    expect((await store.findToken('u1', 'acme'))?.refreshToken).toBe('rt-2');
  });

  it('records a failure under the lease, marking needs_reauth only when asked, and releases the lease', async () => {
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', tokenSet());
    const lease = (await store.acquireRefreshLease('u1', 'acme', NOW, 30))!;
    expect(await store.recordRefreshFailure('u1', 'acme', 'not-the-lease', { error: 'x', needsReauth: true }, NOW)).toBe(false);
    expect(await store.recordRefreshFailure('u1', 'acme', lease, { error: 'provider_error', needsReauth: false }, NOW)).toBe(true);
    expect(await store.findToken('u1', 'acme')).toMatchObject({ status: 'active', lastError: 'provider_error', accessToken: 'at-1' });

    const next = (await store.acquireRefreshLease('u1', 'acme', NOW, 30))!;
    expect(await store.recordRefreshFailure('u1', 'acme', next, { error: 'invalid_grant', needsReauth: true }, NOW)).toBe(true);
    expect(await store.findToken('u1', 'acme')).toMatchObject({ status: 'needs_reauth', lastError: 'invalid_grant', refreshToken: 'rt-1' });
  });

  it('releases only the lease it is given', async () => {
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', tokenSet());
    const lease = (await store.acquireRefreshLease('u1', 'acme', NOW, 30))!;
    await store.releaseRefreshLease('u1', 'acme', 'someone-else');
    expect(await store.acquireRefreshLease('u1', 'acme', NOW, 30)).toBeUndefined();
    await store.releaseRefreshLease('u1', 'acme', lease);
    expect(await store.acquireRefreshLease('u1', 'acme', NOW, 30)).toEqual(expect.any(String));
  });

  it('a new sign-in takes the lease from a refresh in flight and makes a needs_reauth connection active', async () => {
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', tokenSet());
    const lease = (await store.acquireRefreshLease('u1', 'acme', NOW, 30))!;
    await store.recordRefreshFailure('u1', 'acme', lease, { error: 'invalid_grant', needsReauth: true }, NOW);
    const refreshing = (await store.acquireRefreshLease('u1', 'acme', NOW, 30))!;
    // A sign-in without a refresh token does not revive the refused one.
    store.saveTokenSet('u1', 'acme', tokenSet({ accessToken: 'at-signin', refreshToken: null }));
    expect(await store.findToken('u1', 'acme')).toMatchObject({ status: 'active', lastError: null, accessToken: 'at-signin', refreshToken: null });
    expect(await store.saveRefreshedTokenSet('u1', 'acme', refreshing, tokenSet({ accessToken: 'older' }), NOW)).toBeUndefined();
  });

  it('a sign-in without a refresh token keeps the live one stored', async () => {
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', tokenSet());
    store.saveTokenSet('u1', 'acme', tokenSet({ accessToken: 'at-signin', refreshToken: null }));
    expect((await store.findToken('u1', 'acme'))?.refreshToken).toBe('rt-1');
  });

  it('deletes a connection once', async () => {
    const store = new MemoryTokenStore();
    store.saveTokenSet('u1', 'acme', tokenSet());
    expect(await store.deleteToken('u1', 'acme')).toBe(true);
    expect(await store.deleteToken('u1', 'acme')).toBe(false);
    expect(await store.findToken('u1', 'acme')).toBeUndefined();
  });
});
