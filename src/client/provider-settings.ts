import type { ClientDecryptionKey } from './response-decryption.js';
import type { ProviderHooks } from './provider-hooks.js';

/**
 * How a client authenticates at the token endpoint: with its secret (RFC 6749
 * §2.3.1), with a JWT signed by its secret or its private key (RFC 7523 §2.2,
 * OIDC Core §9), or not at all (`none`: a public client, PKCE only).
 */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** A client's private key for private_key_jwt. */
export interface ClientPrivateKey {
  /** PEM (PKCS#8 or PKCS#1/SEC1) or a private JWK as JSON text. */
  key: string;
  /** The `kid` the provider knows the key by, if it needs one. */
  keyId?: string;
}

/** Endpoints of an OAuth 2.0 server (RFC 8414 names in camelCase). */
export interface ProviderEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint?: string;
  revocationEndpoint?: string;
  /** Where the ID token signing keys are, for an OpenID provider configured without discovery. */
  jwksUri?: string;
  /**
   * Where refresh token grants (RFC 6749 §6) are sent, for a provider whose
   * refreshes have an endpoint of their own beside the token endpoint
   * (Figma's `/v1/oauth/refresh`); RFC 8414 has no name for it, so discovery
   * never gives one. Unset: the token endpoint, as RFC 6749 has it. A
   * connection made at one of regionalServers sends them to this endpoint's
   * path on that server (Acrobat Sign's `/oauth/v2/refresh` on each
   * account's API host).
   */
  refreshEndpoint?: string;
}

/** Endpoints of a plain OAuth 2.0 server that has no discovery document. */
export type ExplicitEndpoints = ProviderEndpoints;

/** Header names (lower-case) a provider's proxied calls pass on top of the proxies' general allowlists. */
export interface ProxyHeaders {
  /** Sent on from the caller to the API. */
  request: readonly string[];
  /** Passed back from the API's answer to the caller. */
  response: readonly string[];
}

/**
 * Where a connection's own API base comes from, for a provider whose API is
 * not one base for everyone:
 * - `member`: a token response member naming the connection's API origin
 *   (Salesforce's `instance_url`: each organisation's API is on its own host),
 *   and the domains it must be on. `userinfoPath`: where the provider's user
 *   API is under that origin, for a provider whose user API is on each
 *   connection's own host (Pipedrive's `/api/v1/users/me` on the company's
 *   `api_domain`); used when no userinfo endpoint is configured.
 *   `hostPath`: for a provider whose member names a host alone, not a URL
 *   (Wrike's `host`, `www.wrike.com` or `app-eu.wrike.com`): the base is
 *   `https://{host}{hostPath}` (`http:` only where the provider's own URLs
 *   may be http, in development, and the configured API base is http); a
 *   value that is not a bare host name, with an optional port, is refused as
 *   a URL off the domains is.
 * - `callbackParameter`: a parameter of the authorization response, beside
 *   the code, naming what the connection reaches (QuickBooks' `realmId`, the
 *   company): the API base is apiBaseUrl with that value as one more path
 *   segment. It passes through the browser, so it must match `pattern` in
 *   full, and, when the ID token names it in `idTokenClaim`, equal that; it
 *   chooses only the path under the configured API base, never the host.
 *   Read at sign-in only: a refresh keeps it.
 * - `profileMember`: a member of the user API's answer (after the preset's
 *   profileClaims hook), the one read at sign-in for the subject, naming the
 *   connection's API base, for a provider that says where a connection's API
 *   is only when asked after the code exchange (Mailchimp's `api_endpoint` of
 *   /oauth2/metadata, DocuSign's account `base_uri` of /oauth/userinfo). It
 *   must be on `domains` as `member`'s value must; else the sign-in fails
 *   (502) with nothing kept. Read at sign-in only: a refresh keeps it.
 *   `userinfoPath`: for a provider whose user API answers only at the
 *   person's own regional base (Tesla's Fleet API), where the user API is
 *   under the base that the readMoreClaims hook's claims name; the hook then
 *   runs first, at apiBaseUrl, the base is checked before the token goes
 *   there, and the profile is read there. Used when no userinfo endpoint is
 *   configured.
 * - `regionalServerPath`: for a provider whose API is on the same host as
 *   the person's own authorization server (Datadog's `https://api.<site>`,
 *   which holds both the token endpoint and the API): a connection made at
 *   one of regionalServers has that server's origin followed by this path
 *   (`''` for the origin alone) as its API base, and a connection made at
 *   the configured server has apiBaseUrl. The server was checked against
 *   regionalServers before the code went there, so the base is never a host
 *   the provider did not list. Read at sign-in only: a refresh keeps it.
 */
