import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import type { AppDependencies } from '../dependencies.js';
import { currentUser } from './page.routes.js';

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
];

/**
 * Response headers not passed back: hop-by-hop headers (RFC 9110 §7.6.1),
 * cookies of the provider's origin, the encoding/length of a body that the
 * fetch has already decoded, and headers that would speak for this origin:
 * its security policy (the proxy sets its own), site data and transport
 * settings. CORS headers (access-control-*) are dropped as well.
 */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
  'content-encoding',
  'content-length',
  'content-security-policy',
  'content-security-policy-report-only',
  'cross-origin-embedder-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'referrer-policy',
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
  'clear-site-data',
  'alt-svc',
]);

/** Whether a header of the API's answer goes back to the browser. */
export function passedBack(name: string): boolean {
  return !DROPPED_RESPONSE_HEADERS.has(name) && !name.startsWith('access-control-');
}

const PROXY_BODY_LIMIT = 1024 * 1024;

function forwardedHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/**
 * ANY /api/providers/:provider/proxy/* — calls `<NAME>_API_BASE_URL/*` with
 * the signed-in user's access token and streams the answer back. Non-GET
 * calls need the CSRF token in an `X-CSRF-Token` header.
 */
export async function proxyRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  // Bodies are passed through as they are, whatever their type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PROXY_BODY_LIMIT }, (_request, body, done) => done(null, body));

  // The user's token for :provider is read with the session, in one query: this is the hot path.
  const route = { config: { securityHeaders: 'proxied' as const, sessionTokenParam: 'provider' } };
  app.all<{ Params: { provider: string; '*': string } }>('/api/providers/:provider/proxy/*', route, async (request, reply) => {
    const user = currentUser(request);
    if (!user) throw new TokenkeeperError('unauthorized', 401, 'Sign in first.');
    const { provider } = request.params;
    const queryAt = request.url.indexOf('?');
    const path = request.params['*'] + (queryAt === -1 ? '' : request.url.slice(queryAt));
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;

    // undefined (not read with the session) lets the token manager read it.
    const tokenRow = request.session?.token;
    const current = tokenRow === undefined ? undefined : tokenRow && deps.tokenStore.fromRow(tokenRow);
    const upstream = await deps.providerApi.fetch(
      user.id,
      provider,
      path,
      { method: request.method, headers: forwardedHeaders(request), ...(body ? { body } : {}) },
      current,
    );

    reply.code(upstream.status);
    upstream.headers.forEach((value, name) => {
      if (passedBack(name)) reply.header(name, value);
    });
    // The answer belongs to this user: no shared cache may keep it.
    reply.header('cache-control', 'private, no-store');
    if (!upstream.body || request.method === 'HEAD') return reply.send();
    return reply.send(Readable.fromWeb(upstream.body as never));
  });
}
