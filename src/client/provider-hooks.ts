/**
 * The few places where a real provider departs from the specifications that
 * openid-client implements. A preset (src/client/providers/) fills in the
 * hooks its provider needs; every other step stays the one tested core.
 */
import type { RegisteredClient } from './client-registration.js';

/** Requests on the signed-in person's behalf while their profile is read. */
export interface ProfileReader {
  /** The userinfo endpoint in use (a preset default or `<NAME>_USERINFO_URL`). */
  userinfoEndpoint: string | undefined;
  /** The API base in use (a preset default or `<NAME>_API_BASE_URL`). */
  apiBaseUrl: string | undefined;
  /**
   * GETs `url` with the person's access token (and the provider's API
   * headers): the parsed JSON of a 2xx answer, or undefined when the
   * provider answers 403 or 404 (the token may not see it). Other answers
   * throw a ProviderUnavailableError.
   */
  getJson(url: string): Promise<unknown>;
}

export interface FoundEmail {
  email: string;
  verified: boolean;
}

/** What a revocation hook is given. */
export interface RevocationRequest {
  clientId: string;
  clientSecret: string;
  apiBaseUrl: string | undefined;
  /** The revocation endpoint configured (the preset's, or `<NAME>_REVOCATION_URL`), for a provider that revokes there but not as RFC 7009 says. */
  revocationEndpoint?: string | undefined;
  apiHeaders: Record<string, string>;
  accessToken: string;
  /** True when the access token had expired by the stored expiry (its refresh failed): the provider refusing it proves nothing. */
  accessTokenExpired: boolean;
  /** True when the provider refused the refresh token (invalid_grant, now or at an earlier refresh): the grant is gone or no longer usable. */
  refreshTokenRefused: boolean;
  refreshToken: string | null;
  /** Sends a request over the provider connections, with the provider timeout; no redirects are followed. */
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response>;
}

/** What an access-token check hook is given. */
export interface AccessTokenCheckRequest {
  /** The provider's issuer, from discovery or `<NAME>_ISSUER` (Twitch's checking endpoint is under it). */
  issuer: string;
  clientId: string;
  accessToken: string;
  /** Sends a request over the provider connections, with the provider timeout; no redirects are followed. */
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response>;
}

/** What an access-token renewal hook is given. */
export interface AccessTokenRenewalRequest {
  /**
   * `sign-in`: just after the code exchange, whose access token this is;
   * `refresh`: in place of RFC 6749's refresh grant, for a connection that has no refresh token.
   */
  stage: 'sign-in' | 'refresh';
  accessToken: string;
  clientId: string;
  clientSecret: string;
  /** The API base in use (a preset default or `<NAME>_API_BASE_URL`). */
  apiBaseUrl: string | undefined;
  /** Sends a request over the provider connections, with the provider timeout; no redirects are followed. */
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response>;
}

/**
 * Thrown by a renewAccessToken hook when the provider refused the access token for good (it ended, or the person
 * removed the app): only a new sign-in helps, and the connection is marked so. Its message is the provider's reason.
 *
 * @example
 * if (body.error?.code === 190) throw new AccessTokenRenewalRefused(body.error.message);
 */
export class AccessTokenRenewalRefused extends Error {
  override readonly name = 'AccessTokenRenewalRefused';
}

/** What a verifyAccount hook is given. */
export interface AccountVerificationRequest {
  /** The code exchange's answer, tokens and all: the hook reads who it names (AT Protocol's `sub`). */
  answer: Record<string, unknown>;
  /** The issuer the sign-in was made at, from discovery or `<NAME>_ISSUER`. */
  issuer: string;
  /** Whether http URLs may be followed (development and tests); https only otherwise. */
  allowInsecureHttp: boolean;
  /** Sends a request over the provider connections, with the provider timeout; no redirects are followed. */
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response>;
}

/** What an accountAuthorizationServer hook is given: what the person typed, and how to look it up. */
export interface AuthorizationServerRequest {
  /** What the person named themselves by at sign-in (`login_hint`): AT Protocol's handle or DID. */
  loginHint: string;
  /** The configured issuer (from discovery or `<NAME>_ISSUER`). */
  issuer: string;
  /** Whether http URLs may be followed (development and tests); https only otherwise. */
  allowInsecureHttp: boolean;
  /** Sends a request over the provider connections, with the provider timeout; no redirects are followed. */
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response>;
}

