/**
 * A request's target in origin form (`/path?query`). HTTP/1.1 servers must
 * also accept the absolute form (`http://host/path?query`, RFC 9112 §3.2.2),
 * which Node passes on as it came: whatever reads the path itself (the
 * proxies' raw path, the log's redaction) reads it from here.
 *
 * @example
 * originForm('http://app.example.com/connect/abc?x=1'); // '/connect/abc?x=1'
 */
export function originForm(url: string): string {
  if (url.startsWith('/')) return url;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (!absolute) return url;
  const rest = url.slice(absolute[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}
