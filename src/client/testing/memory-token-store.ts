import { randomUUID } from 'node:crypto';
import type { StoredTokenSet, TokenStore } from '../token-store.js';
import type { TokenSet } from '../token-set.js';

interface Entry {
  token: StoredTokenSet;
  lease: { id: string; expiresAt: number } | null;
}

/**
 * A TokenStore held in this process's memory, for tests and development.
 * It keeps the interface's promises (one lease holder at a time, expired
 * leases taken over, a refresh saved only by the lease holder) for callers in
 * this process only: it is not a store for several processes, and nothing
 * survives a restart. Token values are kept in the clear.
 *
 * Every read returns a copy, so a caller cannot change what is stored by
 * changing what it was given (as with a database).
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, Entry>();

  #key(userId: string, provider: string): string {
    return `${userId}\u0000${provider}`;
  }

  /**
   * Saves the tokens of a sign-in (what SqlTokenStore.saveTokenSet does): the
   * connection becomes active again and a refresh in flight loses its lease,
   * its result being older than these tokens. A sign-in that brings no
   * refresh token keeps the stored one while the connection was active.
   */
  saveTokenSet(userId: string, provider: string, set: TokenSet): StoredTokenSet {
    const key = this.#key(userId, provider);
    const previous = this.#entries.get(key)?.token;
    const kept = set.refreshToken === null && previous?.status === 'active' ? previous : undefined;
    const token: StoredTokenSet = {
      ...set,
      refreshToken: set.refreshToken ?? kept?.refreshToken ?? null,
      refreshTokenExpiresAt: set.refreshToken === null ? (kept?.refreshTokenExpiresAt ?? null) : (set.refreshTokenExpiresAt ?? null),
      // A sign-in is no use of a refresh token it keeps (keepAlive goes by it).
      refreshTokenUsedAt: set.refreshToken === null ? (kept ? (kept.refreshTokenUsedAt ?? kept.issuedAt ?? null) : null) : (set.issuedAt ?? null),
      issuedAt: set.issuedAt ?? null,
      apiBaseUrl: set.apiBaseUrl ?? null,
      authorizationServerUrl: set.authorizationServerUrl ?? null,
      userId,
      provider,
      status: 'active',
      lastError: null,
      lastRefreshedAt: previous?.lastRefreshedAt ?? null,
    };
    this.#entries.set(key, { token, lease: null });
    return { ...token };
  }

  async findToken(userId: string, provider: string): Promise<StoredTokenSet | undefined> {
    const entry = this.#entries.get(this.#key(userId, provider));
    return entry && { ...entry.token };
  }

  async acquireRefreshLease(userId: string, provider: string, now: number, leaseSeconds: number): Promise<string | undefined> {
    const entry = this.#entries.get(this.#key(userId, provider));
    if (!entry) return undefined;
    if (entry.lease && entry.lease.expiresAt > now) return undefined;
    const id = randomUUID();
    entry.lease = { id, expiresAt: now + leaseSeconds };
    return id;
  }

  async saveRefreshedTokenSet(userId: string, provider: string, leaseId: string, set: TokenSet, now: number): Promise<StoredTokenSet | undefined> {
    const entry = this.#held(userId, provider, leaseId);
    if (!entry) return undefined;
    const old = entry.token;
    entry.token = {
      ...old,
      accessToken: set.accessToken,
      tokenType: set.tokenType,
      scope: set.scope,
      expiresAt: set.expiresAt,
      issuedAt: set.issuedAt ?? null,
      // A provider that does not rotate sends no refresh token (RFC 6749 §6): the old one stays valid and is kept.
      refreshToken: set.refreshToken ?? old.refreshToken,
      refreshTokenExpiresAt: set.refreshTokenExpiresAt ?? (set.refreshToken === null ? (old.refreshTokenExpiresAt ?? null) : null),
      refreshTokenUsedAt: set.issuedAt ?? now,
      idToken: set.idToken ?? old.idToken,
      apiBaseUrl: set.apiBaseUrl ?? old.apiBaseUrl ?? null,
      // A refresh is answered by the server the connection was made at, which it stays on.
      authorizationServerUrl: old.authorizationServerUrl ?? null,
      status: 'active',
      lastError: null,
      lastRefreshedAt: now,
    };
    entry.lease = null;
    return { ...entry.token };
  }

  async recordRefreshFailure(userId: string, provider: string, leaseId: string, failure: { error: string; needsReauth: boolean }, _now: number): Promise<boolean> {
    const entry = this.#held(userId, provider, leaseId);
    if (!entry) return false;
    entry.token = { ...entry.token, lastError: failure.error, ...(failure.needsReauth ? { status: 'needs_reauth' as const } : {}) };
    entry.lease = null;
    return true;
  }

  async releaseRefreshLease(userId: string, provider: string, leaseId: string): Promise<void> {
    const entry = this.#held(userId, provider, leaseId);
    if (entry) entry.lease = null;
  }

  async deleteToken(userId: string, provider: string): Promise<boolean> {
    return this.#entries.delete(this.#key(userId, provider));
  }

  /**
   * The entry whose lease is `leaseId`. A lease that has expired but was not
   * taken over still counts, as in SqlTokenStore: only another holder, a
   * sign-in or a deletion ends it.
   */
  #held(userId: string, provider: string, leaseId: string): Entry | undefined {
    const entry = this.#entries.get(this.#key(userId, provider));
    return entry?.lease?.id === leaseId ? entry : undefined;
  }
}
