import type { FastifyInstance } from 'fastify';
import { callProviderApi } from '../../core/service-api.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { acceptProxiedBodies, callWithBody } from './proxy-body.js';
import { forwardedHeaders, proxiedTarget, proxyHeadersOf, rawWildcard, sendUpstream } from './proxy.routes.js';
import { serviceCaller, SERVICE_ROUTE_CONFIG } from './service-api.auth.js';
import { proxySchema } from './service-api.schemas.js';

/** Segments before the `*` of /api/v1/users/:id/connections/:provider/proxy/*. */
const SEGMENTS_BEFORE_PATH = 7;

/** Not every method Node knows: TRACE would have the API echo the request back, the access token in its Authorization header included. */
const PROXIED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** In the OpenAPI document the `*` is a path parameter named `path` (OpenAPI has no wildcard, and `*` is no parameter name). */
function namedWildcard({ schema, url }: { schema: Record<string, any>; url: string }) {
  const { '*': rest, ...params } = schema.params.properties;
  return {
    url: url.replace(/\/\*$/, '/{path}'),
    schema: { ...schema, params: { ...schema.params, required: [...schema.params.required, 'path'], properties: { ...params, path: rest } } },
  };
}

/**
 * ANY /api/v1/users/:id/connections/:provider/proxy/* — the browser proxy's
 * call (src/server/routes/proxy.routes.ts: the same header allowlists, raw
 * path, refresh and 401-retry) for a service key with `proxy`. No CSRF
 * token: the key travels in the Authorization header, which a browser never
 * adds on its own to a cross-site request, so a forged request has no key.
 */
export async function serviceProxyRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  // Bodies are passed through as they are, whatever their type; large uploads streamed.
  acceptProxiedBodies(app, deps.config.proxyUploadLimitMb);

  app.route<{ Params: { id: string; provider: string; '*': string } }>({
    method: PROXIED_METHODS,
    url: '/users/:id/connections/:provider/proxy/*',
    config: { ...SERVICE_ROUTE_CONFIG, servicePermission: 'proxy', securityHeaders: 'proxied', swaggerTransform: namedWildcard },
    schema: proxySchema,
    handler: async (request, reply) => {
      const caller = serviceCaller(request);
      const path = rawWildcard(request.url, SEGMENTS_BEFORE_PATH);
      const extraHeaders = proxyHeadersOf(deps, request.params.provider);
      const target = proxiedTarget(request, path);
      const upstream = await callWithBody(request, forwardedHeaders(request, extraHeaders), (headers, body) =>
        callProviderApi(deps, caller, request.params.id, request.params.provider, target, { method: request.method, headers, ...(body ? { body } : {}) }),
      );
      return sendUpstream(request, reply, upstream, extraHeaders, deps.config.baseUrl.origin);
    },
  });
}
