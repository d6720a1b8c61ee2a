import { setTimeout as sleep } from 'node:timers/promises';
import { askProviderIfTokenWorks, type AccessTokenCheckOutcome } from './access-token-check.js';
import { NotConnectedError, ProviderUnavailableError, ReauthRequiredError, TokenkeeperError, describeProviderFailure } from './errors.js';
import type { ProviderRegistry } from './provider-registry.js';
import { InvalidGrantError, requestTokenRefresh } from './refresh-grant.js';
import type { LeaseWaitOutcome, RefreshObserver, RefreshOutcome } from './refresh-observer.js';
import { revokeAtProvider, type RevocationResult } from './revocation.js';
import { sameScope } from './scope.js';
import { TokenEventBus, type TokenEvent, type TokenEventListener } from './token-events.js';
import type { StoredTokenSet, TokenStore } from './token-store.js';
import type { TokenSet } from './token-set.js';

/** Waits between tries to save a refresh's answer when the store fails (see #saveRefreshed). */
const SAVE_RETRY_WAITS_MS = [100, 500, 2000, 5000];

/** The store failed to save a refresh's answer, every time it was tried: `cause` is its last error. */
class RefreshNotSaved extends Error {
  constructor(cause: unknown) {
    super('the refreshed token set could not be saved', { cause });
  }
}

/** What callers get: enough to call the API, nothing they could persist by mistake. */
export interface AccessToken {
  accessToken: string;
  tokenType: string;
  scope: string | null;
  expiresAt: number | null;
  /** This connection's own API origin, when the provider names one per connection. */
  apiBaseUrl?: string | null;
  /**
   * The private key (a JWK, as JSON) the token is bound to by DPoP, for a provider configured with it: a call with
   * the token needs a proof signed with it (openid-client's getDPoPHandle and fetchProtectedResource make one).
   * Absent for a bearer token. As secret as the token.
   */
  dpopKey?: string;
}

export interface TokenManagerOptions {
  registry: ProviderRegistry;
  store: TokenStore;
  /** Epoch seconds. */
  now?: () => number;
  /** Refresh when the access token expires within this many seconds (default 60). */
  leewaySeconds?: number;
  /** How long a refresh may hold the cross-process lease (default 30 s; createClient's: 5 × the provider timeout, at least 30 s). */
  leaseSeconds?: number;
  /** How long a caller waits for another process's refresh before giving up (default: the lease; createClient's: 3 × the provider timeout, at least 30 s). */
  waitSeconds?: number;
  /** First back-off after a failed refresh (5xx, timeout, nonsense), doubled on each failure up to 5 minutes (default 2 s). */
  backoffSeconds?: number;
  onListenerError?: (error: unknown, event: TokenEvent) => void;
  /** Measurements of each refresh and lease wait, for metrics. */
  observer?: RefreshObserver;
  /** A monotonic clock in milliseconds for the observer's durations (default performance.now); replaceable in tests. */
  monotonicMs?: () => number;
}

export interface RefreshOptions {
  /** Refresh even when the stored token is still fresh ("refresh now"). */
  force?: boolean;
  /**
   * The access token an API just refused with 401: refresh unless the store
   * already holds a different one (someone else refreshed meanwhile).
   */
  rejectedAccessToken?: string;
  /** Refresh when the token expires within this many seconds (instead of the leeway), e.g. for refresh-ahead. */
  minValiditySeconds?: number;
}

/**
 * What keepAlive or refreshAhead did: `refreshed` here, or `not_needed` (a
 * refresh was made since, here or on another server, or there is no refresh token).
 */
export type KeepAliveOutcome = 'refreshed' | 'not_needed';

/** RefreshOptions, and the conditions of keepAlive and refreshAhead: refresh unless, at or after this time, … */
interface FlightOptions extends RefreshOptions {
  /** … the refresh token was issued or used (keepAlive). */
  unlessRenewedSince?: number;
  /** … the access token was issued (refreshAhead). */
  unlessIssuedSince?: number;
}

/** A refresh lease this process took: its id, and when it ends at the latest (performance.now() milliseconds). */
interface HeldLease {
  id: string;
  endsMs: number;
}

interface Backoff {
  until: number;
  seconds: number;
}

interface RefreshBackoff extends Backoff {
  /** What the failed refresh said: held-back callers are told it, as a wrong client secret is no outage. */
  reason: string;
}

