import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the local API answers: a small JSON body, like a typical provider API call. */
export const LOCAL_API_BODY = JSON.stringify({ notes: [{ id: 1, text: 'Buy milk' }, { id: 2, text: 'Call Bob' }] });

export interface LocalApi {
  /** e.g. http://127.0.0.1:43210 */
  url: string;
  /** Requests answered so far. */
  requests: number;
  /** Distinct bearer tokens seen since the last reset (the storm checks every call used the refreshed one). */
  bearerTokens: Set<string>;
  close(): Promise<void>;
}

/**
 * A tiny `node:http` API on 127.0.0.1 that answers every request with the
 * same small JSON, so the proxy cases measure the proxy, not the API.
 */
export async function startLocalApi(): Promise<LocalApi> {
  const bearerTokens = new Set<string>();
  const api: LocalApi = { url: '', requests: 0, bearerTokens, close: async () => {} };
  const body = Buffer.from(LOCAL_API_BODY);
  const server: Server = createServer((request, response) => {
    api.requests += 1;
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) bearerTokens.add(authorization.slice('Bearer '.length));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return api;
}
