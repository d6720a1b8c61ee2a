import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProviderUnavailableError, TokenkeeperError } from '../client/errors.js';
import { layout } from './views/layout.js';
import { errorPage } from './views/pages.js';

function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

function send(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  reply.code(status).header('cache-control', 'no-store');
  if (wantsJson(request)) return reply.send({ error: code, message });
  const signInAgain = ['invalid_state', 'invalid_grant', 'access_denied', 'authorization_error', 'transaction_mismatch', 'needs_reauth'].includes(code);
  return reply
    .type('text/html; charset=utf-8')
    .send(layout({ title: status >= 500 ? 'Upstream error' : 'Error', signedInAs: null, csrfToken: null }, errorPage(status, message, signInAgain)));
}

/**
 * One error handler for the whole app. Known errors keep their status and a
 * message written for the user; Fastify's own 4xx (bad body, too large…)
 * keep theirs; anything else is logged in full and shown as a generic 500,
 * so internals never leak.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof TokenkeeperError) {
      const level = error.status >= 500 ? 'warn' : 'info';
      if (error instanceof ProviderUnavailableError && error.retryAfterSeconds !== null) reply.header('retry-after', String(error.retryAfterSeconds));
      request.log[level]({ code: error.code, err: error.cause ?? error }, error.message);
      return send(request, reply, error.status, error.code, error.message);
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ code: error.code }, error.message);
      const message = error.statusCode === 429 ? 'Too many requests: wait a minute and try again.' : error.message;
      return send(request, reply, error.statusCode, error.code ?? 'bad_request', message);
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(request, reply, 500, 'internal_error', 'Something went wrong on our side. Please try again.');
  });

  app.setNotFoundHandler((request, reply) => send(request, reply, 404, 'not_found', 'There is nothing at this address.'));
}
