/**
 * An emulator of TIDAL's OAuth 2.1 server (login.tidal.com, auth.tidal.com/v1/oauth2) and of the part of the
 * TIDAL API (openapi.tidal.com/v2) a connection touches, on one host, written from TIDAL's own documentation
 * and code (https://developer.tidal.com/documentation/authorization/authorization-overview, the scopes page,
 * and packages/auth/src/auth/auth.ts, packages/auth/src/types.ts and packages/api/bin/tidal-api-oas.json in
 * https://github.com/tidal-music/tidal-sdk-web):
 * - Authorize: `GET /authorize` with `client_id`, `response_type=code`, `redirect_uri`, `scope`
 *   (space-separated, among the app's scopes) and PKCE, `code_challenge` with `code_challenge_method=S256`,
 *   which OAuth 2.1 requires (one without it is sent back `invalid_request` here). A person who declines is
 *   sent back `access_denied` (RFC 6749's; TIDAL does not show it).
 * - Token: `POST /v1/oauth2/token`, a form with `client_id` and `client_secret` in it: the code exchange with
 *   `code`, `code_verifier`, `redirect_uri` and `scope`, a refresh with `refresh_token` and `scope`. The answer
 *   is `access_token`, `token_type: "Bearer"`, `expires_in`, `refresh_token` (not in a refresh's answer: the
 *   sign-in's refresh token stays), `scope` and `user_id`. The scope each request sent is recorded. A refusal is
 *   `{ status, error, sub_status, error_description }` (the `TokenJSONError` of TIDAL's module), with RFC 6749's
 *   error codes (an assumption; the sub-statuses here are the emulator's own). The access token's lifetime here
 *   (a day) is an assumption.
 * - API (under /v2), JSON:API, the token as Bearer: `GET /users/me` (behind `user.read`) the `users` resource,
 *   and `GET /playlists?filter[owners.id]=me` (behind `playlists.read`) the person's playlists. A token it does
 *   not take is 401 with a JSON:API `errors` document here (TIDAL does not show it); a scope missing, 403.
 * - endGrants() is the person's grant ending at TIDAL (how is not documented): its tokens stop working. There is
 *   no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface TidalUser {
  /** TIDAL's numeric user id, as a string in the API and a number in the token answer. */
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  emailVerified: boolean;
}

export interface TidalEmulator extends EmulatorHandle<TidalUser> {
  /** The `scope` each token request sent (undefined where it sent none), in order. */
  readonly tokenScopes: (string | undefined)[];
  /** The person's grant ends at TIDAL: every token of theirs stops working. */
  endGrants(user: TidalUser): void;
}

const ACCESS_TOKEN_TTL = 86_400;
const APP_SCOPES = ['user.read', 'playlists.read', 'collection.read', 'entitlements.read'];

/** TIDAL's token endpoint refusal, the `TokenJSONError` of its Auth module. */
function tokenError(status: number, error: string, subStatus: number, description: string): EmulatorReply {
  return json(status, { status, error, sub_status: subStatus, error_description: description });
}

export async function startTidalEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<TidalEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TidalUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static', refreshTokenTtl: null });
  const controls = emulatorControls<TidalUser>(server, grants);
  const tokenScopes: (string | undefined)[] = [];

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Something went wrong',
    refuse: (query) => {
      if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'PKCE with S256 is required' };
      return requestedScopes(query).some((scope) => !APP_SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  tokenEndpoint(server, '/v1/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenScopes.push(request.form().get('scope') ?? undefined);
      return formCredentials(request, options);
    },
    errors: {
      client: () => tokenError(401, 'invalid_client', 1002, 'Client not found or bad credentials'),
      refreshToken: () => tokenError(400, 'invalid_grant', 1003, 'Refresh token is not valid'),
      code: () => tokenError(400, 'invalid_grant', 1004, 'Authorization code is not valid'),
    },
    answer: ({ grantType, grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        ...(grantType === 'authorization_code' ? { refresh_token: tokens.refreshToken } : {}),
        scope: grant.scope,
        user_id: Number(grant.user.id),
      }),
  });

  const unauthorized = (): EmulatorReply => json(401, { errors: [{ id: 'c0ffee00-0000-4000-8000-000000000401', status: '401', code: 'UNAUTHORIZED', detail: 'Access token is not valid' }] }, { 'content-type': 'application/vnd.api+json' });
  const forbidden = (scope: string): EmulatorReply => json(403, { errors: [{ status: '403', code: 'FORBIDDEN', detail: `Missing scope ${scope}` }] }, { 'content-type': 'application/vnd.api+json' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);
  const jsonApi = (body: unknown) => json(200, body, { 'content-type': 'application/vnd.api+json' });

  server.route('GET', '/v2/users/me', (request) => {
    server.count('users_me');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('user.read')) return forbidden('user.read');
    const { user } = grant;
    return jsonApi({
      data: { id: user.id, type: 'users', attributes: { username: user.username, country: 'NO', email: user.email, emailVerified: user.emailVerified, firstName: user.firstName, lastName: user.lastName, developerAccessTier: 'THIRD_PARTY' } },
      links: { self: '/users/me' },
    });
  });

  server.route('GET', '/v2/playlists', (request) => {
    server.count('playlists');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('playlists.read')) return forbidden('playlists.read');
    if (request.url.searchParams.get('filter[owners.id]') !== 'me') return json(400, { errors: [{ status: '400', code: 'INVALID_FILTER', detail: 'filter[owners.id]=me is the only filter emulated' }] }, { 'content-type': 'application/vnd.api+json' });
    return jsonApi({
      data: [{ id: '550e8400-e29b-41d4-a716-446655440000', type: 'playlists', attributes: { name: 'Morning', accessType: 'UNLISTED', bounded: true, createdAt: '2025-01-02T08:00:00Z', lastModifiedAt: '2025-03-04T09:00:00Z', numberOfFollowers: 0, playlistType: 'USER', externalLinks: [] }, relationships: { owners: { data: [{ id: grant.user.id, type: 'users' }] } } }],
      links: { self: '/playlists?filter[owners.id]=me' },
    });
  });

  return {
    ...controls.handle,
    tokenScopes,
    endGrants: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
