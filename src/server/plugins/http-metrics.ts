import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { UNMATCHED_ROUTE, type TokenkeeperMetrics } from '../../core/metrics.js';

/**
 * One histogram observation per answered request, labelled with the route's
 * pattern (`/api/providers/:provider/proxy/*`), never the path itself, which
 * holds ids and whatever a client sends.
 */
async function httpMetricsPlugin(app: FastifyInstance, options: { metrics: TokenkeeperMetrics }): Promise<void> {
  const { metrics } = options;
  // A callback hook, not an async one: it runs on every request (see security-headers.ts).
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.routeOptions.url ?? UNMATCHED_ROUTE, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

export default fp(httpMetricsPlugin, { name: 'tokenkeeper-http-metrics' });
