import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { trustedCertificates } from '../client/outbound-fetch.js';
import type { DatabaseSchema } from '../db/schema.js';
import { databaseOutageLog } from './outage-log.js';
import {
  claimDueWebhookDeliveries,
  dueWebhookUrls,
  recordWebhookAttempt,
  releaseWebhookLeases,
  type WebhookAttemptOutcome,
  type WebhookDelivery,
} from '../db/webhook-delivery.repository.js';
import type { TokenkeeperMetrics } from './metrics.js';
import type { WebhookOutbox } from './webhook-outbox.js';
import type { CoreConfig, Tokenkeeper } from './tokenkeeper.js';
import { signWebhook } from './webhook-signature.js';

/**
 * The wait before each retry, after the first attempt failed, then the
 * second… : the example schedule of Standard Webhooks ("Deliverability and
 * reliability", https://www.standardwebhooks.com/), Svix's own, spanning
 * about three days — from seconds (a blip) to a day (an outage over a
 * weekend night). After the last retry fails the row is marked failed;
 * "Retry now" in the admin site sends it again.
 */
export const RETRY_DELAYS_SECONDS: readonly number[] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600];
/** Each retry waits up to this share longer, at random, so a receiver back from an outage is not hit by every message at once. */
const JITTER = 0.1;
export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_POLL_MS = 1000;
/** Longest Retry-After honoured (429, 503): the schedule's longest wait. */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;
/** Of an answer's body, at most this much is read (and dropped) so the connection can be reused. */
const MAX_ANSWER_BYTES = 64 * 1024;
/**
 * A row for a URL this server's WEBHOOK_URLS does not name is left to the
 * servers that name it: during a rolling change of WEBHOOK_URLS a server of
 * the old or the new list sends it. Once it has been due this long and no
 * server has sent it, no server has its URL any more, and the row is marked
 * failed.
 */
export const UNCONFIGURED_URL_GRACE_SECONDS = 3600;

export type WebhookOutcome = 'delivered' | 'retry' | 'failed';

interface AttemptResult {
  ok: boolean;
  error: string | null;
  /** Seconds the receiver asked to wait (429 or 503 with Retry-After). */
  retryAfter: number | null;
  /** The receiver answered 410 Gone: no retry. */
  gone?: boolean;
}

export interface WebhookDeliveryOptions {
  db: Kysely<DatabaseSchema>;
  outbox: WebhookOutbox;
  /** WEBHOOK_SECRET's keys, newest first: each request is signed under every one. */
  signingKeys: readonly Buffer[];
  logger: Logger;
  metrics: TokenkeeperMetrics;
  /** Epoch seconds: the outbox's times and `webhook-timestamp`; replaceable in tests. */
  now: () => number;
  /** CA_FILE: receivers behind a private CA are trusted as providers are. */
  caFile?: string | null;
  /** Each attempt, connection to answer, is cut after this long (default 10 s). */
  timeoutMs?: number;
  /** How often the outbox is looked at for due rows (default 1 s); a message enqueued in this process wakes the job at once. */
  pollMs?: number;
  /** Attempts at once to each URL (default 4): a receiver that hangs or fails holds up only its own messages. */
  concurrency?: number;
  /** Rows of URLs no longer in WEBHOOK_URLS marked failed per pass (default 20). */
  batchSize?: number;
  retryDelaysSeconds?: readonly number[];
  /** [0, 1) for the jitter (default Math.random). */
  random?: () => number;
}

export interface WebhookPassResult {
  delivered: number;
  retry: number;
  failed: number;
}

export interface WebhookDeliveryJob {
  /** Runs a pass over the due rows after any pass already running; resolves with what it sent. */
  runOnce(): Promise<WebhookPassResult>;
  /** Stops polling and claims nothing more; attempts in flight finish (each within the timeout). */
  stop(): Promise<void>;
}

/** The URL for logs and pages: origin and path, without a query that may hold a receiver's own token. */
export function displayWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

function retryAfterSeconds(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil(date / 1000) - now);
}

function describeError(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return (code ? `${code}: ${message}` : message).slice(0, 200);
}

/**
 * Sends the outbox's messages (Standard Webhooks): each due row under a lease,
 * so one server at a time sends it, at least once; a 2xx answer is
 * delivered, anything else (another status, a redirect — never followed —, a
 * timeout, a refused connection) is retried on RETRY_DELAYS_SECONDS, then
 * marked failed. Started by `serve` (server/runtime.ts) when WEBHOOK_URLS is set.
 *
 * Each URL has its own lane: up to `concurrency` attempts at once, and a row
 * is claimed only when a slot of its URL is free, then sent at once. A
 * receiver that never answers (each attempt waits the whole timeout) or is
 * down keeps its own slots busy and nothing else: the others' messages go
 * out as soon as they are written.
 */
