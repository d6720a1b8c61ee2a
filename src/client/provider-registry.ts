import * as oidc from 'openid-client';
import { withAccessTokenParameter } from './api-query.js';
import { withChallengeWithoutErrorDropped } from './challenge-without-error.js';
import { clientAuthentication } from './client-auth.js';
import type { ClientRegistrationStore, RegisteredClient } from './client-registration.js';
import { describeProviderFailure, ProviderUnavailableError, TokenkeeperError, UnknownProviderError } from './errors.js';
import type { ProviderEndpoints, ProviderSettings } from './provider-settings.js';
import { atRegionalServer, listedRegionalServer } from './regional-servers.js';
import { type ClientDecryptionKey, importDecryptionKey } from './response-decryption.js';
import { withTokenAnswerShaped } from './token-answer-shape.js';

export interface RegistryOptions {
  /** The fetch used for every provider request (see createOutboundFetch). */
  fetch?: oidc.CustomFetch;
  /**
   * The fetch for a provider whose servers are named by the people signing in (ProviderSettings.publicAddressesOnly),
   * in production (allowInsecureHttp false): one that connects to public addresses only (createOutboundFetch's
   * `publicOnly`). Without it, `fetch`.
   */
  publicFetch?: oidc.CustomFetch;
  /**
   * Timeout of each request to a provider, in seconds; a refresh token grant's
   * answer is waited for twice as long (see REFRESH_TIMEOUT_FACTOR).
   */
  timeoutSeconds?: number;
  /**
   * Where the clients the app registers at each server are kept (ProviderHooks.registerClient): needed by a provider
   * with that hook, whose every server's client is found there, or registered and kept there.
   */
  clientRegistrations?: ClientRegistrationStore;
}

export interface SendInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * How a provider's configuration stands: `none` when it has no discovery
 * (its endpoints are configured), `pending` until its first discovery
 * ends, then `ok`, or `failed` with why (kept while a new attempt runs, until
 * one succeeds).
 */
export type DiscoveryState =
  | { state: 'none' | 'pending' | 'ok' }
  | { state: 'failed'; error: string; message: string };

/** A registered provider: its settings and, once resolved, its openid-client Configuration. */
export interface RegisteredProvider {
  settings: ProviderSettings;
  configuration(): Promise<oidc.Configuration>;
  /**
   * The configuration at one of the provider's regional servers (ProviderSettings.regionalServers), where a
   * connection made there is refreshed and revoked: its token, userinfo and revocation endpoints on that origin.
   * Null, or the configured server's own origin, is configuration(); a server not listed is refused, except at a
   * provider whose people name their own authorization server (accountAuthorizationServer), where it is that
   * server's issuer, found by discovery as the configured one is.
   */
  configurationAt(server: string | null): Promise<oidc.Configuration>;
  discovery(): DiscoveryState;
  /**
   * Drops the client registered at `server` (registerClient) when it is still `clientId`, for a server that no
   * longer knows it (it refused it as `invalid_client`): the next sign-in there registers anew. False for any other
   * provider, or when another client is kept there by now.
   */
  forgetRegisteredClient(server: string, clientId: string): Promise<boolean>;
  /** A request to one of the provider's own URLs (not a protocol step openid-client makes), with the provider timeout. */
  send(url: string, init: SendInit): Promise<Response>;
}

const DEFAULT_TIMEOUT_SECONDS = 10;

/** Authorization servers of people's own (accountAuthorizationServer) whose configuration is kept, per provider. */
const ACCOUNT_SERVERS_KEPT = 200;

/**
 * How many provider timeouts a refresh token grant's answer is waited for.
 * That answer may carry the only copy of a rotated refresh token (RFC 6749
 * §6: the client must discard the old one, and providers that rotate refuse
 * it from then on), so giving up on an answer that is merely late leaves the
 * connection needing a new sign-in. Every other request can be sent again.
 */
export const REFRESH_TIMEOUT_FACTOR = 2;

