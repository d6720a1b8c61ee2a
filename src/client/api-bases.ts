/**
 * The API bases a provider's access token may be sent to, as patterns: an
 * origin and a path prefix, the host perhaps `*.` and a domain (any one label
 * under it: Google's APIs each have a host of their own under
 * googleapis.com). An absolute URL is matched against them as the caller
 * wrote it, before any parsing could normalise its path.
 */
export interface ApiBasePattern {
  /** As configured, for messages. */
  readonly text: string;
  readonly protocol: string;
  /** The host, or, for a `*.` pattern, undefined (see hostSuffix). */
  readonly host: string | undefined;
  /** For a `*.` pattern: the domain after the star, with its leading dot (`.googleapis.com`). */
  readonly hostSuffix: string | undefined;
  readonly port: string;
  /** The path prefix, ending with `/`. */
  readonly pathname: string;
}

/** scheme, `//`, authority, and the rest as written. */
const ABSOLUTE = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)(.*)$/is;
/** One DNS label: what a star stands for. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `text` is no API base (a sentence fragment), or its pattern. */
export function parseApiBasePattern(text: string): ApiBasePattern | string {
  const parts = ABSOLUTE.exec(text);
  if (!parts) return 'is not an absolute http(s) URL';
  const [, scheme, authority, rest] = parts as unknown as [string, string, string, string];
  const wildcard = authority.startsWith('*.');
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}//${wildcard ? authority.slice(2) : authority}${rest}`);
  } catch {
    return 'is not an absolute http(s) URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'is not an http(s) URL';
  if (parsed.username || parsed.password) return 'may not hold a user name or password';
  if (parsed.search || parsed.hash || /[?#]/.test(rest)) return 'may not have a query or fragment';
  if (authority.slice(wildcard ? 2 : 0).includes('*')) return 'may have a star only as its whole first label (https://*.example.com)';
  if (wildcard && !parsed.hostname.includes('.')) return `names every host of a top-level domain (*.${parsed.hostname}); give a domain under it`;
  const pathname = parsed.pathname.endsWith('/') ? parsed.pathname : `${parsed.pathname}/`;
  return {
    text,
    protocol: parsed.protocol,
    host: wildcard ? undefined : parsed.hostname,
    hostSuffix: wildcard ? `.${parsed.hostname}` : undefined,
    port: parsed.port,
    pathname,
  };
}

/** The pattern of a base already parsed (the provider's main one). */
export function apiBasePatternOf(base: URL): ApiBasePattern {
  return { text: base.href.replace(/\/$/, ''), protocol: base.protocol, host: base.hostname, hostSuffix: undefined, port: base.port, pathname: base.pathname };
}

/**
 * The base among `patterns` that the absolute URL `target` is under, made
 * concrete (a star's host filled in), and the rest of the URL after it, as
 * written; undefined when there is none.
 */
export function matchApiBase(patterns: readonly ApiBasePattern[], target: string): { base: URL; rest: string } | undefined {
  const parts = ABSOLUTE.exec(target);
  if (!parts) return undefined;
  const [, scheme, authority, written] = parts as unknown as [string, string, string, string];
  if (authority.includes('@')) return undefined;
  let origin: URL;
  try {
    origin = new URL(`${scheme}//${authority}/`);
  } catch {
    return undefined;
  }
  const rest = written === '' || written.startsWith('?') ? `/${written}` : written;
  for (const pattern of patterns) {
    if (pattern.protocol !== origin.protocol || pattern.port !== origin.port || !rest.startsWith(pattern.pathname)) continue;
    const host = origin.hostname;
    const hostMatches =
      pattern.host !== undefined ? host === pattern.host : host.endsWith(pattern.hostSuffix!) && LABEL.test(host.slice(0, -pattern.hostSuffix!.length));
    if (hostMatches) return { base: new URL(`${origin.origin}${pattern.pathname}`), rest: rest.slice(pattern.pathname.length) };
  }
  return undefined;
}
