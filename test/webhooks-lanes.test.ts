// Each receiver URL has its own lane in a server's delivery job: a receiver
// that never answers (every attempt waits out the timeout) or is down holds
// up only its own messages, never a healthy receiver's. And servers whose
// WEBHOOK_URLS differ for a while, during a rolling change of the variable,
// leave each other's URLs alone: a message for a URL one server has is sent
// by it, not marked failed by a server that does not have it yet (or any
// more); only when no server has sent it an hour after it was due is it
// marked failed.
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { UNCONFIGURED_URL_GRACE_SECONDS } from '../src/core/webhook-delivery.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { testClock, type TestClock } from './support/clock.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { startTestApp, startTestProvider, type TestApp } from './support/test-app.js';
import { newWebhookSecret, sampleEventData as data, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

describeEachDialect('webhook lanes: one receiver per lane', (dialect) => {
  const secret = newWebhookSecret();
  let database: TestDatabase;
  let provider: DevProvider;
  let healthy: WebhookReceiver;
  let hanging: WebhookReceiver;
  let servers: TestApp[] = [];
  let clock: TestClock;

  const start = (urls: string[], webhookTimeoutMs?: number) =>
    startTestApp({
      databaseUrl: database.url,
      sharedProvider: provider,
      env: { WEBHOOK_URLS: urls.join(','), WEBHOOK_SECRET: secret },
      now: () => clock.now(),
      ...(webhookTimeoutMs ? { webhookTimeoutMs } : {}),
    });
  const rows = () => database.db.selectFrom('webhook_deliveries').selectAll().orderBy('created_at').orderBy('id').execute();

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    provider = await startTestProvider();
    healthy = await startWebhookReceiver(secret);
    hanging = await startWebhookReceiver(secret);
  });
  afterEach(async () => {
    for (const server of servers) await server.close();
    servers = [];
    await database.db.deleteFrom('webhook_deliveries').execute();
    healthy.reset();
    hanging.reset();
  });
  afterAll(async () => {
    await healthy?.close();
    await hanging?.close();
    await provider?.close();
    await database?.close();
  });

  it('a receiver that never answers does not delay a healthy one: its messages all arrive long before the first attempt to the other times out', async () => {
    clock = testClock();
    // Every attempt to `hanging` waits out the whole timeout, 5 s.
    hanging.answerNext(...Array.from({ length: 40 }, () => 'hang' as const));
    const server = await start([hanging.url, healthy.url], 5000);
    servers = [server];
    const startedAt = Date.now();
    for (let n = 0; n < 12; n += 1) await server.runtime.webhooks.enqueue('connection.created', data(n));
    await vi.waitFor(() => expect(healthy.received).toHaveLength(12), { timeout: 3000, interval: 20 });
    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(healthy.received.every((request) => request.verified)).toBe(true);
    // The hanging receiver has its own four attempts in flight, no more.
    expect(hanging.received).toHaveLength(4);

    // A message written while that lane is full goes out to the healthy receiver at once too.
    await server.runtime.webhooks.enqueue('connection.revoked', { ...data(99), status: 'revoked' });
    await vi.waitFor(() => expect(healthy.ofType('connection.revoked')).toHaveLength(1), { timeout: 2000, interval: 20 });
    expect(hanging.received).toHaveLength(4);
  });

  it('a rolling change of WEBHOOK_URLS: a server without a URL leaves its messages to the servers with it, and marks them failed only when none sent them for an hour', async () => {
    clock = testClock();
    const older = await start([healthy.url]);
    const newer = await start([healthy.url, hanging.url]);
    servers = [older, newer];
    // The newer server's job is stopped, as if it were busy or restarting: only the older one looks at the outbox.
    await newer.runtime.webhookDelivery!.stop();
    await newer.runtime.webhooks.enqueue('connection.created', data(1));
    await older.runtime.webhookDelivery!.runOnce();
    let [toHealthy, toAdded] = await rows().then((all) => [all.find((row) => row.url === healthy.url), all.find((row) => row.url === hanging.url)]);
    expect(toHealthy).toMatchObject({ status: 'delivered', attempts: 1 });
    // Not the older server's to send, nor to fail: it is left pending, unleased.
    expect(toAdded).toMatchObject({ status: 'pending', attempts: 0, last_error: null, lease_id: null });
    expect(hanging.received).toHaveLength(0);

    // A server that has the URL sends it.
    const another = await start([healthy.url, hanging.url]);
    servers.push(another);
    await another.runtime.webhookDelivery!.runOnce();
    [toAdded] = (await rows()).filter((row) => row.url === hanging.url);
    expect(toAdded).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(hanging.received).toHaveLength(1);
    expect(hanging.received[0]!.verified).toBe(true);
    await another.close();
    servers.pop();

    // A URL no running server has: left pending for the grace period, then marked failed by a server that looks.
    await newer.runtime.webhooks.enqueue('connection.created', data(2));
    await older.runtime.webhookDelivery!.runOnce();
    clock.advance(UNCONFIGURED_URL_GRACE_SECONDS - 60);
    await older.runtime.webhookDelivery!.runOnce();
    let orphan = (await rows()).filter((row) => row.url === hanging.url && row.status !== 'delivered');
    expect(orphan).toHaveLength(1);
    expect(orphan[0]).toMatchObject({ status: 'pending', attempts: 0 });
    clock.advance(61);
    await older.runtime.webhookDelivery!.runOnce();
    orphan = (await rows()).filter((row) => row.url === hanging.url && row.status !== 'delivered');
    expect(orphan[0]).toMatchObject({ status: 'failed', attempts: 0, last_error: 'the URL is no longer in WEBHOOK_URLS', lease_id: null });
    expect(hanging.received).toHaveLength(1);
  });
});