/** Our endpoint names as RFC 8414 metadata, leaving out the ones not given. */
function serverMetadataOf(endpoints: Partial<ProviderEndpoints>): Partial<oidc.ServerMetadata> {
  const metadata: { -readonly [K in keyof oidc.ServerMetadata]?: oidc.ServerMetadata[K] } = {};
  if (endpoints.authorizationEndpoint) metadata.authorization_endpoint = endpoints.authorizationEndpoint;
  if (endpoints.tokenEndpoint) metadata.token_endpoint = endpoints.tokenEndpoint;
  if (endpoints.userinfoEndpoint) metadata.userinfo_endpoint = endpoints.userinfoEndpoint;
  if (endpoints.revocationEndpoint) metadata.revocation_endpoint = endpoints.revocationEndpoint;
  if (endpoints.jwksUri) metadata.jwks_uri = endpoints.jwksUri;
  return metadata;
}

/** The request to the userinfo endpoint with its `Bearer` access token sent under the provider's own scheme. */
function withUserinfoScheme(init: Parameters<oidc.CustomFetch>[1], scheme: string): Parameters<oidc.CustomFetch>[1] {
  const headers = new Headers(init.headers);
  const authorization = headers.get('authorization');
  if (!authorization?.startsWith('Bearer ')) return init;
  headers.set('authorization', `${scheme} ${authorization.slice('Bearer '.length)}`);
  return { ...init, headers: Object.fromEntries(headers) };
}

/**
 * The userinfo request (a GET with the access token as `Bearer`) as a POST of a form holding the client's id and the
 * token, with no Authorization header (userinfoTokenInForm): VK ID's `/oauth2/user_info`.
 */
function withUserinfoTokenInForm(init: Parameters<oidc.CustomFetch>[1], clientId: string): Parameters<oidc.CustomFetch>[1] {
  const headers = new Headers(init.headers);
  const authorization = headers.get('authorization');
  if (!authorization?.startsWith('Bearer ')) return init;
  headers.delete('authorization');
  headers.set('content-type', 'application/x-www-form-urlencoded');
  const body = new URLSearchParams({ client_id: clientId, access_token: authorization.slice('Bearer '.length) });
  return { ...init, method: 'POST', headers: Object.fromEntries(headers), body: body.toString() };
}

/** A request that carries the access token as `Bearer`, with the token moved to the provider's own header (accessTokenHeader). */
function withAccessTokenHeader(init: Parameters<oidc.CustomFetch>[1], header: string): Parameters<oidc.CustomFetch>[1] {
  const headers = new Headers(init.headers);
  const authorization = headers.get('authorization');
  if (!authorization?.startsWith('Bearer ')) return init;
  headers.delete('authorization');
  headers.set(header, authorization.slice('Bearer '.length));
  return { ...init, headers: Object.fromEntries(headers) };
}

/** A request that carries the access token as `Bearer`, with the token moved to the provider's query parameter (accessTokenParameter). */
function withAccessTokenParameterSent(url: string, init: Parameters<oidc.CustomFetch>[1], parameter: string): [string, Parameters<oidc.CustomFetch>[1]] {
  const headers = new Headers(init.headers);
  const authorization = headers.get('authorization');
  if (!authorization?.startsWith('Bearer ')) return [url, init];
  headers.delete('authorization');
  return [withAccessTokenParameter({ accessTokenParameter: parameter }, new URL(url), authorization.slice('Bearer '.length)).toString(), { ...init, headers: Object.fromEntries(headers) }];
}

/**
 * The fetch openid-client uses for this provider: the outbound fetch, with
 * the preset's rewrite of token endpoint requests and answers (tokenRequest
 * and tokenResponse hooks) on the one URL they concern, a refresh token grant sent to the refresh endpoint
 * where one is configured (openid-client sends every grant to the token endpoint), at the regional server
 * whose token endpoint it was sent to (`regionalOrigin`), given
 * `refreshTimeoutMs`, that longer timeout in place of openid-client's on a refresh token grant, the
 * userinfo request's token under userinfoTokenScheme or in a form (userinfoTokenInForm) (or the accessTokenHeader, or accessTokenParameter, of every request that sends one), token
 * and revocation endpoint refusals stripped of a challenge that names no error (withChallengeWithoutErrorDropped),
 * and token answers without the optional members they sent as null, without the ID token idTokenUnused leaves
 * unread, and read as Bearer where omitsTokenType says the provider names no token_type (withTokenAnswerShaped).
 */
