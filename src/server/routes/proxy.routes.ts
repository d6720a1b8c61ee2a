import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import type { ProxyHeaders } from '../../client/provider-settings.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { currentUser } from '../current-user.js';
import { fromAnotherSite } from '../fetch-metadata.js';
import { originForm } from '../request-target.js';
import { acceptProxiedBodies, callWithBody } from './proxy-body.js';
import { WEBDAV_METHODS } from './webdav-methods.js';

/** Request headers passed to the provider's API; everything else (cookies, our auth, hop-by-hop) stays here. */
export const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'content-language',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'range',
  'user-agent',
  // RFC 7240: how the caller would like the API to answer (Microsoft Graph reads it, among others).
  'prefer',
  // A retried POST that the API must not carry out twice (draft-ietf-httpapi-idempotency-key-header).
  'idempotency-key',
  // How deep a WebDAV PROPFIND or REPORT goes (RFC 4918 §10.2).
  'depth',
];

/**
 * Response headers passed back, an allowlist: what describes the answer
 * (type, language, range), cache validators, and retry and rate-limit hints.
 * Anything else could act for this origin: `Refresh` navigates the page,
 * `NEL`/`Report-To` set up reporting, `WWW-Authenticate` prompts for
 * credentials, `Service-Worker-Allowed` and `Permissions-Policy` widen what
 * the origin allows, `Set-Cookie` sets its cookies. `Content-Encoding` and
 * `Content-Length` are not passed either: fetch has already decoded the body.
 * `Cache-Control` is the proxy's own (private, no-store).
 *
 * `Location` comes back on a redirect only, checked (see redirectLocation):
 * APIs hand out downloads that way (GitHub's archives, release assets and
 * Actions logs, Graph's file content: a pre-authenticated URL on another
 * host), which the proxy must not follow, with the token or without it
 * (without, it would fetch any URL an API names). Whoever called follows it:
 * a browser with none of this origin's cookies and without the access
 * token, which never reaches it; and only this origin's own pages can have
 * it do so, as the browser proxy refuses a call a browser marks as coming
 * from another site, so another site cannot use the proxy as an open
 * redirect. No other scheme than https (http only from an http API, as in
 * tests): never `javascript:`, `data:` or `file:`. Never this site itself
 * either: the browser would call it with its cookies, from what counts as
 * one of its own pages (a same-origin redirect chain), so an API could have
 * it call another of the proxy's URLs, with another provider's token.
 */
const PASSED_BACK_HEADERS = new Set([
  'content-type',
  'content-language',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'retry-after',
  // RFC 9110 §10.2.1: the methods the resource takes, which a 405 must carry and an OPTIONS answer is for.
  'allow',
  // RFC 7240: which of the caller's `Prefer` the API applied.
  'preference-applied',
  // The IETF RateLimit header fields draft; the vendor forms (GitHub, GitLab, X, Discord…) by prefix below.
  'ratelimit',
  'ratelimit-policy',
]);

/** Whether a header of the API's answer goes back to the browser (`Link` aside: see paginationLinks). */
export function passedBack(name: string): boolean {
  return PASSED_BACK_HEADERS.has(name) || name.startsWith('x-ratelimit-') || name.startsWith('ratelimit-') || name.startsWith('x-rate-limit-');
}

/** The statuses a Location is passed back with: the redirects of RFC 9110 §15.4 (not 300, 304 or 305). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Whether `url` is on `origin`, a host written with its trailing root dot (`example.com.`, the same host to DNS and TLS) too. */
function sameHostOrigin(url: URL, origin: string): boolean {
  const own = new URL(origin);
  const bare = (host: string) => host.replace(/\.$/, '');
  return url.protocol === own.protocol && url.port === own.port && bare(url.hostname) === bare(own.hostname);
}

/**
 * The Location a redirect the API answered comes back with: absolute
 * (resolved against the URL that answered, RFC 9110 §10.2.2), and only an
 * https URL, or an http one when the API itself answered over http; for
 * any other answer, scheme, value that does not parse, or a URL of this
 * site (`ownOrigin`), none.
 */
export function redirectLocation(status: number, location: string | null, answeredUrl: string, ownOrigin: string): string | undefined {
  if (!REDIRECT_STATUSES.has(status) || location === null || !URL.canParse(answeredUrl) || !URL.canParse(location, answeredUrl)) return undefined;
  const target = new URL(location, answeredUrl);
  if (sameHostOrigin(target, ownOrigin)) return undefined;
  if (target.protocol === 'https:' || (target.protocol === 'http:' && new URL(answeredUrl).protocol === 'http:')) return target.href;
  return undefined;
}

