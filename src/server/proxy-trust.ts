import type { FastifyRequest } from 'fastify';
import type { TrustProxy } from '../config/trust-proxy.js';

/** Fastify's trustProxy for TRUST_PROXY. */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  // Fastify 5 now ignores a bare number (it trusts no hop at all), so a hop
  // count is given as the function Express-style proxy-addr trust means by
  // it: the nearest `trust` hops, counting the peer that connected as hop 0.
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}

/**
 * Whether a request reached the public site over https, which decides the
 * cookies' Secure flag and __Host- prefix and the https-only headers: always
 * when BASE_URL is https (a TLS-terminating proxy in front talks plain http
 * to us, and the browser still only ever sees https); else when a trusted
 * proxy says so in X-Forwarded-Proto (Fastify's request.protocol reads it
 * only from peers TRUST_PROXY names).
 */
export function httpsRequestTest(baseUrl: URL, trust: TrustProxy): (request: FastifyRequest) => boolean {
  if (baseUrl.protocol === 'https:') return () => true;
  if (trust === false) return () => false;
  return (request) => request.protocol === 'https';
}
