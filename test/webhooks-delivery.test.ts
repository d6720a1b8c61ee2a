// How the outbox is sent to a real receiver: a 2xx answer is delivered; any
// other answer, a redirect (never followed), or no answer within the
// timeout is retried on the schedule, walked through by moving the app's
// clock; after the last retry the message is failed. The receiver checks
// every signature on its own (support/webhook-receiver.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RETRY_DELAYS_SECONDS } from '../src/core/webhook-delivery.js';
import type { WebhookEventData } from '../src/core/webhook-outbox.js';
import { testClock, type TestClock } from './support/clock.js';
import { describeEachDialect, DIALECTS } from './support/postgres.js';
import { parsePrometheusText, sampleValue } from './support/prometheus-text.js';
import { useTestApp } from './support/use-test-app.js';
import { newWebhookSecret, startWebhookReceiver, verifyStandardWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

const DATA: WebhookEventData = { user_id: '01TESTUSER0000000000000000', external_id: 'cus_1', provider: 'toolkit', subject: 'sub-1', status: 'active' };
/** A retry waits its delay plus up to 10 % (jitter): past that, it is due. */
const pastRetry = (delay: number) => Math.ceil(delay * 1.1) + 1;

it('the retry schedule backs off from seconds to a day', () => {
  expect(RETRY_DELAYS_SECONDS[0]).toBe(5);
  expect(RETRY_DELAYS_SECONDS.at(-1)).toBe(24 * 3600);
  expect([...RETRY_DELAYS_SECONDS].sort((a, b) => a - b)).toEqual(RETRY_DELAYS_SECONDS);
});

describeEachDialect('webhook delivery', (dialect) => {
  const secret = newWebhookSecret();
  let clock: TestClock = testClock();
  let receiver: WebhookReceiver;
  const logs: string[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver(secret, () => clock.now());
  });
  afterAll(() => receiver?.close());
  beforeEach(() => {
    clock = testClock();
    receiver.reset();
  });
  const { app, database } = useTestApp(
    dialect,
    () => ({
      env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret },
      now: () => clock.now(),
      // Short for the test of a receiver that never answers, long enough that a loaded machine answers every other attempt in time.
      webhookTimeoutMs: 1500,
      logLevel: 'trace',
      logDestination: { write: (line: string) => void logs.push(line) },
    }),
    { perTest: true },
  );

  const job = () => app().runtime.webhookDelivery!;
  const rows = () => database().db.selectFrom('webhook_deliveries').selectAll().execute();
  const metric = async (outcome: string) => sampleValue(parsePrometheusText(await app().runtime.metrics.text()), 'tokenkeeper_webhook_deliveries_total', { outcome });

  async function enqueueOne(): Promise<string> {
    await app().runtime.webhooks.enqueue('connection.created', DATA);
    const [row] = await rows();
    return row!.message_id;
  }

  it('500 then 200: sent again after the back-off with the same id and body, a new timestamp, two attempts counted', async () => {
    receiver.answerNext({ status: 500 });
    const id = await enqueueOne();
    expect(await job().runOnce()).toEqual({ delivered: 0, retry: 0, failed: 0 }); // the wake-up's pass sent it already
    let [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 500', lease_id: null });
    expect(Number(row!.next_attempt_at) - clock.now()).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[0]!);

    // Not before the back-off is over.
    clock.advance(RETRY_DELAYS_SECONDS[0]! - 1);
    await job().runOnce();
    expect(receiver.attemptsOf(id)).toHaveLength(1);

    clock.advance(pastRetry(RETRY_DELAYS_SECONDS[0]!));
    expect(await job().runOnce()).toEqual({ delivered: 1, retry: 0, failed: 0 });
    const attempts = receiver.attemptsOf(id);
    expect(attempts).toHaveLength(2);
    expect(attempts.every((attempt) => attempt.verified)).toBe(true);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    expect(attempts[1]!.timestamp).toBe(clock.now());
    expect(attempts[1]!.timestamp).toBeGreaterThan(attempts[0]!.timestamp);
    [row] = await rows();
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, last_error: null, lease_id: null });
    expect(await metric('retry')).toBe(1);
    expect(await metric('delivered')).toBe(1);
    expect(await metric('failed')).toBe(0);
  });

  it('a receiver that keeps failing gets the first attempt and one per retry, then the message is failed and sent no more', async () => {
    receiver.answerNext(...Array.from({ length: RETRY_DELAYS_SECONDS.length + 1 }, () => ({ status: 503 })));
    const id = await enqueueOne();
    await job().runOnce();
    for (const delay of RETRY_DELAYS_SECONDS) {
      clock.advance(pastRetry(delay));
      await job().runOnce();
    }
    expect(receiver.attemptsOf(id)).toHaveLength(RETRY_DELAYS_SECONDS.length + 1);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'failed', attempts: RETRY_DELAYS_SECONDS.length + 1, last_error: 'HTTP 503' });
    clock.advance(7 * 86_400);
    await job().runOnce();
    expect(receiver.attemptsOf(id)).toHaveLength(RETRY_DELAYS_SECONDS.length + 1);
    expect(await metric('retry')).toBe(RETRY_DELAYS_SECONDS.length);
    expect(await metric('failed')).toBe(1);
  });

  it('a receiver that does not answer is cut at the timeout and retried', async () => {
    receiver.answerNext('hang');
    const id = await enqueueOne();
    await job().runOnce();
    let [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'no answer within 1.5 s', lease_id: null });
    clock.advance(pastRetry(RETRY_DELAYS_SECONDS[0]!));
    await job().runOnce();
    [row] = await rows();
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(receiver.attemptsOf(id)).toHaveLength(2);
  });

  it('a redirect is not followed: it counts as a failed attempt', async () => {
    receiver.answerNext({ status: 307, headers: { location: `${receiver.origin}/elsewhere` } });
    await enqueueOne();
    await job().runOnce();
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 307 (redirects are not followed)' });
    expect(receiver.received.map((request) => request.path)).toEqual(['/hooks']);
  });

  it('410 Gone: the endpoint says it no longer exists, so the message is failed at once, not retried', async () => {
    receiver.answerNext({ status: 410 });
    await enqueueOne();
    await job().runOnce();
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.last_error).toMatch(/^HTTP 410 Gone/);
    clock.advance(86_400);
    await job().runOnce();
    expect(receiver.received).toHaveLength(1);
  });

  it("a 503 with Retry-After longer than the schedule's wait is believed", async () => {
    receiver.answerNext({ status: 503, headers: { 'retry-after': '900' } });
    await enqueueOne();
    await job().runOnce();
    const [row] = await rows();
    expect(Number(row!.next_attempt_at)).toBe(clock.now() + 900);
  });

  it('the log names the message and the URL, never the secret or a signature', async () => {
    logs.length = 0;
    receiver.answerNext({ status: 500 });
    await enqueueOne();
    await job().runOnce();
    clock.advance(pastRetry(RETRY_DELAYS_SECONDS[0]!));
    await job().runOnce();
    const text = logs.join('');
    expect(text).toContain('webhook attempt failed; will retry');
    expect(text).toContain('webhook delivered');
    expect(receiver.received).toHaveLength(2);
    const key = secret.slice('whsec_'.length);
    expect(text).not.toContain(key);
    expect(text).not.toContain(Buffer.from(key, 'base64').toString('hex'));
    for (const request of receiver.received) expect(text).not.toContain(request.signature.slice(3));
  });
});

describe('a WEBHOOK_SECRET being changed: the new secret, then the old one', () => {
  const newSecret = newWebhookSecret();
  const oldSecret = newWebhookSecret();
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    // The receiver has not been given the new secret yet.
    receiver = await startWebhookReceiver(oldSecret);
  });
  afterAll(() => receiver?.close());
  const { app } = useTestApp(DIALECTS[0]!, () => ({ env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: `${newSecret},${oldSecret}` } }));

  it('each request carries a signature under each, so a receiver holding either one verifies it', async () => {
    await app().runtime.webhooks.enqueue('connection.created', DATA);
    await app().runtime.webhookDelivery!.runOnce();
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.signature.split(' ').map((entry) => entry.slice(0, 3))).toEqual(['v1,', 'v1,']);
    expect(request!.verified).toBe(true);
    expect(verifyStandardWebhook(newSecret, request!.id, String(request!.timestamp), request!.body, request!.signature)).toBe(true);
    const [underNew] = request!.signature.split(' ');
    expect(verifyStandardWebhook(oldSecret, request!.id, String(request!.timestamp), request!.body, underNew!)).toBe(false);
  });
});