const PAGINATION_RELATIONS = new Set(['first', 'last', 'next', 'prev', 'previous']);
// RFC 8288 §3: `<target>`, then `; name=value` parameters (a token or a quoted string, here without escapes), comma-separated.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const LINK_TARGET = /\s*<[^<>]*>/y;
const LINK_PARAMETER = new RegExp(`\\s*;\\s*(${TOKEN})(?:\\s*=\\s*(?:"([^"\\\\]*)"|(${TOKEN})))?`, 'y');
const LINK_END = /\s*(?:,|$)/y;

/**
 * A `Link` header passed back only when it names pagination alone (RFC 8288
 * `first`, `last`, `next`, `prev`; GitHub's and GitLab's APIs page this way):
 * other relations (`preload`, `preconnect`, `stylesheet`…) ask the browser to
 * fetch or connect for this origin. A value that does not parse is dropped.
 */
export function paginationLinks(value: string): string | undefined {
  let at = 0;
  do {
    LINK_TARGET.lastIndex = at;
    if (!LINK_TARGET.test(value)) return undefined;
    at = LINK_TARGET.lastIndex;
    let rel: string | undefined;
    for (;;) {
      LINK_PARAMETER.lastIndex = at;
      const parameter = LINK_PARAMETER.exec(value);
      if (!parameter) break;
      at = LINK_PARAMETER.lastIndex;
      if (rel === undefined && parameter[1]!.toLowerCase() === 'rel') rel = parameter[2] ?? parameter[3] ?? '';
    }
    if (rel === undefined || !rel.trim().toLowerCase().split(/\s+/).every((relation) => PAGINATION_RELATIONS.has(relation))) return undefined;
    LINK_END.lastIndex = at;
    if (!LINK_END.test(value)) return undefined;
    at = LINK_END.lastIndex;
  } while (at < value.length);
  return value;
}

/**
 * The `*` of /api/providers/:provider/proxy/* (whose `*` comes after
 * `segments` segments: 4 here, 7 in the service API's proxy) as the client
 * sent it, with the query: the router's decoded copy would turn `..%252f`
 * into `..%2f` (which a normalising front end reads as `../`) and `%23` into
 * a fragment.
 */
