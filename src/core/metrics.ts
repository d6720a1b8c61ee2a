import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorCode } from '../client/error-codes.js';
import type { RefreshObserver } from '../client/refresh-observer.js';

/** How a sign-in callback ended: a returning user, a new one, a provider linked to a signed-in user, or the error's code. */
export type SignInOutcome = 'ok' | 'new_user' | 'linked' | ErrorCode;

export interface TokenCount {
  provider: string;
  status: string;
  count: number;
}

/** Statuses a token row can have (the tokens table's check constraint): each provider shows all, zero included. */
const TOKEN_STATUSES = ['active', 'needs_reauth'];
const PREFIX = 'tokenkeeper_';
/** Outcomes of a webhook attempt: each shows from the start, 0 until it happens. */
const WEBHOOK_OUTCOMES = ['delivered', 'retry', 'failed'] as const;

/** The route label of a request no route matched (a 404): never its path, which could hold anything. */
export const UNMATCHED_ROUTE = 'unmatched';

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/**
 * Tokenkeeper's Prometheus metrics, in a registry of their own. Every label
 * value comes from a closed set — configured provider names, route patterns,
 * HTTP methods and statuses, outcomes and error codes — so no label ever
 * holds a user, a path with ids or a token; a provider name that is not
 * configured (taken from a URL) is not counted.
 */
export class TokenkeeperMetrics {
  readonly registry = new Registry();
  readonly #providers: ReadonlySet<string>;
  readonly #http: Histogram<'route' | 'method' | 'status_code'>;
  readonly #signIns: Counter<'provider' | 'outcome'>;
  readonly #refreshes: Counter<'provider' | 'outcome'>;
  readonly #serviceTokenReads: Counter<'service' | 'provider' | 'outcome'>;
  readonly #refreshDuration: Histogram<'provider' | 'outcome'>;
  readonly #leaseWaits: Counter<'provider' | 'outcome'>;
  readonly #proxy: Histogram<'provider' | 'status_class'>;
  readonly #tokens: Gauge<'provider' | 'status'>;
  readonly #webhookDeliveries: Counter<'outcome'>;
  #processMetrics = false;

  /** Feed for TokenManager (TokenManagerOptions.observer). */
  readonly refreshObserver: RefreshObserver;

  constructor(providers: readonly string[]) {
    this.#providers = new Set(providers);
    const registers = [this.registry];
    this.#http = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP requests answered, by route pattern, method and status code, and how long they took.',
      labelNames: ['route', 'method', 'status_code'],
      registers,
    });
    this.#signIns = new Counter({
      name: `${PREFIX}sign_ins_total`,
      help: 'Sign-in callbacks by provider and outcome: ok, new_user, linked, or the error code.',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.#refreshes = new Counter({
      name: `${PREFIX}refreshes_total`,
      help: 'Token refreshes sent to providers, by provider and outcome: ok, needs_reauth, superseded, or the error code.',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.#refreshDuration = new Histogram({
      name: `${PREFIX}refresh_duration_seconds`,
      help: 'Time from sending a refresh request to its result stored, by provider and outcome.',
      labelNames: ['provider', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#leaseWaits = new Counter({
      name: `${PREFIX}refresh_lease_waits_total`,
      help: "Callers that waited for another process's refresh instead of making one: joined its result, took_over an expired lease, or timed_out.",
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.#proxy = new Histogram({
      name: `${PREFIX}proxy_request_duration_seconds`,
      help: "Calls to provider APIs through the proxy, by provider and the API's status class (error: no answer), until the answer's headers.",
      labelNames: ['provider', 'status_class'],
      registers,
    });
    this.#tokens = new Gauge({
      name: `${PREFIX}tokens`,
      help: 'Stored token sets by provider and status, as counted by the last periodic count.',
      labelNames: ['provider', 'status'],
      registers,
    });
    this.#webhookDeliveries = new Counter({
      name: `${PREFIX}webhook_deliveries_total`,
      help: 'Webhook attempts by outcome: delivered (a 2xx answer), retry (failed, to be sent again), failed (no more retries).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of WEBHOOK_OUTCOMES) this.#webhookDeliveries.inc({ outcome }, 0);
    this.#serviceTokenReads = new Counter({
      name: `${PREFIX}service_token_reads_total`,
      help: "Access tokens asked for through the service API, by service key name, provider and outcome (ok, or the answer's error code).",
      labelNames: ['service', 'provider', 'outcome'],
      registers,
    });
    this.refreshObserver = {
      refreshed: (provider, outcome, seconds) => {
        if (!this.#providers.has(provider)) return;
        this.#refreshes.inc({ provider, outcome });
        this.#refreshDuration.observe({ provider, outcome }, seconds);
      },
      leaseWaited: (provider, outcome) => {
        if (this.#providers.has(provider)) this.#leaseWaits.inc({ provider, outcome });
      },
    };
  }

  /** The scrape's Content-Type (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Adds prom-client's process and Node.js metrics (CPU, memory, file
   * descriptors, event-loop lag, GC, heap), prefixed like ours. Only where
   * metrics are served: it keeps an event-loop delay monitor running.
   */
  collectProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** `route` is the route's pattern (e.g. /auth/:provider/callback), or UNMATCHED_ROUTE. */
  httpRequest(route: string, method: string, statusCode: number, seconds: number): void {
    this.#http.observe({ route, method, status_code: statusCode }, seconds);
  }

  signIn(provider: string, outcome: SignInOutcome): void {
    if (this.#providers.has(provider)) this.#signIns.inc({ provider, outcome });
  }

  /** A proxied API call: `status` is the API's answer, or null when none came (an error before or instead of it). */
  proxied(provider: string, status: number | null, seconds: number): void {
    if (this.#providers.has(provider)) this.#proxy.observe({ provider, status_class: status === null ? 'error' : statusClass(status) }, seconds);
  }

  /**
   * A service's access-token request (POST /api/v1/…/access-token). `service`
   * is the key's name: a label from a closed set too, the keys an operator made.
   */
  serviceTokenRead(service: string, provider: string, outcome: 'ok' | ErrorCode): void {
    if (this.#providers.has(provider)) this.#serviceTokenReads.inc({ service, provider, outcome });
  }

  /** One webhook attempt's outcome (core/webhook-delivery.ts). */
  webhookDelivery(outcome: (typeof WEBHOOK_OUTCOMES)[number]): void {
    this.#webhookDeliveries.inc({ outcome });
  }

  /** Replaces the token gauge with a fresh count; every configured provider shows every status, 0 when it has none. */
  setTokenCounts(counts: readonly TokenCount[]): void {
    this.#tokens.reset();
    for (const provider of this.#providers) for (const status of TOKEN_STATUSES) this.#tokens.set({ provider, status }, 0);
    for (const { provider, status, count } of counts) this.#tokens.set({ provider, status }, count);
  }
}
