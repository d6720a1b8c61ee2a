import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import type { CustomFetch } from 'openid-client';
import { isPublicAddress, NonPublicAddressError, publicAddressLookup } from './public-address.js';

export interface OutboundOptions {
  /** PEM bundle of extra trusted CAs (CA_FILE), added to Node's bundled roots. */
  caFile?: string;
  /** Largest response body accepted from a provider, in bytes. */
  maxResponseBytes?: number;
}

export class ResponseTooLargeError extends Error {
  readonly code = 'RESPONSE_TOO_LARGE';
}

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Reads a CA bundle, failing with a message that names the file. */
export function readCaBundle(caFile: string): string {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${caFile}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`${caFile} holds no PEM certificate`);
  }
  return pem;
}

/**
 * What an agent given `caFile` trusts: Node's bundled roots, the certificates
 * of NODE_EXTRA_CA_CERTS as Node itself adds them to its default (which a
 * `ca` option replaces: `tls.rootCertificates` is the bundled roots alone),
 * and the file. An unreadable NODE_EXTRA_CA_CERTS adds nothing, as Node
 * only warns about it at start.
 */
export function trustedCertificates(caFile: string): string[] {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  let extraPem: string[] = [];
  if (extra) {
    try {
      extraPem = [readCaBundle(extra)];
    } catch {
      extraPem = [];
    }
  }
  return [...rootCertificates, ...extraPem, readCaBundle(caFile)];
}

/**
 * The fetch used for every request to a provider: TLS verified against Node's
 * roots plus CA_FILE, keep-alive connections, and a cap on the response size
 * so a hostile or broken provider cannot exhaust memory. It returns a global
 * `Response`, which openid-client requires.
 */
export function createOutboundFetch(options: OutboundOptions = {}) {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const ca = options.caFile ? trustedCertificates(options.caFile) : undefined;
  const agent = new Agent({ connect: ca ? { ca } : {}, keepAliveTimeout: 10_000 });
  /**
   * The connections of `publicOnly`, made on its first use (most deployments have no provider that needs it): each
   * name is resolved by publicAddressLookup, so a connection never goes to an address that is not public.
   */
  let publicAgent: Agent | undefined;
  /** After destroy, close has nothing left to wait for (undici would refuse it). */
  let destroyed = false;
  /** After close, a public agent made then is closed at once, as the other is. */
  let closed = false;
  const publicAgentOf = (): Agent => {
    if (publicAgent === undefined) {
      publicAgent = new Agent({ connect: { ...(ca ? { ca } : {}), lookup: publicAddressLookup }, keepAliveTimeout: 10_000 });
      // Made after close() or destroy(): it refuses requests as the other agent then does.
      if (destroyed) void publicAgent.destroy();
      else if (closed) void publicAgent.close();
    }
    return publicAgent;
  };

  const tooLarge = (url: string) => new ResponseTooLargeError(`response from ${new URL(url).origin} is larger than ${maxBytes} bytes`);

  // undici's request() rather than its fetch(): the answer is read whole anyway, and fetch would build WHATWG
  // streams and a Response of its own first (about a third of a millisecond per request, two per sign-in).
  const outboundFetch = (url: string, init: Parameters<CustomFetch>[1]): Promise<Response> => fetchWhole(agent, url, init);

  const fetchWhole = async (over: Agent, url: string, init: Parameters<CustomFetch>[1], publicOnly = false): Promise<Response> => {
    const body = requestBody(init.body);
    try {
      if (publicOnly) {
        // An aborted request rejects with its abort, whatever its host.
        init.signal?.throwIfAborted();
        refuseNonPublicLiteral(url);
      }
      return await untilAborted(requestWhole(over, url, init, body), init.signal);
    } catch (error) {
      // As fetch() does: an abort rejects with its reason, a transport fault with a TypeError whose cause says what.
      if (error instanceof ResponseTooLargeError || init.signal?.aborted) throw error;
      throw new TypeError('fetch failed', { cause: error });
    }
  };

  const requestWhole = async (over: Agent, url: string, init: Parameters<CustomFetch>[1], body: string | Uint8Array | undefined): Promise<Response> => {
    const target = new URL(url);
    const upstream = await over.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: init.method as Dispatcher.HttpMethod,
      headers: withDefaultHeaders(init.headers),
      body,
      signal: init.signal ?? undefined,
    });
    const declared = Number(upstream.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      discard(upstream.body);
      throw tooLarge(url);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      received += chunk.byteLength;
      if (received > maxBytes) {
        discard(upstream.body);
        throw tooLarge(url);
      }
      chunks.push(chunk);
    }
    const nullBodyStatus = upstream.statusCode === 204 || upstream.statusCode === 205 || upstream.statusCode === 304;
    return new Response(nullBodyStatus ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), {
      status: upstream.statusCode,
      statusText: upstream.statusText,
      headers: responseHeaders(upstream.headers),
    });
  };

  const streamOver = (over: Agent, url: string, init: StreamInit): Promise<Response> =>
    // One object of one shape (undefined members count as absent): this runs for every proxied call.
    undiciFetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      redirect: 'manual',
      dispatcher: over,
      duplex: init.body === undefined ? undefined : 'half',
    } as never) as unknown as Promise<Response>;

  /**
   * The same fetch, to public addresses only, for a provider whose servers are named by the people signing in
   * (ProviderSettings.publicAddressesOnly): a host that is, or resolves to, an address that is not public (loopback,
   * private, link-local: see isPublicAddress) fails as an unreachable one does, a TypeError whose cause
   * (a NonPublicAddressError) names the address, before any connection is made to it.
   */
  const publicOnly = Object.assign((url: string, init: Parameters<CustomFetch>[1]): Promise<Response> => fetchWhole(publicAgentOf(), url, init, true), {
    /** `stream`, to public addresses only. */
    stream: (url: string, init: StreamInit): Promise<Response> => {
      try {
        if (!init.signal?.aborted) refuseNonPublicLiteral(url);
      } catch (error) {
        return Promise.reject(new TypeError('fetch failed', { cause: error }));
      }
      return streamOver(publicAgentOf(), url, init);
    },
  });

  return Object.assign(outboundFetch, {
    /**
     * A streaming fetch over the same connections and trust, for calls to a
     * provider's API on the user's behalf: no size cap (the body is passed
     * through), no redirects followed.
     */
    stream: (url: string, init: StreamInit) => streamOver(agent, url, init),
    publicOnly,
    close: async () => {
      closed = true;
      if (destroyed) return;
      await Promise.all([agent.close(), publicAgent?.close()]);
    },
    /** Drops every connection at once: requests still waiting on a provider fail instead of being waited for. */
    destroy: async () => {
      destroyed = true;
      await Promise.all([agent.destroy(), publicAgent?.destroy()]);
    },
  });
}

