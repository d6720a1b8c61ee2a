/**
 * Where to go after sign-in: only a same-origin relative path. Anything else
 * (`//evil.com`, `https://evil.com`, `/\evil.com`, `javascript:`, control
 * characters, encoded variants, dot-segments that resolve to `//evil.com`)
 * becomes `/`. Never throws.
 *
 * @example
 * safeNextPath('/notes?page=2', new URL('https://app.example.com')); // '/notes?page=2'
 * safeNextPath('//evil.example/x', new URL('https://app.example.com')); // '/'
 */
export function safeNextPath(next: unknown, baseUrl: URL): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return '/';
  // Browsers treat `\` like `/` and drop tabs and newlines, so `/\evil.com` and `/\t/evil.com` would leave the origin.
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next)) return '/';
  let resolved: URL;
  try {
    resolved = new URL(next, baseUrl);
  } catch {
    return '/';
  }
  if (resolved.origin !== baseUrl.origin) return '/';
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // The path as resolved, not as given: dot-segments collapse (`/.//evil.com`, `/a/..//evil.com` become
  // `//evil.com`, another host to a browser). Encoded slashes or backslashes at the start could be decoded by a later hop.
  return /^\/(\/|\\|%2f|%5c)/i.test(path) ? '/' : path;
}
