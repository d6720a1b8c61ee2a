import type * as oidc from 'openid-client';
import { apiBasePatternOf, matchApiBase, parseApiBasePattern, type ApiBasePattern } from './api-bases.js';
import { withAccessTokenParameter, withApiQueryParameters, withoutTokenInAnswer } from './api-query.js';
import { asksForNonce, dpopHandle, sendWithProof } from './dpop.js';
import { describeProviderFailure, ProviderUnavailableError, TokenkeeperError } from './errors.js';
import type { StreamInit } from './outbound-fetch.js';
import type { ProviderRegistry } from './provider-registry.js';
import { hasProviderApi, type ProviderSettings } from './provider-settings.js';
import type { TokenManager } from './token-manager.js';
import { withTokenProof } from './token-proof.js';
import type { StoredTokenSet } from './token-store.js';
import { encodeBody, type SentBody } from './request-body.js';

/** A call to a provider's API, as fetch's `init` takes it (the fields that apply). */
export interface ProviderApiRequest {
  method?: string;
  /** An object, a `Headers`, or name and value pairs, as fetch takes them; `Authorization` is always the user's token. */
  headers?: Record<string, string> | Headers | ReadonlyArray<readonly [string, string]>;
  /**
   * Text, bytes (a `Uint8Array` or `Buffer`, an `ArrayBuffer`), a `Blob`, `URLSearchParams` or `FormData`, with the
   * `Content-Type` fetch gives each unless `headers` name one (a form goes as multipart/form-data, read whole first);
   * for JSON, `JSON.stringify(value)` and a `content-type` header. Or a stream of bytes (a Node `Readable`, a web
   * `ReadableStream`: any async iterable), which is sent as it is read and so only once: no retry after a 401 (the
   * token is still refreshed, for the next call), no resend after a connection reset. Give a stream its
   * `Content-Length` header, which some APIs require (else it goes out chunked). The timeout counts from the stream's
   * end. Anything else (a plain object) is a TypeError.
   */
  body?: string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob | URLSearchParams | FormData | AsyncIterable<Uint8Array>;
  /** Aborts the call, as fetch's `signal` does (the timeout applies as well): the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The request as sent: its headers made an object (see requestHeaders), its body bytes, text or a stream (see encodeBody). */
type SentRequest = Omit<ProviderApiRequest, 'headers' | 'body'> & { headers?: Record<string, string>; body?: SentBody };

/** Sends a request over the provider connections, its body streamed as it comes (the registry's outbound fetch). */
export type StreamingFetch = (url: string, init: StreamInit) => Promise<Response>;

export interface ProviderApiOptions {
  registry: ProviderRegistry;
  tokens: TokenManager;
  fetch: StreamingFetch;
  /**
   * The fetch for a provider whose servers are named by the people signing in (ProviderSettings.publicAddressesOnly),
   * in production (allowInsecureHttp false): one that connects to public addresses only (createOutboundFetch's
   * `publicOnly.stream`). Without it, `fetch`.
   */
  publicFetch?: StreamingFetch;
  /** Seconds to wait for the API's response headers (default 10). */
  timeoutSeconds?: number;
}

const MAX_SAME_ORIGIN_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Methods a call cut before any answer may be sent again: HTTP's idempotent ones, and WebDAV's that change nothing (RFC 4918 §9.1, RFC 3253 §3.6, RFC 5323 §2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PROPFIND', 'REPORT', 'SEARCH']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** A URL with a scheme, where a path would be relative to the API base. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;
/** Parsed API bases kept at most (see ProviderApi's #bases). */
const API_BASES_KEPT = 1_000;
/** Tokens refreshed after a streamed call's 401 whose first use is awaited, kept at most (see ProviderApi's #untried). */
const UNTRIED_KEPT = 10_000;

/** A body that can be read once only: a stream, not bytes or text. */
function isStreamedBody(body: SentBody | undefined): body is AsyncIterable<Uint8Array> {
  return typeof body === 'object' && !(body instanceof Uint8Array) && Symbol.asyncIterator in body;
}

/** What becomes of a streamed body as it is sent. */
interface StreamProgress {
  /** Some of it went out: a connection broken off now is the API's doing, and nothing can be sent again. */
  started: boolean;
  /** The stream itself failed (a client that went away mid-upload): the caller's fault, not the provider's. */
  failed: { error: unknown } | null;
  /** Called when the last byte has been handed over: the wait for the answer begins there. */
  onEnd: () => void;
}

/**
 * The header that carries the access token on an API call: `Authorization: Bearer` (or the provider's apiTokenScheme),
 * the provider's own accessTokenHeader, or none where accessTokenParameter puts the token in the query.
 */
function tokenHeaders(settings: ProviderSettings, accessToken: string): Record<string, string> {
  if (settings.accessTokenParameter) return {};
  if (settings.accessTokenHeader) return { [settings.accessTokenHeader]: accessToken };
  return { authorization: `${settings.apiTokenScheme ?? 'Bearer'} ${accessToken}` };
}

/** `source`, reporting its first bytes, its failure and its end to `progress`. */
async function* reported(source: AsyncIterable<Uint8Array>, progress: StreamProgress): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of source) {
      progress.started = true;
      yield chunk;
    }
  } catch (error) {
    progress.failed = { error };
    throw error;
  }
  progress.onEnd();
}

