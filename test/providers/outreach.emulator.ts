/**
 * An emulator of Outreach's authorization server (api.outreach.io's
 * /oauth/authorize and /oauth/token) and of the part of its REST API v2
 * (api.outreach.io/api/v2) a connection touches, written from Outreach's
 * OAuth documentation
 * (https://github.com/getoutreach/outreach-platform-sdk/blob/master/documentation/authorization/oauth.md)
 * and, where it says nothing, from the developer portal's pages as public
 * integration notes sum them up (https://developers.outreach.io/api/oauth,
 * https://developers.outreach.io/api/getting-started):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri` (one the
 *   app lists; another is shown on Outreach's page), `response_type=code`, a
 *   space-separated `scope`, a subset of the scopes the app was created with
 *   (`<resource>.<read|write|delete|all>`; another is `invalid_scope`), and
 *   `state`, which comes back with the code. No PKCE is read. A person who
 *   declines is `access_denied`.
 * - Token: `POST /oauth/token`, a form with `client_id`, `client_secret`,
 *   `redirect_uri` (the app's, where sent) and `grant_type`,
 *   `authorization_code` with the code or `refresh_token` with the refresh
 *   token. The answer is `access_token`, `token_type`, `expires_in` (7200: 2
 *   hours), `refresh_token`, `scope` and `created_at`. Each refresh answers a
 *   new refresh token and the used one is refused (the notes say to use the
 *   newest; this emulator takes the strict reading); a refresh token ends 14
 *   days after it was issued. Refusals are RFC 6749 §5.2's `error` with its
 *   description: `invalid_grant` (400), `invalid_client` (401).
 * - API (JSON:API, under /api/v2): `GET /api/v2` answers the token's user and
 *   organization in `meta` (`meta.user`: `id`, `firstName`, `lastName`,
 *   `email`; `meta.org`), whatever the scopes; `GET /api/v2/users/{id}` (scope
 *   `users.read` or `users.all`) a user as a JSON:API resource (`type`,
 *   `id`, `attributes`). A scope not granted is 403 with the error id
 *   `unauthorizedOauthScope`; a token it does not take 401. Errors are
 *   JSON:API's `errors` list of `id`, `title` and `detail`.
 * No revocation endpoint is documented, so none is served. The token
 * endpoint's limit of one grant per user and app every 60 seconds (429) is
 * not emulated: it would refuse the refresh the tests make at once.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface OutreachUser {
  /** The user's id, an integer. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  /** The organization's short name. */
  org: string;
}

export interface OutreachEmulatorOptions extends EmulatorOptions {
  /** The scopes the app was created with (default `users.read`, `users.all`, `prospects.read`, `prospects.all`). */
  appScopes?: string[];
}

export type OutreachEmulator = EmulatorHandle<OutreachUser>;

const ACCESS_TOKEN_TTL = 2 * 60 * 60;
const REFRESH_TOKEN_TTL = 14 * 86_400;
const SCOPE = /^[a-zA-Z]+\.(read|write|delete|all)$/;
const apiError = (status: number, id: string, title: string, detail: string): EmulatorReply => json(status, { errors: [{ id, title, detail }] });

export async function startOutreachEmulator(options: OutreachEmulatorOptions): Promise<OutreachEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<OutreachUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<OutreachUser>(server, grants);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const appScopes = new Set(options.appScopes ?? ['users.read', 'users.all', 'prospects.read', 'prospects.all']);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The redirect uri included is not valid.',
    refuse: (query) => {
      const scopes = requestedScopes(query);
      return scopes.length === 0 || scopes.some((scope) => !SCOPE.test(scope) || !appScopes.has(scope)) ? describedError('invalid_scope') : undefined;
    },
    denied: describedError('access_denied'),
    pkce: false,
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request: EmulatorRequest) => formCredentials(request, options),
    errors: {
      client: () => json(401, describedError('invalid_client')),
      refreshToken: () => json(400, describedError('invalid_grant')),
      code: () => json(400, describedError('invalid_grant')),
    },
    // The redirect URI goes with each grant in Outreach's examples; one that is not the app's is refused.
    refuseRefresh: (_presented, form) => (form.has('redirect_uri') && form.get('redirect_uri') !== options.redirectUri ? json(400, describedError('invalid_grant')) : undefined),
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), created_at: now() }),
  });

  /** The grant of the request's Bearer token; else the API's 401. */
  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => apiError(401, 'unauthorized', 'Unauthorized', 'The access token is invalid or has expired.'));

  server.route('GET', '/api/v2', (request) => {
    server.count('root');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      meta: {
        api: { version: '2' },
        org: { shortname: user.org, name: `${user.org} Inc.` },
        token: { scopes: grant.scope.split(' ') },
        user: { id: user.id, firstName: user.firstName, lastName: user.lastName, email: user.email },
      },
    });
  });

  server.route('GET', '/api/v2/users/:id', (request) => {
    server.count('users');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const scopes = grant.scope.split(' ');
    if (!scopes.includes('users.read') && !scopes.includes('users.all')) return apiError(403, 'unauthorizedOauthScope', 'Unauthorized OAuth Scope', 'The OAuth token lacks the users.read scope.');
    const { user } = grant;
    if (request.params.id !== String(user.id)) return apiError(404, 'resourceNotFound', 'Resource Not Found', `Could not find 'user' with ID '${request.params.id}'.`);
    return json(200, {
      data: { type: 'user', id: user.id, attributes: { email: user.email, firstName: user.firstName, lastName: user.lastName, name: `${user.firstName} ${user.lastName}` } },
    });
  });

  return controls.handle;
}
