/**
 * Tokenkeeper from a backend in Node (`tokenkeeper/service-client`): the
 * check of the webhooks Tokenkeeper sends (`verifyWebhook`, Standard
 * Webhooks). It loads Node's crypto only: none of the server, the database
 * or the OAuth client.
 *
 * @packageDocumentation
 */
export { verifyWebhook, WebhookVerificationError, type VerifyWebhookOptions, type WebhookHeaders, type WebhookVerificationFailure } from './verify-webhook.js';
export type {
  ConnectionCreatedEvent,
  ConnectionEventData,
  ConnectionNeedsReauthEvent,
  ConnectionRefreshFailedEvent,
  ConnectionRevokedEvent,
  ConnectionUpdatedEvent,
  UserDeletedEvent,
  WebhookEvent,
  WebhookEventType,
} from './webhook-events.js';