export type ConnectionApiBaseRule =
  | { member: string; domains: string[]; userinfoPath?: string; hostPath?: string }
  | { callbackParameter: string; pattern: RegExp; idTokenClaim?: string }
  | { profileMember: string; domains: string[]; userinfoPath?: string }
  | { regionalServerPath: string }
  /**
   * The verifyAccount hook names each connection's API base at sign-in, having found it at the account's own home
   * (AT Protocol: the account's PDS), and again at each refresh from its answer (an account moved to another home
   * of the same server is called there; a verification that fails keeps the base); `userinfoPath`, the user API on it.
   */
  | { verifiedAccount: true; userinfoPath?: string };

/** Everything Tokenkeeper needs to know about one provider, registered by name. */
export interface ProviderSettings {
  /** Lower-case name used in routes and storage, e.g. `toolkit`. */
  name: string;
  /** Shown on the sign-in button. */
  displayName: string;
  clientId: string;
  /** Empty for methods that use no secret (private_key_jwt, none). */
  clientSecret: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** For private_key_jwt, and the key that signs a `signedClientSecret`. */
  privateKey?: ClientPrivateKey;
  /**
   * The keys the provider encrypts ID tokens and userinfo answers to (JWE), for a client registered so, newest first
   * (more than one while a key is replaced): each answer is decrypted with the one its header names, then its
   * signature and claims are checked as usual. Unset: encrypted answers are refused.
   */
  decryptionKeys?: readonly ClientDecryptionKey[];
  /**
   * The `aud` of a private_key_jwt client assertion: the issuer (unset, as openid-client sends it; RFC 7523 §3 lets
   * the server say what it takes), or `token_endpoint`, the token endpoint's URL, for a provider that takes nothing
   * else: Login.gov refuses any other audience
   * (https://developers.login.gov/oidc/token/#client_assertion, https://developers.login.gov/support/#invalid-aud-claim).
   */
  clientAssertionAudience?: 'token_endpoint';
  /**
   * The client secret is not configured but made: a JWT signed with
   * `privateKey` (its `kid` in the header), whose `iss` is `teamId`, `sub` the
   * client id and `aud` `audience`, sent as client_secret_post. Sign in with
   * Apple authenticates clients this way.
   */
  signedClientSecret?: { teamId: string; audience: string };
  /**
   * For client_secret_basic: `plain` sends `id:secret` in the Basic header as
   * RFC 7617 does, where RFC 6749 §2.3.1 has both form-encoded first (the
   * default). They differ only for ids or secrets with characters such as
   * `-`, `_` or `.`; a provider that documents the plain scheme (X) needs it.
   */
  basicCredentials?: 'form-encoded' | 'plain';
  /**
   * OIDC discovery (`issuer`, or a full metadata URL) or explicit endpoints; exactly one of them.
   * `madeBy`: what made the address when it was not given as it is, for messages (e.g. "the keycloak preset, from KEYCLOAK_BASE_URL and KEYCLOAK_REALM").
   * `wellKnown`: an issuer's metadata is read at RFC 8414's `/.well-known/oauth-authorization-server` rather than
   * OpenID's `/.well-known/openid-configuration`, for an OAuth 2.0 server that has no OpenID document (AT Protocol's).
   */
  discovery?: ({ issuer: string } | { metadataUrl: string }) & { madeBy?: string; wellKnown?: 'oauth-authorization-server' };
  /** With discovery: endpoints that replace what the discovery document says (or adds what it leaves out). */
  metadataOverrides?: Partial<ProviderEndpoints>;
  /** Without discovery: the endpoints, and the issuer the server names in its redirects (RFC 9207). */
  endpoints?: ProviderEndpoints & { issuer?: string };
  /**
   * The provider's other servers, one per region, whose people's sign-ins it finishes there (Zoho's accounts
   * servers, one per data centre): origins a callback's codeExchangeServer hook may name besides the configured
   * endpoints' own. The code is exchanged and the profile read there, and that connection's refreshes and
   * revocation go there too, each at the configured endpoint's path; a server not listed is refused. An entry
   * `https://*.` and a domain (`https://*.retail.lightspeed.app`, a server per store) stands for each host of exactly
   * one DNS label under that domain, on that scheme and port alone (listedRegionalServer).
   */
  regionalServers?: readonly string[];
  scope: string;
  /** Origin (and optional path prefix) of the API that accepts this provider's access tokens. */
  apiBaseUrl?: string;
  /** Where each connection's own API base comes from, used instead of apiBaseUrl: see ConnectionApiBaseRule. */
  connectionApiBase?: ConnectionApiBaseRule;
  /**
   * Other API bases the access token may be sent to, for hosts of the
   * provider's API that apiBaseUrl does not cover (Dropbox's
   * `https://content.dropboxapi.com`, GitHub's uploads host); `https://*.googleapis.com`
   * stands for any one-label host under that domain. Called with an absolute
   * URL (the library) or the `Tokenkeeper-Api-Base` header (the proxies).
   */
  extraApiBaseUrls?: readonly string[];
  /** Headers sent with every call to the API (and userinfo) unless the caller sets them, e.g. GitHub's required User-Agent. */
  apiHeaders?: Record<string, string>;
  /**
   * Names (lower-case) of apiHeaders the caller cannot change: sent as the preset says whatever a caller of the
   * proxies or the library sends. Reddit identifies the app by its User-Agent, which a browser calling the proxies
   * would otherwise replace with its own.
   */
  fixedApiHeaders?: readonly string[];
  /**
   * Query parameters every call to the API (userinfo included) carries, in place of any the caller put there under
   * those names: the API key a provider issues an app beside its client and takes in the query (Enphase's `key`,
   * https://developer-v4.enphase.com/docs/quickstart.html). Added to a new URL as each call is sent, so never logged.
   */
  apiQueryParameters?: Record<string, string>;
  /**
   * A header (lower-case) that carries `clientId` on every call to the API beside the access token, which the
   * provider checks against the client the token was issued to (Twitch's `client-id`). The caller cannot change it.
   */
  clientIdHeader?: string;
  /**
   * A header (lower-case) that carries the client's id and secret joined by a colon, `id:secret`, on every call to
   * the API (userinfo included) beside the access token, for a provider that checks both on each call: Etsy's
   * `x-api-key`, the app's keystring and shared secret
   * (https://developers.etsy.com/documentation/essentials/requests/). The caller cannot change it, and the client
   * secret is needed for it whatever the token endpoint's authentication method (`none` included).
   */
  clientCredentialsHeader?: string;
  /**
   * A header (lower-case) that carries the access token, as it is, on every call to the API and the user API, in
   * place of RFC 6750's `Authorization: Bearer`, for an API that documents only its own: Shopify's Admin API takes
   * `X-Shopify-Access-Token`
   * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens). The caller cannot set it.
   */
  accessTokenHeader?: string;
  /**
   * A query parameter that carries the access token, as it is, on every call to the API and the user API, in place
   * of RFC 6750 §2.1's `Authorization: Bearer`, for an API that documents only that: RFC 6750 §2.3's URI query
   * parameter under the provider's own name, Foursquare's `oauth_token`
   * (https://docs.foursquare.com/developer/reference/v2-authentication). Added to a new URL as each call is sent, in
   * place of any the caller put there under that name, so never logged; no Authorization is sent with it.
   */
  accessTokenParameter?: string;
  /**
   * The scheme every call to the API sends the access token under, in `Authorization: <scheme> <token>`, in place
   * of RFC 6750's `Bearer`, for an API that documents only its own: Yandex's APIs take `Authorization: OAuth <token>`
   * (https://yandex.com/dev/id/doc/en/user-information). A caller's own Authorization is never sent, as with Bearer.
   * The userinfo request has userinfoTokenScheme.
   */
  apiTokenScheme?: string;
  /**
   * True: the API answers an access token it no longer takes with HTTP 2xx and the refusal in the body, so its
   * tokenRejected hook reads successful answers too, not only 4xx ones: Withings answers every call with HTTP 200
   * and a `status` (https://developer.withings.com/api-reference/). Each successful answer is then read whole by
   * the hook before it is passed on, so only an API whose answers are small JSON documents should set it.
   */
  successMayRejectToken?: boolean;
  /**
   * A query parameter that carries, on every call to the API (userinfo included), the HMAC-SHA256 (hex) of the
   * access token keyed by the client secret: proof that the call comes from the client's own server, which the
   * provider may require (Facebook's `appsecret_proof`). Computed per call from the token sent; the caller cannot change it.
   */
  tokenProofParameter?: string;
  /**
   * Headers the proxies pass for this provider on top of their general
   * allowlists, lower-case: request headers its API takes from the caller
   * (Dropbox's `dropbox-api-arg`, LinkedIn's `linkedin-version`), and answer
   * headers that carry part of its answer (Dropbox's `dropbox-api-result`,
   * LinkedIn's `x-restli-id`, the id of what a POST created).
   */
  proxyHeaders?: ProxyHeaders;
  /** Extra parameters for the authorization request, e.g. `{ access_type: 'offline' }`. */
  authorizationParams?: Record<string, string>;
  /**
   * What the authorization request sends as `redirect_uri` in place of the callback URL, for a provider that names
   * an app's registered redirect and redirects to the URL registered under that name (eBay's RuName,
   * https://developer.ebay.com/api-docs/static/oauth-redirect-uri.html). The callback is still where the code is
   * read; a preset that sets it also sends the name at the code exchange (its tokenRequest hook).
   */
  redirectUriSent?: string;
  /**
   * Extra parameters for an incremental authorization request, one that asks
   * for more scope on top of a grant (connect links, "Ask for more access"),
   * e.g. Google's `{ include_granted_scopes: 'true' }`.
   */
  incrementalAuthorizationParams?: Record<string, string>;
  /**
   * The provider issues a refresh token only when the authorization request
   * asks for consent (`prompt=consent`): OpenID Connect Core §11 lets a
   * provider ignore `offline_access` otherwise, and Google issues one only on
   * a fresh offline consent. Then sign-in asks for consent when the person's
   * connection has no live refresh token, and only then.
   */
  refreshTokenNeedsConsent?: boolean;
  /**
   * False: the authorization request carries no PKCE challenge and the token
   * request no `code_verifier` (RFC 7636 §4.5 expects a server without PKCE to
   * ignore them; LinkedIn's web flow refuses the verifier instead). Default true:
   * RFC 7636 §4.2's S256 challenge. `plain`: the challenge is the verifier
   * itself with `code_challenge_method=plain` (RFC 7636 §4.2), for a provider
   * that takes no other method (MyAnimeList,
   * https://myanimelist.net/apiconfig/references/authorization).
   */
  pkce?: boolean | 'plain';
  /**
   * True: the code exchange sends the authorization request's `state` beside the code, for a provider that
   * documents it as a parameter of its token request (Naver Login's `/oauth2.0/token`,
   * https://github.com/naver/naver-openapi-guide/blob/main/ko/docs/login/api/README.md). RFC 6749 §4.1.3 has no
   * such parameter; the state is the one already sent through the browser, so it tells the provider nothing new.
   */
  stateAtCodeExchange?: boolean;
  /**
   * True: each refresh sends the `redirect_uri` the connection's code exchange sent, for a provider that documents
   * it as a parameter of its refresh request (Trakt's `/oauth/token`, https://docs.trakt.tv/reference/postoauthtoken). RFC 6749 §6 has
   * no such parameter. A connection stored before the redirect URI was kept is refreshed without it.
   */
  refreshSendsRedirectUri?: boolean;
  /**
   * Parameters of the authorization response, beside the code, that the provider wants again in the code exchange
   * and in every refresh of that connection: VK ID's `device_id`, the id of the device the person signed in on
   * (https://id.vk.com/about/business/go/docs/ru/vkid/latest/vk-id/connection/api-integration/api-description). RFC 6749
   * has no such parameters. The response passes through the browser, so each must come once, of 1 to 256 printable
   * ASCII characters, or the sign-in is refused (400, `invalid_callback`) before the code is sent anywhere. Kept with
   * the connection (never shown), replaced by a new sign-in; a connection stored before is refreshed without them.
   */
  callbackParametersResent?: readonly string[];
  /**
   * True: the provider answers a refused client as it answers a refresh token it no longer takes (Kick's one
   * 400 `{"error": "Invalid request"}`, https://github.com/KickEngineering/KickDevDocs, generating-tokens-oauth2-flow.md),
   * so a refused refresh alone cannot say whether the person must sign in again or the configured client secret is
   * wrong. Such a refusal is then checked with a client-credentials grant (RFC 6749 §4.4) by the same client at the
   * same token endpoint: granted, the refresh token is dead and the connection needs re-authentication; refused
   * too, the client is at fault and every connection stays as it is. Only for a provider that grants its clients
   * app tokens.
   */
  sameRefusalForClientAndGrant?: boolean;
  /**
   * True: the code exchange sends, as `scope`, the scope its authorization request asked for, and each refresh the
   * scope stored with the connection, for a provider that documents `scope` as a parameter of both (start.gg's
   * `/oauth/access_token` and `/oauth/refresh`, https://developer.start.gg/docs/oauth/oauth-overview). RFC 6749
   * §4.1.3 has no such parameter in the code exchange; §6 makes it optional in a refresh, where it may name no
   * scope not granted, and the stored scope is the one granted. A connection stored with no scope is refreshed without it.
   */
  tokenRequestsSendScope?: boolean;
  /**
   * True: each request to the token endpoint (the code exchange and every refresh) is a GET with its parameters, the
   * client's id and secret among them, in the query string and no body, for a provider that documents its token
   * endpoint only so (Bitrix24's `https://oauth.bitrix.info/oauth/token/?grant_type=…&client_id=…&client_secret=…`,
   * https://apidocs.bitrix24.com/settings/oauth/index.html). RFC 6749 §3.2 wants a POST; the answer is read as any
   * other, and it is handed on without the URL it came from, which holds the secret.
   */
  tokenRequestsInQuery?: boolean;
  /**
   * False: no `nonce` is sent and the ID token is expected without one
   * (OIDC Core §3.1.2.1 makes it optional in the code flow; LinkedIn's ID
   * token never carries one). Default true.
   */
  idTokenNonce?: boolean;
  /**
   * True: `openid` is one of the provider's scopes, but no ID token is relied
   * on: none is expected, no `nonce` is sent, and one a token answer carries
   * is dropped unread. The person is read from the user API with the access
   * token, as in plain OAuth 2.0 (`subjectClaim`). For a provider whose sign-in
   * asks for `openid` while its documentation names no issuer or signing keys
   * for ID tokens (Log in with PayPal,
   * https://developer.paypal.com/docs/log-in-with-paypal/integrate/).
   */
  idTokenUnused?: boolean;
  /**
   * True: the provider answers a token request without `token_type`, which
   * RFC 6749 §5.1 requires and openid-client refuses to go without. A
   * successful answer with an `access_token` and no `token_type` is read as
   * `Bearer` (RFC 6750); an answer that names its type keeps it, and a
   * refusal is left as it came. Only for a provider whose documentation
   * shows its answers without the member (Dailymotion's
   * https://developers.dailymotion.com/guides/refresh-token, AWeber's OAuth
   * 2.0 traces at https://api.aweber.com/).
   */
  omitsTokenType?: boolean;
  /**
   * The ID token carries the whole profile and the userinfo endpoint is not
   * called (e.g. Dropbox's answers POST only, where OpenID Connect Core §5.3.1 uses GET).
   */
  skipUserinfo?: boolean;
  /**
   * The userinfo endpoint is a token introspection endpoint (RFC 7662): the
   * profile is the introspection of the access token, which goes in the POST
   * body with the client's authentication, never in a URL; an answer that is
   * not `active` is refused. HubSpot has no userinfo, and tells who a token is
   * for this way. Only with explicit endpoints.
   */
  userinfoByIntrospection?: boolean;
  /**
   * The user API is read with a POST of this JSON body, not a GET: a GraphQL
   * API, where who the token is for is a query (Linear's `{ viewer { id } }`,
   * https://linear.app/developers/graphql). Sent with the access token and
   * the API headers, as the GET would be; only without an ID token.
   */
  userinfoPostJson?: Record<string, unknown>;
  /**
   * The scheme the userinfo request sends the access token under, in place of
   * RFC 6750's `Bearer`, for a user API that documents another: Mailchimp's
   * `/oauth2/metadata` takes `Authorization: OAuth <access token>`
   * (https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/).
   * Only the configured userinfo endpoint; API calls still send Bearer.
   */
  userinfoTokenScheme?: string;
  /**
   * True: the user API is read with a POST of a form holding the client's id as `client_id` and the access token as
   * `access_token`, and no Authorization header, for a user API that documents only that form: VK ID's
   * `/oauth2/user_info` (https://id.vk.com/about/business/go/docs/ru/vkid/latest/vk-id/connection/api-integration/api-description).
   * Only the configured userinfo endpoint; API calls are sent as the other settings say.
   */
  userinfoTokenInForm?: boolean;
  /**
   * True: the connection's tokens are bound to a key of its own by DPoP (RFC 9449): a new ES256 key at each sign-in,
   * kept encrypted with the tokens; the code exchange, every refresh, the userinfo request and every API call carry a
   * proof signed with it, and API calls send the token as `Authorization: DPoP`. A provider's DPoP nonce is taken
   * (RFC 9449 §8, §9). A connection made before DPoP was turned on keeps its bearer tokens until its next sign-in.
   */
  dpop?: boolean;
  /**
   * True: the authorization request is pushed first (RFC 9126, PAR): its parameters go to the provider's
   * `pushed_authorization_request_endpoint` from the server, with the client's authentication, and the browser is
   * sent with the `request_uri` it answers alone, so they never pass through the browser. Used too whenever the
   * provider's metadata says `require_pushed_authorization_requests`. Only with discovery, whose document names the endpoint.
   */
  pushedAuthorizationRequests?: boolean;
  /**
   * True: the client id is the URL of a client metadata document this app serves at
   * `<BASE_URL>/auth/<name>/client-metadata.json` (the provider fetches it to learn the client's redirect URI,
   * scope, authentication and keys: AT Protocol's OAuth profile, https://atproto.com/specs/oauth#clients), or, with a
   * BASE_URL on 127.0.0.1 or [::1], AT Protocol's development client id `http://localhost?redirect_uri=…&scope=…`,
   * which is not fetched. The client has no secret: it authenticates with `none` or `private_key_jwt`.
   */
  clientIdMetadataDocument?: boolean;
  /**
   * True: the provider is connected to the account of a person already signed in here, never signed in with: it
   * says nothing of who the person is (an API with no user endpoint; a remote MCP server, whose authorization gives
   * a token for the server and no identity). The connection's subject is the user's own id, so no identity is read
   * and none can be taken by another user; sign-in pages leave it out, and starting a sign-in with it is refused
   * (`connect_only`). It is connected from the account page, a connect link for a user, or the library's
   * `signIn.start` with `user`.
   */
  connectOnly?: boolean;
  /** Userinfo member holding the stable subject when there is no ID token (plain OAuth 2.0), e.g. GitHub's `id`. */
  subjectClaim?: string;
  /**
   * ID token claim holding the person's stable id, for an OpenID provider whose `sub` is a login name that can be
   * changed: an Oracle identity domain's `sub` is the user's login ID and its `user_id` the user's GUID
   * (https://docs.oracle.com/en-us/iaas/Content/Identity/api-getstarted/usingopenidconnect.htm). The account is
   * found by this claim; `sub` is still what userinfo's is checked against (OIDC Core §5.3.2). A sign-in whose ID
   * token lacks it is refused, never kept under the login name; a refreshed ID token must carry the same value
   * (its `sub` may differ, the login name having been changed). A back-channel logout token with a `sid` ends that
   * session as ever; one with only a `sub` (the login name) matches no account.
   */
  idTokenSubjectClaim?: string;
  /** Userinfo member names to read profile claims from, for non-OIDC providers. */
  claimNames?: { name?: string; email?: string; preferredUsername?: string };
  /**
   * Seconds a refresh token may go unused before the provider ends it (Okta's
   * "expires if not used every", Google's six months unused): the keep-alive
   * sweep refreshes a connection nobody used before then. Counted from the
   * last refresh (or sign-in); a refresh token the provider gave an explicit
   * end (`refresh_token_expires_in`) ends at the earlier of the two. Unset or
   * 0: the provider ends refresh tokens for no idleness (or says nothing of it).
   */
  refreshTokenIdleSeconds?: number;
  /**
   * Signing out of a session this provider's sign-in made also ends the
   * person's session at the provider (OpenID Connect RP-Initiated Logout 1.0):
   * the browser goes to the end_session_endpoint its discovery names.
   */
  signOutAtProvider?: boolean;
  /** Where the provider departs from the specifications (see ProviderHooks). */
  hooks?: ProviderHooks;
  /**
   * True: the provider's servers are named by the people signing in (AT Protocol's PDS and authorization servers,
   * did:web hosts), so in production (allowInsecureHttp false) every request for this provider goes only to public
   * addresses: a host that is, or resolves to, a loopback, private, link-local or other special-purpose address
   * (isPublicAddress) is refused before any connection, as an unreachable one, so no one can make the server reach
   * its own network (SSRF). The operator's own servers for it (`<NAME>_ISSUER`) must then be at public addresses too.
   */
  publicAddressesOnly?: boolean;
  /**
   * For a provider whose hooks register the app at each server (registerClient): what the app registers as, the
   * callback (`<BASE_URL>/auth/<name>/callback`), the name people are shown, and its page. Its client id and secret
   * are then not configured (`clientId` is REGISTERED_AT_EACH_SERVER, `clientSecret` empty): each server's own are used.
   * `metadataDocumentUrl`: where the app serves the client metadata document a server that takes Client ID Metadata
   * Documents fetches in place of a registration (`<BASE_URL>/auth/<name>/client-metadata.json`), for a preset that
   * registers so where it can (registersByMetadataDocument) and an https BASE_URL (http in development), which a
   * server can fetch.
   */
  clientRegistration?: { redirectUri: string; clientName: string; website: string; metadataDocumentUrl?: string };
  /**
   * True: where a server takes Client ID Metadata Documents, the app is "registered" there by the URL of its own
   * metadata document as its client id, which the server fetches (draft-ietf-oauth-client-id-metadata-document): for
   * a preset that registers at each server (registerClient), whose hook chooses it (an MCP server's authorization
   * server that says `client_id_metadata_document_supported`). Not through the library, whose host serves no document.
   */
  registersByMetadataDocument?: boolean;
  /**
   * How the sign-in page asks a person to name their account or server (login_hint), for a provider whose people
   * sign in at servers of their own (accountAuthorizationServer): the field's label and an example.
   */
  accountPrompt?: { label: string; placeholder: string };
  /** `http:` URLs are accepted only when this is true (outside production). */
  allowInsecureHttp: boolean;
}

