import type { FastifyRequest } from 'fastify';

/**
 * Whether the browser says the request was started by another site (Fetch
 * Metadata, `Sec-Fetch-Site`): a link or a script there. `same-site` counts
 * too, as a sibling subdomain is another application. A top-level GET from
 * another site carries the SameSite=Lax session cookie, so a route that acts
 * with the user's token on a GET refuses it.
 */
export function fromAnotherSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}