/** Where the person who named themselves signs in: their server's issuer, and the `login_hint` as it takes it (empty: none is sent). */
export interface AccountAuthorizationServer {
  issuer: string;
  loginHint: string;
}

/** The account a verifyAccount hook found: its stable id, and the API base of its own home. */
export interface VerifiedAccount {
  subject: string;
  apiBaseUrl: string;
}

/** What a registerClient hook is given: the server to register at, and what the app registers as. */
export interface ClientRegistrationRequest {
  /** The server's issuer identifier, from its metadata. */
  issuer: string;
  /** The server's RFC 8414 metadata as it published it, extensions included (Mastodon's `app_registration_endpoint`). */
  metadata: Record<string, unknown>;
  /** The callback the app's sign-ins come back to. */
  redirectUri: string;
  /** The scopes the app asks for (space-separated). */
  scope: string;
  /** The name the server shows people for the app. */
  clientName: string;
  /** The app's own page, for the server to link to. */
  website: string;
  /**
   * Where the app serves its client metadata document (ProviderSettings.registersByMetadataDocument), which a server
   * that takes Client ID Metadata Documents fetches: returned as the client id (with no secret), it needs no request.
   * Unset where the app serves none.
   */
  metadataDocumentUrl?: string;
  /** Whether http URLs may be followed (development and tests); https only otherwise. */
  allowInsecureHttp: boolean;
  /** Sends a request over the provider connections, with the provider timeout; no redirects are followed. */
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response>;
}

/** What an authorizationServerMetadata hook is given: how to reach the servers it reads. */
export interface AuthorizationServerMetadataRequest {
  /** Whether http URLs may be followed (development and tests); https only otherwise. */
  allowInsecureHttp: boolean;
  /** Sends a request over the provider connections, with the provider timeout; no redirects are followed. */
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response>;
}

/** `revoked`: the provider ended the grant now; `already_revoked`: it no longer knew the token, which is as good. */
export type RevocationOutcome = 'revoked' | 'already_revoked';

