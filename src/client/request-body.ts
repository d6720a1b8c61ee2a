import type { ProviderApiRequest } from './provider-api.js';

/**
 * The bodies a call to a provider's API takes, as fetch takes them, and what
 * each is sent as. fetch's own body types are turned into bytes or text here,
 * with the `Content-Type` fetch would give them, rather than handed to the
 * undici this package installs: that undici recognises only its own FormData
 * class, not the global one (Node's bundled undici), and sent a form as the
 * text `[object FormData]`.
 */

/** Bytes, text, a Blob (read as it is sent, and again for a retry) or a stream of bytes: what the API call sends as it is. */
export type SentBody = Uint8Array | string | Blob | AsyncIterable<Uint8Array>;

/** A body as the caller may give it. */
export type RequestBody = NonNullable<ProviderApiRequest['body']>;

export interface EncodedBody {
  body: SentBody;
  /** The media type fetch gives this kind of body, for a request that names none. */
  contentType: string | null;
}

function isAsyncIterable(body: object): body is AsyncIterable<Uint8Array> {
  return Symbol.asyncIterator in body;
}

/**
 * `body` as bytes, text or a stream, and its media type. Anything else (a
 * plain object, a number) is a TypeError, as README says a mistake in the
 * calling code is: fetch would send `[object Object]`.
 */
export async function encodeBody(body: RequestBody): Promise<EncodedBody> {
  if (typeof body === 'string') return { body, contentType: 'text/plain;charset=UTF-8' };
  if (body instanceof Uint8Array) return { body, contentType: null };
  if (typeof body === 'object' && body !== null) {
    if (body instanceof URLSearchParams) return { body: body.toString(), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
    if (body instanceof ArrayBuffer) return { body: new Uint8Array(body), contentType: null };
    if (ArrayBuffer.isView(body)) return { body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), contentType: null };
    // A Blob (a file from fs.openAsBlob too) goes as it is: undici reads it as it sends it, with its type.
    if (body instanceof Blob) return { body, contentType: null };
    if (body instanceof FormData) {
      // The global Response encodes it as fetch does: multipart/form-data with its boundary.
      const encoded = new Response(body);
      return { body: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') || null };
    }
    if (isAsyncIterable(body)) return { body, contentType: null };
  }
  const kind = body === null ? 'null' : typeof body === 'object' ? (Object.getPrototypeOf(body)?.constructor?.name ?? 'object') : typeof body;
  throw new TypeError(
    `fetch: init.body must be a string, bytes (Uint8Array, Buffer, ArrayBuffer), a Blob, URLSearchParams, FormData or a stream of bytes (got ${kind}); for JSON, give JSON.stringify(value) and a content-type header`,
  );
}