export function rawWildcard(target: string, segments = 4): string {
  const url = originForm(target);
  const pathEnd = url.search(/[?#]/);
  const limit = pathEnd === -1 ? url.length : pathEnd;
  let at = 1;
  for (let slashes = 0; slashes < segments; slashes += 1) {
    const slash = url.indexOf('/', at);
    if (slash === -1 || slash >= limit) return pathEnd === -1 ? '' : url.slice(pathEnd);
    at = slash + 1;
  }
  return url.slice(at);
}

/**
 * The methods the browser proxy forwards, WebDAV's among them (each but GET and HEAD needs the CSRF token); any
 * other is 404, as for a route that is not there. Not TRACE, which would have the API echo the request back, the
 * access token included; not OPTIONS, which CSRF protection lets through without a token (it changes nothing) and
 * which a browser never sends with cookies on its own.
 */
const BROWSER_PROXIED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', ...WEBDAV_METHODS];

/** The proxy headers of `provider` (ProviderSettings.proxyHeaders), if it is one; an unknown provider is refused later, where the caller's rights are checked first. */
export function proxyHeadersOf(deps: Tokenkeeper, provider: string): ProxyHeaders | undefined {
  return deps.registry.has(provider) ? deps.registry.get(provider).settings.proxyHeaders : undefined;
}

/** The request header that sends a proxied call to another of the provider's API bases (ProviderSettings.extraApiBaseUrls). */
export const API_BASE_HEADER = 'tokenkeeper-api-base';

/**
 * Where a proxied call goes: `path` under the provider's API base, or, with
 * `Tokenkeeper-Api-Base`, under that base, which must be one of the
 * provider's (ProviderApi checks it, as it checks any absolute URL).
 */
export function proxiedTarget(request: FastifyRequest, path: string): string {
  const base = request.headers[API_BASE_HEADER];
  if (base === undefined) return path;
  if (typeof base !== 'string' || !/^https?:\/\/[^/?#@\s]+(?:\/[^?#\s]*)?$/i.test(base)) {
    throw new TokenkeeperError('invalid_api_path', 'Tokenkeeper-Api-Base must be one absolute http(s) URL without a query, such as https://content.dropboxapi.com.');
  }
  return `${base.replace(/\/+$/, '')}/${path}`;
}

/** The caller's headers that go on to the API: the general allowlist, and the provider's own (`extra`). */
export function forwardedHeaders(request: FastifyRequest, extra: ProxyHeaders | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (extra) {
    for (const name of extra.request) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
  }
  return headers;
}

/**
 * ANY /api/providers/:provider/proxy/* — calls `<NAME>_API_BASE_URL/*` (or
 * `<Tokenkeeper-Api-Base>/*`, another of the provider's API bases) with
 * the signed-in user's access token and streams the answer back. Non-GET
 * calls need the CSRF token in an `X-CSRF-Token` header; any call a browser
 * marks as coming from another site is refused.
 */
export async function proxyRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  // Bodies are passed through as they are, whatever their type; large uploads streamed.
  acceptProxiedBodies(app, deps.config.proxyUploadLimitMb);

  // The user's token for :provider is read with the session, in one query: this is the hot path.
  const route = { config: { securityHeaders: 'proxied' as const, sessionTokenParam: 'provider', replies: 'json' as const } };
  app.route<{ Params: { provider: string; '*': string } }>({
    method: BROWSER_PROXIED_METHODS,
    url: '/api/providers/:provider/proxy/*',
    ...route,
    handler: async (request, reply) => {
      // A link on another site would have the person's browser call the API with their token, GET included
      // (which the CSRF token does not cover, and which some APIs take for writes, as Slack's Web API does).
      if (fromAnotherSite(request)) throw new TokenkeeperError('csrf_failed', 'This call came from another site: the API is called only from pages of this site.');
      const user = currentUser(request);
      if (!user) throw new TokenkeeperError('unauthorized', 'Sign in first.');
      const { provider } = request.params;
      const path = rawWildcard(request.url);
      const extraHeaders = proxyHeadersOf(deps, provider);

      // undefined (not read with the session) lets the token manager read it.
      const tokenRow = request.session?.token;
      const current = tokenRow === undefined ? undefined : tokenRow && deps.tokenStore.fromRow(tokenRow);
      const started = performance.now();
      let upstream: Response;
      try {
        const target = proxiedTarget(request, path);
        upstream = await callWithBody(request, forwardedHeaders(request, extraHeaders), (headers, body) =>
          deps.providerApi.fetch(user.id, provider, target, { method: request.method, headers, ...(body ? { body } : {}) }, current),
        );
      } catch (error) {
        deps.metrics.proxied(provider, null, (performance.now() - started) / 1000);
        throw error;
      }
      deps.metrics.proxied(provider, upstream.status, (performance.now() - started) / 1000);

      return sendUpstream(request, reply, upstream, extraHeaders, deps.config.baseUrl.origin);
    },
  });
}

/** Marks an answer as the provider API's (passed through), never on one of our own errors. */
export const UPSTREAM_HEADER = 'tokenkeeper-upstream';

/**
 * The API's answer, streamed back: its status, the headers of the allowlist and the provider's own (`extra`),
 * a redirect's checked `Location`, `Tokenkeeper-Upstream`, and its body.
 */
export function sendUpstream(request: FastifyRequest, reply: FastifyReply, upstream: Response, extra: ProxyHeaders | undefined, ownOrigin: string): FastifyReply {
  reply.code(upstream.status);
  upstream.headers.forEach((value, name) => {
    if (passedBack(name) || extra?.response.includes(name)) reply.header(name, value);
    else if (name === 'link') {
      const links = paginationLinks(value);
      if (links !== undefined) reply.header(name, links);
    }
  });
  // fetch sets Response.url to the URL that answered (the last redirect within the API followed).
  const location = redirectLocation(upstream.status, upstream.headers.get('location'), upstream.url, ownOrigin);
  if (location !== undefined) reply.header('location', location);
  // The answer belongs to this user: no shared cache may keep it.
  reply.header('cache-control', 'private, no-store');
  // The API's 401, 404 or 429 looks like one of ours: this tells the caller whose answer it is.
  reply.header(UPSTREAM_HEADER, 'true');
  if (!upstream.body || request.method === 'HEAD') return reply.send();
  return reply.send(Readable.fromWeb(upstream.body as never));
}
