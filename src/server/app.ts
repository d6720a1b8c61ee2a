import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminSite } from './admin/index.js';
import type { Tokenkeeper } from '../core/tokenkeeper.js';
import { installErrorHandlers } from './error-handler.js';
import { requestChildLogger } from './logger.js';
import csrf from './plugins/csrf.js';
import nulGuard from './plugins/nul-guard.js';
import securityHeaders from './plugins/security-headers.js';
import sessions from './plugins/sessions.js';
import { apiRoutes } from './routes/api.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { connectionRoutes } from './routes/connection.routes.js';
import { pageRoutes } from './routes/page.routes.js';
import { proxyRoutes } from './routes/proxy.routes.js';

/** Builds the Fastify app over the application; listening is the caller's job (serve, or `app.inject()` in tests). */
export async function buildApp(deps: Tokenkeeper): Promise<FastifyInstance> {
  const { logger } = deps;
  const https = deps.config.baseUrl.protocol === 'https:';
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
    trustProxy: false,
    childLoggerFactory: requestChildLogger,
  });

  installErrorHandlers(app);
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

  await app.register(pageRoutes, deps);
  await app.register(authRoutes, deps);
  await app.register(apiRoutes, deps);
  await app.register(proxyRoutes, deps);
  await app.register(connectionRoutes, deps);
  await app.register(adminSite, { ...deps, prefix: '/admin' });
  return app;
}
