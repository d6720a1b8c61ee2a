import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * LOG_REQUESTS: Fastify's two ordinary lines per request ("incoming request",
 * "request completed") on or off. Unlike Fastify's disableRequestLogging,
 * off keeps the lines for requests that failed ("request errored", and
 * Fastify's other error lines): a quiet log still shows what went wrong.
 * https://fastify.dev/docs/latest/Reference/Server/#logcontroller
 */
export class RequestLogging extends LogController {
  readonly #logRequests: boolean;

  constructor(logRequests: boolean) {
    super();
    this.#logRequests = logRequests;
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (this.#logRequests) super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (this.#logRequests || error) super.requestCompleted(error, request, reply, metadata);
  }
}
