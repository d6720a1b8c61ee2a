import type { TokenSet } from './token-set.js';

/** A stored token set as the client sees it (values decrypted by the store). */
export interface StoredTokenSet extends TokenSet {
  userId: string;
  provider: string;
  status: 'active' | 'needs_reauth';
  lastError: string | null;
  lastRefreshedAt: number | null;
  /**
   * When the provider last issued or accepted the refresh token (a refresh), epoch seconds: a sign-in that brought
   * no refresh token leaves it. Null or absent when not known: keepAlive goes by issuedAt.
   */
  refreshTokenUsedAt?: number | null;
}

/**
 * What the client needs from storage — Authlib's `fetch_token` /
 * `update_token`, done so that a refresh runs once across every process
 * sharing the store. `src/db`'s SqlTokenStore implements it; any store that
 * keeps these promises works (all times are epoch seconds).
 */
export interface TokenStore {
  findToken(userId: string, provider: string): Promise<StoredTokenSet | undefined>;
  /**
   * Atomically takes the right to refresh (user, provider) for `leaseSeconds`:
   * of concurrent callers in any process one gets a lease id, the others
   * undefined. An expired lease may be taken over.
   */
  acquireRefreshLease(userId: string, provider: string, now: number, leaseSeconds: number): Promise<string | undefined>;
  /**
   * Saves a refresh's result in one write and releases the lease: the new
   * access token together with the new refresh token, or the old refresh
   * token kept when `set.refreshToken` is null (with the expiry said anew, if
   * any); the refresh token was used now (`refreshTokenUsedAt`). Undefined
   * (nothing saved) when the lease was lost.
   */
  saveRefreshedTokenSet(userId: string, provider: string, leaseId: string, set: TokenSet, now: number): Promise<StoredTokenSet | undefined>;
  /** Records a failed refresh and releases the lease; `needsReauth` marks the connection. Old values stay. */
  recordRefreshFailure(userId: string, provider: string, leaseId: string, failure: { error: string; needsReauth: boolean }, now: number): Promise<boolean>;
  releaseRefreshLease(userId: string, provider: string, leaseId: string): Promise<void>;
  deleteToken(userId: string, provider: string): Promise<boolean>;
}
