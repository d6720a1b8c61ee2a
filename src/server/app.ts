import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminSite } from './admin/index.js';
import type { Tokenkeeper } from '../core/tokenkeeper.js';
import { clientErrorHandler } from './client-error.js';
import { frameworkErrorHandler, installErrorHandlers } from './error-handler.js';
import { requestChildLogger } from './logger.js';
import { RequestLogging } from './request-logging.js';
import csrf from './plugins/csrf.js';
import httpMetrics from './plugins/http-metrics.js';
import nulGuard from './plugins/nul-guard.js';
import securityHeaders, { securityHeaders as ownSecurityHeaders } from './plugins/security-headers.js';
import sessions from './plugins/sessions.js';
import { fastifyTrustProxy, httpsRequestTest } from './proxy-trust.js';
import type { Readiness } from './readiness.js';
import { apiRoutes } from './routes/api.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { backchannelLogoutRoutes } from './routes/backchannel-logout.routes.js';
import { clientMetadataRoutes } from './routes/client-metadata.routes.js';
import { connectionRoutes } from './routes/connection.routes.js';
import { connectRoutes } from './routes/connect.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { pageRoutes } from './routes/page.routes.js';
import { proxyRoutes } from './routes/proxy.routes.js';
import { routeWebDavMethods } from './routes/webdav-methods.js';
import { serviceApiRoutes } from './routes/service-api.routes.js';

/** Builds the Fastify app over the application; listening is the caller's job (serve, or `app.inject()` in tests). */
export async function buildApp(deps: Tokenkeeper, options: { readiness: Readiness }): Promise<FastifyInstance> {
  const { logger } = deps;
  // Per request: BASE_URL https, or X-Forwarded-Proto https from a proxy TRUST_PROXY names.
  const https = httpsRequestTest(deps.config.baseUrl, deps.config.trustProxy);
  const requestTimeoutMs = deps.config.requestTimeoutSeconds * 1000;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    // A client that trickles its request in (a byte every few seconds) is cut
    // with 408 once the whole request has taken requestTimeout; a silent
    // connection is closed after connectionTimeout (Node's http.Server
    // requestTimeout and setTimeout; Fastify leaves both off by default).
    requestTimeout: requestTimeoutMs,
    connectionTimeout: deps.config.connectionTimeoutSeconds * 1000,
    // Node checks for expired requests every connectionsCheckingInterval (30 s
    // by default); its headersTimeout must not exceed requestTimeout.
    http: { connectionsCheckingInterval: Math.min(5_000, requestTimeoutMs), headersTimeout: Math.min(60_000, requestTimeoutMs) },
    routerOptions: { maxParamLength: 200 },
    // X-Forwarded-For (the client IP for rate limits, audit and logs) and
    // X-Forwarded-Proto are believed only from the proxies TRUST_PROXY names.
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    // During a graceful shutdown a request that still reaches us on a kept
    // connection is served (and its connection closed), not refused with 503.
    return503OnClosing: false,
    // Requests Node's HTTP parser refuses (slow body, oversized headers) are answered in the app's error shape.
    clientErrorHandler: clientErrorHandler(logger as FastifyBaseLogger),
    // And the requests Fastify refuses before routing them (no hook runs for those: the security headers are set here).
    frameworkErrors: (error, request, reply) => {
      reply.headers(ownSecurityHeaders(https(request)));
      frameworkErrorHandler(error, request, reply);
    },
    childLoggerFactory: requestChildLogger,
    logController: new RequestLogging(deps.config.logRequests),
  });
  // The proxies pass WebDAV's methods on (PROPFIND…), which Fastify routes only once told of them.
  routeWebDavMethods(app);

  installErrorHandlers(app);
  const metricsServed = deps.config.metrics;
  if (metricsServed.token !== null || metricsServed.port !== null) await app.register(httpMetrics, { metrics: deps.metrics });
  await app.register(securityHeaders, { https });
  await app.register(nulGuard);
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(sessions, {
    db: deps.database.db,
    secure: https,
    idleTimeoutSeconds: deps.config.sessionIdleTimeoutSeconds,
    maxAgeSeconds: deps.config.sessionMaxAgeSeconds,
    now: deps.now,
    secretKey: deps.config.secretKey,
  });
  await app.register(csrf);

  await app.register(healthRoutes, { deps, readiness: options.readiness });
  await app.register(pageRoutes, deps);
  await app.register(authRoutes, deps);
  await app.register(backchannelLogoutRoutes, deps);
  await app.register(clientMetadataRoutes, deps);
  await app.register(apiRoutes, deps);
  await app.register(proxyRoutes, deps);
  await app.register(connectionRoutes, deps);
  await app.register(connectRoutes, deps);
  await app.register(adminSite, { ...deps, prefix: '/admin' });
  await app.register(serviceApiRoutes, { ...deps, prefix: '/api/v1' });
  // With METRICS_PORT they are served there only (runtime.ts), never on the app's port.
  if (metricsServed.token !== null && metricsServed.port === null) await app.register(metricsRoutes, { metrics: deps.metrics, token: metricsServed.token });
  return app;
}
