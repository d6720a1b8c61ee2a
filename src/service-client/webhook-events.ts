// The webhooks' bodies as the server sends them (src/core/webhook-outbox.ts,
// README "Webhooks"), written out here so a backend that imports only this
// entry point has them: test/service-client-types.test.ts holds the two to
// each other.

/** Who and which connection a webhook is about; never a token value. */
export interface ConnectionEventData {
  /** Tokenkeeper's id for the user. */
  user_id: string;
  /** Your id for the user (set with `setExternalId` or a connect link), or null. */
  external_id: string | null;
  provider: string;
  /** The user's identity at the provider (its `sub`), or null when none is linked. */
  subject: string | null;
}

/** A connection made: a first sign-in or link with the provider, or one after a disconnect. */
export interface ConnectionCreatedEvent {
  type: 'connection.created';
  /** When the event happened (epoch seconds); order is not guaranteed, so compare these. */
  timestamp: number;
  data: ConnectionEventData & { status: 'active' };
}

/** A connection that needed re-auth was reconnected, or it now has other scopes (a sign-in, link or refresh). */
export interface ConnectionUpdatedEvent {
  type: 'connection.updated';
  timestamp: number;
  data: ConnectionEventData & { status: 'active'; reason: 'reconnected' | 'scope_changed' };
}

/** The provider failed a refresh (5xx, timeout, nonsense): the tokens are kept and it is asked again after a back-off. */
export interface ConnectionRefreshFailedEvent {
  type: 'connection.refresh_failed';
  timestamp: number;
  /** `reason`: the error code (`provider_error`, `provider_timeout`…). */
  data: ConnectionEventData & { status: 'active'; reason: string };
}

/** The provider refused the grant (or gave no refresh token and the access token ended): the person must connect again. */
export interface ConnectionNeedsReauthEvent {
  type: 'connection.needs_reauth';
  timestamp: number;
  /** `reason`: `invalid_grant` or `no_refresh_token`. */
  data: ConnectionEventData & { status: 'needs_reauth'; reason: string };
}

/** A disconnect, from wherever it was made. */
export interface ConnectionRevokedEvent {
  type: 'connection.revoked';
  timestamp: number;
  data: ConnectionEventData & { status: 'revoked' };
}

/** The user was deleted (after a `connection.revoked` for each of their connections). */
export interface UserDeletedEvent {
  type: 'user.deleted';
  timestamp: number;
  data: { user_id: string; external_id: string | null; provider: null; subject: null; status: 'deleted' };
}

/**
 * A verified webhook's body, told apart by `type`. A server newer than this
 * package may send a type it does not list: `verifyWebhook` returns such an
 * event as it came, so give a `switch` over `type` a `default` that ignores it.
 */
export type WebhookEvent = ConnectionCreatedEvent | ConnectionUpdatedEvent | ConnectionRefreshFailedEvent | ConnectionNeedsReauthEvent | ConnectionRevokedEvent | UserDeletedEvent;

/** Every `type` of {@link WebhookEvent}. */
export type WebhookEventType = WebhookEvent['type'];
