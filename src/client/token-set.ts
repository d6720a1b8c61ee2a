/** The values a provider issued for one (user, provider), as Tokenkeeper keeps them. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  tokenType: string;
  scope: string | null;
  /** Epoch seconds; null when the provider gave no `expires_in`. */
  expiresAt: number | null;
  /** When the access token was issued (epoch seconds), if known: with expiresAt, its lifetime. */
  issuedAt?: number | null;
  /** This connection's own API origin, when the provider names one (Salesforce's instance_url). */
  apiBaseUrl?: string | null;
  /**
   * The regional server this connection was made at, when it is not the configured one (Zoho's accounts-server,
   * one per data centre): where it is refreshed and revoked. Null or absent: the configured server.
   */
  authorizationServerUrl?: string | null;
  /**
   * The `redirect_uri` the grant was made with (the code exchange's), for a provider that wants it again in every
   * refresh (refreshSendsRedirectUri). Null or absent: not known; a refresh keeps the stored one.
   */
  redirectUri?: string | null;
  /**
   * Parameters of the authorization response the provider wants again in every refresh (callbackParametersResent:
   * VK ID's `device_id`). Null or absent: none; a refresh keeps the stored ones.
   */
  callbackParameters?: Readonly<Record<string, string>> | null;
  /**
   * The private key the tokens are bound to by DPoP (RFC 9449), as a JWK in JSON, for a provider configured with
   * DPoP: every token request and API call with these tokens is signed with it. Null or absent: bearer tokens.
   * Secret as the tokens are (stored encrypted); a refresh keeps it, a new sign-in brings its own.
   */
  dpopKey?: string | null;
  /** When the refresh token expires (epoch seconds), when the provider said (`refresh_token_expires_in`). */
  refreshTokenExpiresAt?: number | null;
}

interface TokenEndpointAnswer {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  token_type: string;
  scope?: string;
  expires_in?: number;
  /** Not in RFC 6749: GitHub (App user tokens) and LinkedIn send it, in seconds. */
  refresh_token_expires_in?: unknown;
}

/**
 * The latest expiry kept (9999-12-31 23:59:59 UTC, epoch seconds). A lifetime
 * reaching past it means no expiry anyone plans for, and would not be kept
 * whole: PostgreSQL's bigint is read back only within JavaScript's safe
 * integers, and a Date ends in the year 275760, so pages showing it failed.
 */
export const LATEST_EXPIRY = 253_402_300_799;

/** `receivedAt` plus a lifetime in whole seconds (a fraction is dropped: the expiry comes no later than said); null past LATEST_EXPIRY. */
function expiryAfter(receivedAt: number, seconds: number): number | null {
  const at = receivedAt + Math.floor(seconds);
  return at <= LATEST_EXPIRY ? at : null;
}

/** The refresh token's expiry, from a positive whole `refresh_token_expires_in` that comes with a refresh token. */
function refreshTokenExpiry(response: TokenEndpointAnswer, receivedAt: number): { refreshTokenExpiresAt?: number } {
  const seconds = response.refresh_token_expires_in;
  if (response.refresh_token === undefined || typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds <= 0) return {};
  const at = expiryAfter(receivedAt, seconds);
  return at === null ? {} : { refreshTokenExpiresAt: at };
}

/**
 * Converts a validated token endpoint response. `expires_in` is relative
 * (RFC 6749 §5.1); we store only the absolute `expiresAt`, computed from the
 * time the response was received, in whole seconds, and none for a lifetime
 * past LATEST_EXPIRY (openid-client has checked it is a number, 0 or more).
 */
export function tokenSetFromResponse(response: TokenEndpointAnswer, receivedAt: number, requestedScope: string | null, apiBaseUrl: string | null = null): TokenSet {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    idToken: response.id_token ?? null,
    tokenType: response.token_type,
    // RFC 6749 §5.1: scope may be omitted when it equals what was requested.
    scope: response.scope ?? requestedScope,
    expiresAt: typeof response.expires_in === 'number' ? expiryAfter(receivedAt, response.expires_in) : null,
    issuedAt: receivedAt,
    ...(apiBaseUrl ? { apiBaseUrl } : {}),
    ...refreshTokenExpiry(response, receivedAt),
  };
}
