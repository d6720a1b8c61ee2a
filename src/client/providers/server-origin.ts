/**
 * Servers named by the people signing in (an AT Protocol PDS or did:web host, a Mastodon server): their addresses
 * checked one way. https only, except a loopback host on http in development and tests (allowInsecureHttp).
 */

/** `<scheme>://<host>` for a host (with its port, if any): https, or http for a loopback host in development and tests. */
export function hostOrigin(host: string, allowInsecureHttp: boolean): string {
  const scheme = allowInsecureHttp && /^(127\.0\.0\.1|localhost)(:|$)/.test(host) ? 'http' : 'https';
  return `${scheme}://${host}`;
}

/** `value` parsed when it is an absolute https URL (or http in development and tests); undefined for anything else. */
export function fetchableUrl(value: string, allowInsecureHttp: boolean): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || (allowInsecureHttp && url.protocol === 'http:') ? url : undefined;
}

/**
 * The origin of `value` when it is the URL of a server's root: https (or http in development and tests), no path,
 * query, fragment or credentials; undefined for anything else.
 */
export function rootOrigin(value: string, allowInsecureHttp: boolean): string | undefined {
  const url = fetchableUrl(value, allowInsecureHttp);
  const rootOnly = url !== undefined && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username && !url.password;
  return rootOnly ? url.origin : undefined;
}