export function startWebhookDelivery(options: WebhookDeliveryOptions): WebhookDeliveryJob {
  const { db, outbox, logger, metrics, now } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const batchSize = options.batchSize ?? 20;
  const concurrency = options.concurrency ?? 4;
  const delays = options.retryDelaysSeconds ?? RETRY_DELAYS_SECONDS;
  const random = options.random ?? Math.random;
  // A claimed row is sent at once: the attempt's timeout, with room to save the result.
  const leaseSeconds = Math.ceil(timeoutMs / 1000) + 30;
  const ca = options.caFile ? trustedCertificates(options.caFile) : undefined;
  const agent = new Agent({ connect: ca ? { ca } : {}, keepAliveTimeout: 10_000 });
  let stopping = false;
  let chain: Promise<unknown> = Promise.resolve();
  let queued = 0;
  /** Attempts in flight, per URL. */
  const inFlight = new Map<string, number>();
  const running = new Set<Promise<void>>();
  /** URLs whose last claim took every free slot: more of their rows may be due once one frees. */
  const saturated = new Set<string>();

  async function send(delivery: WebhookDelivery): Promise<AttemptResult> {
    const timestamp = now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Tokenkeeper-Webhooks',
      'webhook-id': delivery.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(options.signingKeys, delivery.messageId, timestamp, delivery.payload),
    };
    try {
      // undici's request follows no redirect: a 3xx is an answer like any other non-2xx.
      const answer = await request(delivery.url, { method: 'POST', headers, body: delivery.payload, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
      await answer.body.dump({ limit: MAX_ANSWER_BYTES }).catch(() => {});
      if (answer.statusCode >= 200 && answer.statusCode < 300) return { ok: true, error: null, retryAfter: null };
      const redirect = answer.statusCode >= 300 && answer.statusCode < 400 ? ' (redirects are not followed)' : '';
      const asked = answer.statusCode === 429 || answer.statusCode === 503 ? retryAfterSeconds(answer.headers['retry-after'], timestamp) : null;
      // Standard Webhooks: 410 Gone says the endpoint is gone for good, so retrying is no use.
      if (answer.statusCode === 410) return { ok: false, error: 'HTTP 410 Gone: the receiver says this endpoint no longer exists (remove it from WEBHOOK_URLS); not retried', retryAfter: null, gone: true };
      return { ok: false, error: `HTTP ${answer.statusCode}${redirect}`, retryAfter: asked };
    } catch (error) {
      return { ok: false, error: describeError(error, timeoutMs), retryAfter: null };
    }
  }

  function outcomeOf(delivery: WebhookDelivery, result: AttemptResult, at: number): WebhookAttemptOutcome {
    const attempts = delivery.attempts + 1;
    if (result.ok) return { status: 'delivered', attempts, nextAttemptAt: delivery.nextAttemptAt, lastError: null, at };
    if (result.gone) return { status: 'failed', attempts, nextAttemptAt: delivery.nextAttemptAt, lastError: result.error, at };
    // The first attempt and one per delay; a row retried by hand past the schedule gets one attempt each time.
    const delay = delays[attempts - 1];
    if (delay === undefined) return { status: 'failed', attempts, nextAttemptAt: delivery.nextAttemptAt, lastError: result.error, at };
    const wait = Math.max(delay + Math.floor(random() * delay * JITTER), Math.min(result.retryAfter ?? 0, MAX_RETRY_AFTER_SECONDS));
    return { status: 'pending', attempts, nextAttemptAt: at + wait, lastError: result.error, at };
  }

  /** Saves an outcome, counts and logs it. */
  async function record(delivery: WebhookDelivery, leaseId: string, outcome: WebhookAttemptOutcome): Promise<WebhookOutcome> {
    const where = { deliveryId: delivery.id, messageId: delivery.messageId, type: delivery.eventType, url: displayWebhookUrl(delivery.url) };
    const saved = await recordWebhookAttempt(db, delivery.id, leaseId, outcome);
    if (!saved) logger.warn(where, 'webhook attempt not recorded: its lease expired and another server took the message');
    const label: WebhookOutcome = outcome.status === 'delivered' ? 'delivered' : outcome.status === 'failed' ? 'failed' : 'retry';
    metrics.webhookDelivery(label);
    if (label === 'delivered') logger.debug({ ...where, attempts: outcome.attempts }, 'webhook delivered');
    else if (label === 'retry') logger.warn({ ...where, attempts: outcome.attempts, error: outcome.lastError, nextAttemptAt: outcome.nextAttemptAt }, 'webhook attempt failed; will retry');
    else logger.error({ ...where, attempts: outcome.attempts, error: outcome.lastError }, 'webhook failed: no more retries');
    return label;
  }

  /** One attempt, in the slot of its URL; when it ends, a URL with more due rows gets its next one claimed at once. */
  function startAttempt(delivery: WebhookDelivery, leaseId: string, result: WebhookPassResult): Promise<void> {
    const { url } = delivery;
    inFlight.set(url, (inFlight.get(url) ?? 0) + 1);
    const attempt: Promise<void> = (async () => {
      try {
        const outcome = outcomeOf(delivery, await send(delivery), now());
        result[await record(delivery, leaseId, outcome)] += 1;
      } catch (error) {
        // A database fault: the lease expires and the row is sent again, by this server or another.
        logger.warn({ err: error, deliveryId: delivery.id }, 'webhook attempt could not be saved');
      }
    })().finally(() => {
      const left = (inFlight.get(url) ?? 1) - 1;
      if (left > 0) inFlight.set(url, left);
      else inFlight.delete(url);
      running.delete(attempt);
      if (saturated.has(url)) runQueued();
    });
    running.add(attempt);
    return attempt;
  }

  /** The rows of a URL no longer configured here, due for UNCONFIGURED_URL_GRACE_SECONDS: marked failed, not sent. */
  async function failUnconfigured(url: string, at: number, result: WebhookPassResult): Promise<void> {
    const { leaseId, deliveries } = await claimDueWebhookDeliveries(db, { now: at, leaseSeconds, limit: batchSize, url, dueBy: at - UNCONFIGURED_URL_GRACE_SECONDS });
    for (const delivery of deliveries) {
      const outcome: WebhookAttemptOutcome = { status: 'failed', attempts: delivery.attempts, nextAttemptAt: delivery.nextAttemptAt, lastError: 'the URL is no longer in WEBHOOK_URLS', at };
      result[await record(delivery, leaseId, outcome)] += 1;
    }
  }

  /** Claims, for each URL with due rows, as many as it has free slots, and starts their attempts (not waited for). */
  async function claim(): Promise<{ result: WebhookPassResult; attempts: Promise<void>[] }> {
    const result: WebhookPassResult = { delivered: 0, retry: 0, failed: 0 };
    const attempts: Promise<void>[] = [];
    if (stopping) return { result, attempts };
    const at = now();
    for (const url of await dueWebhookUrls(db, at)) {
      if (stopping) break;
      if (!outbox.urls.includes(url)) {
        await failUnconfigured(url, at, result);
        continue;
      }
      const free = concurrency - (inFlight.get(url) ?? 0);
      if (free <= 0) {
        saturated.add(url);
        continue;
      }
      const { leaseId, deliveries } = await claimDueWebhookDeliveries(db, { now: at, leaseSeconds, limit: free, url });
      if (deliveries.length === free) saturated.add(url);
      else saturated.delete(url);
      if (stopping) {
        // Stopping while claiming: give them back at once instead of leaving them to the lease's expiry.
        await releaseWebhookLeases(db, deliveries.map((delivery) => delivery.id), leaseId);
        break;
      }
      for (const delivery of deliveries) attempts.push(startAttempt(delivery, leaseId, result));
    }
    return { result, attempts };
  }

  /** Claims run one at a time in this process; the attempts they start run on in their lanes. */
  function claimInTurn(): Promise<{ result: WebhookPassResult; attempts: Promise<void>[] }> {
    queued += 1;
    const run = chain.then(claim).finally(() => {
      queued -= 1;
    });
    chain = run.catch(() => {});
    return run;
  }

  async function runOnce(): Promise<WebhookPassResult> {
    const { result, attempts } = await claimInTurn();
    await Promise.all(attempts);
    // And those of earlier passes (a wake-up's): once this resolves, every attempt begun before it is saved.
    await Promise.allSettled([...running]);
    return result;
  }

  /** For the timer and wake-ups: one claim waiting behind the running one is enough. */
  const outage = databaseOutageLog(logger, 'webhook delivery', 'webhook delivery pass failed; will try again');
  function runQueued(): void {
    if (stopping || queued > 1) return;
    claimInTurn().then(
      () => outage.succeeded(),
      (error: unknown) => outage.failed(error),
    );
  }

  const unsubscribe = outbox.onEnqueued(runQueued);
  const timer = setInterval(runQueued, options.pollMs ?? DEFAULT_POLL_MS);
  timer.unref();
  runQueued();

  let stopped: Promise<void> | null = null;
  return {
    runOnce,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(timer);
        unsubscribe();
        await chain;
        await Promise.allSettled([...running]);
        await agent.close();
      })();
      return stopped;
    },
  };
}

/**
 * The delivery job of an application whose configuration names webhook URLs
 * (WEBHOOK_URLS, or the library's `webhooks` option), or null when it names
 * none: `serve`, a library process and a CLI command each start it so.
 */
export function startApplicationWebhookDelivery(
  application: Tokenkeeper<CoreConfig>,
  options: Pick<WebhookDeliveryOptions, 'timeoutMs' | 'pollMs'> = {},
): WebhookDeliveryJob | null {
  const { config } = application;
  if (!config.webhooks) return null;
  return startWebhookDelivery({
    db: application.database.db,
    outbox: application.webhooks,
    signingKeys: config.webhooks.signingKeys,
    logger: application.logger,
    metrics: application.metrics,
    now: application.now,
    caFile: config.caFile,
    ...options,
  });
}