export interface ProviderHooks {
  /**
   * Rewrites an answer of the token endpoint into the shape of RFC 6749
   * §5.1/§5.2 before openid-client validates it: errors sent with HTTP 200,
   * a comma-separated `scope`, a form-encoded body.
   */
  tokenResponse?(response: Response): Promise<Response>;
  /**
   * Rewrites a request to the token endpoint (the code exchange and every refresh) before it is sent, for a
   * provider that does not take RFC 6749 §4.1.3's form body: Notion documents a JSON body and its own version
   * header. Given the form and headers openid-client made (the client's authentication included); returns what to send.
   */
  tokenRequest?(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> };
  /**
   * The profile in the token endpoint's answer itself, for a provider that sends who signed in with the tokens
   * and has no userinfo call (Notion's `owner.user`, beside the workspace): when set, no userinfo request is
   * made. Returns only the profile's claims, never the tokens; throws, or returns a non-object, when the
   * answer holds no profile.
   */
  tokenResponseProfile?(answer: Record<string, unknown>): Record<string, unknown> | undefined;
  /**
   * The profile claims in a plain OAuth 2.0 user API's answer, when they are
   * not its top-level members (e.g. X wraps them in `data`), or in an OpenID
   * userinfo answer whose members are not OpenID Connect Core §5.1's names
   * (Intuit's `givenName`, `emailVerified`), after its `sub` was checked.
   * Throws, or returns a non-object, when the answer holds no profile.
   */
  profileClaims?(body: unknown): Record<string, unknown> | undefined;
  /**
   * Profile claims the provider sends in the authorization response itself,
   * beside the code (Sign in with Apple's `user`, with the name, on a first
   * authorization only). The response passes through the browser, so these
   * are only ever a display name: never the subject or the e-mail.
   */
  callbackClaims?(parameters: URLSearchParams): Record<string, unknown>;
  /**
   * Whether the authorization response that carries a code is the provider's own, for a provider that signs
   * its redirects and asks apps to check the signature before using the code (Shopify's `hmac` parameter,
   * an HMAC-SHA256 of the other parameters keyed by the client secret). Given the callback's parameters and
   * the client secret. False: the callback is refused (400, `invalid_callback`) before the code is exchanged,
   * and nothing is kept. An error response, which carries no code, is not asked about: it grants nothing.
   */
  verifyCallback?(parameters: URLSearchParams, clientSecret: string): boolean;
  /**
   * The server an authorization response that carries a code says the code is to be exchanged at, for a provider
   * with an accounts server per region that names the person's own beside the code (Zoho's `accounts-server`,
   * https://www.zoho.com/accounts/protocol/oauth/multi-dc/client-authorization.html); undefined when it names none.
   * A server of another origin than the token endpoint's gets the code only when it is one of the provider's
   * regionalServers, where that connection is then refreshed and revoked; any other is refused (400,
   * `invalid_callback`) before anything is sent, as the callback comes through the browser and could name any host.
   * A host alone (a name and an optional port, as Datadog's `api.<domain>`) stands for that host on https, or on
   * http where the provider's own URLs may be http (in development) and the configured token endpoint is http.
   * `tokenEndpoint` is the configured token endpoint, for a provider whose servers are named beside it (Lightspeed
   * Retail's `{domain_prefix}.retail.lightspeed.app` beside `secure.retail.lightspeed.app`).
   */
  codeExchangeServer?(parameters: URLSearchParams, tokenEndpoint?: string): string | undefined;
  /**
   * The `scope` parameter of the authorization request as the provider takes
   * it, made from RFC 6749 §3.3's space-separated list (Strava documents its
   * scopes comma-delimited). Everywhere else the scope stays space-separated.
   */
  authorizationScope?(scope: string): string;
  /**
   * The scope the person granted, as the authorization response says it
   * beside the code, space-separated; undefined when it says none. For a
   * provider whose consent page lets the person untick scopes and whose token
   * answer names none (Strava). A token answer's own `scope` still wins, and
   * only scopes that were asked for are kept: the response passes through the
   * browser.
   */
  grantedScope?(parameters: URLSearchParams): string | undefined;
  /**
   * Whether an API answer other than 401 says the access token is no longer good, to be handled as a 401 is
   * (a refresh, or re-authorization where there is nothing to refresh with): Facebook's Graph API answers an
   * ended token with HTTP 400 and OAuthException code 190. Given a copy of a 4xx answer (and of a 2xx one when
   * the settings say successMayRejectToken), whose body it may read.
   */
  tokenRejected?(response: Response): Promise<boolean>;
  /** Finds the person's e-mail when the profile has none (e.g. GitHub keeps a private one at /user/emails). */
  findEmail?(reader: ProfileReader): Promise<FoundEmail | null>;
  /**
   * Claims kept with the profile that the provider answers elsewhere than
   * userinfo, read at each sign-in (e.g. the Xero organisations the grant
   * reaches, from its connections endpoint). Userinfo's own claims win over
   * them. Throws when the provider answers nonsense.
   */
  readMoreClaims?(reader: ProfileReader): Promise<Record<string, unknown>>;
  /**
   * Claims kept with the profile that the code exchange's answer carries beside the tokens, for a provider whose
   * token answer says what the grant is for and no API says it again (WordPress.com's `blog_id` and `blog_url`, the
   * one site a token reaches). Read at sign-in, beside userinfo, whose own claims (and readMoreClaims') win. Given
   * the whole answer; returns only the members to keep, never a token.
   */
  tokenAnswerClaims?(answer: Record<string, unknown>): Record<string, unknown>;
  /**
   * Verifies the account the code exchange's answer names at that account's own home, before anything is read or
   * kept, for a provider whose accounts are hosted by servers of their own that say which authorization server
   * speaks for them. AT Protocol (https://atproto.com/specs/oauth#authorization-flow): the answer's `sub` is a DID,
   * whose document names the account's PDS, whose protected-resource metadata must name the issuer the sign-in was
   * made at; that PDS is the connection's API base (the rule `{ verifiedAccount: true }`). The profile's own id, when
   * it names one (subjectClaim), must be the same. Throws a ProviderUnavailableError when the account is not this
   * issuer's to speak for, or cannot be looked up.
   */
  verifyAccount?(request: AccountVerificationRequest): Promise<VerifiedAccount>;
  /**
   * The issuer of the authorization server of the account a person names at sign-in (`login_hint`), for a provider
   * whose accounts are hosted by servers that each have their own (AT Protocol: a self-hosted PDS is its own
   * authorization server, https://atproto.com/specs/oauth#identity-authentication). The sign-in goes there (found by
   * discovery, as the configured issuer is) rather than to the configured issuer, and that connection is refreshed
   * and revoked there, with the hint as that server takes it. Throws a `bad_request` TokenkeeperError for a hint
   * that names no account.
   */
  accountAuthorizationServer?(request: AuthorizationServerRequest): Promise<AccountAuthorizationServer>;
  /**
   * The authorization server's metadata (RFC 8414 §2 members, `issuer` among them), found at run time in place of
   * discovery at the configured issuer, for a provider configured by the resource its tokens are for rather than by
   * its authorization server: an MCP server names its authorization server in its RFC 9728 protected-resource
   * metadata (https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization). The provider's
   * configuration is made from what it returns, once, as a discovered one is; a connection made at another issuer
   * (the resource named another server since) is refreshed there by RFC 8414 discovery of that issuer. Throws a
   * ProviderUnavailableError, whose message is shown, when no usable server is found.
   */
  authorizationServerMetadata?(request: AuthorizationServerMetadataRequest): Promise<Record<string, unknown> & { issuer: string }>;
  /**
   * Registers the app as a client at one of the provider's servers, for a provider each of whose servers knows only
   * the apps registered there and lets apps register themselves (Mastodon's `POST /api/v1/apps`,
   * https://docs.joinmastodon.org/methods/apps/#create). Called once per server: the client is kept (see
   * ClientRegistrationStore) and signs in, refreshes and revokes there from then on. Returns its id and secret;
   * throws a ProviderUnavailableError when the server refuses or answers nonsense.
   */
  registerClient?(request: ClientRegistrationRequest): Promise<Pick<RegisteredClient, 'clientId' | 'clientSecret'>>;
  /**
   * Revokes the grant at a provider that has no RFC 7009 endpoint. It is
   * given a live access token (refreshed first when the stored one expired).
   * Throws when the provider refused.
   */
  revoke?(request: RevocationRequest): Promise<RevocationOutcome>;
  /**
   * Asks the provider whether an access token still works, for a provider that asks apps to check the tokens they
   * keep, whether or not they use them (Twitch: at start and hourly, to learn of a person who disconnected the app).
   * The keep-alive sweep asks this of each live access token about hourly. True: it works; false: the provider
   * refused it; throws when the provider did not answer either way.
   */
  checkAccessToken?(request: AccessTokenCheckRequest): Promise<boolean>;
  /**
   * Renews the access token itself, for a provider that issues no refresh token but renews a live access token
   * presented to it (Instagram: `ig_exchange_token` after sign-in, `ig_refresh_token` afterwards). Returns an
   * RFC 6749 §5.1 answer (`access_token`, and `token_type`, `expires_in`, `scope` when it says them), or, at
   * sign-in, undefined to keep the code exchange's token. Throws AccessTokenRenewalRefused when only a new
   * sign-in helps, a ProviderUnavailableError otherwise (a back-off follows, and the token is used while it lasts).
   * With it, a connection without a refresh token is refreshed as one with a refresh token is: before its access
   * token expires, on use, and by the keep-alive sweep in its last week even when nobody uses it.
   */
  renewAccessToken?(request: AccessTokenRenewalRequest): Promise<Record<string, unknown> | undefined>;
}

