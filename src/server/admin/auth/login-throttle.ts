/**
 * Counts failed admin password checks per key (a client IP, an account) in
 * a sliding window, in memory. Only attempts that reach the password check
 * count: a request refused earlier (no CSRF token, a bad body) costs the
 * real admin nothing. The OWASP Authentication Cheat Sheet's "account
 * lockout" advice: count failures per account as well as per client, so
 * guessing one password from many addresses is slowed too, and lock for a
 * short time only, so a lock-out ends by itself.
 */
export interface LoginThrottleOptions {
  /** Failures allowed per key within the window; the next attempt is refused. */
  maxFailures: number;
  windowSeconds: number;
  /** Epoch seconds. */
  now: () => number;
  /** Keys kept at most; the oldest are forgotten first, so a flood of usernames cannot exhaust memory. */
  maxKeys?: number;
}

const DEFAULT_MAX_KEYS = 10_000;

export class LoginThrottle {
  readonly #options: Required<LoginThrottleOptions>;
  /** Key → times of its failures (and of attempts still being checked), oldest first. */
  readonly #failures = new Map<string, number[]>();

  constructor(options: LoginThrottleOptions) {
    this.#options = { maxKeys: DEFAULT_MAX_KEYS, ...options };
  }

  /** Seconds until every one of `keys` may try again, or 0 when none is over its limit. */
  retryAfter(keys: readonly string[]): number {
    const now = this.#options.now();
    let wait = 0;
    for (const key of keys) {
      const times = this.#recent(key, now);
      if (times.length >= this.#options.maxFailures) {
        const oldest = times[times.length - this.#options.maxFailures]!;
        wait = Math.max(wait, oldest + this.#options.windowSeconds - now);
      }
    }
    return wait;
  }

  /**
   * Counts an attempt as failed for each key now, before its password is
   * checked, so concurrent attempts cannot all slip under the limit. Call
   * the returned function when the password turned out right.
   */
  begin(keys: readonly string[]): () => void {
    const now = this.#options.now();
    for (const key of keys) {
      const times = this.#recent(key, now);
      times.push(now);
      // Re-inserted: the map's order is then least recently failed first.
      this.#failures.delete(key);
      this.#failures.set(key, times);
    }
    while (this.#failures.size > this.#options.maxKeys) this.#failures.delete(this.#failures.keys().next().value!);
    return () => {
      for (const key of keys) {
        const times = this.#failures.get(key);
        const at = times?.lastIndexOf(now) ?? -1;
        if (times && at >= 0) times.splice(at, 1);
        if (times?.length === 0) this.#failures.delete(key);
      }
    };
  }

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((at) => at > now - this.#options.windowSeconds);
    if (times.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, times);
    return times;
  }
}
