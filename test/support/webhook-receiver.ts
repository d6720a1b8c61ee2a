// A webhook receiver on 127.0.0.1, as a customer of Tokenkeeper would write
// one from the Standard Webhooks specification
// (https://www.standardwebhooks.com/, "Verifying signatures"): it checks each
// request's signature on its own — the key is WEBHOOK_SECRET's base64 after
// `whsec_`, the signed content `<webhook-id>.<webhook-timestamp>.<raw body>`,
// HMAC-SHA256, base64, compared in constant time with each `v1,` entry of the
// space-separated header — and never calls the code under test.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEventData } from '../../src/core/webhook-outbox.js';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  signature: string;
  /** The raw body, as received. */
  body: string;
  /** The signature matched and the timestamp was within 5 minutes of the receiver's clock. */
  verified: boolean;
  /** The JSON body. */
  payload: { type: string; timestamp: unknown; data: Record<string, unknown> };
  headers: IncomingMessage['headers'];
  path: string;
}

/** What the receiver does with a request: answer with a status (and headers), or never answer. */
export type ReceiverAnswer = { status: number; headers?: Record<string, string> } | 'hang';

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT/hooks */
  url: string;
  origin: string;
  /** Every request that reached the receiver, in order, answered or not. */
  received: ReceivedWebhook[];
  /** Queues answers for the next requests; once they are used up, each gets 200. */
  answerNext(...answers: ReceiverAnswer[]): void;
  /** Requests of one message (by `webhook-id`). */
  attemptsOf(id: string): ReceivedWebhook[];
  ofType(type: string): ReceivedWebhook[];
  /** Forgets the requests received and the answers queued (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** A `whsec_` secret as an operator would make one: 32 random bytes, base64. */
/** The data of a test event, numbered: what an outbox row carries, for tests that write rows directly. */
export const sampleEventData = (n: number): WebhookEventData => ({ user_id: `user-${n}`, external_id: null, provider: 'toolkit', subject: `sub-${n}`, status: 'active' });

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function verifyStandardWebhook(secret: string, id: string, timestamp: string, body: string, signatureHeader: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatureHeader.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const TOLERANCE_SECONDS = 300;

/** `now` is the receiver's clock in epoch seconds (the test's clock, shared with the app). */
export async function startWebhookReceiver(secret: string, now: () => number = () => Math.floor(Date.now() / 1000)): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queued: ReceiverAnswer[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(request.headers['webhook-id'] ?? '');
      const timestampText = String(request.headers['webhook-timestamp'] ?? '');
      const signature = String(request.headers['webhook-signature'] ?? '');
      const timestamp = Number(timestampText);
      const fresh = /^\d+$/.test(timestampText) && Math.abs(now() - timestamp) <= TOLERANCE_SECONDS;
      let payload: ReceivedWebhook['payload'];
      try {
        payload = JSON.parse(body) as ReceivedWebhook['payload'];
      } catch {
        payload = { type: '(not JSON)', timestamp: null, data: {} };
      }
      received.push({
        id,
        timestamp,
        signature,
        body,
        verified: fresh && verifyStandardWebhook(secret, id, timestampText, body, signature),
        payload,
        headers: request.headers,
        path: request.url ?? '',
      });
      const answer = queued.shift() ?? { status: 200 };
      if (answer === 'hang') return;
      response.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/hooks`,
    origin,
    received,
    answerNext: (...answers) => queued.push(...answers),
    attemptsOf: (id) => received.filter((request) => request.id === id),
    ofType: (type) => received.filter((request) => request.payload.type === type),
    reset: () => {
      received.length = 0;
      queued.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
