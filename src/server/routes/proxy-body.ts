import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';

/** A body without a Content-Length, or with one of this size or less, is read whole: it can be sent again after a 401. */
export const PROXY_BODY_LIMIT = 1024 * 1024;

const MIB = 1024 * 1024;

/**
 * A body over PROXY_BODY_LIMIT with a Content-Length: passed on as it
 * arrives, never held whole. Its fields are private, so nothing that walks a
 * parsed body (the NUL guard, the CSRF field lookup) reaches the request.
 */
export class StreamedBody {
  readonly #payload: Readable;
  readonly #length: number;

  constructor(payload: Readable, length: number) {
    this.#payload = payload;
    this.#length = length;
  }

  get length(): number {
    return this.#length;
  }

  /** Whether the call to the API has read any of it (not only been handed it): the stream says so itself. */
  get started(): boolean {
    return this.#payload.readableDidRead;
  }

  /**
   * The bytes as they arrive. Giving up on them (the API failed or answered
   * early) leaves the request as it is, so the caller can still be answered
   * on it; see discardRest.
   */
  chunks(): AsyncIterable<Uint8Array> {
    return this.#payload.iterator({ destroyOnReturn: false });
  }

  /**
   * Reads and drops what the caller has still to send (at most the limit),
   * so that a caller that sends on after the error answer is not left
   * stuck, and the connection can be kept. Read, not resumed: resume()
   * does nothing while the iterator the API call gave up on still listens.
   */
  discardRest(): void {
    if (this.#payload.readableEnded) return;
    void (async () => {
      try {
        for await (const _dropped of this.#payload);
      } catch {
        // The caller went away: nothing left to drop.
      }
    })();
  }
}

function tooLarge(limit: string): TokenkeeperError {
  return new TokenkeeperError('payload_too_large', `The request body is larger than ${limit}.`);
}

/**
 * Whether an error answer should close the connection: a large body (over
 * PROXY_BODY_LIMIT) refused before any of it was read (no session or key, a
 * CSRF failure, no connection, an unknown provider) is not read to its
 * declared length, as Node would to keep the connection. One the API call has
 * begun to read is dropped as it comes instead (StreamedBody.discardRest), so
 * the caller, still sending, reads the answer.
 */
export function refusesUnreadBody(request: FastifyRequest): boolean {
  return !request.raw.complete && !request.raw.readableDidRead && (declaredLength(request) ?? 0) > PROXY_BODY_LIMIT;
}

/** The declared Content-Length (Node's parser has checked its syntax), or undefined without one. */
function declaredLength(request: FastifyRequest): number | undefined {
  const value = request.headers['content-length'];
  return value === undefined ? undefined : Number(value);
}

/** The whole body, at most `limit` bytes; past that, 413 without reading further (Fastify then closes the connection). */
function readWhole(payload: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        stop();
        reject(tooLarge(`1 MiB without a Content-Length (send one to stream a larger body)`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      stop();
      reject(Object.assign(error, { statusCode: 400 }));
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

/**
 * Makes the proxy routes of `app` take any body, as it is: one of 1 MiB or
 * less, or one without a Content-Length (chunked), read whole; a larger one
 * with a Content-Length up to `uploadLimitMb` MiB (PROXY_UPLOAD_LIMIT_MB)
 * left to stream as a StreamedBody. A larger one still, or a chunked one
 * past 1 MiB, is refused with 413 before anything is sent to the API.
 */
export function acceptProxiedBodies(app: FastifyInstance, uploadLimitMb: number): void {
  const uploadLimit = uploadLimitMb * MIB;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', async (request: FastifyRequest, payload: Readable) => {
    const length = declaredLength(request);
    if (length === undefined || length <= PROXY_BODY_LIMIT) return readWhole(payload, PROXY_BODY_LIMIT);
    if (length > uploadLimit) throw tooLarge(`${uploadLimitMb} MiB (PROXY_UPLOAD_LIMIT_MB)`);
    return new StreamedBody(payload, length);
  });
}

/** The proxy's call to the API, given the headers to send and the body, if any. */
export type ProxiedCall = (headers: Record<string, string>, body: Uint8Array | AsyncIterable<Uint8Array> | undefined) => Promise<Response>;

/**
 * `call` with the request's body: bytes, or a stream sent with its
 * Content-Length (which undici would otherwise replace with chunked
 * encoding, refused by some upload endpoints). When the call fails while a
 * stream is still arriving: a caller that went away is answered 400 (in the
 * log; no one reads it), and otherwise the rest of the body is dropped as it
 * comes, so that the caller, still sending, reads the error.
 */
export function callWithBody(request: FastifyRequest, headers: Record<string, string>, call: ProxiedCall): Promise<Response> {
  const { body } = request;
  // Not an async function: on the hot path (a GET, a small body) it hands back the call's own promise.
  if (Buffer.isBuffer(body)) return call(headers, body);
  if (!(body instanceof StreamedBody)) return call(headers, undefined);
  return callStreaming(request, body, headers, call);
}

async function callStreaming(request: FastifyRequest, body: StreamedBody, headers: Record<string, string>, call: ProxiedCall): Promise<Response> {
  try {
    return await call({ ...headers, 'content-length': String(body.length) }, body.chunks());
  } catch (error) {
    if (request.raw.destroyed && !request.raw.complete) {
      throw new TokenkeeperError('bad_request', 'The client went away before sending the whole body; the call to the API was abandoned.', { cause: error });
    }
    // Refused before any of it was read (the user not connected, the provider unknown…): the connection is closed
    // after the answer instead (refusesUnreadBody).
    if (body.started) body.discardRest();
    throw error;
  }
}
