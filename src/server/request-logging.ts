import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Routes a load balancer, an orchestrator or a scraper asks every few
 * seconds of every server: their answers are logged only when they are not
 * 2xx (a failing probe is news; a passing one, thousands of lines a day).
 */
const PROBE_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const isProbe = (request: FastifyRequest) => PROBE_ROUTES.has(request.routeOptions.url ?? '');

/**
 * LOG_REQUESTS: Fastify's two ordinary lines per request ("incoming request",
 * "request completed") on or off. Unlike Fastify's disableRequestLogging,
 * off keeps the lines for requests that failed ("request errored", and
 * Fastify's other error lines): a quiet log still shows what went wrong.
 * Probes (PROBE_ROUTES) get only their "request completed" line, and only
 * when not 2xx.
 * https://fastify.dev/docs/latest/Reference/Server/#logcontroller
 */
export class RequestLogging extends LogController {
  readonly #logRequests: boolean;

  constructor(logRequests: boolean) {
    super();
    this.#logRequests = logRequests;
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (this.#logRequests && !isProbe(request)) super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    const logged = this.#logRequests && (!isProbe(request) || reply.statusCode < 200 || reply.statusCode >= 300);
    if (logged || error) super.requestCompleted(error, request, reply, metadata);
  }
}
