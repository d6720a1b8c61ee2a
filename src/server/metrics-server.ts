import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { TokenkeeperMetrics } from '../core/metrics.js';
import { bearerTokenCheck } from './bearer-token.js';

/** The metrics port listens on the loopback interface only: for a scraper or agent on the same host (or a sidecar). */
export const METRICS_HOST = '127.0.0.1';

export interface MetricsServer {
  /** The port it listens on (METRICS_PORT). */
  port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  port: number;
  metrics: TokenkeeperMetrics;
  logger: Logger;
  /** METRICS_TOKEN, when set: required here too. */
  token: string | null;
}

/**
 * METRICS_PORT: `GET /metrics` on 127.0.0.1:<port>, and nothing else (404).
 * A plain Node server, apart from the app: no sessions, cookies or pages.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { metrics, logger } = options;
  const authorized = options.token === null ? () => true : bearerTokenCheck(options.token);
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const plain = (status: number, text: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
      response.end(`${text}\n`);
    };
    if (path !== '/metrics') return plain(404, 'Not found: the metrics are at /metrics.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.', { allow: 'GET, HEAD' });
    if (!authorized(request.headers.authorization)) return plain(401, 'The metrics need the metrics token: Authorization: Bearer <METRICS_TOKEN>.', { 'www-authenticate': 'Bearer realm="metrics"' });
    metrics.text().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'collecting the metrics failed');
        plain(500, 'Collecting the metrics failed; the log has the details.');
      },
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, METRICS_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
