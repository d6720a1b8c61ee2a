import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

// Row shapes as stored. Conventions shared by both dialects:
// - timestamps are integers in epoch seconds (bigint in PostgreSQL, parsed to JS numbers);
// - booleans are integers 0/1 (mapped to boolean by each repository's rowToX);
// - JSON is text (parsed by rowToX);
// - ids are text from newId().

export interface UsersTable {
  id: string;
  username: string;
  email: string | null;
  /** 1 when the provider that gave `email` said it verified it, 0 when it said not, null when it did not say. */
  email_verified: ColumnType<number | null, number | null | undefined, number | null>;
  name: string | null;
  is_token_user: ColumnType<number, number | undefined, number>;
  provider: string | null;
  is_staff: ColumnType<number, number | undefined, number>;
  is_superuser: ColumnType<number, number | undefined, number>;
  is_active: ColumnType<number, number | undefined, number>;
  /** scrypt/argon2 hash; staff users only. */
  password_hash: string | null;
  date_joined: number;
  last_login: number | null;
  /** The user's id in a calling system (set through the service API); unique where set. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AccountsTable {
  id: string;
  user_id: string;
  provider: string;
  issuer: string;
  subject: string;
  /** JSON text of the latest ID token / userinfo claims. */
  claims: string;
  created_at: number;
  updated_at: number;
}

export type TokenStatus = 'active' | 'needs_reauth';

