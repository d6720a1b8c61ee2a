/**
 * An emulator of Webex's OAuth for integrations and of the part of the Webex
 * API a connection touches (`https://webexapis.com/v1`), written from
 * Webex's documentation (https://developer.webex.com/docs/integrations):
 * - Authorize: `GET /v1/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the integration's), `state`, `scope`, space-separated,
 *   among the integration's scopes (another is `invalid_scope` here), and an
 *   optional PKCE challenge (S256). A person who declines comes back with
 *   `error=access_denied`.
 * - Token: `POST /v1/access_token` with `grant_type`, `client_id`,
 *   `client_secret`, `code`, `redirect_uri` (and `code_verifier` after a
 *   challenge), or `refresh_token`, as a form. The answer is `access_token`,
 *   `expires_in` (14 days), `refresh_token` and `refresh_token_expires_in`
 *   (90 days); a refresh answers a new access token and the same refresh
 *   token, whose 90 days start again. Refusals are Webex's API errors, `{
 *   message, errors: [{ description }], trackingId }`, the identity
 *   service's OAuth error in parentheses in the message (as integrations'
 *   logs show them; Webex's pages do not), 400 for a code or refresh token
 *   and 401 for the client.
 * - `GET /v1/people/me` (https://developer.webex.com/docs/api/v1/people/get-my-own-details)
 *   answers the person (`id`, `emails`, `displayName`, `firstName`,
 *   `lastName`, `orgId`, `type`, …) and `GET /v1/rooms`
 *   (https://developer.webex.com/docs/api/v1/rooms/list-rooms) `{ items }`,
 *   each with `spark:people_read` / `spark:rooms_read` (403 without). A token
 *   it does not take is 401 with the API error.
 * - There is no revocation for an integration's tokens; a person whose
 *   admin deletes the authorization (the admins' Authorizations API) loses
 *   every token of it.
 * The authorization page approves at once for signInAs()'s person.
 */
import { randomBytes } from 'node:crypto';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface WebexPerson {
  /** Webex's opaque person id (base64 of a `ciscospark://` URI). */
  id: string;
  email: string;
  displayName: string;
  orgId: string;
}

export interface WebexEmulatorOptions extends EmulatorOptions {
  /** The scopes ticked on the integration (default `spark:people_read spark:rooms_read`). */
  integrationScopes?: string[];
}

export interface WebexEmulator extends EmulatorHandle<WebexPerson> {
  /** An admin deletes the person's authorization of the integration: none of its tokens works. */
  deleteAuthorization(person: WebexPerson): void;
  /** The next /v1/people/me request fails with this HTTP status. */
  failNextPeopleMeRequest(status: number): void;
}

const ACCESS_TOKEN_TTL = 14 * 86_400;
const REFRESH_TOKEN_TTL = 90 * 86_400;

const trackingId = () => `ROUTER_${randomBytes(8).toString('hex').toUpperCase()}`;

/** Webex's API error body (https://developer.webex.com/docs/basics#api-errors). */
function webexError(status: number, message: string): EmulatorReply {
  return json(status, { message, errors: [{ description: message }], trackingId: trackingId() });
}

/** A refusal of the identity service behind /v1/access_token, its OAuth error in the message. */
function identityRefusal(status: 400 | 401, error: string, description: string): EmulatorReply {
  const reason = status === 400 ? 'Bad Request' : 'Unauthorized';
  return webexError(status, `POST failed: HTTP/1.1 ${status} ${reason} (url = https://idbroker.webex.com/idb/oauth2/v1/access_token, request/response TrackingId = ${trackingId()}, error = '(${error}) ${description}')`);
}

export async function startWebexEmulator(options: WebexEmulatorOptions): Promise<WebexEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WebexPerson>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'static',
    refreshTokenIdleTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<WebexPerson>(server, grants);
  const integrationScopes = options.integrationScopes ?? ['spark:people_read', 'spark:rooms_read'];
  const peopleMeFailure = queuedFailure();

  authorizationEndpoint(server, '/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client_id or redirect_uri',
    refuse: (query) => {
      if (requestedScopes(query).some((scope) => !integrationScopes.includes(scope))) return { error: 'invalid_scope', error_description: 'The requested scope is invalid.' };
      return query.has('code_challenge') && query.get('code_challenge_method') !== 'S256' ? { error: 'invalid_request', error_description: 'Unsupported code_challenge_method.' } : undefined;
    },
    denied: { error: 'access_denied', error_description: 'The user denied the request.' },
  });

  tokenEndpoint(server, '/v1/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => webexError(status, 'Service unavailable.') },
    errors: {
      client: () => identityRefusal(401, 'invalid_client', 'The client secret is invalid.'),
      refreshToken: () => identityRefusal(400, 'invalid_grant', 'The refresh token provided is expired, revoked, malformed, or invalid.'),
      code: () => identityRefusal(400, 'invalid_grant', 'Authorization code has expired or has already been used.'),
    },
    answer: ({ tokens, form }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken ?? form.get('refresh_token'),
        refresh_token_expires_in: REFRESH_TOKEN_TTL,
        token_type: 'Bearer',
      }),
  });

  const caller = (request: EmulatorRequest) => bearerGrant(grants, request, () => webexError(401, 'The request requires a valid access token set in the Authorization request header.'));
  const scoped = (grant: Grant<WebexPerson>, scope: string) => grant.scope.split(' ').includes(scope);

  server.route('GET', '/v1/people/me', (request) => {
    server.count('people_me');
    const status = peopleMeFailure.take();
    if (status !== undefined) return webexError(status, 'Internal Server Error');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    if (!scoped(grant, 'spark:people_read')) return webexError(403, 'The server understood the request, but refused to fulfill it.');
    const { user } = grant;
    const [firstName, ...rest] = user.displayName.split(' ');
    return json(200, {
      id: user.id,
      emails: [user.email],
      phoneNumbers: [],
      displayName: user.displayName,
      nickName: firstName,
      firstName,
      lastName: rest.join(' '),
      avatar: 'https://avatar-prod-us-east-2.webexcontent.com/default_avatar~1600',
      orgId: user.orgId,
      created: '2024-02-14T10:00:00.000Z',
      lastActivity: '2026-12-01T09:30:00.000Z',
      status: 'active',
      type: 'person',
    });
  });

  server.route('GET', '/v1/rooms', (request) => {
    server.count('rooms');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    if (!scoped(grant, 'spark:rooms_read')) return webexError(403, 'The server understood the request, but refused to fulfill it.');
    return json(200, { items: [{ id: 'Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0', title: 'Project Unicorn', type: 'group', isLocked: false, creatorId: grant.user.id }] });
  });

  return {
    ...controls.handle,
    deleteAuthorization: (person) => grants.revokeGrantsOf((someone) => someone.id === person.id),
    failNextPeopleMeRequest: peopleMeFailure.queue,
  };
}
