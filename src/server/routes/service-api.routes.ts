import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import { createConnectLink } from '../../core/connect-links.js';
import { disconnectUser, findUsers, getUser, issueAccessToken, listServiceConnections, updateExternalId, type UserWithConnections } from '../../core/service-api.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import type { ListedConnection } from '../../db/connection-listing.repository.js';
import type { TokenStatus } from '../../db/schema.js';
import type { DirectoryConnection, UserSelector } from '../../db/service-users.repository.js';
import { addServiceKeyCheck, serviceCaller, SERVICE_ROUTE_CONFIG } from './service-api.auth.js';
import {
  accessTokenSchema,
  createConnectLinkSchema,
  deleteConnectionSchema,
  getUserSchema,
  listConnectionsSchema,
  listUsersSchema,
  optionalNullableBodies,
  patchUserSchema,
  WEBHOOKS,
} from './service-api.schemas.js';
import { refusingNonFiniteNumbers } from './finite-query-numbers.js';
import { serviceProxyRoutes } from './service-proxy.routes.js';

type UserParams = { Params: { id: string } };
type ConnectionParams = { Params: { id: string; provider: string } };

function userJson(user: UserWithConnections) {
  return {
    id: user.id,
    external_id: user.externalId,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    is_active: user.isActive,
    connections: user.connections.map(connectionJson),
  };
}

function connectionJson(connection: DirectoryConnection) {
  return {
    provider: connection.provider,
    subject: connection.subject,
    status: connection.status,
    scope: connection.scope,
    expires_at: connection.expiresAt,
    last_refreshed_at: connection.lastRefreshedAt,
    has_refresh_token: connection.hasRefreshToken,
    refresh_token_expires_at: connection.refreshTokenExpiresAt,
  };
}

function listedConnectionJson(connection: ListedConnection) {
  return { user_id: connection.userId, external_id: connection.externalId, user_is_active: connection.userIsActive, ...connectionJson(connection) };
}

/** The one selector of GET /users; bad_request for none, several, or provider without subject. */
function selectorOf(query: { external_id?: string; email?: string; provider?: string; subject?: string }): UserSelector {
  const given = [query.external_id !== undefined, query.email !== undefined, query.provider !== undefined || query.subject !== undefined].filter(Boolean).length;
  if (given !== 1) throw new TokenkeeperError('bad_request', 'Give exactly one of: external_id; email; provider with subject.');
  if (query.external_id !== undefined) return { externalId: query.external_id };
  if (query.email !== undefined) return { email: query.email };
  if (query.provider === undefined || query.subject === undefined) throw new TokenkeeperError('bad_request', 'provider and subject go together.');
  return { provider: query.provider, subject: query.subject };
}

/**
 * A refused request's message, naming what is wrong as a caller would fix it:
 * Ajv's own words, except for a missing body and an unknown field, whose
 * messages ("body must be object", "must NOT have additional properties")
 * do not say so.
 */
