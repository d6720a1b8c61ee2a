/**
 * An emulator of Modrinth's OAuth (modrinth.com/auth/authorize, api.modrinth.com/_internal/oauth/token) and of the
 * part of its API v2 a connection touches, written from Modrinth's guide (https://docs.modrinth.com/guide/oauth) and
 * its API description (https://docs.modrinth.com/api/, the OpenAPI document it publishes):
 * - Authorize: `GET /auth/authorize` with `response_type=code`, `client_id`, `scope` (identifiers joined by `+` in
 *   the query), `state` and an allowlisted `redirect_uri`; approved, the person goes back with `code`, `client_id`,
 *   `redirect_uri` and `grant_type=authorization_code`, as the guide lists them (and `state`). A scope the
 *   application was not registered with is refused.
 * - Token: `POST /_internal/oauth/token`, a URL-encoded form of `code`, `client_id`, `redirect_uri` and
 *   `grant_type`, the client secret alone as `Authorization` (not Basic, not in the form): anything else is refused.
 *   The answer is `access_token`, `token_type: "Bearer"` and `expires_in`, no refresh token (a refresh grant is
 *   refused).
 * - API v2: the token as it is in `Authorization` (the `TokenAuth` scheme); one it does not take, or one short of
 *   the route's scope (`USER_READ` for both routes here), is a 401 AuthError,
 *   `{ error: "unauthorized", description }`. `GET /v2/user` is the token's user (`id`, `username`, `name`,
 *   `avatar_url`, `email` with `USER_READ_EMAIL`, `email_verified`…); `GET /v2/user/{id|username}/follows` the
 *   projects that user follows (`USER_READ`; another user's is a 401).
 * Made up here (Modrinth's pages do not say): the 14-day lifetime; a declined authorization (`access_denied`); the
 * token endpoint's refusals as RFC 6749 §5.2's bare `error`; the pages for an unknown client or redirect URI.
 * removeApp() is the person removing the application in their Modrinth settings. The authorization page approves at
 * once for signInAs()'s user.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface ModrinthUser {
  /** The user's base62 id, constant. */
  id: string;
  /** The username, which the person can change at any moment. */
  username: string;
  /** The display name, which may be unset. */
  name: string | null;
  email: string;
}

export interface ModrinthEmulator extends EmulatorHandle<ModrinthUser> {
  /** The person removes the application in their Modrinth settings: none of their tokens works. */
  removeApp(user: ModrinthUser): void;
  /** The next /v2/user request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The raw query string of each authorization request, in order. */
  readonly authorizeQueries: ReadonlyArray<string>;
}

export const MODRINTH_ACCESS_TOKEN_SECONDS = 14 * 86_400;
/** The scopes the emulated application was registered with. */
const REGISTERED_SCOPES = new Set(['USER_READ', 'USER_READ_EMAIL', 'PROJECT_READ']);

const unauthorized = () => json(401, { error: 'unauthorized', description: 'Authentication Error: Invalid Authentication Credentials' });

export async function startModrinthEmulator(options: EmulatorOptions): Promise<ModrinthEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ModrinthUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: MODRINTH_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none', prefixes: { access: 'mro_' } });
  const controls = emulatorControls<ModrinthUser>(server, grants);
  const profileFailure = queuedFailure();
  const authorizeQueries: string[] = [];

  server.route('GET', '/auth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    authorizeQueries.push(request.url.search);
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client ID</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid redirect URI</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (!requestedScopes(query).every((scope) => REGISTERED_SCOPES.has(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const code = grants.issueCode({ ...codeRequest(query, options, user), codeChallenge: undefined, codeChallengeMethod: undefined });
    return reply({ code, client_id: options.clientId, redirect_uri: options.redirectUri, grant_type: 'authorization_code' });
  });

  tokenEndpoint(server, '/_internal/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // The client secret as the whole Authorization header, the client's id in the form, and no secret there.
    authenticates: (request) => {
      const form = request.form();
      return request.headers.authorization === options.clientSecret && form.get('client_id') === options.clientId && !form.has('client_secret');
    },
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn }),
  });

  /** The grant of the token sent as it is in Authorization, when it holds `USER_READ` (a token short of a route's scope is a 401 too). */
  const apiGrant = (request: EmulatorRequest) => {
    const grant = grants.grantOfAccessToken(request.headers.authorization ?? '');
    return grant?.scope.split(' ').includes('USER_READ') ? grant : undefined;
  };

  server.route('GET', '/v2/user', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'internal_error', description: 'An internal error occurred' });
    const grant = apiGrant(request);
    if (!grant) return unauthorized();
    const { user } = grant;
    const emailReadable = grant.scope.split(' ').includes('USER_READ_EMAIL');
    return json(200, {
      username: user.username,
      name: user.name,
      email: emailReadable ? user.email : null,
      bio: null,
      payout_data: null,
      id: user.id,
      avatar_url: `https://cdn.modrinth.com/user/${user.id}/avatar.png`,
      created: '2023-01-15T10:20:30.000000Z',
      role: 'developer',
      badges: 0,
      auth_providers: ['github'],
      email_verified: true,
      has_password: false,
      has_totp: false,
      github_id: null,
    });
  });

  server.route('GET', '/v2/user/:owner/follows', (request) => {
    server.count('follows');
    const grant = apiGrant(request);
    if (!grant) return unauthorized();
    const { owner } = request.params;
    if (owner !== grant.user.id && owner !== grant.user.username) return unauthorized();
    return json(200, [{ id: 'AABBCCDD', slug: 'my_project', title: 'My Project', project_type: 'mod', team: 'MMNNOOPP', downloads: 12, followers: 3 }]);
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    authorizeQueries,
  };
}
