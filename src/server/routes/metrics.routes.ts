import type { FastifyInstance } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import type { TokenkeeperMetrics } from '../../core/metrics.js';
import { bearerTokenCheck } from '../bearer-token.js';

/** GET /metrics on the app's port (METRICS_TOKEN set, no METRICS_PORT): the Prometheus text format, for the bearer of the token only. */
export async function metricsRoutes(app: FastifyInstance, options: { metrics: TokenkeeperMetrics; token: string }): Promise<void> {
  const { metrics } = options;
  const authorized = bearerTokenCheck(options.token);
  app.get('/metrics', { config: { replies: 'json' } }, async (request, reply) => {
    if (!authorized(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new TokenkeeperError('unauthorized', 'The metrics need the metrics token: Authorization: Bearer <METRICS_TOKEN>.');
    }
    const text = await metrics.text();
    return reply.header('cache-control', 'no-store').type(metrics.contentType).send(text);
  });
}