function isConnectionReset(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 6; current = (current as { cause?: unknown }).cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RESET_CODES.has(code)) return true;
  }
  return false;
}

function apiBase(apiBaseUrl: string): URL {
  return new URL(apiBaseUrl.endsWith('/') ? apiBaseUrl : `${apiBaseUrl}/`);
}

/**
 * The API base exactly as configured, for an empty path (with at most a query): the base of an API that is one
 * endpoint, an MCP server's URL (`https://mcp.example.com/mcp`), is called as it is, not with a slash added
 * (`/mcp/`), which such a server need not answer. Undefined for any other path, and for a base that ends with a
 * slash, whose paths are appended as usual.
 */
function baseItself(apiBaseUrl: string, path: string): URL | undefined {
  const relative = path.replace(/^\/+/, '');
  if (apiBaseUrl.endsWith('/') || (relative !== '' && !relative.startsWith('?'))) return undefined;
  return new URL(apiBaseUrl + relative);
}

function isWithin(base: URL, url: URL): boolean {
  return url.origin === base.origin && url.pathname.startsWith(base.pathname);
}

/**
 * The headers to send: the provider's defaults (lower-case names) under the
 * caller's own, whatever their case, and never the caller's Authorization,
 * which is the access token's place alone (RFC 6750 §2.1; two would be joined
 * into one value), nor the provider's own access token header where it has one.
 */
function requestHeaders(settings: ProviderSettings, own: ProviderApiRequest['headers'], bodyType?: string | null): Record<string, string> {
  // The type of a body encoded here (a form's boundary), unless the caller gave one of its own.
  const headers: Record<string, string> = { ...settings.apiHeaders, ...(bodyType ? { 'content-type': bodyType } : {}) };
  if (own) {
    // A Headers (or pairs) spread as an object would give no header at all.
    const entries = own instanceof Headers || Array.isArray(own) ? [...new Headers(own as ConstructorParameters<typeof Headers>[0])] : Object.entries(own);
    for (const [name, value] of entries) {
      const lower = name.toLowerCase();
      if (lower !== 'authorization' && lower !== settings.accessTokenHeader) headers[lower] = value;
    }
  }
  for (const name of settings.fixedApiHeaders ?? []) {
    const value = settings.apiHeaders?.[name];
    if (value !== undefined) headers[name] = value;
  }
  // The client the token was issued to, as the token itself is: never the caller's.
  if (settings.clientIdHeader) headers[settings.clientIdHeader] = settings.clientId;
  if (settings.clientCredentialsHeader) headers[settings.clientCredentialsHeader] = `${settings.clientId}:${settings.clientSecret}`;
  return headers;
}

/**
 * A dot-segment (RFC 3986 §3.3) or a backslash, which some servers read as a slash; also a dot-segment followed by
 * `;` parameters (`..;/`), which Java servlet containers (Tomcat, Jetty) strip before resolving the dot-segment.
 */
