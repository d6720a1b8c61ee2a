import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'proxied': the response is a provider API's answer passed through (the
     * proxy route), which gets the strict set for foreign content instead of
     * the pages' set.
     */
    securityHeaders?: 'proxied';
  }
}

/** HSTS only means something over https; on http://localhost it would be ignored or worse. */
function transportHeaders(https: boolean): Record<string, string> {
  return https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {};
}

/**
 * The security headers of the app's own responses (pages, JSON, redirects),
 * computed once at start-up (@fastify/helmet rebuilt them on every request,
 * a measurable share of a proxied call). Routes may override one, e.g. the
 * callback's Referrer-Policy.
 */
export function securityHeaders(https: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // No page of the app runs script. 'self' would let an injected <script src> load a provider API's answer
    // through the proxy, which is served from this origin.
    "script-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join(';');
  return {
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    ...transportHeaders(https),
  };
}

/**
 * The headers of a provider API's answer served through the proxy. It comes
 * from another party but is served from this origin, so a browser must not
 * run it as a page of this site: a sandboxed CSP that allows nothing (an
 * HTML or SVG answer cannot run script or load anything), no framing, no
 * type sniffing, no referrer.
 */
export function proxiedResponseHeaders(https: boolean): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    ...transportHeaders(https),
  };
}

async function securityHeadersPlugin(app: FastifyInstance, options: { https: (request: FastifyRequest) => boolean }): Promise<void> {
  const sets = {
    https: { own: securityHeaders(true), proxied: proxiedResponseHeaders(true) },
    http: { own: securityHeaders(false), proxied: proxiedResponseHeaders(false) },
  };
  // A callback hook, not an async one: it runs on every request, and a promise per hook is measurable on the proxy path.
  app.addHook('onRequest', (request, reply, done) => {
    const set = options.https(request) ? sets.https : sets.http;
    reply.headers(request.routeOptions.config.securityHeaders === 'proxied' ? set.proxied : set.own);
    done();
  });
}

export default fp(securityHeadersPlugin, { name: 'tokenkeeper-security-headers' });
