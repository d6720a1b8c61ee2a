import type { FastifyInstance } from 'fastify';

/**
 * The WebDAV methods the proxies pass on beside HTTP's own, so that an API
 * served over WebDAV (Nextcloud's files under /remote.php/dav, CalDAV and
 * CardDAV servers) can be listed, searched and written through them:
 * PROPFIND, PROPPATCH and MKCOL (RFC 4918 §9), REPORT (RFC 3253 §3.6) and
 * SEARCH (RFC 5323). Not COPY and MOVE, whose Destination header names a URL
 * of the API that a caller of the proxy does not know, nor LOCK and UNLOCK,
 * whose lock tokens outlive the call.
 */
export const WEBDAV_METHODS = ['PROPFIND', 'PROPPATCH', 'MKCOL', 'REPORT', 'SEARCH'];

/** Lets `app` route the WebDAV methods, each with a body (Fastify 5 routes only HTTP's own until told). */
export function routeWebDavMethods(app: FastifyInstance): void {
  for (const method of WEBDAV_METHODS) {
    if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }
}
