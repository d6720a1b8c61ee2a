import type { ProxyHeaders } from '../client/provider-settings.js';
import { ConfigError } from './config-error.js';

/** An HTTP field name (RFC 9110 §5.1: a token). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Request headers a provider's settings may never have the proxies send on:
 * this site's own credentials (its cookies, the service key), what the
 * connection between caller and proxy is made of, and what names the caller's
 * origin. The access token is the only credential that goes to an API.
 */
const HELD_REQUEST_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'max-forwards',
  'forwarded',
  'via',
  'origin',
  'referer',
  'x-real-ip',
  'x-csrf-token',
]);
const HELD_REQUEST_PREFIXES = ['x-forwarded-', 'sec-', 'proxy-', 'tokenkeeper-'];

/**
 * Answer headers that could act for this site's origin (navigate, set
 * cookies, widen or replace its security policy, prompt for credentials,
 * change what the browser keeps for the origin: the client hints it sends,
 * its FedCM login status, a device-bound session, attribution and topics
 * registrations) or that the proxies set themselves; see the allowlist in
 * src/server/routes/proxy.routes.ts.
 */
const HELD_RESPONSE_HEADERS = new Set([
  'set-cookie',
  'set-cookie2',
  'location',
  'refresh',
  'link',
  'content-security-policy',
  'content-security-policy-report-only',
  'www-authenticate',
  'proxy-authenticate',
  'service-worker-allowed',
  'permissions-policy',
  'feature-policy',
  'nel',
  'report-to',
  'reporting-endpoints',
  'clear-site-data',
  'strict-transport-security',
  'origin-agent-cluster',
  'alt-svc',
  'x-frame-options',
  'x-content-type-options',
  'x-xss-protection',
  'x-dns-prefetch-control',
  'x-permitted-cross-domain-policies',
  'accept-ch',
  'critical-ch',
  'set-login',
  'secure-session-registration',
  'secure-session-challenge',
  'observe-browsing-topics',
  'origin-trial',
  'speculation-rules',
  'document-policy',
  'document-policy-report-only',
  'supports-loading-mode',
  'timing-allow-origin',
  'cache-control',
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'trailer',
  'upgrade',
]);
const HELD_RESPONSE_PREFIXES = ['access-control-', 'cross-origin-', 'proxy-', 'tokenkeeper-', 'sec-', 'attribution-reporting-'];

function isHeld(name: string, names: ReadonlySet<string>, prefixes: readonly string[]): boolean {
  return names.has(name) || prefixes.some((prefix) => name.startsWith(prefix));
}

/** Why a proxy may never pass the header `name` (lower-case) in that direction; undefined when it may. */
export function heldHeaderReason(name: string, direction: 'request' | 'response'): string | undefined {
  if (direction === 'request') return isHeld(name, HELD_REQUEST_HEADERS, HELD_REQUEST_PREFIXES) ? 'it carries this site’s own credentials or connection, never sent to an API' : undefined;
  return isHeld(name, HELD_RESPONSE_HEADERS, HELD_RESPONSE_PREFIXES) ? 'it could act for this site’s origin, or the proxy sets it itself' : undefined;
}

/** The header names of one `<NAME>_PROXY_…_HEADERS` value, lower-case, each checked. */
function headerNames(raw: string | undefined, variable: string, direction: 'request' | 'response'): string[] {
  if (raw === undefined) return [];
  const names: string[] = [];
  for (const entry of raw.split(',')) {
    const name = entry.trim().toLowerCase();
    if (name === '') continue;
    if (!FIELD_NAME.test(name)) throw new ConfigError(variable, `has "${entry.trim()}", which is not a header name (comma-separated names, e.g. Notion-Version)`);
    const held = heldHeaderReason(name, direction);
    if (held) throw new ConfigError(variable, `may not name ${name}: ${held}`);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * A provider's proxy headers: its preset's, and the names `<NAME>_PROXY_REQUEST_HEADERS`
 * and `<NAME>_PROXY_RESPONSE_HEADERS` add (a provider configured by hand whose API needs
 * a header, such as Notion's `Notion-Version`). Undefined when there are none.
 */
export function proxyHeaders(
  raw: { request: string | undefined; response: string | undefined },
  prefix: string,
  fromPreset: ProxyHeaders | undefined,
): ProxyHeaders | undefined {
  const request = [...new Set([...(fromPreset?.request ?? []), ...headerNames(raw.request, `${prefix}_PROXY_REQUEST_HEADERS`, 'request')])];
  const response = [...new Set([...(fromPreset?.response ?? []), ...headerNames(raw.response, `${prefix}_PROXY_RESPONSE_HEADERS`, 'response')])];
  return request.length === 0 && response.length === 0 ? undefined : { request, response };
}
