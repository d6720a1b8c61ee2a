import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callProviderApi } from '../../core/service-api.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { acceptProxiedBodies, callWithBody } from './proxy-body.js';
import { forwardedHeaders, proxiedTarget, proxyHeadersOf, rawWildcard, sendUpstream } from './proxy.routes.js';
import { serviceCaller, SERVICE_ROUTE_CONFIG } from './service-api.auth.js';
import { proxySchema } from './service-api.schemas.js';
import { WEBDAV_METHODS } from './webdav-methods.js';

interface ProxyParams {
  id: string;
  provider: string;
  '*': string;
}

/** Segments before the `*` of /api/v1/users/:id/connections/:provider/proxy/*. */
const SEGMENTS_BEFORE_PATH = 7;

/** Not every method Node knows: TRACE would have the API echo the request back, the access token in its Authorization header included. WebDAV's have a route of their own. */
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

  const handler = async (request: FastifyRequest<{ Params: ProxyParams }>, reply: FastifyReply) => {
    const caller = serviceCaller(request);
    const path = rawWildcard(request.url, SEGMENTS_BEFORE_PATH);
    const extraHeaders = proxyHeadersOf(deps, request.params.provider);
    const target = proxiedTarget(request, path);
    const upstream = await callWithBody(request, forwardedHeaders(request, extraHeaders), (headers, body) =>
      callProviderApi(deps, caller, request.params.id, request.params.provider, target, { method: request.method, headers, ...(body ? { body } : {}) }),
    );
    return sendUpstream(request, reply, upstream, extraHeaders, deps.config.baseUrl.origin);
  };
  const url = '/users/:id/connections/:provider/proxy/*';
  const config = { ...SERVICE_ROUTE_CONFIG, servicePermission: 'proxy' as const, securityHeaders: 'proxied' as const, swaggerTransform: namedWildcard };
  app.route<{ Params: ProxyParams }>({ method: PROXIED_METHODS, url, config, schema: proxySchema, handler });
  // The same call for WebDAV's methods, which an OpenAPI path item has no field for: left out of the document.
  app.route<{ Params: ProxyParams }>({ method: WEBDAV_METHODS, url, config, schema: { ...proxySchema, hide: true }, handler });
}
