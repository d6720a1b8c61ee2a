/** An access token as the service API hands it out. */
export interface AccessToken {
  accessToken: string;
  /** `bearer`, as a rule: what goes before the token in `Authorization`. */
  tokenType: string;
  /** When it expires (epoch seconds, the server's clock); null: the provider gave no expiry. */
  expiresAt: number | null;
  scope: string | null;
}

/** What one request asks the service API for. */
export interface TokenRequest {
  minTtlSeconds: number;
  forceRefresh: boolean;
  rejectedAccessToken?: string;
}

interface Slot {
  token?: AccessToken;
  /** The latest request in flight, of any kind: a plain call joins it, its answer being at least as fresh as a stored one. */
  latest?: Promise<AccessToken>;
  /** Requests in flight naming a refused token, by that token: callers that saw the same token refused share one. */
  rejected: Map<string, Promise<AccessToken>>;
  /** Moves on at each forced or rejected-token request, so an answer asked for before it cannot overwrite its newer token. */
  generation: number;
}

/**
 * The per-process cache of a service client's access tokens, by user and
 * provider: a token is reused while it has more than the caller's
 * `minTtlSeconds` left, and concurrent callers share one request (single
 * flight), as the server's own token manager does for refreshes. Across
 * processes, the server coalesces: each process asks once.
 */
export class AccessTokenCache {
  readonly #slots = new Map<string, Slot>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(maxEntries: number, now: () => number) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  /** A token that has more than `minTtlSeconds` left (or no stated expiry). */
  #fresh(token: AccessToken, minTtlSeconds: number): boolean {
    return token.expiresAt === null || token.expiresAt - this.#now() > minTtlSeconds;
  }

  #slot(key: string): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { rejected: new Map(), generation: 0 };
      this.#slots.set(key, slot);
      this.#evict();
    }
    return slot;
  }

  /** Past the limit, drops the slots used least recently (a Map iterates in insertion order; a use re-inserts) that have nothing in flight. */
  #evict(): void {
    for (const [key, slot] of this.#slots) {
      if (this.#slots.size <= this.#maxEntries) return;
      if (!slot.latest) this.#slots.delete(key);
    }
  }

  /** Marks a slot as just used, for eviction. */
  #touch(key: string, slot: Slot): void {
    this.#slots.delete(key);
    this.#slots.set(key, slot);
  }

  async get(key: string, request: TokenRequest, ask: (request: TokenRequest) => Promise<AccessToken>): Promise<AccessToken> {
    const slot = this.#slot(key);
    this.#touch(key, slot);
    const { rejectedAccessToken, forceRefresh, minTtlSeconds } = request;
    if (rejectedAccessToken !== undefined) {
      if (slot.token?.accessToken === rejectedAccessToken) slot.token = undefined;
      const shared = slot.rejected.get(rejectedAccessToken);
      if (shared && !forceRefresh) return shared;
      const flight = this.#fly(key, slot, request, ask, true);
      slot.rejected.set(rejectedAccessToken, flight);
      const forget = () => {
        if (slot.rejected.get(rejectedAccessToken) === flight) slot.rejected.delete(rejectedAccessToken);
      };
      flight.then(forget, forget);
      return flight;
    }
    if (forceRefresh) return this.#fly(key, slot, request, ask, true);
    if (slot.token && this.#fresh(slot.token, minTtlSeconds)) return slot.token;
    if (slot.latest) {
      const joined = await slot.latest;
      // Asked for with another caller's min_ttl_seconds: good enough unless it has less left than this caller wants.
      if (this.#fresh(joined, minTtlSeconds)) return joined;
    }
    return this.#fly(key, slot, request, ask, false);
  }

  /** One request, shared with plain calls until it ends; its token kept unless a newer request started meanwhile. */
  #fly(key: string, slot: Slot, request: TokenRequest, ask: (request: TokenRequest) => Promise<AccessToken>, supersedes: boolean): Promise<AccessToken> {
    if (supersedes) slot.generation += 1;
    const generation = slot.generation;
    const flight = ask(request).then((token) => {
      const frozen = Object.freeze({ ...token });
      if (slot.generation === generation) slot.token = frozen;
      return frozen;
    });
    slot.latest = flight;
    const settle = () => {
      if (slot.latest === flight) slot.latest = undefined;
      if (!slot.latest && slot.rejected.size === 0 && slot.token === undefined && this.#slots.get(key) === slot) this.#slots.delete(key);
    };
    flight.then(settle, settle);
    return flight;
  }

  /** Forgets the token kept for `key` (requests in flight still answer their callers). */
  forget(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    slot.token = undefined;
    slot.generation += 1;
  }
}
