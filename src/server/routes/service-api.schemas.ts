import { ERROR_CODES, SERVICE_API_STATUSES, type ErrorCode } from '../../client/error-codes.js';
import { DEFAULT_TIMEOUT_MS as WEBHOOK_TIMEOUT_MS, RETRY_DELAYS_SECONDS } from '../../core/webhook-delivery.js';
import { WEBHOOK_EVENT_TYPES } from '../../core/webhook-outbox.js';

// The JSON schemas of the service API's routes: Fastify validates requests
// and serializes answers with them, and @fastify/swagger turns them into the
// OpenAPI document (GET /api/v1/openapi.json). They are the one source.

const SECURITY = [{ serviceKey: [] }];

const epochSeconds = (description: string) => ({ type: ['integer', 'null'], description: `${description} (epoch seconds)` }) as const;

export const connectionSchema = {
  type: 'object',
  required: ['provider', 'subject', 'status', 'scope', 'expires_at', 'last_refreshed_at', 'has_refresh_token', 'refresh_token_expires_at'],
  additionalProperties: false,
  properties: {
    provider: { type: 'string' },
    subject: { type: ['string', 'null'], description: "The user's id at the provider; null when the identity is no longer linked" },
    status: { type: 'string', enum: ['active', 'needs_reauth'] },
    scope: { type: ['string', 'null'] },
    expires_at: epochSeconds('When the access token expires; null: no expiry given'),
    last_refreshed_at: epochSeconds('When it was last refreshed; null: never'),
    has_refresh_token: { type: 'boolean' },
    refresh_token_expires_at: epochSeconds(
      'When the refresh token expires, after which the person must connect again; null: the provider gave no expiry (GitHub App and LinkedIn tokens have one)',
    ),
  },
} as const;

export const userSchema = {
  type: 'object',
  required: ['id', 'external_id', 'username', 'email', 'email_verified', 'name', 'is_active', 'connections'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    external_id: { type: ['string', 'null'], description: "The user's id in your system (PATCH sets it)" },
    username: { type: 'string' },
    email: { type: ['string', 'null'], description: 'The address the provider of their latest sign-in gave (or an earlier one, when that one gave none)' },
    email_verified: {
      type: ['boolean', 'null'],
      description: 'Whether the provider that gave `email` said it verified the address; null when it did not say (or, for a user last signed in before this was kept, when their stored profile does not tell, until their next sign-in). Only a verified address tells who someone is.',
    },
    name: { type: ['string', 'null'] },
    is_active: { type: 'boolean' },
    connections: { type: 'array', items: connectionSchema, description: 'Connected providers (only those the key may use); never a token value' },
  },
} as const;

/**
 * The headers an error status comes with, for a client to act on: the key's challenge (RFC 6750 §3) and when to
 * come back (RFC 9110 §10.2.3, as delay-seconds).
 */
const ERROR_HEADERS: Readonly<Partial<Record<number, object>>> = {
  401: { 'WWW-Authenticate': { type: 'string', description: 'The Bearer challenge: `Bearer realm="tokenkeeper", error="invalid_token"`' } },
  429: { 'Retry-After': { type: 'integer', minimum: 0, description: 'Seconds until the key may make requests again' } },
};

/** What Retry-After means on a 503, for each code that status carries on a route. */
const RETRY_AFTER_503: Readonly<Partial<Record<ErrorCode, string>>> = {
  provider_unavailable: '`provider_unavailable`: seconds until the provider is asked again',
  provider_unreachable: 'absent for `provider_unreachable`',
  not_ready: '`not_ready`: seconds to wait when the database did not answer',
};

/** The headers documented for `status` carrying `codes`: a 503's Retry-After says what it means for those codes only. */
function errorHeaders(status: number, codes: readonly ErrorCode[]): object | undefined {
  if (status !== 503) return ERROR_HEADERS[status];
  const meanings = Object.entries(RETRY_AFTER_503).flatMap(([code, meaning]) => (codes.includes(code as ErrorCode) ? [meaning] : []));
  return meanings.length > 0 ? { 'Retry-After': { type: 'integer', minimum: 0, description: meanings.join('; ') } } : undefined;
}

