import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SERVICE_API_STATUSES } from '../../client/error-codes.js';
import { TokenkeeperError } from '../../client/errors.js';
import type { ServiceCaller } from '../../core/service-api.js';
import { authorizeServiceKey, ServiceKeyVerifier, ServiceRateLimiter } from '../../core/service-auth.js';
import type { ServiceKey, ServicePermission } from '../../core/service-keys.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A service API route: the permission its key needs (checked, with the key's providers, before the body is read). */
    servicePermission?: ServicePermission;
  }
  interface FastifyRequest {
    serviceCaller: ServiceCaller | null;
  }
}

/**
 * What every keyed route of the service API has in its config: JSON answers
 * (errors included), the service API's statuses, and no CSRF token — the key
 * is in the Authorization header, which no browser sends on its own.
 */
export const SERVICE_ROUTE_CONFIG = { replies: 'json', errorStatuses: SERVICE_API_STATUSES, csrf: false } as const;

/** The verified caller of a keyed route (set by the hook below before the handler runs). */
export function serviceCaller(request: FastifyRequest): ServiceCaller {
  if (!request.serviceCaller) throw new Error('service API route without servicePermission in its config');
  return request.serviceCaller;
}

/** RFC 6750 §3: a 401 for a bearer token names the scheme and the error. */
const CHALLENGE = 'Bearer realm="tokenkeeper", error="invalid_token"';

/**
 * The service API's key check, as an onRequest hook of its scope: first, so
 * that nothing (the body, the route's validation) is read for a request
 * without a valid key. Then the key's per-minute limit (SERVICE_RATE_LIMIT),
 * its permission for the route and its providers for a `:provider`.
 */
export function addServiceKeyCheck(app: FastifyInstance, deps: Tokenkeeper): void {
  const verifier = new ServiceKeyVerifier(deps.database, deps.now);
  const limiter = new ServiceRateLimiter(deps.config.serviceRateLimit, deps.now);
  app.decorateRequest('serviceCaller', null);

  const admit = (request: FastifyRequest, reply: FastifyReply, key: ServiceKey, permission: ServicePermission) => {
    const wait = limiter.take(key.id);
    if (wait !== undefined) {
      reply.header('retry-after', String(wait));
      throw new TokenkeeperError('too_many_requests', `The service key "${key.name}" made more than ${deps.config.serviceRateLimit} requests this minute; try again in ${wait} s.`);
    }
    authorizeServiceKey(key, permission, (request.params as { provider?: string }).provider);
    request.serviceCaller = { key, ip: request.ip };
  };
  const refuse = (reply: FastifyReply, error: unknown) => {
    if (error instanceof TokenkeeperError && error.code === 'invalid_service_key') reply.header('www-authenticate', CHALLENGE);
    return error as Error;
  };

  // A callback hook: on SQLite the key is read without a promise, and this runs on every call.
  app.addHook('onRequest', (request, reply, done) => {
    const permission = request.routeOptions.config.servicePermission;
    if (permission === undefined) return done();
    let verified: ServiceKey | Promise<ServiceKey>;
    try {
      verified = verifier.verify(request.headers.authorization);
      if (!(verified instanceof Promise)) admit(request, reply, verified, permission);
    } catch (error) {
      return done(refuse(reply, error));
    }
    if (!(verified instanceof Promise)) return done();
    verified.then(
      (key) => {
        try {
          admit(request, reply, key, permission);
        } catch (error) {
          return done(error as Error);
        }
        done();
      },
      (error: unknown) => done(refuse(reply, error)),
    );
  });
}
