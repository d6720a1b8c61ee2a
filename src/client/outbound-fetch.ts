import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import type { CustomFetch } from 'openid-client';

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
 * The fetch used for every request to a provider: TLS verified against Node's
 * roots plus CA_FILE, keep-alive connections, and a cap on the response size
 * so a hostile or broken provider cannot exhaust memory. It returns a global
 * `Response`, which openid-client requires.
 */
export function createOutboundFetch(options: OutboundOptions = {}) {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const ca = options.caFile ? [...rootCertificates, readCaBundle(options.caFile)] : undefined;
  const agent = new Agent({ connect: ca ? { ca } : {}, keepAliveTimeout: 10_000 });
  /** After destroy, close has nothing left to wait for (undici would refuse it). */
  let destroyed = false;

  const outboundFetch = async (url: string, init: Parameters<CustomFetch>[1]): Promise<Response> => {
    const upstream = await undiciFetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body as never,
      redirect: 'manual',
      signal: init.signal ?? null,
      dispatcher: agent,
    });
    const declared = Number(upstream.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await upstream.body?.cancel();
      throw new ResponseTooLargeError(`response from ${new URL(url).origin} is larger than ${maxBytes} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    if (upstream.body) {
      for await (const chunk of upstream.body) {
        received += chunk.byteLength;
        if (received > maxBytes) {
          throw new ResponseTooLargeError(`response from ${new URL(url).origin} is larger than ${maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    }
    const nullBodyStatus = upstream.status === 204 || upstream.status === 205 || upstream.status === 304;
    return new Response(nullBodyStatus ? null : Buffer.concat(chunks), {
      status: upstream.status,
      statusText: upstream.statusText,
      headers: new Headers([...upstream.headers]),
    });
  };
  return Object.assign(outboundFetch, {
    /**
     * A streaming fetch over the same connections and trust, for calls to a
     * provider's API on the user's behalf: no size cap (the body is passed
     * through), no redirects followed.
     */
    stream: (url: string, init: StreamInit) =>
      // One object of one shape (undefined members count as absent): this runs for every proxied call.
      undiciFetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: init.signal,
        redirect: 'manual',
        dispatcher: agent,
        duplex: init.body === undefined ? undefined : 'half',
      } as never) as unknown as Promise<Response>,
    close: () => (destroyed ? Promise.resolve() : agent.close()),
    /** Drops every connection at once: requests still waiting on a provider fail instead of being waited for. */
    destroy: () => {
      destroyed = true;
      return agent.destroy();
    },
  });
}

export interface StreamInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  signal?: AbortSignal;
}

export type OutboundFetch = ReturnType<typeof createOutboundFetch>;
