import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { Agent, fetch } from 'undici';
import { FORWARDED_REQUEST_HEADERS, passedBack } from '../../src/server/routes/proxy.routes.js';

/** The bearer token the bare proxy always sends: no session, no store, no decryption. */
export const FIXED_BEARER = 'bench-fixed-access-token';

// The same request-header allowlist and response-header filter as the real
// proxy route (imported from it), so the baseline does the same HTTP work and
// only Tokenkeeper's own work (session, user, token lookup and decryption,
// freshness, security headers) is missing.

export interface BareProxy {
  /** e.g. http://127.0.0.1:43211 */
  url: string;
  close(): Promise<void>;
}

/**
 * The baseline: a plain Fastify app (no logger, no plugins) with the same
 * route shape as Tokenkeeper's proxy, which adds a fixed Authorization header
 * and streams the API's answer back through undici's fetch on a keep-alive
 * Agent and `Readable.fromWeb`, as the real route does.
 */
export async function startBareProxy(apiBaseUrl: string, port = 0): Promise<BareProxy> {
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const base = new URL(apiBaseUrl.endsWith('/') ? apiBaseUrl : `${apiBaseUrl}/`);
  const app = Fastify({ logger: false });

  app.get<{ Params: { provider: string; '*': string } }>('/api/providers/:provider/proxy/*', async (request, reply) => {
    const queryAt = request.url.indexOf('?');
    const target = new URL(request.params['*'] + (queryAt === -1 ? '' : request.url.slice(queryAt)), base);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    headers.authorization = `Bearer ${FIXED_BEARER}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('API call timed out', 'TimeoutError')), 10_000);
    let upstream: Awaited<ReturnType<typeof fetch>>;
    try {
      upstream = await fetch(target, { method: request.method, headers, redirect: 'manual', signal: controller.signal, dispatcher: agent });
    } finally {
      clearTimeout(timer);
    }
    reply.code(upstream.status);
    upstream.headers.forEach((value, name) => {
      if (passedBack(name)) reply.header(name, value);
    });
    reply.header('cache-control', 'private, no-store');
    if (!upstream.body) return reply.send();
    return reply.send(Readable.fromWeb(upstream.body as never));
  });

  await app.listen({ port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: async () => {
      await app.close();
      await agent.close();
    },
  };
}
