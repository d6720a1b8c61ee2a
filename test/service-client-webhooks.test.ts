// verifyWebhook on the webhooks the real app sends: a sign-in and a
// disconnect made through the service client, delivered by the app's
// delivery job to a receiver on 127.0.0.1 (support/webhook-receiver.ts, which
// keeps each request's Node headers and raw body), while WEBHOOK_SECRET is
// being changed: every request is signed under the new and the old secret.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createServiceClient, verifyWebhook, WebhookVerificationError, type WebhookEvent } from '../src/service-client/index.js';
import { describeEachDialect } from './support/postgres.js';
import { ALL_PERMISSIONS, newServiceKey } from './support/service-api.js';
import { signedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';
import { newWebhookSecret, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

describeEachDialect('verifyWebhook on the webhooks the app sends', (dialect) => {
  const next = newWebhookSecret();
  const old = newWebhookSecret();
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    // A receiver that has not been given the new secret yet.
    receiver = await startWebhookReceiver(old);
  });
  afterAll(() => receiver?.close());
  const { app } = useTestApp(dialect, () => ({ env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: `${next},${old}` } }));

  let userId: string;
  let created: ReceivedWebhook;
  let revoked: ReceivedWebhook;
  beforeAll(async () => {
    userId = (await signedInUser(app(), 'alice')).userId;
    const origin = await app().runtime.app.listen({ port: 0, host: '127.0.0.1' });
    const client = createServiceClient({ baseUrl: origin, key: await newServiceKey(app(), 'worker', ALL_PERMISSIONS) });
    await client.setExternalId(userId, 'cus_alice');
    await client.disconnect(userId, 'toolkit');
    // The job also sends at once what this server wrote: run it until both are in, whichever run sent them.
    await vi.waitFor(async () => {
      await app().runtime.webhookDelivery!.runOnce();
      expect(receiver.received.map((request) => request.payload.type).sort()).toEqual(['connection.created', 'connection.revoked']);
    });
    created = receiver.ofType('connection.created')[0]!;
    revoked = receiver.ofType('connection.revoked')[0]!;
  });

  it('a delivery, as Node received it (headers object, raw body as text or bytes), verifies under the old secret, the new one, or both', () => {
    expect(created.verified).toBe(true);
    const expected = JSON.parse(created.body) as unknown;
    for (const secret of [old, next, [next, old], `${next},${old}`]) {
      expect(verifyWebhook(secret, created.headers, created.body)).toEqual(expected);
      expect(verifyWebhook(secret, created.headers, Buffer.from(created.body))).toEqual(expected);
    }
    // The request's headers as a fetch-style receiver (Hono, a Next.js route) sees them.
    const headers = new Headers(Object.entries(created.headers).map(([name, value]): [string, string] => [name, String(value)]));
    expect(verifyWebhook(old, headers, created.body)).toEqual(expected);
  });

  it('the event comes back typed: connection.created and connection.revoked with the user, your id for them, and the provider', () => {
    const events: WebhookEvent[] = [verifyWebhook(old, created.headers, created.body), verifyWebhook(old, revoked.headers, revoked.body)];
    const seen = events.map((event) => {
      switch (event.type) {
        case 'connection.created':
          return { type: event.type, user: event.data.user_id, provider: event.data.provider, status: event.data.status };
        case 'connection.revoked':
          return { type: event.type, user: event.data.user_id, externalId: event.data.external_id, status: event.data.status };
        default:
          return { type: event.type };
      }
    });
    expect(seen).toEqual([
      { type: 'connection.created', user: userId, provider: 'toolkit', status: 'active' },
      { type: 'connection.revoked', user: userId, externalId: 'cus_alice', status: 'revoked' },
    ]);
  });

  it('refuses the delivery under a third secret, with its body changed, replayed after 5 minutes, or without its signature', () => {
    const refused = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookVerificationError);
        return (error as WebhookVerificationError).reason;
      }
      return 'accepted';
    };
    expect(refused(() => verifyWebhook(newWebhookSecret(), created.headers, created.body))).toBe('no_matching_signature');
    expect(refused(() => verifyWebhook(old, created.headers, created.body.replace(userId, 'someone-else')))).toBe('no_matching_signature');
    expect(refused(() => verifyWebhook(old, revoked.headers, created.body))).toBe('no_matching_signature');
    expect(refused(() => verifyWebhook(old, created.headers, created.body, { now: () => created.timestamp + 301 }))).toBe('timestamp_out_of_tolerance');
    expect(refused(() => verifyWebhook(old, created.headers, created.body, { now: () => created.timestamp + 300 }))).toBe('accepted');
    const { 'webhook-signature': _signature, ...unsigned } = created.headers;
    expect(refused(() => verifyWebhook(old, unsigned, created.body))).toBe('missing_header');
  });
});
