// Several servers on one database (PostgreSQL, and one SQLite file), each
// with its own delivery job: the outbox's lease gives each message to one of
// them, so a receiver that answers 200 gets each exactly once; and a message
// written before a server stops is sent by the next one to start.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { WebhookEventData } from '../src/core/webhook-outbox.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { startTestApp, startTestProvider, type TestApp } from './support/test-app.js';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const data = (n: number): WebhookEventData => ({ user_id: `user-${n}`, external_id: null, provider: 'toolkit', subject: `sub-${n}`, status: 'active' });

describeEachDialect('webhooks sent by several servers', (dialect) => {
  const secret = newWebhookSecret();
  let database: TestDatabase;
  let provider: DevProvider;
  let receiver: WebhookReceiver;
  let servers: TestApp[] = [];

  const start = () => startTestApp({ databaseUrl: database.url, sharedProvider: provider, env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret } });

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    provider = await startTestProvider();
    receiver = await startWebhookReceiver(secret);
  });
  afterEach(async () => {
    for (const server of servers) await server.close();
    servers = [];
    await database.db.deleteFrom('webhook_deliveries').execute();
    receiver.received.length = 0;
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
