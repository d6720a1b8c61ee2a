/**
 * Tokenkeeper from a backend in Node (`tokenkeeper/service-client`): a typed
 * client of the service API (`createServiceClient`: access tokens kept and
 * shared between concurrent callers, users, connect links, disconnect, the
 * provider proxy) and the check of the webhooks Tokenkeeper sends
 * (`verifyWebhook`, Standard Webhooks). It loads Node's fetch and crypto
 * only: none of the server, the database or the OAuth client.
 *
 * @packageDocumentation
 */
export type { AccessToken } from './access-token-cache.js';
export { ServiceApiConnectionError, ServiceApiError } from './service-api-error.js';
export {
  createServiceClient,
  type AccessTokenOptions,
  type ConnectionPage,
  type ConnectLink,
  type ConnectLinkOptions,
  type ListConnectionsOptions,
  type ListedServiceConnection,
  type ServiceClient,
  type ServiceClientOptions,
  type ServiceConnection,
  type ServiceUser,
  type UserLookup,
  type UserRef,
} from './service-client.js';
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