const MAX_BACKOFF_SECONDS = 300;
const REJECTION_BACKOFF_SECONDS = 30;
/** Connections remembered as refused after a refresh, at most (oldest out first). */
const MAX_TRACKED_REJECTIONS = 10_000;
/** Back-offs kept before the first sweep of those long over (see #rememberBackoff). */
const BACKOFF_SWEEP_MIN = 1_000;

function toAccessToken(token: StoredTokenSet): AccessToken {
  const accessToken: AccessToken = { accessToken: token.accessToken, tokenType: token.tokenType, scope: token.scope, expiresAt: token.expiresAt, apiBaseUrl: token.apiBaseUrl ?? null };
  if (token.dpopKey) accessToken.dpopKey = token.dpopKey;
  return accessToken;
}

/**
 * Keeps access tokens fresh: `getAccessToken` refreshes when the token
 * expires within the leeway, and a refresh of one (user, provider) runs at
 * most once at a time — in this process by sharing one promise, across
 * processes through the store's lease. Whoever takes the lease reads the
 * store again first, so a refresh another process just finished is used,
 * not repeated. `invalid_grant` marks the connection "needs re-auth" and
 * later calls fail fast; provider faults leave the tokens as they are and
 * back off. createClient makes one (`client.tokens`).
 *
 * @example
 * const tokens = new TokenManager({ registry, store, leewaySeconds: 120 });
 * tokens.on((event) => console.log(event.type, event.provider));
 * const { accessToken } = await tokens.getAccessToken(userId, 'google');
 */
export class TokenManager {
  readonly #registry: ProviderRegistry;
  readonly #store: TokenStore;
  readonly #now: () => number;
  readonly #leeway: number;
  readonly #leaseSeconds: number;
  readonly #waitSeconds: number;
  readonly #backoffSeconds: number;
  readonly #events: TokenEventBus;
  readonly #observer: RefreshObserver;
  readonly #monotonicMs: () => number;
  readonly #inFlight = new Map<string, Promise<StoredTokenSet>>();
  /** Refresh leases this process holds now, by lease id. */
  readonly #heldLeases = new Map<string, { userId: string; provider: string }>();
  /** Set by abandonRefreshes: no lease is taken any more. */
  #abandoned = false;
  readonly #backoffs = new Map<string, RefreshBackoff>();
  /** How many back-offs may be kept before the next sweep of those long over. */
  #backoffSweepAt = BACKOFF_SWEEP_MIN;
  /** Connections whose freshly refreshed token the API refused too: no refresh on a 401 until `until`. */
  readonly #rejections = new Map<string, Backoff>();
  /** Token sets a refresh of this process saved: how keepAlive tells its own refresh from one made elsewhere. */
  readonly #refreshedHere = new WeakSet<StoredTokenSet>();
  /** Stored sets a failed refresh handed back because they still work, with the failure, which keepAlive reports. */
  readonly #fallbacks = new WeakMap<StoredTokenSet, TokenkeeperError>();