/**
 * Refuses a URL whose host is an IP address that is not public. Such a host is never looked up (net.connect
 * connects to an IP literal as it is), so publicAddressLookup never sees it.
 */
function refuseNonPublicLiteral(url: string): void {
  const { hostname } = new URL(url);
  // The URL parser has made any IPv4 form dotted decimal, and keeps IPv6 in brackets.
  const address = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(address) !== 0 && !isPublicAddress(address)) throw new NonPublicAddressError(`${address} is not a public address`);
}

/**
 * `work`, or the signal's reason as soon as it aborts. undici's request()
 * heeds an abort only once the request is on a connection: a provider that
 * takes the TCP connection and never finishes the TLS handshake would hold
 * the caller until undici's own connect timeout (10 s), whatever
 * PROVIDER_TIMEOUT_SECONDS says, and then fail as something else.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      // What the request does afterwards (undici gives up on the connection by itself) is no one's concern.
      work.catch(() => {});
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/**
 * What fetch() would have sent unasked, for providers that refuse a request without them: any media type, and who
 * is asking (a caller's own values win).
 */
function withDefaultHeaders(headers: Parameters<CustomFetch>[1]['headers']): Record<string, string> {
  const sent: Record<string, string> = { accept: '*/*', 'user-agent': 'Tokenkeeper' };
  for (const [name, value] of Object.entries(headers)) sent[name.toLowerCase()] = value;
  return sent;
}

/** Drops the rest of an answer; undici reports the drop as an abort, which is what was asked for. */
function discard(body: Dispatcher.ResponseData['body']) {
  body.on('error', () => {});
  body.destroy();
}

/** The bodies openid-client sends (a form, a string, bytes) as request() takes them. */
function requestBody(body: Parameters<CustomFetch>[1]['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(`a request to a provider cannot send a ${Object.prototype.toString.call(body).slice(8, -1)} body`);
}

function responseHeaders(received: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(received)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

export interface StreamInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | string | Blob | AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
}

export type OutboundFetch = ReturnType<typeof createOutboundFetch>;