function providerFetch(
  settings: ProviderSettings,
  base: oidc.CustomFetch | undefined,
  endpoint: (url: string) => 'token' | 'userinfo' | 'revocation' | undefined,
  regionalOrigin: (tokenEndpoint: string) => string | undefined,
  refreshTimeoutMs: number | undefined,
): oidc.CustomFetch {
  const rewrite = settings.hooks?.tokenResponse;
  const rewriteRequest = settings.hooks?.tokenRequest;
  const refreshEndpoint = settings.endpoints?.refreshEndpoint ?? settings.metadataOverrides?.refreshEndpoint;
  const scheme = settings.userinfoTokenScheme;
  const tokenHeader = settings.accessTokenHeader;
  const tokenParameter = settings.accessTokenParameter;
  const send: oidc.CustomFetch = base ?? ((url, init) => fetch(url, init as RequestInit));
  return async (url, init) => {
    const kind = endpoint(url);
    if (scheme !== undefined && kind === 'userinfo') return send(url, withUserinfoScheme(init, scheme));
    if (settings.userinfoTokenInForm && kind === 'userinfo') return send(url, withUserinfoTokenInForm(init, settings.clientId));
    if (kind !== 'token') {
      if (tokenParameter !== undefined && kind !== 'revocation') return send(...withAccessTokenParameterSent(url, init, tokenParameter));
      const withHeader = tokenHeader === undefined ? init : withAccessTokenHeader(init, tokenHeader);
      // RFC 7009 §2.2.1's refusals are RFC 6749 §5.2's, challenge and all.
      return kind === 'revocation' ? withChallengeWithoutErrorDropped(await send(url, withHeader)) : send(url, withHeader);
    }
    const refresh = init.body instanceof URLSearchParams && init.body.get('grant_type') === 'refresh_token';
    let sent = refresh && refreshTimeoutMs !== undefined ? { ...init, signal: AbortSignal.timeout(refreshTimeoutMs) } : init;
    if (rewriteRequest && init.body instanceof URLSearchParams) sent = { ...sent, ...rewriteRequest({ body: init.body, headers: init.headers }) };
    const target = refresh && refreshEndpoint !== undefined ? refreshEndpointFor(refreshEndpoint, regionalOrigin(url)) : url;
    // The parameters as sent: the preset's tokenRequest hook may have rewritten them.
    const inQuery = settings.tokenRequestsInQuery && init.body instanceof URLSearchParams ? new URLSearchParams(typeof sent.body === 'string' ? sent.body : init.body) : undefined;
    const response = inQuery ? await sentInQuery(send, target, sent, inQuery) : await send(target, sent);
    const rewritten = rewrite ? await rewrite(response) : response;
    return withTokenAnswerShaped(await withChallengeWithoutErrorDropped(rewritten), settings);
  };
}

/**
 * A token request sent as a GET with `parameters` in the query of `url` and no body (tokenRequestsInQuery), its answer
 * handed on without the URL it came from: that URL holds the client secret and the code or refresh token.
 */
