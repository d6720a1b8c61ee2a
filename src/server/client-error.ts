import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '../client/error-codes.js';

/**
 * Node's HTTP parser refuses some requests before Fastify has a request to
 * route (a body not received within REQUEST_TIMEOUT_SECONDS, headers over its
 * size limit, bytes that are not HTTP). Fastify then writes the answer itself,
 * in its own body shape; this writes the app's, `{ error, message }` with a
 * code of the registry, so every JSON error a client can get has one.
 */
const REFUSALS: Readonly<Record<string, { status: number; code: ErrorCode; message: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'The request was not received whole in time.' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'The request headers are too large.' },
};
const MALFORMED = { status: 400, code: 'bad_request', message: 'The request is not valid HTTP.' } as const;

/** The answer to a request the HTTP parser refused: for Fastify's `clientErrorHandler` option. */
export function clientErrorHandler(logger: FastifyBaseLogger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has nobody to answer (Node's http docs, 'clientError').
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const refusal = (error.code !== undefined ? REFUSALS[error.code] : undefined) ?? MALFORMED;
    logger.debug({ code: refusal.code, parserCode: error.code }, 'request refused by the HTTP parser');
    if (socket.writable) {
      const body = JSON.stringify({ error: refusal.code, message: refusal.message });
      socket.write(
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