const LEAVING_PIECE = /\\|(?:^|\/)\.\.?(?:;[^/]*)?(?:\/|$)/;
/** Raw characters the URL parser removes or trims (WHATWG URL): `.<TAB>.` would become `..` after the check. */
const STRIPPED_BY_URL_PARSER = /[\x00-\x20\x7f]/;
const PERCENT_ENCODED = /%([0-9A-Fa-f]{2})/g;
const decodeByte = (_match: string, hex: string) => String.fromCharCode(Number.parseInt(hex, 16));

/**
 * Whether the (still encoded) path, as it is or decoded once or more, holds a
 * dot-segment or a backslash. A front end that decodes and normalises the
 * path (RFC 3986 §5.2.4, as nginx does before matching a location) would
 * resolve `..%2f` to `../` and serve the request from outside the API base.
 * A decoded `/` alone stays inside (e.g. GitLab's `group%2Fproject`).
 * Bytes are decoded one by one: only ASCII `.`, `/` and `\` matter here.
 */
function leavesApiPath(path: string): boolean {
  for (let decoded = path; ; ) {
    if (LEAVING_PIECE.test(decoded)) return true;
    if (!decoded.includes('%')) return false;
    const next = decoded.replace(PERCENT_ENCODED, decodeByte);
    if (next === decoded) return false;
    decoded = next;
  }
}

/**
 * The URL of `path` (a URL path as sent, percent-encoding kept, with an
 * optional query) under the provider's API base. Each segment's encoding is
 * kept (`%2F`, `%23`, `%25` reach the API as they are), and a path that
 * could leave the base is refused: access tokens go only to the configured
 * API.
 */
