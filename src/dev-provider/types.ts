/** How a client authenticates at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2, OIDC Core §9). */
export type DevProviderClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** A client registered at start-up (authorization_code + refresh_token). */
export interface DevProviderClient {
  clientId: string;
  /** Required unless the client authenticates with a key (private_key_jwt) or not at all (none: a public client). */
  clientSecret?: string;
  redirectUris: string[];
  /** Default client_secret_basic (client_secret_post is accepted as well). */
  tokenEndpointAuthMethod?: DevProviderClientAuthMethod;
  /** The client's public keys: for private_key_jwt, and the key its ID tokens and userinfo answers are encrypted to. */
  jwks?: { keys: Array<Record<string, unknown>> };
  /**
   * Encrypts the client's ID tokens and userinfo answers (signed first, then encrypted: OpenID Connect Core §10.2) to
   * its `jwks` key of `use: enc`, with this key management algorithm (`id_token_encrypted_response_alg`, e.g.
   * `RSA-OAEP-256`, `ECDH-ES`) and content encryption (`…_enc`, default A128CBC-HS256).
   */
  encryptedResponses?: { alg: string; enc?: string };
  /**
   * Where a logout token is posted when a person's session here ends
   * (OpenID Connect Back-Channel Logout 1.0); its ID tokens then name that
   * session (`sid`), and so do its logout tokens.
   */
  backchannelLogoutUri?: string;
  /** Where a client's sign-out at this provider (RP-Initiated Logout) may send the browser back to. */
  postLogoutRedirectUris?: string[];
  /**
   * True: the client's access tokens must be bound to a key by DPoP (RFC 9449; `dpop_bound_access_tokens`): a token
   * request without a DPoP proof is refused. A bound token is taken at userinfo with its proof, and refused by the
   * demo API under /api/, which takes bearer tokens only.
   */
  dpopBoundAccessTokens?: boolean;
  /** True: the client's authorization requests must be pushed first (RFC 9126, `require_pushed_authorization_requests`). */
  requirePushedAuthorizationRequests?: boolean;
}

/** pino-compatible; the dev provider never passes token values to it. */
export interface DevProviderLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DevProviderOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default `http://localhost:${actualPort}`. */
  issuer?: string;
  clients: DevProviderClient[];
  /** Seconds, default 300. */
  accessTokenTtl?: number;
  /** Seconds, default 14 days. */
  refreshTokenTtl?: number;
  /**
   * Default true: each refresh returns a new refresh token, and presenting a
   * used one revokes the whole grant (oidc-provider does that itself).
   */
  rotateRefreshTokens?: boolean;
  /** True: every DPoP proof must carry a nonce this provider gave (RFC 9449 §8, §9); default false. */
  requireDpopNonce?: boolean;
  /** True: every client's authorization requests must be pushed first (RFC 9126), as the discovery document then says; default false. */
  requirePushedAuthorizationRequests?: boolean;
  /**
   * When set, signing keys, cookie keys and the provider's state (sessions,
   * grants, tokens) persist in files there, so a restart keeps every token
   * valid. When unset, everything is in memory.
   */
  dataDir?: string;
  /**
   * Where it logs that it listens, each token request (`dev provider: token
   * issued`, or `dev provider: token request refused` with the OAuth error;
   * with the grant type, client and demo account, never a token) and
   * unexpected errors. Default: nothing is logged.
   */
  logger?: DevProviderLogger;
  /**
   * PEM key and certificate: serve HTTPS instead of HTTP (the default issuer
   * becomes `https://localhost:${port}`). For tests of TLS trust (CA_FILE).
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** Live counters, for tests ("exactly one refresh request"). */
export interface DevProviderStats {
  /** Successful token requests with grant_type=authorization_code. */
  authorizationCodeGrants: number;
  /** Successful token requests with grant_type=refresh_token. */
  refreshTokenGrants: number;
  /** Failed token requests, whatever the grant type (invalid_grant, invalid_client, …). */
  grantErrors: number;
  /** RFC 7009 revocation requests that revoked a token. */
  revocations: number;
  /** Requests to the protected API under /api, answered or refused. */
  apiRequests: number;
  /** Userinfo requests answered with the person's claims (200). */
  userinfoAnswers: number;
}

export interface DevProvider {
  /** e.g. http://localhost:4000 */
  issuer: string;
  port: number;
  stats: DevProviderStats;
  /** Stops listening, closes every connection and saves the state file. */
  close(): Promise<void>;
}