  constructor(options: TokenManagerOptions) {
    this.#registry = options.registry;
    this.#store = options.store;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#leeway = options.leewaySeconds ?? 60;
    this.#leaseSeconds = options.leaseSeconds ?? 30;
    this.#waitSeconds = options.waitSeconds ?? this.#leaseSeconds;
    this.#backoffSeconds = options.backoffSeconds ?? 2;
    this.#events = new TokenEventBus(options.onListenerError);
    this.#observer = options.observer ?? {};
    this.#monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  /** Subscribes to token events; returns the unsubscribe function. */
  on(listener: TokenEventListener): () => void {
    return this.#events.on(listener);
  }

  emit(event: TokenEvent): Promise<void> {
    // A new sign-in brings new tokens: an earlier back-off no longer applies to them.
    if (event.type === 'user.signed_in') {
      this.#backoffs.delete(`${event.userId}\u0000${event.provider}`);
      this.#rejections.delete(`${event.userId}\u0000${event.provider}`);
    }
    return this.#events.emit(event);
  }

  /**
   * A valid access token for (user, provider), refreshed first when it is
   * about to expire. `current` is the stored token set when the caller has
   * just read it (null: it found none), which spares reading it again; a
   * refresh reads the store anyway, under its lease.
   *
   * @example
   * const { accessToken, tokenType, expiresAt } = await client.tokens.getAccessToken(userId, 'google');
   * const headers = { authorization: `${tokenType} ${accessToken}` };
   */
  async getAccessToken(userId: string, provider: string, current?: StoredTokenSet | null): Promise<AccessToken> {
    return toAccessToken(await this.#validToken(userId, provider, {}, current));
  }

  /**
   * The access token of `current`, the stored set the caller has just read
   * (null: none), when it can be used as it is: no I/O and no promise, for
   * the proxy's hot path. Undefined when it needs a refresh, which
   * getAccessToken does; throws what getAccessToken would for a missing
   * connection or one that needs re-auth. `minValiditySeconds` replaces the
   * leeway, as in RefreshOptions.
   */
  usableAccessToken(provider: string, current: StoredTokenSet | null, options: Pick<RefreshOptions, 'minValiditySeconds'> = {}): AccessToken | undefined {
    const usable = this.#usable(current ?? undefined, provider, options);
    return usable && toAccessToken(usable);
  }

  /**
   * Whether a 401 from the API may be answered with a refresh and a retry:
   * not while the API is refusing tokens that were just refreshed for it
   * (its fault, or a token that lacks a permission), or every call would
   * rotate the refresh token again.
   */
  mayRefreshAfterRejection(userId: string, provider: string): boolean {
    const rejection = this.#rejections.get(`${userId}\u0000${provider}`);
    return rejection === undefined || rejection.until <= this.#now();
  }

  /**
   * The API refused (401) a token refreshed because of its previous 401, or
   * accepted it: the next such refresh waits a back-off that doubles from
   * 30 s up to 5 minutes while the refusals go on.
   */
  noteRetryAfterRefresh(userId: string, provider: string, refused: boolean): void {
    const key = `${userId}\u0000${provider}`;
    if (!refused) {
      this.#rejections.delete(key);
      return;
    }
    const seconds = Math.min((this.#rejections.get(key)?.seconds ?? REJECTION_BACKOFF_SECONDS / 2) * 2, MAX_BACKOFF_SECONDS);
    if (this.#rejections.size >= MAX_TRACKED_REJECTIONS) this.#rejections.delete(this.#rejections.keys().next().value as string);
    this.#rejections.set(key, { until: this.#now() + seconds, seconds });
  }

  /**
   * How many connections' back-offs this process keeps: one per connection
   * whose last refresh failed, until a refresh succeeds; those that ended 5
   * minutes ago or more are swept as more are added.
   */
  get backoffsKept(): number {
    return this.#backoffs.size;
  }

  /** How many refreshes this process is running now (one per user and provider). */
  get refreshesInFlight(): number {
    return this.#inFlight.size;
  }

  /** Resolves once no refresh is running in this process, including any started while waiting. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  /**
   * For a shutdown that cannot wait any longer: takes no new refresh lease
   * and gives back the ones held, so another server can refresh those
   * tokens at once instead of waiting for the leases to expire. A refresh
   * still running then saves nothing (its lease is gone). Returns how many
   * leases were given back.
   */
  async abandonRefreshes(): Promise<number> {
    // Before any await: the leases held at the call are the ones given back.
    this.#abandoned = true;
    const held = [...this.#heldLeases];
    this.#heldLeases.clear();
    await Promise.all(held.map(([leaseId, { userId, provider }]) => this.#store.releaseRefreshLease(userId, provider, leaseId)));
    return held.length;
  }

  /**
   * Refreshes now (or after a 401, see RefreshOptions) through the same single-flight path.
   *
   * @example
   * // The API refused the token with 401: refresh unless someone else already has.
   * const renewed = await client.tokens.refresh(userId, 'google', { rejectedAccessToken: accessToken });
   */
  async refresh(userId: string, provider: string, options: RefreshOptions = { force: true }): Promise<AccessToken> {
    return toAccessToken(await this.#validToken(userId, provider, options));
  }

  /**
   * Refreshes so that the provider keeps the refresh token alive, unless it
   * was issued or used at or after `since` (epoch seconds): a refresh made
   * since, here or on another server, already did that; a sign-in that
   * brought no new refresh token did not. Decided again
   * under the refresh lease, so two callers at once make one refresh, and
   * through the same single flight as every refresh. Throws what a refresh
   * throws (ReauthRequiredError after invalid_grant, ProviderUnavailableError),
   * also when the failed refresh left a still valid access token in use.
   *
   * @example
   * // The refresh token ends a week after it was issued unless used: keep it alive in its last two days.
   * const outcome = await tokens.keepAlive(userId, 'okta', refreshTokenEndsAt - 2 * 86_400);
   */
  async keepAlive(userId: string, provider: string, since: number): Promise<KeepAliveOutcome> {
    return this.#refreshUnlessDone(userId, provider, { unlessRenewedSince: since });
  }

  /**
   * Refreshes an access token before it expires, unless one was issued at or
   * after `since` (epoch seconds), such as when it was found expiring: a
   * refresh or sign-in made since, here or on another server, already did
   * that. Decided again under the refresh lease, as keepAlive is, and throws
   * what keepAlive throws.
   *
   * @example
   * // Listed at `listedAt` as expiring within two minutes:
   * const outcome = await tokens.refreshAhead(userId, 'google', listedAt);
   */
  async refreshAhead(userId: string, provider: string, since: number): Promise<KeepAliveOutcome> {
    return this.#refreshUnlessDone(userId, provider, { unlessIssuedSince: since });
  }

  async #refreshUnlessDone(userId: string, provider: string, options: FlightOptions): Promise<KeepAliveOutcome> {
    const token = await this.#validToken(userId, provider, options);
    const failure = this.#fallbacks.get(token);
    if (failure) throw failure;
    return this.#refreshedHere.has(token) ? 'refreshed' : 'not_needed';
  }

  /**
   * Asks the provider whether the stored access token still works, where its preset can (Twitch asks apps to,
   * hourly, to learn of a person who disconnected the app). A token it refuses is handled as after a 401
   * (`rejectedAccessToken`): refreshed through the single flight unless another caller did so meanwhile, or, when
   * the refresh token is refused too or there is none, the connection is marked needs re-auth (with its event
   * and webhook) and ReauthRequiredError thrown. Throws ProviderUnavailableError when the provider answered
   * neither way.
   *
   * @example
   * const outcome = await tokens.checkAccessToken(userId, 'twitch'); // 'works', 'renewed' or 'unchecked'
   */
  async checkAccessToken(userId: string, provider: string): Promise<AccessTokenCheckOutcome> {
    const { settings } = this.#registry.get(provider);
    const token = await this.#store.findToken(userId, provider);
    if (!token) throw new NotConnectedError(settings.displayName);
    if (token.status === 'needs_reauth') throw new ReauthRequiredError(settings.displayName);
    const works = await askProviderIfTokenWorks(this.#registry, token);
    if (works === undefined) return 'unchecked';
    if (works) return 'works';
    await this.refresh(userId, provider, { rejectedAccessToken: token.accessToken });
    return 'renewed';
  }

  /**
   * Disconnects: revokes the tokens at the provider when it can (RFC 7009),
   * then deletes them whatever the provider said. Returns what happened at
   * the provider; throws NotConnectedError when there was nothing to revoke.
   *
   * @example
   * const { revokedAtProvider, error } = await client.tokens.revoke(userId, 'github');
   * if (!revokedAtProvider) console.warn('GitHub kept the grant:', error ?? 'no revocation endpoint');
   */
  async revoke(userId: string, provider: string): Promise<RevocationResult> {
    const { settings } = this.#registry.get(provider);
    let token = await this.#store.findToken(userId, provider);
    if (!token) throw new NotConnectedError(settings.displayName);
    let refreshTokenRefused = token.status === 'needs_reauth';
    if (settings.hooks?.revoke && token.refreshToken && token.expiresAt !== null && token.expiresAt <= this.#now()) {
      // A provider-specific revocation (GitHub's grant deletion) is authenticated by a live access token: refresh first.
      token = await this.#validToken(userId, provider, {}, token).catch((error: unknown) => {
        // The provider refused the refresh token (now, or at an earlier refresh), not merely failed to answer.
        refreshTokenRefused = error instanceof ReauthRequiredError;
        return token!;
      });
    }
    const accessTokenExpired = token.expiresAt !== null && token.expiresAt <= this.#now();
    const result = await revokeAtProvider(this.#registry, token, { accessTokenExpired, refreshTokenRefused });
    await this.#store.deleteToken(userId, provider);
    this.#backoffs.delete(`${userId}\u0000${provider}`);
    await this.#events.emit({ type: 'token.revoked', userId, provider, revokedAtProvider: result.revokedAtProvider, revocationError: result.error });
    return result;
  }

  async #validToken(userId: string, provider: string, options: FlightOptions, current?: StoredTokenSet | null): Promise<StoredTokenSet> {
    this.#registry.get(provider);
    const token = current === undefined ? await this.#store.findToken(userId, provider) : (current ?? undefined);
    const usable = this.#usable(token, provider, options);
    if (usable) return usable;
    return this.#singleFlight(userId, provider, options);
  }

  /** The token when it can be used as it is; throws when it never can; undefined when it needs a refresh. */
  #usable(token: StoredTokenSet | undefined, provider: string, options: FlightOptions): StoredTokenSet | undefined {
    const displayName = this.#registry.get(provider).settings.displayName;
    if (!token) throw new NotConnectedError(displayName);
    if (token.status === 'needs_reauth') throw new ReauthRequiredError(displayName);
    const rejected = options.rejectedAccessToken !== undefined && options.rejectedAccessToken === token.accessToken;
    const fresh = token.expiresAt === null || token.expiresAt - this.#now() > (options.minValiditySeconds ?? this.#leewayFor(token));
    // keepAlive's and refreshAhead's refresh is needed unless one was made since (a usable token is never more than
    // that: another caller may share this flight). A sign-in that kept the refresh token renewed the access token only.
    const issuedAt = token.issuedAt ?? Number.NEGATIVE_INFINITY;
    const renewedSince = options.unlessRenewedSince === undefined || (token.refreshTokenUsedAt ?? issuedAt) >= options.unlessRenewedSince;
    const issuedSince = options.unlessIssuedSince === undefined || issuedAt >= options.unlessIssuedSince;
    if (fresh && renewedSince && issuedSince && !rejected && !options.force) return token;
    // Nothing to refresh with: use it while it lasts. Once it has expired, or the API refused it, only a new sign-in
    // helps: undefined sends the caller to the single flight, which marks the connection so, once, under the lease.
    if (!this.#renewable(token) && !rejected && (token.expiresAt === null || token.expiresAt > this.#now())) return token;
    return undefined;
  }

  /** Whether the connection can be refreshed: it has a refresh token, or its provider renews access tokens themselves. */
  #renewable(token: StoredTokenSet): boolean {
    return token.refreshToken !== null || this.#registry.get(token.provider).settings.hooks?.renewAccessToken !== undefined;
  }

  /**
   * The leeway, but never more than half the token's lifetime: a provider
   * issuing 60 s tokens with a 60 s leeway would have every call refresh.
   */
  #leewayFor(token: StoredTokenSet): number {
    if (token.expiresAt === null || token.issuedAt === undefined || token.issuedAt === null) return this.#leeway;
    return Math.min(this.#leeway, Math.floor((token.expiresAt - token.issuedAt) / 2));
  }

  #singleFlight(userId: string, provider: string, options: FlightOptions): Promise<StoredTokenSet> {
    const key = `${userId}\u0000${provider}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const flight = this.#refreshUnderLease(userId, provider, options).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, flight);
    return flight;
  }

  async #refreshUnderLease(userId: string, provider: string, options: FlightOptions): Promise<StoredTokenSet> {
    const deadline = this.#now() + this.#waitSeconds;
    let pause = 20;
    for (let waited = false; ; waited = true) {
      if (this.#abandoned) throw new ProviderUnavailableError('provider_unavailable', 'This server is shutting down and refreshes no more tokens; try again.');
      // Taken before asking: the lease ends no later than this, whatever the store's clock says.
      const leaseEndsMs = performance.now() + this.#leaseSeconds * 1000;
      const leaseId = await this.#store.acquireRefreshLease(userId, provider, this.#now(), this.#leaseSeconds);
      if (leaseId) {
        if (waited) this.#leaseWaited(provider, 'took_over');
        return this.#refreshHoldingLease(userId, provider, { id: leaseId, endsMs: leaseEndsMs }, options);
      }
      // Another process is refreshing: wait for its result instead of sending the same refresh token again.
      await sleep(pause);
      pause = Math.min(pause * 2, 250);
      const token = await this.#store.findToken(userId, provider);
      let usable: StoredTokenSet | undefined;
      try {
        usable = this.#usable(token, provider, { ...options, force: false });
      } catch (error) {
        // Its refresh ended the connection (needs re-auth): that result is ours too.
        this.#leaseWaited(provider, 'joined');
        throw error;
      }
      if (usable) {
        this.#leaseWaited(provider, 'joined');
        return usable;
      }
      if (this.#now() >= deadline) {
        this.#leaseWaited(provider, 'timed_out');
        throw new ProviderUnavailableError('provider_timeout', `A refresh of the ${provider} token by another server did not finish in time.`);
      }
    }
  }

  /**
   * Saves what the provider answered a refresh with, trying again while the store fails (a database restarting, a
   * failover): that answer is the only copy of a rotated refresh token, and the one it replaced no longer works, so
   * giving up at the first failure would leave the connection needing a new sign-in. Gives up a second before the
   * lease ends: after that another server may take it and send the refresh token this answer replaced.
   */
  async #saveRefreshed(userId: string, provider: string, lease: HeldLease, refreshed: TokenSet): Promise<StoredTokenSet | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#store.saveRefreshedTokenSet(userId, provider, lease.id, refreshed, this.#now());
      } catch (error) {
        const wait = SAVE_RETRY_WAITS_MS[attempt];
        if (wait === undefined || performance.now() + wait + 1000 > lease.endsMs) throw new RefreshNotSaved(error);
        await sleep(wait);
      }
    }
  }

  /**
   * Keeps a connection's back-off. Only a success, a new sign-in or a revocation
   * deletes one, so a connection that is never tried again (a user who left
   * during a provider's outage) would keep its back-off for the life of the
   * process. Once the kept ones reach twice what the last sweep left, those
   * that ended at least MAX_BACKOFF_SECONDS ago are dropped: such an entry no
   * longer holds anything back, and only made the next failure's wait
   * double from where it stopped (a quiet connection starts again from
   * the first back-off). Amortized, each back-off costs O(1).
   */
  #rememberBackoff(key: string, backoff: RefreshBackoff): void {
    this.#backoffs.set(key, backoff);
    if (this.#backoffs.size < this.#backoffSweepAt) return;
    const over = this.#now() - MAX_BACKOFF_SECONDS;
    for (const [kept, { until }] of this.#backoffs) if (until <= over) this.#backoffs.delete(kept);
    this.#backoffSweepAt = Math.max(BACKOFF_SWEEP_MIN, this.#backoffs.size * 2);
  }

  /**
   * After a failed or held-back refresh: a token that has not actually
   * expired still works, better than an error, unless a new token was asked
   * for. Returned with the failure kept beside it, which keepAlive reports;
   * else the failure is thrown.
   */
  #stillUsableOrThrow(current: StoredTokenSet, options: FlightOptions, failure: TokenkeeperError): StoredTokenSet {
    if (current.expiresAt !== null && current.expiresAt > this.#now() && options.rejectedAccessToken !== current.accessToken && !options.force) {
      this.#fallbacks.set(current, failure);
      return current;
    }
    throw failure;
  }

  #leaseWaited(provider: string, outcome: LeaseWaitOutcome): void {
    try {
      this.#observer.leaseWaited?.(provider, outcome);
    } catch (error) {
      console.error('tokenkeeper: a refresh observer failed:', error);
    }
  }

  #refreshed(provider: string, outcome: RefreshOutcome, startedMs: number): void {
    try {
      this.#observer.refreshed?.(provider, outcome, (this.#monotonicMs() - startedMs) / 1000);
    } catch (error) {
      console.error('tokenkeeper: a refresh observer failed:', error);
    }
  }

  async #refreshHoldingLease(userId: string, provider: string, lease: HeldLease, options: FlightOptions): Promise<StoredTokenSet> {
    const leaseId = lease.id;
    const key = `${userId}\u0000${provider}`;
    const displayName = this.#registry.get(provider).settings.displayName;
    let leaseOpen = true;
    this.#heldLeases.set(leaseId, { userId, provider });
    try {
      // Read again under the lease: another process may have refreshed while we waited for it.
      const token = await this.#store.findToken(userId, provider);
      const usable = this.#usable(token, provider, { ...options, force: false });
      if (usable && !options.force) return usable;
      const current = token!;
      if (!this.#renewable(current)) {
        const refused = options.rejectedAccessToken !== undefined && options.rejectedAccessToken === current.accessToken;
        if (!refused && (current.expiresAt === null || current.expiresAt > this.#now())) {
          throw new TokenkeeperError('no_refresh_token', `${displayName} gave no refresh token; sign in with ${displayName} again for a new access token.`);
        }
        // The connection has ended as surely as after invalid_grant: it is marked so (listings, the admin site, a
        // connection.needs_reauth webhook), not left active while every call answers needs_reauth.
        await this.#store.recordRefreshFailure(userId, provider, leaseId, { error: 'no_refresh_token', needsReauth: true }, this.#now());
        leaseOpen = false;
        const why = refused ? 'the API refused its access token' : 'its access token has expired';
        await this.#events.emit({ type: 'token.needs_reauth', userId, provider, code: 'no_refresh_token', message: `${displayName} gave no refresh token and ${why}: sign in with ${displayName} again.` });
        throw new ReauthRequiredError(displayName);
      }

      const backoff = this.#backoffs.get(key);
      if (backoff && backoff.until > this.#now()) {
        // Unless a new token was asked for, a token that has not expired still works meanwhile.
        const wait = backoff.until - this.#now();
        const message = `${displayName} failed recently; trying again in ${wait} s. Last refresh: ${backoff.reason}`;
        return this.#stillUsableOrThrow(current, options, new ProviderUnavailableError('provider_unavailable', message, { retryAfterSeconds: wait }));
      }

      let saved: StoredTokenSet | undefined;
      const startedMs = this.#monotonicMs();
      try {
        const refreshed = await requestTokenRefresh(this.#registry, current, this.#now);
        saved = await this.#saveRefreshed(userId, provider, lease, refreshed);
        leaseOpen = false;
        this.#refreshed(provider, saved ? 'ok' : 'superseded', startedMs);
        if (!saved) {
          // The lease was lost (a new sign-in replaced the tokens): use what is stored now.
          const latest = await this.#store.findToken(userId, provider);
          const usableNow = this.#usable(latest, provider, { force: false });
          if (usableNow) return usableNow;
          throw new ProviderUnavailableError('provider_error', `The ${displayName} token changed during the refresh; try again.`);
        }
        this.#backoffs.delete(key);
        this.#refreshedHere.add(saved);
        await this.#events.emit({
          type: 'token.refreshed',
          userId,
          provider,
          expiresAt: saved.expiresAt,
          refreshTokenRotated: refreshed.refreshToken !== null && refreshed.refreshToken !== current.refreshToken,
          scopeChanged: !sameScope(saved.scope, current.scope),
        });
        return saved;
      } catch (error) {
        if (!leaseOpen) throw error;
        // The store failed, not the provider: no back-off, no refresh failure to record (it would fail the same way).
        if (error instanceof RefreshNotSaved) throw error.cause;
        if (error instanceof InvalidGrantError) {
          this.#refreshed(provider, 'needs_reauth', startedMs);
          await this.#store.recordRefreshFailure(userId, provider, leaseId, { error: 'invalid_grant', needsReauth: true }, this.#now());
          leaseOpen = false;
          await this.#events.emit({ type: 'token.needs_reauth', userId, provider, code: error.code, message: error.message });
          throw new ReauthRequiredError(displayName, { cause: error });
        }
        const failure = error instanceof TokenkeeperError ? error : describeProviderFailure(displayName, 'token refresh', error);
        this.#refreshed(provider, failure.code, startedMs);
        await this.#store.recordRefreshFailure(userId, provider, leaseId, { error: failure.code, needsReauth: false }, this.#now());
        leaseOpen = false;
        const doubled = Math.min((backoff?.seconds ?? this.#backoffSeconds / 2) * 2, MAX_BACKOFF_SECONDS);
        // A provider that says when to come back is believed, within the same cap.
        const asked = failure instanceof ProviderUnavailableError && failure.retryAfterSeconds !== null ? Math.min(failure.retryAfterSeconds, MAX_BACKOFF_SECONDS) : 0;
        this.#rememberBackoff(key, { until: this.#now() + Math.max(doubled, asked), seconds: doubled, reason: failure.message });
        await this.#events.emit({ type: 'token.refresh_failed', userId, provider, code: failure.code, message: failure.message });
        return this.#stillUsableOrThrow(current, options, failure);
      }
    } finally {
      // Given back already when abandonRefreshes took it.
      if (leaseOpen && this.#heldLeases.delete(leaseId)) await this.#store.releaseRefreshLease(userId, provider, leaseId);
      this.#heldLeases.delete(leaseId);
    }
  }
}
