// A client of the service API (/api/v1) for tests, through app.inject(), that
// checks every answer against the OpenAPI document the app serves: the
// operation exists, the status is one it documents, a JSON body matches
// that status's schema (JSON Schema 2020-12, which OpenAPI 3.1 uses), and
// the headers a client acts on are documented for that status.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createServiceKey, type ServicePermission } from '../../src/core/service-keys.js';
import type { TestDatabase } from './postgres.js';
import { CLIENT_ID, CLIENT_SECRET, type TestApp } from './test-app.js';

export interface ServiceApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' | 'HEAD';
  /** The path under /api/v1 as the OpenAPI document names it, e.g. `/users/{id}`. */
  template: string;
  params?: Record<string, string>;
  /** The proxy's `{path}`, put in the address as it is (encoded or not, with a query), e.g. `profile?x=1`. */
  rest?: string;
  query?: Record<string, string>;
  /** The service key; null sends no Authorization header. */
  key: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ServiceApiAnswer {
  status: number;
  /** Parsed JSON, or the text when the answer is not JSON. */
  body: any;
  headers: LightMyRequestResponse['headers'];
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }>; headers?: Record<string, object> }> }>>;
}

export interface ServiceApiClient {
  call(request: ServiceApiRequest): Promise<ServiceApiAnswer>;
  /** The document as served. */
  document: OpenApiDocument;
  /** How many answers were checked against the document. */
  readonly checked: number;
}

/** Headers of our own answers that a client must act on: when to come back, and the key's challenge. */
const ACTIONABLE_HEADERS = ['retry-after', 'www-authenticate'];

export async function serviceApiClient(app: Pick<TestApp, 'runtime'>): Promise<ServiceApiClient> {
  const served = await app.runtime.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(served.statusCode).toBe(200);
  const document = JSON.parse(served.body) as OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validators = new Map<object, ValidateFunction>();
  let checked = 0;

  const check = (request: ServiceApiRequest, status: number, headers: LightMyRequestResponse['headers'], body: unknown) => {
    const contentType = headers['content-type'] as string | undefined;
    const where = `${request.method} /api/v1${request.template}`;
    const operation = document.paths[`/api/v1${request.template}`]?.[request.method.toLowerCase()];
    expect(operation, `${where} is in the OpenAPI document`).toBeDefined();
    const documented = operation!.responses[String(status)] ?? operation!.responses.default;
    expect(documented, `${where} documents status ${status}`).toBeDefined();
    if (operation!.responses[String(status)]) {
      const documentedHeaders = Object.keys(documented!.headers ?? {}).map((name) => name.toLowerCase());
      for (const name of ACTIONABLE_HEADERS.filter((header) => headers[header] !== undefined)) {
        expect(documentedHeaders, `${where} ${status} documents its ${name} header`).toContain(name);
      }
    }
    const schema = documented!.content?.['application/json']?.schema as { type?: unknown } | undefined;
    // The proxy's `default` (any answer of the API) has a schema without a type: nothing to check.
    if (schema?.type !== undefined) {
      expect(contentType, `${where} ${status} answers JSON`).toMatch(/^application\/json/);
      let validate = validators.get(schema);
      if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
      expect(validate(body) ? [] : validate.errors, `${where} ${status} matches its schema: ${JSON.stringify(body)}`).toEqual([]);
    }
    checked += 1;
  };

  return {
    document,
    get checked() {
      return checked;
    },
    async call(request) {
      const path = request.template.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'path' ? (request.rest ?? '') : encodeURIComponent(request.params?.[name] ?? '')));
      const query = request.query ? `?${new URLSearchParams(request.query).toString()}` : '';
      const headers: Record<string, string> = { ...request.headers };
      if (request.key !== null) headers.authorization = `Bearer ${request.key}`;
      if (request.body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await app.runtime.app.inject({
        method: request.method,
        url: `/api/v1${path}${query}`,
        headers,
        ...(request.body !== undefined ? { payload: typeof request.body === 'string' ? request.body : JSON.stringify(request.body) } : {}),
      });
      const contentType = response.headers['content-type'] as string | undefined;
      let body: unknown = response.body;
      if (contentType?.startsWith('application/json') && response.body !== '') body = JSON.parse(response.body);
      check(request, response.statusCode, response.headers, body);
      return { status: response.statusCode, body, headers: response.headers };
    },
  };
}

/** A new service key on the app's database (as `services create` makes it); returns the key's value. */
export async function newServiceKey(app: Pick<TestApp, 'runtime'>, name: string, permissions: readonly ServicePermission[], providers: readonly string[] | null = null): Promise<string> {
  const { key } = await createServiceKey(app.runtime, { name, permissions, providers }, { cli: true });
  return key;
}

export const ALL_PERMISSIONS: readonly ServicePermission[] = ['connections:read', 'tokens:read', 'proxy', 'connections:write', 'users:write'];

/** For TestAppOptions.configure: the dev provider registered a second time, as "second", so a key can be limited to one of two providers. */
export function withSecondProvider(issuer: string): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'toolkit,second',
    SECOND_ISSUER: issuer,
    SECOND_CLIENT_ID: CLIENT_ID,
    SECOND_CLIENT_SECRET: CLIENT_SECRET,
    SECOND_SCOPE: 'openid profile email offline_access notes:read',
    SECOND_API_BASE_URL: `${issuer}/api`,
  };
}

/**
 * The service API's metadata of `userId`'s toolkit connection, fresh from
 * sign-in, as the app stored it (status, scope, expiry, that there is a
 * refresh token; never a token value), with the values `secrets` to look for
 * in an answer with expectNoSecretIn.
 */
export async function toolkitConnectionOf(app: Pick<TestApp, 'runtime'>, database: TestDatabase, userId: string): Promise<{ connection: Record<string, unknown>; secrets: Array<string | null | undefined> }> {
  const { subject } = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
  const stored = (await app.runtime.tokenStore.findToken(userId, 'toolkit'))!;
  return {
    connection: {
      provider: 'toolkit',
      subject,
      status: 'active',
      scope: stored.scope,
      expires_at: stored.expiresAt,
      last_refreshed_at: null,
      has_refresh_token: true,
      refresh_token_expires_at: null,
    },
    secrets: [stored.accessToken, stored.refreshToken, stored.idToken],
  };
}

/** `answer`, as JSON, holds none of `secrets`. */
export function expectNoSecretIn(answer: unknown, secrets: Array<string | null | undefined>): void {
  const text = JSON.stringify(answer);
  for (const value of secrets) expect(text).not.toContain(value);
}