export interface TokensTable {
  id: string;
  user_id: string;
  provider: string;
  token_type: string;
  scope: string | null;
  /** Ciphertext (TokenCipher), never plaintext. */
  access_token: string;
  refresh_token: string | null;
  id_token: string | null;
  expires_at: number | null;
  /** When the access token was issued (epoch seconds); null for tokens stored before this was kept. */
  issued_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** This connection's own API origin, when the provider names one per connection (Salesforce's instance_url). */
  api_base_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** The regional server this connection was made at (Zoho's accounts-server), when not the configured one; null: the configured one. */
  authorization_server_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** The redirect_uri this connection's grant was made with, which some providers want again in a refresh; null: not kept. */
  redirect_uri: ColumnType<string | null, string | null | undefined, string | null>;
  /** Parameters of the authorization response the provider wants again in every refresh (VK ID's device_id), as a JSON object; null: none. */
  callback_parameters: ColumnType<string | null, string | null | undefined, string | null>;
  /** The private key (a JWK, encrypted) the connection's tokens are bound to by DPoP (RFC 9449); null: bearer tokens. */
  dpop_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the refresh token expires (epoch seconds), when the provider said (`refresh_token_expires_in`). */
  refresh_token_expires_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** When the stored refresh token was issued (epoch seconds): a stated lifetime counts from it. Null for tokens stored before this was kept. */
  refresh_token_issued_at: ColumnType<number | null, number | null | undefined, number | null>;
  /**
   * When the provider last issued or accepted the stored refresh token (epoch seconds): an idle lifetime counts
   * from it. A sign-in that brings no refresh token leaves it. Null for tokens stored before this was kept.
   */
  refresh_token_used_at: ColumnType<number | null, number | null | undefined, number | null>;
  /**
   * When the provider was last asked whether the access token works (epoch seconds), for a provider that asks apps
   * to check the tokens they keep (ProviderHooks.checkAccessToken); null until then.
   */
  access_token_checked_at: ColumnType<number | null, number | null | undefined, number | null>;
  status: ColumnType<TokenStatus, TokenStatus | undefined, TokenStatus>;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  last_refreshed_at: number | null;
  /** Who is refreshing this token set right now (see SqlTokenStore.acquireRefreshLease). */
  refresh_lease_id: ColumnType<string | null, string | null | undefined, string | null>;
  refresh_lease_expires_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SessionsTable {
  /** SHA-256 hex of the cookie's secret; the cookie value itself is never stored. */
  id: string;
  user_id: string | null;
  csrf_token: string;
  /** JSON text. */
  data: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry; the idle timeout is applied against last_seen_at. */
  expires_at: number;
  /** The provider whose sign-in made this session; null for an anonymous one or an administrator's password. */
  signed_in_with: ColumnType<string | null, string | null | undefined, string | null>;
  /** The `sid` its ID token named: the provider's own session, which back-channel logout ends this one with. */
  provider_sid: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LoginTransactionsTable {
  state: string;
  session_id: string;
  provider: string;
  issuer: string;
  client_id: string;
  redirect_uri: string;
  /** Ciphertext (TokenCipher). */
  code_verifier: string;
  /** null for plain OAuth 2.0 providers. */
  nonce: string | null;
  next_path: string;
  link_user_id: string | null;
  created_at: number;
  expires_at: number;
  /** The scope asked for, when not the provider's configured one (an incremental authorization). */
  scope: ColumnType<string | null, string | null | undefined, string | null>;
  /** Why the sign-in was started, when not a plain sign-in or link (see LoginPurpose). */
  purpose: ColumnType<string | null, string | null | undefined, string | null>;
  connect_link_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Ciphertext (TokenCipher): the DPoP key the sign-in was started with, for a provider configured with DPoP. */
  dpop_key: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuditLogTable {
  id: string;
  at: number;
  event: string;
  /** No foreign key: the log outlives users. */
  actor_user_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  /** JSON text. */
  detail: string | null;
}

/** A backend service's key for the service API (/api/v1): `tks_<id>_<secret>`, of which only the secret's SHA-256 is kept. */
export interface ServiceKeysTable {
  id: string;
  name: string;
  /** SHA-256 hex of the secret. */
  secret_hash: string;
  /** After a rotation: the old secret's hash, accepted until previous_secret_expires_at. */
  previous_secret_hash: ColumnType<string | null, string | null | undefined, string | null>;
  previous_secret_expires_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** JSON array text of permission names. */
  permissions: string;
  /** JSON array text of provider names; null: every provider. */
  providers: string | null;
  created_at: number;
  rotated_at: ColumnType<number | null, number | null | undefined, number | null>;
  last_used_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A single-use link to connect a provider (POST /api/v1/connect-links); only the secret's SHA-256 is kept. */
export interface ConnectLinksTable {
  id: string;
  /** SHA-256 hex of the secret in the link's URL. */
  secret_hash: string;
  provider: string;
  /** Exactly one of user_id and external_id is set. */
  user_id: string | null;
  external_id: string | null;
  /** The extra scope asked for, space-separated; null: none. */
  scope: string | null;
  return_to: string;
  service_key_id: string;
  service_name: string;
  created_at: number;
  expires_at: number;
  /** When it was opened (claimed); null: not yet. */
  used_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A library sign-in transaction whose callback has come (see the 2026-12-04T0100-sign-in-claims migration). */
export interface SignInClaimsTable {
  /** SHA-256 hex of the transaction's state. */
  state_hash: string;
  /** When the transaction would have expired: the claim is not needed after that. */
  expires_at: number;
}

export interface LogoutTokenIdsTable {
  /** SHA-256 hex of the provider's name and the logout token's jti. */
  id_hash: string;
  /** When the token would be refused as too old anyway: its id is not needed after that. */
  expires_at: number;
}

/**
 * A client the app registered for itself at one server of a provider whose every server is its own authorization
 * server (see the 2026-12-07T1600-registered-clients migration): one per (provider, server).
 */
export interface RegisteredClientsTable {
  id: string;
  provider: string;
  /** The server's issuer identifier, as discovered. */
  server: string;
  client_id: string;
  /** Ciphertext (TokenCipher); null for a client registered without a secret. */
  client_secret: string | null;
  /** The callback the client was registered with. */
  redirect_uri: string;
  /** The scopes it was registered with, space-separated. */
  scope: string;
  created_at: number;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One webhook message for one receiver URL (see the 2026-12-03T0500-webhook-outbox migration). */
export interface WebhookDeliveriesTable {
  id: string;
  /** The `webhook-id` header: the same for every URL and every retry of one event. */
  message_id: string;
  event_type: string;
  url: string;
  /** The exact JSON body sent (and signed). */
  payload: string;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: number;
  last_attempt_at: ColumnType<number | null, number | null | undefined, number | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  /** Which server is sending this row now (see claimDueWebhookDeliveries). */
  lease_id: ColumnType<string | null, string | null | undefined, string | null>;
  lease_expires_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
}

export interface DatabaseSchema {
  users: UsersTable;
  accounts: AccountsTable;
  tokens: TokensTable;
  sessions: SessionsTable;
  login_transactions: LoginTransactionsTable;
  audit_log: AuditLogTable;
  service_keys: ServiceKeysTable;
  connect_links: ConnectLinksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  sign_in_claims: SignInClaimsTable;
  logout_token_ids: LogoutTokenIdsTable;
  registered_clients: RegisteredClientsTable;
}

export type UserRow = Selectable<UsersTable>;
export type AccountRow = Selectable<AccountsTable>;
export type TokenRow = Selectable<TokensTable>;
export type SessionRow = Selectable<SessionsTable>;
export type LoginTransactionRow = Selectable<LoginTransactionsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type ServiceKeyRow = Selectable<ServiceKeysTable>;
export type ConnectLinkRow = Selectable<ConnectLinksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type RegisteredClientRow = Selectable<RegisteredClientsTable>;

export type NewUserRow = Insertable<UsersTable>;
export type UserRowUpdate = Updateable<UsersTable>;