async function sentInQuery(send: oidc.CustomFetch, url: string, init: Parameters<oidc.CustomFetch>[1], parameters: URLSearchParams): Promise<Response> {
  const target = new URL(url);
  for (const [name, value] of parameters) target.searchParams.append(name, value);
  const headers = Object.fromEntries([...new Headers(init.headers)].filter(([name]) => name !== 'content-type' && name !== 'content-length'));
  const response = await send(target.toString(), { ...init, method: 'GET', headers, body: undefined });
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The refresh endpoint a connection made at the regional server `origin` uses: the configured one's path there (Acrobat Sign's `/oauth/v2/refresh` on each account's own API host). */
function refreshEndpointFor(refreshEndpoint: string, origin: string | undefined): string {
  return origin === undefined ? refreshEndpoint : atRegionalServer(refreshEndpoint, origin);
}

/**
 * The fetch for the discovery request only: configured endpoints replace (or
 * add to) what the document says, before openid-client reads it, so every
 * check it makes of the document (issuer, Microsoft's tenant issuers) still applies.
 */
function withMetadataOverrides(base: oidc.CustomFetch | undefined, overrides: Partial<ProviderEndpoints>): oidc.CustomFetch {
  const send: oidc.CustomFetch = base ?? ((url, init) => fetch(url, init as RequestInit));
  return async (url, init) => {
    const response = await send(url, init);
    if (response.status !== 200) return response;
    const text = await response.text();
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      document = undefined;
    }
    const body = document !== null && typeof document === 'object' && !Array.isArray(document) ? JSON.stringify({ ...document, ...serverMetadataOf(overrides) }) : text;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
}

/** A URL as shown in a message: without the user and password it may carry (the query stays: Azure AD B2C names its policy there). */
function shownUrl(url: string): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  return shown.href;
}

/**
 * The issuer a discovery document names when it is not the one configured
 * (openid-client compares them exactly, OpenID Connect Discovery §4.3): a
 * trailing slash too many, or a server that knows itself by another host
 * name (Keycloak behind a proxy names its public one).
 */