/** `{ error, message }` for the given statuses, each with the codes it can carry (and the headers it comes with). */
function errors(byStatus: Record<number, readonly ErrorCode[]>) {
  const responses: Record<number, object> = {};
  for (const [status, codes] of Object.entries(byStatus)) {
    for (const code of codes) {
      const expected = SERVICE_API_STATUSES[code] ?? ERROR_CODES[code].status;
      if (expected !== Number(status)) throw new Error(`service API schema: ${code} is answered with ${expected}, not ${status}`);
    }
    const headers = errorHeaders(Number(status), codes);
    responses[Number(status)] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].meaning}`).join(' '),
      ...(headers ? { headers } : {}),
      type: 'object',
      required: ['error', 'message'],
      additionalProperties: false,
      properties: {
        error: { type: 'string', enum: [...codes] },
        message: { type: 'string' },
        // A connection that needs a new sign-in comes with the link to send the user to (README, Service API).
        ...(codes.includes('needs_reauth') ? { reconnect_url: { type: 'string', format: 'uri', description: '`needs_reauth` only: a connect link (single use, 15 minutes) for the user to sign in with the provider again.' } } : {}),
      },
    };
  }
  return responses;
}

/** What every route that takes a key can answer (503 not_ready: the database did not answer, with Retry-After). */
const KEYED = { 400: ['bad_request', 'invalid_character'], 401: ['invalid_service_key'], 429: ['too_many_requests'], 500: ['internal_error'], 503: ['not_ready'] } as const;
const PROVIDER_FAULTS = {
  502: ['provider_error', 'provider_bad_response', 'provider_untrusted_certificate'],
  503: ['provider_unreachable', 'provider_unavailable', 'not_ready'],
  504: ['provider_timeout'],
} as const;
const BODY_FAULTS = { 413: ['payload_too_large'], 415: ['unsupported_media_type'] } as const;
/** A path parameter longer than the router takes (200 characters) is refused before the route's own limits. */
const PATH_FAULTS = { 414: ['uri_too_long'] } as const;

const userIdParam = { id: { type: 'string', minLength: 1, maxLength: 100, description: "The user's id (`id` of a User)" } } as const;
const userParams = { type: 'object', required: ['id'], properties: userIdParam } as const;
const connectionParams = {
  type: 'object',
  required: ['id', 'provider'],
  properties: { ...userIdParam, provider: { type: 'string', minLength: 1, maxLength: 100, description: 'A provider name from OAUTH_PROVIDERS' } },
} as const;

const lookUpText = { type: 'string', minLength: 1, maxLength: 320 } as const;

export const listUsersSchema = {
  operationId: 'findUsers',
  summary: 'Find users by external_id, by e-mail address, or by their identity at a provider',
  description: 'Exactly one of: `external_id`; `email` (any case); `provider` with `subject`. At most 100 users, oldest first. Permission `connections:read`.',
  tags: ['users'],
  security: SECURITY,
  querystring: {
    type: 'object',
    properties: { external_id: lookUpText, email: lookUpText, provider: lookUpText, subject: lookUpText },
  },
  response: {
    200: { type: 'object', required: ['users'], additionalProperties: false, properties: { users: { type: 'array', items: userSchema } } },
    ...errors({ ...KEYED, 403: ['missing_permission', 'provider_not_allowed'], 404: ['unknown_provider'] }),
  },
} as const;

const listedConnectionSchema = {
  type: 'object',
  required: ['user_id', 'external_id', 'user_is_active', ...connectionSchema.required],
  additionalProperties: false,
  properties: {
    user_id: { type: 'string', description: "The user's id (`id` of a User)" },
    external_id: { type: ['string', 'null'], description: "The user's id in your system" },
    user_is_active: { type: 'boolean', description: "false: the user is deactivated, and their tokens are not handed out" },
    ...connectionSchema.properties,
  },
} as const;

export const listConnectionsSchema = {
  operationId: 'listConnections',
  summary: 'Every connection, of one provider or of all the key may use, a page at a time',
  description:
    'In a fixed order (not by time): follow `next_cursor` until it is null to visit every connection once, even while connections are added or removed. `provider` and `status` narrow the list. Permission `connections:read`.',
  tags: ['connections'],
  security: SECURITY,
  querystring: {
    type: 'object',
    properties: {
      provider: { type: 'string', minLength: 1, maxLength: 100, description: 'A provider name from OAUTH_PROVIDERS; default every one the key may use' },
      status: { type: 'string', enum: ['active', 'needs_reauth'] },
      // A connection's id (src/db/id.ts): anything else, such as a client's "None" or "null" for no cursor, would
      // sort after every id and answer an empty last page, ending a sync that has visited nothing.
      cursor: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', description: '`next_cursor` of the page before, as it came' },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100, description: 'Connections per page' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['connections', 'next_cursor'],
      additionalProperties: false,
      properties: {
        connections: { type: 'array', items: listedConnectionSchema, description: 'Never a token value' },
        next_cursor: { type: ['string', 'null'], description: 'Give it as `cursor` for the next page; null: this is the last page' },
      },
    },
    ...errors({ ...KEYED, 403: ['missing_permission', 'provider_not_allowed'], 404: ['unknown_provider'] }),
  },
} as const;

export const getUserSchema = {
  operationId: 'getUser',
  summary: 'A user and their connections',
  description: 'Permission `connections:read`.',
  tags: ['users'],
  security: SECURITY,
  params: userParams,
  response: { 200: userSchema, ...errors({ ...KEYED, ...PATH_FAULTS, 403: ['missing_permission'], 404: ['not_found'] }) },
} as const;

export const patchUserSchema = {
  operationId: 'updateUser',
  summary: "Set (or, with null, clear) the user's external_id",
  description: 'Unique among users: 409 `external_id_taken` when another user has it. Permission `users:write`.',
  tags: ['users'],
  security: SECURITY,
  params: userParams,
  body: {
    type: 'object',
    required: ['external_id'],
    additionalProperties: false,
    properties: { external_id: { type: ['string', 'null'], minLength: 1, maxLength: 255 } },
  },
  response: { 200: userSchema, ...errors({ ...KEYED, ...BODY_FAULTS, ...PATH_FAULTS, 403: ['missing_permission'], 404: ['not_found'], 409: ['external_id_taken'] }) },
} as const;

export const accessTokenSchema = {
  operationId: 'getAccessToken',
  summary: "The user's access token for a provider, refreshed first when it would expire within min_ttl_seconds",
  description:
    'A refresh goes through the same single flight as every other use: concurrent calls share one refresh. `min_ttl_seconds` is capped at half the token\'s lifetime. When the provider fails the refresh and the stored token has not expired, that token is handed out (unless `force_refresh`, or it is the `rejected_access_token`), though it may expire sooner than `min_ttl_seconds`: read `expires_at`. Every token handed out is written to the audit log. Permission `tokens:read`.',
  tags: ['connections'],
  security: SECURITY,
  params: connectionParams,
  body: {
    type: ['object', 'null'],
    additionalProperties: false,
    properties: {
      min_ttl_seconds: { type: 'integer', minimum: 0, maximum: 86_400, default: 60, description: 'Refresh first when the token expires within this many seconds' },
      force_refresh: { type: 'boolean', default: false, description: 'Refresh even when the token is fresh' },
      rejected_access_token: {
        type: 'string',
        minLength: 1,
        maxLength: 16_384,
        description:
          'The access token your API call just got a 401 for: refreshed unless the stored token is already another one, which is handed out instead (never this one again). Callers that each saw it refused make one refresh between them; with `force_refresh`, one each.',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['access_token', 'token_type', 'expires_at', 'scope'],
      additionalProperties: false,
      properties: {
        access_token: { type: 'string' },
        token_type: { type: 'string' },
        expires_at: epochSeconds('When it expires; null: the provider gave no expiry'),
        scope: { type: ['string', 'null'] },
      },
    },
    ...errors({
      ...KEYED,
      ...BODY_FAULTS,
      ...PATH_FAULTS,
      ...PROVIDER_FAULTS,
      403: ['missing_permission', 'provider_not_allowed', 'account_inactive'],
      404: ['not_found', 'unknown_provider', 'not_connected'],
      409: ['needs_reauth', 'no_refresh_token'],
    }),
  },
} as const;

export const deleteConnectionSchema = {
  operationId: 'deleteConnection',
  summary: "Revoke the user's tokens at the provider, then delete them",
  description: '`revoked`: whether the provider confirmed the revocation (the tokens are deleted either way). Permission `connections:write`.',
  tags: ['connections'],
  security: SECURITY,
  params: connectionParams,
  response: {
    200: { type: 'object', required: ['revoked'], additionalProperties: false, properties: { revoked: { type: 'boolean' } } },
    ...errors({ ...KEYED, ...PATH_FAULTS, 403: ['missing_permission', 'provider_not_allowed'], 404: ['not_found', 'unknown_provider', 'not_connected'] }),
  },
} as const;

export const createConnectLinkSchema = {
  operationId: 'createConnectLink',
  summary: 'A single-use link for a person to connect (or reconnect) a provider in their browser, asking for more scope',
  description:
    'Exactly one of `user_id` (the browser must be signed in as that user; signed out, the person signs in first) and `external_id` (the user who has it; if none does, the user the provider identity belongs to, or a new one, gets it; for a connect-only provider, which identifies no one, a new user with it, who has no way to sign in and whose later links need none). The link works once, for 15 minutes, and asks for the scope already granted, the provider\'s configured scope and `scope`. The browser comes back to `return_to` (on an origin `CONNECT_RETURN_ORIGINS` allows) with `status=connected`, or `status=error&error=<code>`. Permission `connections:write`.',
  tags: ['connections'],
  security: SECURITY,
  body: {
    type: 'object',
    required: ['provider', 'return_to'],
    additionalProperties: false,
    properties: {
      provider: { type: 'string', minLength: 1, maxLength: 100, description: 'A provider name from OAUTH_PROVIDERS' },
      user_id: { type: 'string', minLength: 1, maxLength: 100, description: "The user's id (`id` of a User)" },
      external_id: { type: 'string', minLength: 1, maxLength: 255, description: 'Your id for the person' },
      scope: { type: 'string', maxLength: 2000, description: 'Extra scope to ask for, space-separated (RFC 6749 §3.3)' },
      return_to: { type: 'string', minLength: 1, maxLength: 2000, description: 'Where the browser goes afterwards: an absolute URL on an allowed origin' },
    },
  },
  response: {
    201: {
      type: 'object',
      required: ['url', 'expires_at'],
      additionalProperties: false,
      properties: {
        url: { type: 'string', description: 'The link to open in the browser: `<BASE_URL>/connect/<secret>`; shown once' },
        expires_at: { type: 'integer', description: 'When the link stops working (epoch seconds)' },
      },
    },
    ...errors({
      ...KEYED,
      ...BODY_FAULTS,
      400: ['bad_request', 'invalid_character', 'invalid_scope', 'return_to_not_allowed'],
      403: ['missing_permission', 'provider_not_allowed', 'account_inactive'],
      404: ['not_found', 'unknown_provider'],
    }),
  },
} as const;

export const proxySchema = {
  operationId: 'callProviderApi',
  summary: "Call the provider's API as the user",
  description:
    "Any method. `<NAME>_API_BASE_URL/*` (or `<base>/*` when the `Tokenkeeper-Api-Base` header names another of the provider's API bases, `<NAME>_EXTRA_API_BASE_URLS`) is called with the user's access token (refreshed first when needed, and after a 401 refreshed and the call retried once, unless its body was streamed), and its answer streamed back with an allowlist of its headers and `Tokenkeeper-Upstream: true`, which tells it from our own errors (the API may answer 401, 404 or 429 too). A redirect within the API base called is followed (for GET and HEAD, at most 3); any other comes back unfollowed, with its `Location` made absolute when it is an https URL (or http, from an http API) not of this server, else without one. APIs hand out downloads this way (GitHub's repository archives, release assets and Actions logs; Microsoft Graph's file content): a pre-authenticated URL on another host, to fetch without an `Authorization` header (a signed storage URL refuses a request that brings one). A body of 1 MiB or less, or one without `Content-Length` (chunked), is read whole before the call; a larger one with `Content-Length`, up to `PROXY_UPLOAD_LIMIT_MB` (200 MiB unless set), is streamed to the API as it arrives (uploads: Dropbox's content host, GitHub's release assets) and is not sent again: after a 401 the token is still refreshed, for the next call, and the API's 401 comes back with `Tokenkeeper-Upstream: true` (send the upload again). A client that goes away mid-upload ends the call to the API; an API that breaks off mid-upload is 502 `provider_error`. Our own errors, without that header, are `{ error, message }`: 400 `invalid_api_path` (or `bad_request`/`invalid_character`: a malformed address or parameter), 401 `invalid_service_key` (with `WWW-Authenticate`), 403 `missing_permission`/`provider_not_allowed`/`account_inactive`, 404 `not_found`/`unknown_provider`/`not_connected`/`no_api`, 409 `needs_reauth` (with `reconnect_url`), 413 `payload_too_large` (a body over `PROXY_UPLOAD_LIMIT_MB`, or over 1 MiB without `Content-Length`: refused before anything is sent to the API), 414 `uri_too_long` (a user id or provider name longer than the router takes), 429 `too_many_requests` (with `Retry-After`), 500 `internal_error`, 502 `provider_error`/`provider_bad_response`/`provider_untrusted_certificate`, 503 `provider_unavailable` (with `Retry-After`)/`provider_unreachable`/`not_ready`, 504 `provider_timeout`. Permission `proxy`.",
  tags: ['connections'],
  security: SECURITY,
  params: {
    type: 'object',
    required: ['id', 'provider'],
    properties: {
      ...connectionParams.properties,
      '*': {
        type: 'string',
        description:
          'The API path and query, as sent, slashes included (`user/repos?page=2`). A client generated from this document encodes `/` in a path parameter as `%2F`, which the API receives as it is: put this part in the URL yourself.',
      },
    },
  },
  response: {
    default: {
      description: "The provider API's answer, or one of our errors as `{ error, message }`",
      headers: {
        'Tokenkeeper-Upstream': { type: 'string', enum: ['true'], description: "On the provider API's answers only: absent, the answer is one of our errors" },
        Location: {
          type: 'string',
          format: 'uri',
          description: "On a redirect of the API's that was not followed (301, 302, 303, 307, 308): where it points, absolute, https (or http from an http API) only, never this server. Fetch it without the service key or any other Authorization header",
        },
      },
    },
  },
} as const;

/** A webhook's body: what Tokenkeeper POSTs to each of WEBHOOK_URLS. */
export const webhookPayloadSchema = {
  type: 'object',
  required: ['type', 'timestamp', 'data'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
    timestamp: { type: 'integer', description: 'When the event happened (epoch seconds); order is not guaranteed, so use this' },
    data: {
      type: 'object',
      required: ['user_id', 'external_id', 'provider', 'subject', 'status'],
      additionalProperties: false,
      properties: {
        user_id: { type: 'string', description: "The user's id (`id` of a User)" },
        external_id: { type: ['string', 'null'], description: "The user's id in your system, or null" },
        provider: { type: ['string', 'null'], description: 'null for `user.deleted`' },
        subject: { type: ['string', 'null'], description: "The user's identity at the provider, or null when none is linked" },
        status: { type: 'string', enum: ['active', 'needs_reauth', 'revoked', 'deleted'], description: "The connection's status after the event" },
        reason: {
          type: 'string',
          description: 'For some events: `reconnected` or `scope_changed` (`connection.updated`), the error code of a failed refresh (`connection.refresh_failed`), `invalid_grant` or `no_refresh_token` (`connection.needs_reauth`: the provider refused the refresh token, or gave none and the access token ended)',
        },
      },
    },
  },
} as const;