/**
 * The headers every call to the provider's API carries: apiHeaders, the client id where clientIdHeader names a
 * header for it, and `id:secret` where clientCredentialsHeader does.
 */
export function apiHeadersOf(settings: Pick<ProviderSettings, 'apiHeaders' | 'clientIdHeader' | 'clientCredentialsHeader' | 'clientId' | 'clientSecret'>): Record<string, string> | undefined {
  if (!settings.clientIdHeader && !settings.clientCredentialsHeader) return settings.apiHeaders;
  return {
    ...settings.apiHeaders,
    ...(settings.clientIdHeader ? { [settings.clientIdHeader]: settings.clientId } : {}),
    ...(settings.clientCredentialsHeader ? { [settings.clientCredentialsHeader]: `${settings.clientId}:${settings.clientSecret}` } : {}),
  };
}

/** Whether the provider has an API to call on a person's behalf: a configured base URL, or one per connection. */
/** The client id of a provider that registers itself at each server (clientRegistration), which has none of its own. */
export const REGISTERED_AT_EACH_SERVER = 'registered-at-each-server';

export function hasProviderApi(settings: Pick<ProviderSettings, 'apiBaseUrl' | 'connectionApiBase'>): boolean {
  return Boolean(settings.apiBaseUrl || settings.connectionApiBase);
}
