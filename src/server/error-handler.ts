import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../client/error-codes.js';
import { ProviderUnavailableError, SignInError, TokenkeeperError } from '../client/errors.js';
import { DATABASE_UNAVAILABLE_ANSWER, isDatabaseUnavailable } from '../db/database-unavailable.js';
import { ADMIN_HOME_PATH } from './admin/auth/staff-guard.js';
import { refusesUnreadBody } from './routes/proxy-body.js';
import { layout } from './views/layout.js';
import { errorPage } from './views/pages.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'json': the route answers JSON, its errors included (the API); pages answer HTML unless the request asks for JSON. */
    replies?: 'json';
    /** Codes this route answers with another status than ERROR_CODES gives (the service API's SERVICE_API_STATUSES). */
    errorStatuses?: Readonly<Partial<Record<ErrorCode, number>>>;
  }
}

/**
 * JSON when the route answers JSON, or the address is under /api/ (a typo in
 * an API call gets JSON, not a page), or the request prefers JSON to HTML
 * (an Accept without text/html); else an HTML page.
 */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.replies === 'json' || request.url.startsWith('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

const SIGN_IN_AGAIN: ReadonlySet<ErrorCode> = new Set(['invalid_state', 'invalid_grant', 'access_denied', 'authorization_error', 'transaction_mismatch', 'needs_reauth']);

function send(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, message: string, details: Readonly<Record<string, string>> | null = null) {
  const status = request.routeOptions.config?.errorStatuses?.[code] ?? ERROR_CODES[code].status;
  reply.code(status).header('cache-control', 'no-store');
  if (refusesUnreadBody(request)) reply.header('connection', 'close');
  if (wantsJson(request)) return reply.send({ error: code, message, ...details });
  // A person signed in keeps the page's navigation and is led back to their account, also when a provider's answer
  // failed (a cancelled "Connect" or "Ask for more access", a sign-in finished in another tab): they are still signed
  // in, and the account page offers that provider's sign-in again. A visitor is led to sign in, or to the start page.
  const user = request.session?.user ?? null;
  const context = { title: status >= 500 ? 'Upstream error' : 'Error', signedInAs: user ? (user.name ?? user.username) : null, csrfToken: user ? (request.session?.csrfToken ?? null) : null };
  // Signed out on an admin page (a form posted after the session ended): staff sign in again at /admin/login, not on the start page.
  const admin = request.url === ADMIN_HOME_PATH || request.url.startsWith(`${ADMIN_HOME_PATH}/`) || request.url.startsWith(`${ADMIN_HOME_PATH}?`);
  const back = user ? 'account' : admin ? 'admin-sign-in' : SIGN_IN_AGAIN.has(code) ? 'sign-in' : 'start';
  return reply.type('text/html; charset=utf-8').send(layout(context, errorPage(status, message, back)));
}

/** Fastify's own refusals of a request (bad body, too large, slow…) as our codes; their messages are Fastify's, written for clients. */
function codeOfClientError(status: number): ErrorCode {
  switch (status) {
    case 404:
      return 'not_found';
    case 408:
      return 'request_timeout';
    case 413:
      return 'payload_too_large';
    case 414:
      return 'uri_too_long';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'too_many_requests';
    default:
      return 'bad_request';
  }
}

/** 65536 → "64 KiB": a body limit as a person reads it. */
function sizeText(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Fastify's message for a request it refused, or ours where a caller needs to be told what to send instead. */
function clientErrorMessage(request: FastifyRequest, code: ErrorCode, error: FastifyError): string {
  if (code === 'too_many_requests') return 'Too many requests: wait a minute and try again.';
  // Fastify's "Request body is too large" says neither how large a body may be nor that it is this route's limit.
  const bodyLimit = request.routeOptions.bodyLimit;
  if (code === 'payload_too_large' && typeof bodyLimit === 'number') return `The request body is larger than this route takes: ${sizeText(bodyLimit)} at most.`;
  if (code === 'unsupported_media_type' && request.routeOptions.config?.replies === 'json') {
    const type = request.headers['content-type']?.split(';')[0]?.trim();
    return `Send the body as JSON, with Content-Type: application/json${type ? ` (this one came as ${type.slice(0, 100)})` : ''}.`;
  }
  return error.message;
}

/** The code an error is answered with (as the handler below decides it): for counting failures by code. */
export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof TokenkeeperError) return error.code;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return codeOfClientError(status);
  return isDatabaseUnavailable(error) ? 'not_ready' : 'internal_error';
}

/**
 * Fastify's refusals of a request before any route is found, in the app's
 * error shape: FST_ERR_MAX_PARAM_LENGTH (a path parameter longer than the
 * router takes, which Fastify answers 414) as `uri_too_long`, and
 * FST_ERR_BAD_URL (an address whose percent-encoding is not UTF-8) as
 * `bad_request`. Neither the answer nor the log repeats the address: a
 * connect link's holds its secret.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    request.log.info({ code: 'uri_too_long', fastifyCode: error.code }, 'address refused before routing');
    send(request, reply, 'uri_too_long', 'A part of the address (a path parameter, such as an id) is longer than the route takes.');
    return;
  }
  request.log.info({ code: 'bad_request', fastifyCode: error.code }, 'address refused before routing');
  send(request, reply, 'bad_request', 'The address is not valid: a percent-encoded part of it is not UTF-8.');
}

/**
 * One error handler for the whole app. Known errors keep their code and a
 * message written for the user; Fastify's own 4xx keep theirs under one of
 * our codes; anything else — our own bugs included — is logged with its
 * stack and shown as a generic 500, so internals never leak.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof TokenkeeperError) {
      if (error instanceof ProviderUnavailableError && error.retryAfterSeconds !== null) reply.header('retry-after', String(error.retryAfterSeconds));
      const description = error instanceof SignInError ? (error.providerErrorDescription ?? undefined) : undefined;
      const fields = { code: error.code, providerError: error.providerError ?? undefined, providerErrorDescription: description };
      // A fault upstream logs what caused it. A refusal of the caller is expected, and says all in its code and
      // message: no stack, and never its details, which may carry a secret (a needs_reauth's reconnect_url).
      if (error.status >= 500) request.log.warn({ ...fields, err: error.cause ?? error }, error.message);
      else request.log.info(fields, error.message);
      return send(request, reply, error.code, error.message, error.details);
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      const code = codeOfClientError(error.statusCode);
      request.log.info({ code, fastifyCode: error.code }, error.message);
      return send(request, reply, code, clientErrorMessage(request, code, error));
    }
    if (isDatabaseUnavailable(error)) {
      // An outage, not a bug: worth a retry in a moment (RFC 9110 §15.6.4), as GET /readyz also says.
      request.log.warn({ code: 'not_ready', err: error }, 'the database did not answer');
      reply.header('retry-after', String(DATABASE_UNAVAILABLE_ANSWER.retryAfterSeconds));
      return send(request, reply, 'not_ready', DATABASE_UNAVAILABLE_ANSWER.message);
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(request, reply, 'internal_error', 'Something went wrong on our side. Please try again.');
  });

  app.setNotFoundHandler((request, reply) => send(request, reply, 'not_found', 'There is nothing at this address.'));
}