function issuerNamed(error: unknown): { found: string; expected: string } | undefined {
  if (!(error instanceof oidc.ClientError) || error.code !== 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') return undefined;
  const cause = error.cause as { attribute?: unknown; expected?: unknown; body?: { issuer?: unknown } } | undefined;
  const found = cause?.body?.issuer;
  if (cause?.attribute !== 'issuer' || typeof found !== 'string' || typeof cause.expected !== 'string') return undefined;
  return { found: found.slice(0, 300), expected: cause.expected };
}

/**
 * A failed discovery, naming the URL fetched. A 404 (or a redirect that says
 * not where) at a URL without a trailing slash gets a hint: Django OAuth
 * Toolkit serves its document only at `…/openid-configuration/`.
 */
function describeDiscoveryFailure(displayName: string, url: string, answer: Response | undefined, error: unknown, madeBy?: string): TokenkeeperError {
  const shown = shownUrl(url);
  const named = issuerNamed(error);
  if (named !== undefined) {
    return new ProviderUnavailableError(
      'provider_bad_response',
      `${displayName}'s discovery document at ${shown} names the issuer ${named.found}, not ${named.expected}: configure the issuer exactly as the provider names itself (its ID tokens' iss), or this document's URL as the metadata URL.`,
      { cause: error },
    );
  }
  const failure = describeProviderFailure(displayName, `discovery at ${shown}`, error);
  const status = answer?.status ?? 0;
  const notThere = status === 404 || (status >= 300 && status < 400 && !answer?.headers.has('location'));
  const withSlash = new URL(shown);
  if (failure.code !== 'provider_bad_response' || !notThere) return failure;
  // An address a preset made is right for the provider it is made for: what it was made from is what to check.
  if (madeBy !== undefined) return new ProviderUnavailableError(failure.code, `${failure.message} The address was made by ${madeBy}: check those values.`, { cause: error });
  if (withSlash.pathname.endsWith('/')) return failure;
  withSlash.pathname += '/';
  return new ProviderUnavailableError(failure.code, `${failure.message} Some servers (Django OAuth Toolkit) serve it only with a trailing slash: try the metadata URL ${withSlash.href}`, {
    cause: error,
  });
}

async function applyOptions(settings: ProviderSettings, customFetch: oidc.CustomFetch | undefined, options: RegistryOptions): Promise<Array<(config: oidc.Configuration) => void>> {
  const steps: Array<(config: oidc.Configuration) => void> = [];
  if (settings.allowInsecureHttp) steps.push(oidc.allowInsecureRequests);
  // openid-client trusts an ID token from the token endpoint on TLS alone unless asked;
  // its signature is checked against the provider's JWKS too.
  steps.push(oidc.enableNonRepudiationChecks);
  // ID tokens and userinfo answers encrypted to the client's key are decrypted first, then checked the same way.
  if (settings.decryptionKeys && settings.decryptionKeys.length > 0) {
    const keys = await Promise.all(settings.decryptionKeys.map(decryptionKeyOf));
    steps.push((config) => oidc.enableDecryptingResponses(config, undefined, ...keys));
  }
  steps.push((config) => {
    if (customFetch) config[oidc.customFetch] = customFetch;
    if (options.timeoutSeconds !== undefined) config.timeout = options.timeoutSeconds;
  });
  return steps;
}

/** Each decryption key imported once, however many configurations (regional, per server) use it. */
const importedDecryptionKeys = new WeakMap<ClientDecryptionKey, Promise<oidc.DecryptionKey>>();
function decryptionKeyOf(decryption: ClientDecryptionKey): Promise<oidc.DecryptionKey> {
  let imported = importedDecryptionKeys.get(decryption);
  if (imported === undefined) {
    imported = importDecryptionKey(decryption);
    importedDecryptionKeys.set(decryption, imported);
  }
  return imported;
}

async function resolveConfiguration(
  settings: ProviderSettings,
  options: RegistryOptions,
  customFetch: oidc.CustomFetch | undefined,
): Promise<oidc.Configuration> {
  const execute = await applyOptions(settings, customFetch, options);
  // A provider that registers itself at each server has no client of its own: its discovered configuration is only
  // the server's metadata, and each server's client is put in (withRegisteredClient).
  const clientAuth = settings.hooks?.registerClient ? oidc.None() : await clientAuthentication(settings);
  // A provider whose authorization server is found at run time (an MCP server's protected-resource metadata names it).
  const findServer = settings.hooks?.authorizationServerMetadata;
  if (findServer) {
    const timeoutMs = (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    const fetcher: oidc.CustomFetch = customFetch ?? ((to, init) => fetch(to, init as RequestInit));
    const metadata = await findServer({
      allowInsecureHttp: settings.allowInsecureHttp,
      send: (to, init) => fetcher(to, { method: init.method, headers: init.headers, body: init.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) }),
    });
    const config = new oidc.Configuration({ ...metadata, ...serverMetadataOf(settings.metadataOverrides ?? {}) } as oidc.ServerMetadata, settings.clientId, undefined, clientAuth);
    for (const step of execute) step(config);
    return config;
  }
  if (settings.discovery) {
    const url = 'issuer' in settings.discovery ? settings.discovery.issuer : settings.discovery.metadataUrl;
    const send = settings.metadataOverrides ? withMetadataOverrides(customFetch, settings.metadataOverrides) : (customFetch ?? ((to, init) => fetch(to, init as RequestInit)));
    // Which URL openid-client asked (an issuer gets /.well-known/openid-configuration appended), and its answer, for the message.
    let fetched: { url: string; answer?: Response } | undefined;
    const discoveryFetch: oidc.CustomFetch = async (to, init) => {
      fetched = { url: to };
      const answer = await send(to, init);
      fetched.answer = answer;
      return answer;
    };
    try {
      // Given an issuer, openid-client checks that the document's `issuer` equals it.
      return await oidc.discovery(new URL(url), settings.clientId, undefined, clientAuth, {
        execute,
        // RFC 8414's well-known path for an issuer (a metadata URL is read as it is).
        ...(settings.discovery.wellKnown === 'oauth-authorization-server' ? { algorithm: 'oauth2' as const } : {}),
        [oidc.customFetch]: discoveryFetch,
        ...(options.timeoutSeconds !== undefined ? { timeout: options.timeoutSeconds } : {}),
      });
    } catch (error) {
      throw describeDiscoveryFailure(settings.displayName, fetched?.url ?? url, fetched?.answer, error, settings.discovery.madeBy);
    }
  }
  const endpoints = settings.endpoints;
  if (!endpoints) throw new Error(`provider ${settings.name} has neither discovery nor endpoints`);
  const config = new oidc.Configuration(
    {
      issuer: endpoints.issuer ?? new URL(endpoints.authorizationEndpoint).origin,
      ...serverMetadataOf(endpoints),
      ...(settings.userinfoByIntrospection && endpoints.userinfoEndpoint ? { introspection_endpoint: endpoints.userinfoEndpoint } : {}),
    },
    settings.clientId,
    undefined,
    clientAuth,
  );
  for (const step of execute) step(config);
  return config;
}

/** `base` with its token, userinfo, revocation and introspection endpoints moved to the regional server `origin`. */
async function regionalConfiguration(
  base: oidc.Configuration,
  origin: string,
  settings: ProviderSettings,
  options: RegistryOptions,
  customFetch: oidc.CustomFetch | undefined,
): Promise<oidc.Configuration> {
  const metadata: { -readonly [K in keyof oidc.ServerMetadata]?: oidc.ServerMetadata[K] } = { ...base.serverMetadata() };
  for (const key of ['token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'introspection_endpoint'] as const) {
    const endpoint = metadata[key];
    if (endpoint !== undefined) metadata[key] = atRegionalServer(endpoint, origin);
  }
  const config = new oidc.Configuration(metadata as oidc.ServerMetadata, settings.clientId, undefined, await clientAuthentication(settings));
  for (const step of await applyOptions(settings, customFetch, options)) step(config);
  return config;
}

/**
 * The configuration of a server with the client the app registered there (registerClient): the one kept for it, or,
 * the first time, one registered now and kept (of two processes registering at once, the client kept first is used
 * by both; the other stays unused at the server). `discovered` is the server's configuration as discovery found it.
 */
async function withRegisteredClient(
  discovered: oidc.Configuration,
  settings: ProviderSettings,
  options: RegistryOptions,
  customFetch: oidc.CustomFetch | undefined,
  send: RegisteredProvider['send'],
): Promise<oidc.Configuration> {
  const register = settings.hooks?.registerClient;
  const store = options.clientRegistrations;
  const registration = settings.clientRegistration;
  if (!register || !store || !registration) {
    throw new Error(`provider ${settings.name} registers itself at each server: it needs clientRegistration settings and a client registration store (clientRegistrations)`);
  }
  const metadata = discovered.serverMetadata();
  let client: RegisteredClient | undefined = await store.findClient(settings.name, metadata.issuer);
  // Registered for another callback or other scopes (the configuration changed since): the server would refuse the
  // sign-in, so a client is registered for these, in place of that one.
  if (client !== undefined && (client.redirectUri !== registration.redirectUri || client.scope !== settings.scope)) {
    await store.forgetClient(settings.name, metadata.issuer, client.clientId);
    client = undefined;
  }
  if (client === undefined) {
    const registered = await register({
      issuer: metadata.issuer,
      metadata: { ...metadata },
      redirectUri: registration.redirectUri,
      scope: settings.scope,
      clientName: registration.clientName,
      website: registration.website,
      ...(registration.metadataDocumentUrl === undefined ? {} : { metadataDocumentUrl: registration.metadataDocumentUrl }),
      allowInsecureHttp: settings.allowInsecureHttp,
      send,
    });
    const made = { clientId: registered.clientId, clientSecret: registered.clientSecret, redirectUri: registration.redirectUri, scope: settings.scope };
    client = await store.keepClient(settings.name, metadata.issuer, made, Math.floor(Date.now() / 1000));
  }
  const auth = await clientAuthentication({
    ...settings,
    clientId: client.clientId,
    clientSecret: client.clientSecret ?? '',
    ...(client.clientSecret === null ? { tokenEndpointAuthMethod: 'none' as const } : {}),
  });
  const config = new oidc.Configuration(metadata, client.clientId, undefined, auth);
  for (const step of await applyOptions(settings, customFetch, options)) step(config);
  return config;
}

function register(settings: ProviderSettings, options: RegistryOptions): RegisteredProvider {
  let pending: Promise<oidc.Configuration> | undefined;
  let discovery: DiscoveryState = { state: settings.discovery ? 'pending' : 'none' };
  // The token, userinfo and revocation endpoints in use: the configured server's, and each regional server's once
  // used. A revocation endpoint at the token endpoint's URL (Mollie's, by another method) is the token endpoint's.
  const endpoints = new Map<string, 'token' | 'userinfo' | 'revocation'>();
  // Each regional server's token endpoint, with that server's origin, where its refreshes go too.
  const regionalTokenEndpoints = new Map<string, string>();
  const endpointsOf = (config: oidc.Configuration) => {
    const { token_endpoint: token, userinfo_endpoint: userinfo, revocation_endpoint: revocation } = config.serverMetadata();
    if (token !== undefined) endpoints.set(new URL(token).href, 'token');
    if (userinfo !== undefined) endpoints.set(new URL(userinfo).href, 'userinfo');
    if (revocation !== undefined && !endpoints.has(new URL(revocation).href)) endpoints.set(new URL(revocation).href, 'revocation');
    return config;
  };
  const refreshTimeoutMs = options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * REFRESH_TIMEOUT_FACTOR * 1000;
  // Every request for a provider whose servers its users name goes to public addresses only, in production.
  const baseFetch = settings.publicAddressesOnly && !settings.allowInsecureHttp && options.publicFetch ? options.publicFetch : options.fetch;
  const customFetch = providerFetch(
    settings,
    baseFetch,
    (url) => endpoints.get(url),
    (url) => regionalTokenEndpoints.get(url),
    refreshTimeoutMs,
  );
  const regional = new Map<string, Promise<oidc.Configuration>>();
  const send: oidc.CustomFetch = baseFetch ?? ((url, init) => fetch(url, init as RequestInit));
  const timeoutMs = (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const configuration = () => {
    pending ??= resolveConfiguration(settings, options, customFetch).then(
      (config) => {
        endpointsOf(config);
        if (settings.discovery) discovery = { state: 'ok' };
        return config;
      },
      (error: unknown) => {
        pending = undefined;
        // Only our own described failures are shown as they are; anything else (a key file) is for the log.
        discovery =
          error instanceof TokenkeeperError
            ? { state: 'failed', error: error.code, message: error.message }
            : { state: 'failed', error: 'internal_error', message: `The ${settings.displayName} configuration could not be built.` };
        throw error;
      },
    );
    return pending;
  };
  // The authorization servers people signed in at, by issuer, found as the configured one is (accountAuthorizationServer).
  const accountServers = new Map<string, Promise<oidc.Configuration>>();
  const accountServer = (issuer: string) => {
    let made = accountServers.get(issuer);
    if (made === undefined) {
      if (accountServers.size >= ACCOUNT_SERVERS_KEPT) accountServers.delete(accountServers.keys().next().value as string);
      const wellKnown = settings.discovery?.wellKnown;
      const at: ProviderSettings = { ...settings, discovery: { issuer, ...(wellKnown ? { wellKnown } : {}) } };
      delete at.metadataOverrides;
      // That issuer is discovered at its own well-known address, not found again from the resource.
      if (at.hooks?.authorizationServerMetadata) {
        const { authorizationServerMetadata: _found, ...hooks } = at.hooks;
        at.hooks = hooks;
      }
      made = resolveConfiguration(at, options, customFetch).then(endpointsOf);
      accountServers.set(issuer, made);
      made.catch(() => accountServers.delete(issuer));
    }
    return made;
  };
  const sendOwn: RegisteredProvider['send'] = (url, init) =>
    send(url, { method: init.method, headers: init.headers, body: init.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  // A provider that registers itself at each server (registerClient): every server's configuration, the configured
  // one's included, carries the client registered there, by issuer.
  const registeredServers = new Map<string, Promise<oidc.Configuration>>();
  const registeredServer = async (issuer: string) => {
    let made = registeredServers.get(issuer);
    if (made === undefined) {
      if (registeredServers.size >= ACCOUNT_SERVERS_KEPT) registeredServers.delete(registeredServers.keys().next().value as string);
      made = configuration()
        .then((base) => (base.serverMetadata().issuer === issuer ? base : accountServer(issuer)))
        .then((discovered) => withRegisteredClient(discovered, settings, options, customFetch, sendOwn))
        .then(endpointsOf);
      registeredServers.set(issuer, made);
      made.catch(() => registeredServers.delete(issuer));
    }
    return made;
  };
  return {
    settings,
    configuration,
    configurationAt: async (server) => {
      if (settings.hooks?.registerClient) return registeredServer(server ?? (await configuration()).serverMetadata().issuer);
      const base = await configuration();
      const home = base.serverMetadata().token_endpoint;
      if (server === null || (home !== undefined && new URL(server).origin === new URL(home).origin)) return base;
      const origin = listedRegionalServer(settings, server);
      // A provider whose people name their own authorization server (accountAuthorizationServer): that server, by discovery.
      if (origin === undefined && settings.hooks?.accountAuthorizationServer && settings.discovery) return accountServer(server);
      if (origin === undefined) {
        throw new ProviderUnavailableError(
          'provider_error',
          `This ${settings.displayName} connection was made at ${new URL(server).origin}, which is not among the servers configured for ${settings.displayName} (${settings.name.toUpperCase()}_REGIONAL_SERVERS).`,
        );
      }
      let made = regional.get(origin);
      if (made === undefined) {
        made = regionalConfiguration(base, origin, settings, options, customFetch).then((config) => {
          const token = config.serverMetadata().token_endpoint;
          if (token !== undefined) regionalTokenEndpoints.set(new URL(token).href, origin);
          return endpointsOf(config);
        });
        regional.set(origin, made);
        made.catch(() => regional.delete(origin));
      }
      return made;
    },
    discovery: () => discovery,
    forgetRegisteredClient: async (server, clientId) => {
      if (!settings.hooks?.registerClient || !options.clientRegistrations) return false;
      registeredServers.delete(server);
      return options.clientRegistrations.forgetClient(settings.name, server, clientId);
    },
    send: sendOwn,
  };
}

/**
 * Providers registered by name, like Authlib's `oauth.register(name=…)`.
 * Discovery runs on first use and is cached; a failed discovery is not
 * cached, so a provider that was down is tried again on the next sign-in.
 * createClient makes one (`client.registry`).
 *
 * @example
 * const registry = new ProviderRegistry([googleSettings], { timeoutSeconds: 5 });
 * registry.has('google'); // true
 * const { authorizationUrl, transaction } = await startAuthorization(registry, 'google', 'https://app.example.com/callback');
 */
export class ProviderRegistry {
  readonly #providers = new Map<string, RegisteredProvider>();

  constructor(settings: readonly ProviderSettings[], options: RegistryOptions = {}) {
    for (const provider of settings) this.#providers.set(provider.name, register(provider, options));
  }

  get names(): string[] {
    return [...this.#providers.keys()];
  }

  list(): ProviderSettings[] {
    return [...this.#providers.values()].map((provider) => provider.settings);
  }

  has(name: string): boolean {
    return this.#providers.has(name);
  }

  /**
   * The provider of that name; throws UnknownProviderError when none is.
   *
   * @example
   * const google = client.registry.get('google');
   * const metadata = (await google.configuration()).serverMetadata(); // discovery, on first use
   * console.log(google.settings.displayName, metadata.token_endpoint);
   */
  get(name: string): RegisteredProvider {
    const provider = this.#providers.get(name);
    if (!provider) throw new UnknownProviderError(name);
    return provider;
  }
}
