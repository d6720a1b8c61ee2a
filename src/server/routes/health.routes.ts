import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { databaseOutageLog } from '../../core/outage-log.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import type { Readiness } from '../readiness.js';

/**
 * GET /healthz, liveness: the process and its database answer. GET /readyz,
 * readiness for a load balancer: 200 `ready` (or `degraded`, naming the
 * providers whose discovery fails), 503 `not_ready` with the reason.
 */
export async function healthRoutes(app: FastifyInstance, options: { deps: Tokenkeeper; readiness: Readiness }): Promise<void> {
  const { deps, readiness } = options;
  const outage = databaseOutageLog(app.log, 'health check', 'health check: database did not answer', { level: 'error' });

  app.get('/healthz', async (request, reply) => {
    try {
      await sql`select 1`.execute(deps.database.db);
      outage.succeeded();
      return { status: 'ok' };
    } catch (error) {
      outage.failed(error);
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable', error: 'not_ready', reason: 'database_unavailable', message: 'The database did not answer.' });
    }
  });

  app.get('/readyz', async (_request, reply) => {
    const body = await readiness.check();
    // A probe must see the state now, never a cached answer.
    reply.header('cache-control', 'no-store');
    return reply.code(body.status === 'unavailable' ? 503 : 200).send(body);
  });
}
