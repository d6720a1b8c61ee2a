// tokenkeeper/service-client writes out the webhooks' bodies (its WebhookEvent)
// rather than importing the server's types, so that a backend loads none of
// the server: these checks, made by the type-checker (npm run typecheck), hold
// the two together. A type the server sends that the client does not name, or
// an event the client types as the server never sends it, fails to compile.
import { expectTypeOf, it } from 'vitest';
import type { WebhookEventData, WebhookEventType as SentType, WebhookPayload } from '../src/core/webhook-outbox.js';
import type { WebhookEvent, WebhookEventType } from '../src/service-client/index.js';

it("WebhookEvent names every type the server sends, and each event's body is one the server may send", () => {
  expectTypeOf<WebhookEventType>().toEqualTypeOf<SentType>();
  expectTypeOf<WebhookEvent>().toExtend<WebhookPayload>();
  expectTypeOf<WebhookEvent['data']['status']>().toEqualTypeOf<WebhookEventData['status']>();
  expectTypeOf<keyof WebhookEvent['data']>().toEqualTypeOf<Exclude<keyof WebhookEventData, 'reason'>>();
});
