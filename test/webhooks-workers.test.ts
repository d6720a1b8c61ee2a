// Several servers on one database (PostgreSQL, and one SQLite file), each
// with its own delivery job: the outbox's lease gives each message to one of
// them, so a receiver that answers 200 gets each exactly once; and a message
// written before a server stops is sent by the next one to start.
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { newId } from '../src/db/id.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { startTestApp, startTestProvider, type TestApp } from './support/test-app.js';
import { newWebhookSecret, sampleEventData as data, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

describeEachDialect('webhooks sent by several servers', (dialect) => {
  const secret = newWebhookSecret();
  let database: TestDatabase;
  let provider: DevProvider;
  let receiver: WebhookReceiver;
  let servers: TestApp[] = [];

  const start = (webhookTimeoutMs?: number) =>
    startTestApp({ databaseUrl: database.url, sharedProvider: provider, env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret }, ...(webhookTimeoutMs ? { webhookTimeoutMs } : {}) });

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    provider = await startTestProvider();
    receiver = await startWebhookReceiver(secret);
  });
  afterEach(async () => {
    for (const server of servers) await server.close();
    servers = [];
    await database.db.deleteFrom('webhook_deliveries').execute();
    receiver.reset();
  });
  afterAll(async () => {
    await receiver?.close();
    await provider?.close();
    await database?.close();
  });

  it('two servers sending the same outbox: each message reaches the receiver exactly once', async () => {
    servers = [await start(), await start()];
    const [a, b] = servers as [TestApp, TestApp];
    // Written by both, while both jobs run (each write wakes its own job).
    await Promise.all(Array.from({ length: 60 }, (_, n) => (n % 2 === 0 ? a : b).runtime.webhooks.enqueue('connection.created', data(n))));
    for (let pass = 0; pass < 10; pass += 1) {
      await Promise.all([a.runtime.webhookDelivery!.runOnce(), b.runtime.webhookDelivery!.runOnce()]);
      const pending = await database.db.selectFrom('webhook_deliveries').select('id').where('status', '!=', 'delivered').execute();
      if (pending.length === 0) break;
    }
    const rows = await database.db.selectFrom('webhook_deliveries').select(['message_id', 'status', 'attempts']).execute();
    expect(rows).toHaveLength(60);
    expect(rows.every((row) => row.status === 'delivered' && Number(row.attempts) === 1)).toBe(true);
    expect(receiver.received).toHaveLength(60);
    expect(new Set(receiver.received.map((request) => request.id))).toEqual(new Set(rows.map((row) => row.message_id)));
    expect(receiver.received.every((request) => request.verified)).toBe(true);
  });

  it('a graceful shutdown lets the attempts in flight finish and leaves the messages it had not begun unclaimed', async () => {
    const server = await start(300);
    servers = [server];
    receiver.answerNext('hang', 'hang', 'hang', 'hang');
    // Ten messages made due in one statement (as another server would write them), so one pass claims them all.
    const now = Math.floor(Date.now() / 1000);
    await database.db
      .insertInto('webhook_deliveries')
      .values(Array.from({ length: 10 }, (_, n) => ({ id: newId(), message_id: `msg_shutdown${n}`, event_type: 'connection.created', url: receiver.url, payload: JSON.stringify({ n }), next_attempt_at: now, created_at: now })))
      .execute();
    void server.runtime.webhookDelivery!.runOnce();
    // Four attempts at once (the job's concurrency), each left hanging by the receiver until the timeout.
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4));
    const result = await server.runtime.shutdown();
    servers = [];
    expect(result.cutShort).toBe(false);
    const rows = await database.db.selectFrom('webhook_deliveries').select(['status', 'attempts', 'lease_id', 'last_error']).execute();
    expect(rows.filter((row) => Number(row.attempts) === 1 && row.status === 'pending' && row.last_error === 'no answer within 0.3 s')).toHaveLength(4);
    expect(rows.filter((row) => Number(row.attempts) === 0 && row.status === 'pending')).toHaveLength(6);
    expect(rows.every((row) => row.lease_id === null)).toBe(true);
    expect(receiver.received).toHaveLength(4);
  });

  it('a message written before a restart is sent after it', async () => {
    const first = await start();
    servers = [first];
    // Its job is stopped first, so the message stays in the outbox when the server goes.
    await first.runtime.webhookDelivery!.stop();
    await first.runtime.webhooks.enqueue('user.deleted', { ...data(1), provider: null, subject: null, status: 'deleted' });
    await first.close();
    servers = [];
    expect(receiver.received).toHaveLength(0);

    const second = await start();
    servers = [second];
    await second.runtime.webhookDelivery!.runOnce();
    expect(receiver.ofType('user.deleted')).toHaveLength(1);
    expect(receiver.received[0]!.verified).toBe(true);
    const [row] = await database.db.selectFrom('webhook_deliveries').selectAll().execute();
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