const webhookHeader = (name: string, description: string) => ({ name, in: 'header', required: true, schema: { type: 'string' }, description });

/** "5 s", "30 min", "2 h": a retry delay as the description reads it. */
const delayText = (seconds: number) => (seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${seconds / 60} min` : `${seconds / 3600} h`);
const webhookTimeout = `${WEBHOOK_TIMEOUT_MS / 1000} s`;

/**
 * The OpenAPI 3.1 `webhooks` of the document: the requests Tokenkeeper makes
 * to each of WEBHOOK_URLS, signed as Standard Webhooks has it
 * (https://www.standardwebhooks.com/).
 */
export const WEBHOOKS: Readonly<Record<string, object>> = {
  connectionEvent: {
    post: {
      operationId: 'receiveWebhook',
      summary: 'A connection or user changed (sent to each of WEBHOOK_URLS when set, at least once)',
      description:
        `Standard Webhooks: verify \`webhook-signature\` over \`<webhook-id>.<webhook-timestamp>.<raw body>\` (HMAC-SHA256 under the base64-decoded part of WEBHOOK_SECRET after \`whsec_\`; accept when any \`v1,\` entry matches, compared in constant time), refuse a \`webhook-timestamp\` more than 5 minutes from your clock, and drop a \`webhook-id\` you have handled (retries and every URL carry the same one). A 2xx within ${webhookTimeout} is delivered; anything else is retried (${RETRY_DELAYS_SECONDS.map(delayText).join(', ')}), a 410 fails the message at once.`,
      parameters: [
        webhookHeader('webhook-id', 'The message id (`msg_…`), the same for every retry and every URL'),
        webhookHeader('webhook-timestamp', 'When this attempt was made (epoch seconds)'),
        webhookHeader('webhook-signature', 'Space-separated `v1,<base64 HMAC-SHA256>` entries'),
      ],
      requestBody: { required: true, content: { 'application/json': { schema: webhookPayloadSchema } } },
      responses: {
        '2XX': { description: 'Delivered: not sent again' },
        '410': { description: 'The endpoint is gone: the message is marked failed, not retried' },
        default: { description: `Anything else, or no answer in ${webhookTimeout}: retried later (after \`Retry-After\` when a 429 or 503 gives a longer one)` },
      },
    },
  },
};

/**
 * @fastify/swagger marks every request body required, but Fastify takes a
 * request without a body when the body schema allows null (the access-token
 * route's options all have defaults): such bodies are optional in the
 * document too, so generated clients do not force one.
 */
export function optionalNullableBodies<Document extends { paths?: object }>(document: Document): Document {
  for (const operations of Object.values(document.paths ?? {}) as Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: { type?: unknown } }> } }>[]) {
    for (const operation of Object.values(operations)) {
      const body = operation.requestBody;
      const schemas = Object.values(body?.content ?? {}).map((media) => media.schema);
      if (body && schemas.length > 0 && schemas.every((schema) => Array.isArray(schema?.type) && schema.type.includes('null'))) body.required = false;
    }
  }
  return document;
}