/**
 * The body of a token endpoint answer as an object (JSON, or form-encoded:
 * RFC 6749 §5.1 says JSON; some providers send forms), with its text for
 * rebuilding an answer that is left as it was. `fields` is undefined when
 * the body is neither.
 */
export async function readTokenEndpointBody(response: Response): Promise<{ text: string; fields: Record<string, unknown> | undefined }> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return { text, fields: Object.fromEntries(new URLSearchParams(text)) };
  try {
    const parsed: unknown = JSON.parse(text);
    const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    return { text, fields: isObject ? (parsed as Record<string, unknown>) : undefined };
  } catch {
    return { text, fields: undefined };
  }
}

/** The answer `original` with another body (and status), keeping its other headers. */
export function rebuiltAnswer(original: Response, status: number, body: string, contentType?: string): Response {
  const headers = new Headers(original.headers);
  if (contentType) headers.set('content-type', contentType);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(body, { status, statusText: status === original.status ? original.statusText : '', headers });
}

/**
 * An HTTP Basic `Authorization` value of the client's id and secret as they
 * are (RFC 7617), not form-encoded first as RFC 6749 §2.3.1 has it: what the
 * providers that take Basic at their own endpoints (GitHub's grant deletion,
 * Zoom's and Notion's revocation) document, and the `plain` Basic of the
 * token endpoint.
 */
export function plainBasicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}
