import type { TokenRow, TokenStatus } from './schema.js';
import { type TokenColumn, tokenAssociatedData } from './token-cipher.js';

/** Decrypts one column's value of a token row. */
export type ColumnDecrypter = (column: TokenColumn, value: string, associatedData: string) => string;

/**
 * A token row with its values decrypted. The access token is decrypted at
 * once; the refresh and ID tokens only when read (a refresh needs them, the
 * common case of a fresh access token does not), then kept.
 *
 * The lazy values are getters of the class, so they are not own properties:
 * a spread or JSON.stringify of a stored token leaves them out.
 */
export class DecryptedToken {
  readonly id: string;
  readonly userId: string;
  readonly provider: string;
  readonly status: TokenStatus;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastRefreshedAt: number | null;
  readonly accessToken: string;
  readonly tokenType: string;
  readonly scope: string | null;
  readonly expiresAt: number | null;
  readonly issuedAt: number | null;
  readonly apiBaseUrl: string | null;
  readonly authorizationServerUrl: string | null;
  readonly redirectUri: string | null;
  readonly callbackParameters: Readonly<Record<string, string>> | null;
  readonly refreshTokenExpiresAt: number | null;
  readonly refreshTokenUsedAt: number | null;
  readonly #row: TokenRow;
  readonly #decrypt: ColumnDecrypter;
  #refreshToken: string | null | undefined;
  #idToken: string | null | undefined;
  #dpopKey: string | null | undefined;

  constructor(row: TokenRow, decrypt: ColumnDecrypter) {
    this.#row = row;
    this.#decrypt = decrypt;
    this.id = row.id;
    this.userId = row.user_id;
    this.provider = row.provider;
    this.status = row.status;
    this.lastError = row.last_error;
    this.createdAt = row.created_at;
    this.updatedAt = row.updated_at;
    this.lastRefreshedAt = row.last_refreshed_at;
    this.accessToken = this.#column('access_token', row.access_token);
    this.tokenType = row.token_type;
    this.scope = row.scope;
    this.expiresAt = row.expires_at;
    this.issuedAt = row.issued_at;
    this.apiBaseUrl = row.api_base_url;
    this.authorizationServerUrl = row.authorization_server_url;
    this.redirectUri = row.redirect_uri;
    this.callbackParameters = callbackParametersOf(row.callback_parameters);
    this.refreshTokenExpiresAt = row.refresh_token_expires_at;
    this.refreshTokenUsedAt = row.refresh_token_used_at;
  }

  get refreshToken(): string | null {
    if (this.#refreshToken === undefined) this.#refreshToken = this.#nullableColumn('refresh_token', this.#row.refresh_token);
    return this.#refreshToken;
  }

  get idToken(): string | null {
    if (this.#idToken === undefined) this.#idToken = this.#nullableColumn('id_token', this.#row.id_token);
    return this.#idToken;
  }

  get dpopKey(): string | null {
    if (this.#dpopKey === undefined) this.#dpopKey = this.#nullableColumn('dpop_key', this.#row.dpop_key);
    return this.#dpopKey;
  }

  #column(column: TokenColumn, value: string): string {
    return this.#decrypt(column, value, tokenAssociatedData(this.#row.user_id, this.#row.provider, column));
  }

  #nullableColumn(column: TokenColumn, value: string | null): string | null {
    return value === null ? null : this.#column(column, value);
  }
}

/** The kept callback parameters (a JSON object of strings), or null when none are kept or the value is not such an object. */
function callbackParametersOf(value: string | null): Readonly<Record<string, string>> | null {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const entries = Object.entries(parsed);
    return entries.every(([, v]) => typeof v === 'string') ? Object.freeze(Object.fromEntries(entries) as Record<string, string>) : null;
  } catch {
    return null;
  }
}
