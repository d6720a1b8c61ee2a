import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookEvent } from './webhook-events.js';

/**
 * A webhook request's headers: a plain object in any case (Node's
 * `request.headers`, whose values may be arrays; Express's, Fastify's) or a
 * WHATWG `Headers` (fetch, Hono, Next.js route handlers).
 */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookOptions {
  /**
   * How far `webhook-timestamp` may be from this clock, either way, in
   * seconds (default 300, the five minutes Standard Webhooks recommends):
   * further, the request is refused as a replay (or a clock far off).
   */
  toleranceSeconds?: number;
  /** The receiver's clock in epoch seconds (default: the system clock). */
  now?: () => number;
}

/** Which of verifyWebhook's checks refused a request. */
export type WebhookVerificationFailure = 'missing_header' | 'invalid_secret' | 'invalid_timestamp' | 'timestamp_out_of_tolerance' | 'no_matching_signature' | 'invalid_body';

/**
 * A webhook request verifyWebhook refused; `message` says which check failed.
 * Answer it with a 4xx (401, say): the sender retries, and the request it
 * retries is signed anew.
 *
 * @example
 * try {
 *   const event = verifyWebhook(process.env.WEBHOOK_SECRET!, request.headers, rawBody);
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) console.warn(error.reason, error.message);
 * }
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly reason: WebhookVerificationFailure;

  constructor(reason: WebhookVerificationFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

const PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DEFAULT_TOLERANCE_SECONDS = 300;

/** A header's value, whatever the headers' kind and the name's case; several values (repeated header) joined. */
function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(' ');
}

/** The HMAC keys of the secrets: `whsec_` and base64 each (Standard Webhooks' serialization), as WEBHOOK_SECRET holds them. */
function signingKeys(secret: string | readonly string[]): Buffer[] {
  const secrets = (typeof secret === 'string' ? secret.split(',') : [...secret]).map((value) => (typeof value === 'string' ? value.trim() : ''));
  if (secrets.length === 0 || secrets.every((value) => value === '')) throw new WebhookVerificationError('invalid_secret', 'No webhook secret was given: pass WEBHOOK_SECRET (whsec_…).');
  return secrets.map((value, index) => {
    const which = secrets.length > 1 ? ` (secret ${index + 1} of ${secrets.length})` : '';
    if (!value.startsWith(PREFIX)) throw new WebhookVerificationError('invalid_secret', `The webhook secret${which} must start with ${PREFIX}, as WEBHOOK_SECRET does.`);
    const encoded = value.slice(PREFIX.length);
    if (encoded === '' || !BASE64.test(encoded)) throw new WebhookVerificationError('invalid_secret', `The webhook secret${which} must be ${PREFIX} followed by standard base64.`);
    return Buffer.from(encoded, 'base64');
  });
}

/** The `v1` signatures of the header, decoded; entries of other versions (`v1a`, asymmetric) are not ours to check. */
function v1Signatures(value: string): Buffer[] {
  // Node joins a repeated header with ", ": the comma is dropped from the entry it ends (base64 has none).
  return value
    .split(/\s+/)
    .map((entry) => entry.replace(/,$/, ''))
    .flatMap((entry) => {
      const comma = entry.indexOf(',');
      if (comma === -1 || entry.slice(0, comma) !== 'v1') return [];
      return [Buffer.from(entry.slice(comma + 1), 'base64')];
    });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a webhook Tokenkeeper sent, as the Standard Webhooks specification
 * has a receiver do (https://www.standardwebhooks.com/, "Verifying
 * signatures"), and returns its body parsed. The signature is the base64
 * HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>` keyed by the
 * base64-decoded part of the secret after `whsec_`; the request passes when
 * any `v1` entry of `webhook-signature` matches under any of the secrets,
 * compared in constant time, and `webhook-timestamp` is within
 * `toleranceSeconds` of the clock. Give it the body exactly as received:
 * JSON parsed and serialized again is not what was signed.
 *
 * `secret` is WEBHOOK_SECRET as the server has it: one `whsec_` secret, a
 * comma-separated list, or an array. While a secret is being changed, give
 * both (new and old) and either verifies.
 *
 * The `webhook-id` is the same on every retry and to every URL: drop one you
 * have handled (the sender delivers at least once).
 *
 * @throws WebhookVerificationError naming the check that failed: a missing
 * header, a secret not `whsec_<base64>`, a timestamp that is not epoch
 * seconds or is outside the tolerance, no matching signature, or a body that
 * is not a JSON event.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { verifyWebhook, WebhookVerificationError } from 'tokenkeeper/service-client';
 *
 * createServer((request, response) => {
 *   const chunks: Buffer[] = [];
 *   request.on('data', (chunk: Buffer) => chunks.push(chunk));
 *   request.on('end', () => {
 *     try {
 *       const event = verifyWebhook(process.env.WEBHOOK_SECRET!, request.headers, Buffer.concat(chunks));
 *       if (event.type === 'connection.needs_reauth') console.log('ask', event.data.user_id, 'to reconnect', event.data.provider);
 *       response.writeHead(204).end();
 *     } catch (error) {
 *       response.writeHead(error instanceof WebhookVerificationError ? 401 : 500).end();
 *     }
 *   });
 * }).listen(8080);
 */
export function verifyWebhook(secret: string | readonly string[], headers: WebhookHeaders, rawBody: string | Uint8Array, options: VerifyWebhookOptions = {}): WebhookEvent {
  const keys = signingKeys(secret);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  const missing = [id ? null : 'webhook-id', timestamp ? null : 'webhook-timestamp', signature ? null : 'webhook-signature'].filter((name) => name !== null);
  if (missing.length > 0) throw new WebhookVerificationError('missing_header', `The request has no ${missing.join(', ')} header: it is not a Standard Webhooks request.`);

  if (!/^\d{1,15}$/.test(timestamp!)) throw new WebhookVerificationError('invalid_timestamp', `webhook-timestamp is not epoch seconds: "${timestamp!.slice(0, 40)}".`);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ? options.now() : Math.floor(Date.now() / 1000);
  const offset = Number(timestamp) - now;
  if (Math.abs(offset) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `webhook-timestamp is ${Math.abs(offset)} s ${offset < 0 ? 'old' : 'in the future'}, more than the ${tolerance} s allowed: a replayed request, or a clock far off.`,
    );
  }

  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const given = v1Signatures(signature!);
  if (given.length === 0) throw new WebhookVerificationError('no_matching_signature', 'webhook-signature has no v1 signature.');
  const matched = keys.some((key) => {
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
    // Every entry is compared, matched or not, so the time taken says nothing of which one (or how much of it) matched.
    return given.map((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected)).includes(true);
  });
  if (!matched) {
    throw new WebhookVerificationError(
      'no_matching_signature',
      `No signature of webhook-signature matches under the ${keys.length === 1 ? 'secret' : `${keys.length} secrets`}: a body changed on the way (verify the raw body, not JSON serialized again), or another secret.`,
    );
  }

  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('invalid_body', 'The signed body is not JSON.');
  }
  if (!isRecord(event) || typeof event.type !== 'string' || typeof event.timestamp !== 'number' || !isRecord(event.data)) {
    throw new WebhookVerificationError('invalid_body', 'The signed body is not a webhook event: { type, timestamp, data }.');
  }
  return event as unknown as WebhookEvent;
}