function schemaErrorMessage(error: FastifySchemaValidationError & { data?: unknown; parentSchema?: { description?: unknown } }, dataVar: string): string {
  const where = `${dataVar}${error.instancePath.replaceAll('/', '.')}`;
  if (dataVar === 'body' && error.instancePath === '' && error.keyword === 'type' && (error.data === undefined || error.data === null)) {
    return 'This request needs a JSON body, sent with Content-Type: application/json.';
  }
  if (error.keyword === 'additionalProperties') return `${where} has a field this route does not take: "${String(error.params.additionalProperty)}"`;
  // Ajv's "must be equal to one of the allowed values" does not say which they are.
  if (error.keyword === 'enum' && Array.isArray(error.params.allowedValues)) {
    return `${where} must be one of: ${error.params.allowedValues.map(String).join(', ')}`;
  }
  // Ajv lists a union type as "must be object,null".
  if (error.keyword === 'type' && Array.isArray(error.params.type)) return `${where} must be ${error.params.type.map(String).join(' or ')}`;
  // A pattern is how the value is checked, not what it is: the field's description says that (a cursor is a next_cursor).
  if (error.keyword === 'pattern' && typeof error.parentSchema?.description === 'string') {
    return `${where} must be ${error.parentSchema.description.replaceAll('`', '')}`;
  }
  return `${where} ${error.message ?? 'is not valid'}`;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The service API under /api/v1: JSON for backend services holding a service
 * key (README, Service API). The application logic is in core/service-api.ts;
 * here are the HTTP shapes, whose schemas also make the OpenAPI document.
 */
export async function serviceApiRoutes(app: FastifyInstance, options: Tokenkeeper & { prefix?: string }): Promise<void> {
  // The options carry the /api/v1 prefix; passed on as they are, nested plugins would add it again.
  const { prefix: _prefix, ...deps } = options;
  // Registered in this scope, so the document holds this API's routes and no others.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tokenkeeper service API', version: '1', description: 'Users, their connections and their access tokens, for backend services holding a service key.' },
      servers: [{ url: deps.config.baseUrl.origin }],
      webhooks: WEBHOOKS,
      components: { securitySchemes: { serviceKey: { type: 'http', scheme: 'bearer', description: 'A service key (`tks_…`) from `tokenkeeper services create` or the admin site' } } },
    },
    transformObject: (document) => optionalNullableBodies('openapiObject' in document ? document.openapiObject : document.swaggerObject),
  });
  // Requests are checked as written: Fastify's default validator would turn `"external_id": 5` into "5" and drop
  // unknown fields; a service's bad request should get a 400 instead, naming the field.
  // `verbose` keeps the refused value on each error, for schemaErrorMessage.
  const ajv = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, allowUnionTypes: true, verbose: true });
  // A query string is text: there, `limit=50` is the number it says.
  const queryAjv = new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false, allowUnionTypes: true, verbose: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'querystring' ? refusingNonFiniteNumbers(queryAjv.compile(schema)) : ajv.compile(schema)));
  app.setSchemaErrorFormatter((errors, dataVar) => new Error(errors.map((error) => schemaErrorMessage(error, dataVar)).join('; ')));
  // Bodies are JSON only, as the OpenAPI document says: a form (curl -d without a Content-Type header sends one) or
  // text gets 415 instead of being read as something else and refused for a field it seems to lack.
  app.removeContentTypeParser(['application/x-www-form-urlencoded', 'text/plain']);
  // An empty body with a JSON Content-Type (an HTTP client session's default header, sent on every DELETE too) is
  // no body, as without the header: the route's schema decides, instead of a 400 for "empty JSON". Anything else
  // goes to Fastify's own JSON parser (prototype poisoning refused, as by default).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    parseJson(request, text, (error, value) => {
      // Fastify says "not valid JSON" for valid JSON with a "__proto__" or "constructor": "prototype" key too; a
      // caller told its JSON is broken would look for a syntax error that is not there.
      if (error && isJson(text)) return done(Object.assign(new Error('The body may not have a "__proto__" key, nor a "constructor" with a "prototype" key.'), { statusCode: 400 }), undefined);
      done(error, value);
    });
  });
  addServiceKeyCheck(app, deps);
  // Answers hold access tokens and users' data: no cache may keep them.
  app.addHook('onSend', (_request, reply, _payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done();
  });

  app.get('/openapi.json', { schema: { hide: true }, config: { replies: 'json' } }, async () => app.swagger());

  app.get<{ Querystring: { external_id?: string; email?: string; provider?: string; subject?: string } }>(
    '/users',
    { schema: listUsersSchema, config: { ...SERVICE_ROUTE_CONFIG, servicePermission: 'connections:read' } },
    async (request) => ({ users: (await findUsers(deps, serviceCaller(request).key, selectorOf(request.query))).map(userJson) }),
  );

  app.get<{ Querystring: { provider?: string; status?: TokenStatus; cursor?: string; limit: number } }>(
    '/connections',
    { schema: listConnectionsSchema, config: { ...SERVICE_ROUTE_CONFIG, servicePermission: 'connections:read' } },
    async (request) => {
      const page = await listServiceConnections(deps, serviceCaller(request).key, request.query);
      return { connections: page.connections.map(listedConnectionJson), next_cursor: page.next };
    },
  );

  app.get<UserParams>('/users/:id', { schema: getUserSchema, config: { ...SERVICE_ROUTE_CONFIG, servicePermission: 'connections:read' } }, async (request) =>
    userJson(await getUser(deps, serviceCaller(request).key, request.params.id)),
  );

  app.patch<UserParams & { Body: { external_id: string | null } }>(
    '/users/:id',
    { schema: patchUserSchema, config: { ...SERVICE_ROUTE_CONFIG, servicePermission: 'users:write' } },
    async (request) => userJson(await updateExternalId(deps, serviceCaller(request), request.params.id, request.body.external_id)),
  );

  app.post<ConnectionParams & { Body: { min_ttl_seconds?: number; force_refresh?: boolean; rejected_access_token?: string } | null | undefined }>(
    '/users/:id/connections/:provider/access-token',
    { schema: accessTokenSchema, config: { ...SERVICE_ROUTE_CONFIG, servicePermission: 'tokens:read' } },
    async (request) => {
      const rejected = request.body?.rejected_access_token;
      const options = {
        minTtlSeconds: request.body?.min_ttl_seconds ?? 60,
        forceRefresh: request.body?.force_refresh ?? false,
        ...(rejected === undefined ? {} : { rejectedAccessToken: rejected }),
      };
      const token = await issueAccessToken(deps, serviceCaller(request), request.params.id, request.params.provider, options);
      return { access_token: token.accessToken, token_type: token.tokenType, expires_at: token.expiresAt, scope: token.scope };
    },
  );

  app.delete<ConnectionParams>(
    '/users/:id/connections/:provider',
    { schema: deleteConnectionSchema, config: { ...SERVICE_ROUTE_CONFIG, servicePermission: 'connections:write' } },
    async (request) => disconnectUser(deps, serviceCaller(request), request.params.id, request.params.provider),
  );

  app.post<{ Body: { provider: string; user_id?: string; external_id?: string; scope?: string; return_to: string } }>(
    '/connect-links',
    { schema: createConnectLinkSchema, config: { ...SERVICE_ROUTE_CONFIG, servicePermission: 'connections:write' } },
    async (request, reply) => {
      const { body } = request;
      const link = await createConnectLink(deps, serviceCaller(request), { provider: body.provider, userId: body.user_id, externalId: body.external_id, scope: body.scope, returnTo: body.return_to });
      // The link holds a secret: shown in this answer only (no-store, as every answer here).
      return reply.code(201).send({ url: link.url, expires_at: link.expiresAt });
    },
  );

  await app.register(serviceProxyRoutes, deps);
}
