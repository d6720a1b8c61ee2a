import { randomBytes } from 'node:crypto';

import { errors } from 'oidc-provider';
import type {
  Adapter,
  BaseToken,
  Client,
  Configuration,
  ErrorOut,
  KoaContextWithOIDC,
} from 'oidc-provider';

import { claimsOf, findAccountBySub } from './accounts.js';
import { escapeHtml, renderPage } from './html.js';
import type { ProviderKeys } from './keys.js';
import { SUPPORTED_SCOPES } from './scopes.js';
import type { DevProviderClient } from './types.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface ConfigurationSettings {
  clients: DevProviderClient[];
  accessTokenTtl: number;
  refreshTokenTtl: number;
  rotateRefreshTokens: boolean;
  requireDpopNonce: boolean;
  requirePushedAuthorizationRequests: boolean;
  keys: ProviderKeys;
  adapter: (model: string) => Adapter;
}

function clientMetadata(client: DevProviderClient) {
  return {
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    redirect_uris: client.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // client_secret_post is accepted for client_secret_basic too: oidc-provider treats the two as interchangeable.
    token_endpoint_auth_method: client.tokenEndpointAuthMethod ?? 'client_secret_basic',
    ...(client.postLogoutRedirectUris ? { post_logout_redirect_uris: client.postLogoutRedirectUris } : {}),
    ...(client.backchannelLogoutUri ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    ...(client.dpopBoundAccessTokens ? { dpop_bound_access_tokens: true } : {}),
    ...(client.requirePushedAuthorizationRequests ? { require_pushed_authorization_requests: true } : {}),
    ...(client.encryptedResponses ? encryptedResponseMetadata(client.encryptedResponses) : {}),
  };
}

/** Client metadata (OpenID Connect Dynamic Client Registration §2) for ID tokens and userinfo answers signed then encrypted. */
function encryptedResponseMetadata({ alg, enc = 'A128CBC-HS256' }: { alg: string; enc?: string }) {
  return {
    id_token_encrypted_response_alg: alg,
    id_token_encrypted_response_enc: enc,
    userinfo_signed_response_alg: 'RS256',
    userinfo_encrypted_response_alg: alg,
    userinfo_encrypted_response_enc: enc,
  };
}

function setPageHeaders(ctx: KoaContextWithOIDC): void {
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
  ctx.set('Cache-Control', 'no-store');
}

/** oidc-provider's error page, in our look. `out` only holds exposable fields. */
async function renderError(ctx: KoaContextWithOIDC, out: ErrorOut): Promise<void> {
  const rows = Object.entries(out)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
    .join('\n');
  setPageHeaders(ctx);
  ctx.type = 'html';
  ctx.body = renderPage('Something went wrong', rows);
}

/** RP-initiated logout confirmation; `form` is oidc-provider's own hidden form (xsrf). */
async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  setPageHeaders(ctx);
  ctx.type = 'html';
  ctx.body = renderPage('Sign out', `${form}
<p>Do you want to sign out of ${escapeHtml(ctx.host)}?</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  setPageHeaders(ctx);
  ctx.type = 'html';
  ctx.body = renderPage('Signed out', '<p>You have been signed out.</p>');
}

/** RFC 7009 §2.1: a client may only revoke its own tokens. */
async function revocationAllowedPolicy(_ctx: KoaContextWithOIDC, client: Client, token: BaseToken): Promise<boolean> {
  if (token.clientId !== client.clientId) {
    throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
  }
  return true;
}

const ENCRYPTION_ALGS = ['RSA-OAEP', 'RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'] as const;
const ENCRYPTION_ENCS = ['A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512', 'A128GCM', 'A192GCM', 'A256GCM'] as const;

export function buildConfiguration(settings: ConfigurationSettings): Configuration {
  return {
    adapter: settings.adapter,
    clients: settings.clients.map(clientMetadata),
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    responseTypes: ['code'],
    scopes: [...SUPPORTED_SCOPES],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    // Put the granted profile/email claims in the ID token too (as most real
    // providers do), not only in the userinfo response.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: settings.keys.cookieKeys },
    jwks: settings.keys.jwks,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: revocationAllowedPolicy },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      // Signing out here ends the sessions of the clients that registered a backchannel_logout_uri there too.
      backchannelLogout: { enabled: true },
      // DPoP-bound tokens (RFC 9449) for a client that sends proofs, or must (dpopBoundAccessTokens); userinfo checks
      // their proofs, the demo API under /api/ takes bearer tokens only. Nonces are signed with a key of this process.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => settings.requireDpopNonce },
      // Pushed authorization requests (RFC 9126), taken from every client, required of one that asks or of all.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: settings.requirePushedAuthorizationRequests },
      // Without resource indicators every scope is an OpenID scope on one opaque token.
      resourceIndicators: { enabled: false },
      // ID tokens and userinfo answers encrypted to a client that registered a key and algorithm for them
      // (encryptedResponses); userinfo as a signed JWT for such a client, plain JSON for every other.
      encryption: { enabled: true },
      jwtUserinfo: { enabled: true },
    },
    // Every key management and content encryption algorithm openid-client decrypts (RSA-OAEP and ECDH-ES families;
    // AES-GCM and AES-CBC with HMAC), for a client that asks for encrypted responses.
    enabledJWA: {
      idTokenEncryptionAlgValues: [...ENCRYPTION_ALGS],
      idTokenEncryptionEncValues: [...ENCRYPTION_ENCS],
      userinfoEncryptionAlgValues: [...ENCRYPTION_ALGS],
      userinfoEncryptionEncValues: [...ENCRYPTION_ENCS],
    },
    findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => {
      const account = findAccountBySub(sub);
      return account ? { accountId: account.sub, claims: () => claimsOf(account) } : undefined;
    },
    // issueRefreshToken and expiresWithSession keep oidc-provider's defaults, as OpenID Connect Core §11
    // allows: offline_access is granted only with prompt=consent, a refresh token is issued only for it,
    // and tokens without it end with the person's session at the provider.
    rotateRefreshToken: () => settings.rotateRefreshTokens,
    ttl: {
      AccessToken: settings.accessTokenTtl,
      AuthorizationCode: MINUTE,
      IdToken: HOUR,
      Interaction: HOUR,
      RefreshToken: settings.refreshTokenTtl,
      Session: 14 * DAY,
      // The grant must outlive every refresh token issued under it, rotated ones included.
      Grant: Math.max(365 * DAY, settings.refreshTokenTtl),
      ClientCredentials: 10 * MINUTE,
      DeviceCode: 10 * MINUTE,
      BackchannelAuthenticationRequest: 10 * MINUTE,
      PreAuthorizedCode: 10 * MINUTE,
    },
    // Our clients are server-side; no browser needs CORS on the token endpoint.
    clientBasedCORS: () => false,
    // oidc-provider refuses to send requests to loopback and private addresses (its guard against a client's URLs
    // reaching inside the network): here the only client URLs are the back-channel logout URIs of the apps this
    // provider is started for, which run on this machine, so its requests go without that guard.
    fetch: (url: URL | string, options: RequestInit & { dispatcher?: unknown }) => {
      const { dispatcher: _guard, ...rest } = options;
      return globalThis.fetch(url, rest);
    },
    renderError,
  };
}
