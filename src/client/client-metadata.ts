/**
 * A client whose id is the URL of its own metadata document (AT Protocol's OAuth profile,
 * https://atproto.com/specs/oauth#clients): the provider fetches the document at the client id to learn the client's
 * redirect URI, scope, authentication and keys, in place of a registration. The app serves it at
 * `<BASE_URL>/auth/<name>/client-metadata.json`. On a loopback BASE_URL (development), where no provider can fetch
 * anything, the id is AT Protocol's development client id instead: `http://localhost` with the redirect URI and scope
 * in its query, which the provider reads without a fetch. Also the client's public keys as a JWK Set (clientJwks),
 * which the app serves at `<BASE_URL>/auth/<name>/jwks.json` for a provider that reads a client's `jwks_uri`.
 */
import { createPublicKey } from 'node:crypto';
import { readClientPrivateKey, signingAlgorithmOf } from './client-auth.js';
import { TokenkeeperError } from './errors.js';
import type { ProviderSettings } from './provider-settings.js';
import { decryptionPublicJwk } from './response-decryption.js';

/** The callback URL of a provider on this app: `<BASE_URL>/auth/<name>/callback`, the redirect URI registered there. */
export function appCallbackUrl(baseUrl: URL, provider: string): string {
  return new URL(`/auth/${encodeURIComponent(provider)}/callback`, baseUrl).toString();
}

/** Where this app serves a provider's client metadata document: `<BASE_URL>/auth/<name>/client-metadata.json`. */
export function clientMetadataDocumentUrl(baseUrl: URL, provider: string): string {
  return new URL(`/auth/${encodeURIComponent(provider)}/client-metadata.json`, baseUrl).toString();
}

/** Whether BASE_URL is a loopback address, where a provider can fetch nothing: 127.0.0.1 or [::1] (AT Protocol takes no `localhost` redirect). */
export function isLoopbackBaseUrl(baseUrl: URL): boolean {
  return baseUrl.protocol === 'http:' && (baseUrl.hostname === '127.0.0.1' || baseUrl.hostname === '[::1]');
}

/**
 * The client id of a provider that reads the client's metadata document: the document's URL, or on a loopback
 * BASE_URL the development client id `http://localhost?redirect_uri=…&scope=…`.
 */
export function metadataDocumentClientId(baseUrl: URL, provider: string, scope: string): string {
  if (!isLoopbackBaseUrl(baseUrl)) return clientMetadataDocumentUrl(baseUrl, provider);
  const query = new URLSearchParams({ redirect_uri: appCallbackUrl(baseUrl, provider), ...(scope ? { scope } : {}) });
  return `http://localhost?${query.toString().replaceAll('+', '%20')}`;
}

/** Whether a configured client id can name a client metadata document: an https URL (http outside production), or the loopback development client id. */
export function isMetadataDocumentUrl(clientId: string, production: boolean): boolean {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return !url.username && !url.password && !url.hash;
  return !production && url.protocol === 'http:' && !url.hash;
}

/**
 * The client metadata document of a provider that registers at each server by it where a server takes one
 * (clientRegistration.metadataDocumentUrl: registrationDocument), or of a provider configured with clientIdMetadataDocument (RFC 7591's names, as AT
 * Protocol uses them): a web client of the callback's origin (no `client_name`: the provider shows the client id's
 * host, which is what it can vouch for) with that callback (`redirectUri`), the configured scope, the authentication method, and for
 * private_key_jwt the public half of the client's key (never the private one), by its key id. A `not_found`
 * TokenkeeperError for a provider whose client id is not such a URL.
 */
export function clientMetadataDocument(settings: ProviderSettings, redirectUri: string): Record<string, unknown> {
  const registration = settings.clientRegistration;
  if (registration?.metadataDocumentUrl !== undefined) return registrationDocument({ ...registration, metadataDocumentUrl: registration.metadataDocumentUrl }, settings.scope);
  if (!settings.clientIdMetadataDocument) throw new TokenkeeperError('not_found', `${settings.displayName} reads no client metadata document.`);
  const keyed = settings.tokenEndpointAuthMethod === 'private_key_jwt' && settings.privateKey;
  return {
    client_id: settings.clientId,
    client_uri: new URL(redirectUri).origin,
    application_type: 'web',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [redirectUri],
    scope: settings.scope,
    token_endpoint_auth_method: settings.tokenEndpointAuthMethod,
    dpop_bound_access_tokens: settings.dpop === true,
    ...(keyed ? { token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [publicJwk(keyed.key, keyed.keyId)] } } : {}),
  };
}

/**
 * What a public web client (PKCE, no secret) registers as, in RFC 7591 §2's names: its name and page, its callback,
 * the code and refresh grants, and the scopes; `application_type` `web`, a remote web application's (OpenID Connect
 * Dynamic Client Registration §2, which the MCP authorization specification's 2026-07-28 revision asks for). Sent to a
 * registration endpoint, or served, with `client_id`, as a client metadata document.
 */
export function publicWebClientMetadata(registration: { clientName: string; website: string; redirectUri: string }, scope: string): Record<string, unknown> {
  return {
    client_name: registration.clientName,
    client_uri: registration.website,
    application_type: 'web',
    redirect_uris: [registration.redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...(scope === '' ? {} : { scope }),
  };
}

/**
 * The document a provider that registers at each server serves in place of registering where a server takes Client ID
 * Metadata Documents (draft-ietf-oauth-client-id-metadata-document §4, as the MCP authorization specification uses
 * it: `client_id` the document's own URL, `client_name`, `redirect_uris`): publicWebClientMetadata with its URL.
 */
function registrationDocument(registration: Required<NonNullable<ProviderSettings['clientRegistration']>>, scope: string): Record<string, unknown> {
  return { client_id: registration.metadataDocumentUrl, ...publicWebClientMetadata(registration, scope) };
}

/** The public JWK of a client's signing key, named by its key id. */
function publicJwk(privateKey: string, keyId: string | undefined): Record<string, unknown> {
  const key = readClientPrivateKey(privateKey);
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return { ...jwk, alg: signingAlgorithmOf(key), use: 'sig', ...(keyId === undefined ? {} : { kid: keyId }) };
}

/**
 * The client's public keys as a JWK Set (RFC 7517 §5), for a provider that reads them from a `jwks_uri` registered
 * for the client: the key its ID tokens and userinfo answers are encrypted to (`use: enc`), and the key its
 * private_key_jwt assertions are signed with (`use: sig`). `not_found` for a client with neither.
 */
export function clientJwks(settings: ProviderSettings): { keys: Array<Record<string, unknown>> } {
  const keys = [
    ...(settings.decryptionKeys ?? []).map(decryptionPublicJwk),
    ...(settings.tokenEndpointAuthMethod === 'private_key_jwt' && settings.privateKey ? [publicJwk(settings.privateKey.key, settings.privateKey.keyId)] : []),
  ];
  if (keys.length === 0) throw new TokenkeeperError('not_found', `${settings.displayName} has no keys of the client's to publish (no decryption key, no private_key_jwt).`);
  return { keys };
}