export function apiUrl(base: URL, path: string): URL {
  const relative = path.replace(/^\/+/, '');
  const pathEnd = relative.search(/[?#]/);
  const pathOnly = pathEnd === -1 ? relative : relative.slice(0, pathEnd);
  if (ABSOLUTE_URL.test(relative)) {
    throw new TokenkeeperError('invalid_api_path', "The API path must be relative to the provider's API base (such as /user/repos): no scheme or host.");
  }
  if (STRIPPED_BY_URL_PARSER.test(pathOnly) || leavesApiPath(pathOnly)) {
    throw new TokenkeeperError('invalid_api_path', 'The API path must stay under the provider API: no dot-segments or backslashes, encoded or not.');
  }
  // Appended, not resolved against the base: the segments reach the API as they were given.
  const url = new URL(base.origin + base.pathname + relative);
  if (!isWithin(base, url)) throw new TokenkeeperError('invalid_api_path', 'The API path leaves the provider API.');
  return url;
}

/**
 * Calls a provider's API with the user's access token — refreshed first when
 * needed, and after a 401 refreshed once more and retried once (a streamed
 * body, which can be read once only, is not retried: the API's 401 is the
 * answer, and the refreshed token serves the next call). Redirects
 * are followed only within the API base (at most 3), to a path the path
 * check would take; any other is returned as it is, so the token never
 * travels to another host, nor outside the base behind a normalising front end. createClient makes
 * one (`client.api`, behind `client.fetch`).
 *
 * @example
 * const response = await client.api.fetch(userId, 'github', '/user/repos', { headers: { accept: 'application/vnd.github+json' } });
 * console.log(response.status, await response.json());
 */
export class ProviderApi {
  readonly #options: ProviderApiOptions;
  /**
   * API bases parsed lately, by URL: each provider's, and the origins that
   * connections name for themselves (Salesforce's instance_url: one per
   * organization), which come and go with the connections. Bounded, oldest
   * out first; a base that falls out is only parsed again.
   */
  readonly #bases = new Map<string, URL>();

  /**
   * By user and provider, the token refreshed after a 401 to a streamed call (which cannot be retried): its
   * first answer stands in for the retry's, so an API that refuses every token still costs one refresh, then
   * the back-off (TokenManager.noteRetryAfterRefresh), as with a retried call. Bounded, oldest out first.
   */
  readonly #untried = new Map<string, string>();

  /** Each provider's other API bases (ProviderSettings.extraApiBaseUrls), parsed once. */
  readonly #extraBases = new WeakMap<ProviderSettings, readonly ApiBasePattern[]>();

  constructor(options: ProviderApiOptions) {
    this.#options = options;
  }

  #extraBasesOf(settings: ProviderSettings): readonly ApiBasePattern[] {
    let patterns = this.#extraBases.get(settings);
    if (patterns === undefined) {
      patterns = (settings.extraApiBaseUrls ?? []).map((text) => {
        const pattern = parseApiBasePattern(text);
        if (typeof pattern === 'string') throw new Error(`${settings.displayName}'s API base ${text} ${pattern}`);
        return pattern;
      });
      this.#extraBases.set(settings, patterns);
    }
    return patterns;
  }

  /**
   * Where an absolute URL goes: under the connection's API base or one of the provider's other API bases
   * (`<NAME>_EXTRA_API_BASE_URLS`), with the rest of it checked as a relative path is; anywhere else is refused.
   */
  #absoluteTarget(settings: ProviderSettings, base: URL, target: string): { base: URL; url: URL } {
    const patterns = [apiBasePatternOf(base), ...this.#extraBasesOf(settings)];
    const matched = matchApiBase(patterns, target);
    if (matched === undefined) {
      const named = `${settings.name.toUpperCase()}_EXTRA_API_BASE_URLS`;
      throw new TokenkeeperError(
        'invalid_api_path',
        `The API URL must be under one of ${settings.displayName}'s API bases (${patterns.map((pattern) => pattern.text).join(', ')}); ${named} adds more.`,
      );
    }
    return { base: matched.base, url: apiUrl(matched.base, matched.rest) };
  }

  /** @internal How many parsed API bases are kept, for tests. */
  get basesKept(): number {
    return this.#bases.size;
  }

  #base(apiBaseUrl: string): URL {
    let base = this.#bases.get(apiBaseUrl);
    if (base === undefined) {
      if (this.#bases.size >= API_BASES_KEPT) this.#bases.delete(this.#bases.keys().next().value as string);
      this.#bases.set(apiBaseUrl, (base = apiBase(apiBaseUrl)));
    }
    return base;
  }

  /**
   * `path` under the provider's API base, as the user; or an absolute URL
   * under that base or one of the provider's other API bases
   * (`<NAME>_EXTRA_API_BASE_URLS`: Dropbox's content host, Google's API hosts
   * under googleapis.com, GitHub's uploads host). `current`: the user's
   * stored token set when the caller has just read it (see TokenManager.getAccessToken).
   *
   * @example
   * const created = await client.api.fetch(userId, 'github', '/user/repos', {
   *   method: 'POST',
   *   headers: { 'content-type': 'application/json' },
   *   body: JSON.stringify({ name: 'notes', private: true }),
   * });
   */
  async fetch(userId: string, provider: string, path: string, request: ProviderApiRequest = {}, current?: StoredTokenSet | null): Promise<Response> {
    const { settings } = this.#options.registry.get(provider);
    if (!hasProviderApi(settings)) {
      throw new TokenkeeperError('no_api', `${settings.displayName} has no API configured (${provider.toUpperCase()}_API_BASE_URL).`);
    }
    // Text and bytes, the proxies' bodies, go as they are; any other kind is encoded first, as fetch would send it,
    // and a body of no kind fetch takes is refused before the token is read.
    const given = request.body;
    const encoded = given === undefined || typeof given === 'string' || given instanceof Uint8Array ? undefined : await encodeBody(given);
    const tokens = this.#options.tokens;
    const token = (current !== undefined && tokens.usableAccessToken(provider, current)) || (await tokens.getAccessToken(userId, provider, current));
    // A connection that has its own API origin (Salesforce's instance_url) is called there.
    const apiBaseUrl = token.apiBaseUrl ?? settings.apiBaseUrl;
    if (!apiBaseUrl) throw new TokenkeeperError('no_api', `${settings.displayName} named no API origin for this connection; sign in with it again.`);
    let base = this.#base(apiBaseUrl);
    let url: URL;
    if (ABSOLUTE_URL.test(path)) ({ base, url } = this.#absoluteTarget(settings, base, path));
    else url = baseItself(apiBaseUrl, path) ?? apiUrl(base, path);
    const sent: SentRequest =
      encoded !== undefined
        ? { ...request, body: encoded.body, headers: requestHeaders(settings, request.headers, encoded.contentType) }
        : settings.apiHeaders || settings.clientIdHeader || settings.clientCredentialsHeader || request.headers
          ? { ...request, body: given as SentBody | undefined, headers: requestHeaders(settings, request.headers) }
          : (request as SentRequest);
    const dpop = token.dpopKey === undefined ? undefined : await this.#dpopHandle(provider, token.dpopKey);
    const first = withoutTokenInAnswer(settings, await this.#send(settings, base, url, token.accessToken, sent, dpop), token.accessToken);
    const firstRejected = await this.#rejectsToken(settings, first);
    if (this.#untried.size > 0 && this.#firstAnswerAfterRefresh(userId, provider, token.accessToken, firstRejected)) return first;
    if (!firstRejected || !tokens.mayRefreshAfterRejection(userId, provider)) return first;
    if (isStreamedBody(sent.body)) {
      // The body went with the first call and cannot be sent again: the refused token is replaced for the next
      // call, and the API's 401 is the answer.
      try {
        const renewed = await tokens.refresh(userId, provider, { rejectedAccessToken: token.accessToken });
        this.#awaitFirstAnswer(userId, provider, renewed.accessToken);
      } catch (error) {
        await first.body?.cancel().catch(() => {});
        throw error;
      }
      return first;
    }
    await first.body?.cancel().catch(() => {});
    const renewed = await tokens.refresh(userId, provider, { rejectedAccessToken: token.accessToken });
    const renewedDpop = renewed.dpopKey === undefined ? undefined : await this.#dpopHandle(provider, renewed.dpopKey);
    const second = withoutTokenInAnswer(settings, await this.#send(settings, base, url, renewed.accessToken, sent, renewedDpop), renewed.accessToken);
    tokens.noteRetryAfterRefresh(userId, provider, await this.#rejectsToken(settings, second));
    return second;
  }

  /**
   * Whether the API refused the access token: a 401, or an answer the provider's tokenRejected hook reads as one (its
   * copy of the body): a 4xx, or a 2xx when the provider answers refusals with one (successMayRejectToken).
   */
  async #rejectsToken(settings: ProviderSettings, response: Response): Promise<boolean> {
    // A 401 asking for a DPoP nonce refuses the proof, not the token: the next call has the nonce.
    if (response.status === 401) return !asksForNonce(response);
    const hook = settings.hooks?.tokenRejected;
    if (!hook || response.status >= 500 || (response.status < 400 && !(settings.successMayRejectToken && response.status >= 200 && response.status < 300))) return false;
    return hook(response.clone()).catch(() => false);
  }

  #awaitFirstAnswer(userId: string, provider: string, accessToken: string): void {
    if (this.#untried.size >= UNTRIED_KEPT) this.#untried.delete(this.#untried.keys().next().value as string);
    this.#untried.set(`${userId}\u0000${provider}`, accessToken);
  }

  /**
   * Whether this answer is the first to a token refreshed after a streamed call's 401, and refused it: the back-off
   * begins, as when a retry with the refreshed token is refused, and no refresh follows.
   */
  #firstAnswerAfterRefresh(userId: string, provider: string, accessToken: string, rejected: boolean): boolean {
    const key = `${userId}\u0000${provider}`;
    if (this.#untried.get(key) !== accessToken) return false;
    this.#untried.delete(key);
    this.#options.tokens.noteRetryAfterRefresh(userId, provider, rejected);
    return rejected;
  }

  /** The fetch for the provider's API: to public addresses only where its servers are named by the people signing in. */
  #fetchFor(settings: ProviderSettings): StreamingFetch {
    const { publicFetch } = this.#options;
    return publicFetch !== undefined && settings.publicAddressesOnly === true && !settings.allowInsecureHttp ? publicFetch : this.#options.fetch;
  }

  /** The DPoP handle of a connection's key, for the provider's configuration (its nonces are remembered there). */
  async #dpopHandle(provider: string, key: string): Promise<oidc.DPoPHandle> {
    return dpopHandle(await this.#options.registry.get(provider).configuration(), key);
  }

  /**
   * The request, following redirects within the API base. A request whose
   * connection failed before any answer is sent once more when its method is
   * idempotent: a keep-alive connection the server had just closed is a
   * routine race, not a provider fault. (One function, not two: on the hot
   * path every async layer is one more promise.) A streamed body is sent
   * once: never again after a reset, and with no redirect followed (only
   * GET and HEAD follow one, and they send no body); the wait for the answer
   * starts when it has gone out whole, so a long upload is not cut.
   */
  async #send(settings: ProviderSettings, base: URL, url: URL, accessToken: string, request: SentRequest, dpop?: oidc.DPoPHandle): Promise<Response> {
    const { displayName } = settings;
    const method = (request.method ?? 'GET').toUpperCase();
    const sendsBody = request.body !== undefined && method !== 'GET' && method !== 'HEAD';
    const streamed = sendsBody && isStreamedBody(request.body);
    const timeoutMs = (this.#options.timeoutSeconds ?? 10) * 1000;
    const send = this.#fetchFor(settings);
    let target = url;
    let hop = 0;
    let resent = false;
    for (;;) {
      const controller = new AbortController();
      const startTimer = () => setTimeout(() => controller.abort(new DOMException('API call timed out', 'TimeoutError')), timeoutMs);
      let timer: ReturnType<typeof setTimeout> | undefined;
      let progress: StreamProgress | undefined;
      let body: { body?: SentBody } = {};
      if (streamed) {
        progress = { started: false, failed: null, onEnd: () => (timer ??= startTimer()) };
        body = { body: reported(request.body as AsyncIterable<Uint8Array>, progress) };
      } else {
        timer = startTimer();
        if (sendsBody) body = { body: request.body! };
      }
      const signal = request.signal ? AbortSignal.any([controller.signal, request.signal]) : controller.signal;
      let response: Response;
      try {
        const sentUrl = withAccessTokenParameter(settings, withTokenProof(settings, withApiQueryParameters(settings, target), accessToken), accessToken);
        response = dpop
          ? // RFC 9449 §7.1: the token as `Authorization: DPoP`, with a proof of this key for this method and URL.
            await sendWithProof(dpop, send, sentUrl, { method, headers: request.headers ?? {}, ...body, signal }, accessToken, {
              allowInsecureHttp: settings.allowInsecureHttp === true,
              resendable: !streamed,
            })
          : await send(sentUrl.toString(), {
              method,
              // RFC 6750 §2.1: the token goes in the Authorization header only, or in the one header (or query parameter, §2.3) the provider takes it in.
              headers: { ...request.headers, ...tokenHeaders(settings, accessToken) },
              ...body,
              signal,
            });
      } catch (error) {
        // The caller's own abort is theirs, as with fetch: not a provider fault.
        if (request.signal?.aborted) throw request.signal.reason;
        if (progress?.failed) throw progress.failed.error;
        if (progress?.started && isConnectionReset(error)) {
          throw new ProviderUnavailableError('provider_error', `${displayName} broke off the API call while its body was being sent.`, { cause: error });
        }
        if (!streamed && !resent && IDEMPOTENT_METHODS.has(method) && isConnectionReset(error)) {
          resent = true;
          continue;
        }
        throw describeProviderFailure(displayName, 'API call', error);
      } finally {
        clearTimeout(timer);
        // An answer before the body's end (an early refusal): no timer is started after it.
        if (progress) progress.onEnd = () => {};
      }
      if (!REDIRECT_STATUSES.has(response.status) || hop >= MAX_SAME_ORIGIN_REDIRECTS || (method !== 'GET' && method !== 'HEAD')) return response;
      const location = response.headers.get('location');
      // One that does not parse is the caller's to judge, as any other not followed: not a failure of the call.
      if (!location || !URL.canParse(location, target.href)) return response;
      const next = new URL(location, target);
      // The URL parser resolves plain and `%2e` dot-segments; the rest (`..%2f`, `%5c`, encoded twice) are checked as a caller's path is.
      if (!isWithin(base, next) || leavesApiPath(next.pathname)) return response;
      await response.body?.cancel().catch(() => {});
      target = next;
      hop += 1;
      resent = false;
    }
  }
}
