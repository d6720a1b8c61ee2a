/**
 * An emulator of Unsplash's OAuth (unsplash.com/oauth) and of the part of
 * its API (api.unsplash.com) a connection touches, on one host, written from
 * Unsplash's documentation
 * (https://unsplash.com/documentation/user-authentication-workflow; `/me`
 * and its members as Unsplash's SDKs read them, not checked against its
 * pages):
 * - Authorize: `GET /oauth/authorize` with `client_id` (the access key),
 *   `redirect_uri` (the application's, else an error page),
 *   `response_type=code` and `scope`, `+`-separated (spaces in a query),
 *   each one Unsplash knows (else `invalid_scope`); no scope is `public`. A
 *   person who declines comes back with `error=access_denied`.
 * - Token: `POST /oauth/token` with `client_id`, `client_secret`,
 *   `redirect_uri`, `code` and `grant_type=authorization_code` in the form:
 *   only the form authenticates the client here. A code is good once. The
 *   answer is `{ access_token, token_type: "bearer", scope, created_at }`, a
 *   token with no end and no refresh token (the members as Doorkeeper-based
 *   servers answer them: assumed). A code it does not take is 400
 *   `invalid_grant`, a client it does not know 401 `invalid_client`
 *   (assumed, RFC 6749 §5.2). No PKCE is read.
 * - API: the token as `Authorization: Bearer`; a token it does not take is
 *   401 with Unsplash's `{ errors: [...] }`. `GET /me`, behind `read_user`
 *   (else 403), answers the user (`id`, `username`, `first_name`,
 *   `last_name`, `email`, …); `GET /users/:username/likes` the photos the
 *   user liked.
 * There is no revocation endpoint. The authorization page approves at once
 * for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface UnsplashUser {
  /** Unsplash's opaque user id (e.g. `pXhwzz1JtQU`). */
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface UnsplashEmulator extends EmulatorHandle<UnsplashUser> {
  /** The person revokes the app in their Unsplash account: its tokens stop working. */
  revokeApp(user: UnsplashUser): void;
  /** The next /me request fails with this HTTP status. */
  failNextMeRequest(status: number): void;
}

const SCOPES = ['public', 'read_user', 'write_user', 'read_photos', 'write_photos', 'write_likes', 'write_followers', 'read_collections', 'write_collections'];

/** Unsplash's API error body. */
const apiError = (status: number, ...errors: string[]): EmulatorReply => json(status, { errors });

export async function startUnsplashEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<UnsplashEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<UnsplashUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<UnsplashUser>(server, grants);
  const meFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'The client identifier provided is invalid.', redirectUri: 'The redirect uri included is not valid.' },
    pkce: false,
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' } : undefined),
    denied: { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' },
    request: (query) => ({ scope: requestedScopes(query).join(' ') || 'public' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>We’re sorry, but something went wrong.</h1>') },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.'),
      code: () => oauthError(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', scope: grant.scope, created_at: Math.floor(Date.now() / 1000) }),
  });

  /** The grant of the request's Bearer token; Unsplash's 401 otherwise. */
  const caller = (request: EmulatorRequest): Grant<UnsplashUser> | EmulatorReply =>
    grants.grantOfAccessToken(request.bearer() ?? '') ?? apiError(401, 'OAuth error: The access token is invalid');

  server.route('GET', '/me', (request) => {
    server.count('me');
    const status = meFailure.take();
    if (status !== undefined) return apiError(status, 'Something went wrong.');
    const grant = caller(request);
    if (!('user' in grant)) return grant;
    if (!grant.scope.split(' ').includes('read_user')) return apiError(403, 'Missing scope: read_user');
    const { id, username, firstName, lastName, email } = grant.user;
    return json(200, {
      id,
      updated_at: '2016-07-10T11:00:01-05:00',
      username,
      first_name: firstName,
      last_name: lastName,
      twitter_username: null,
      portfolio_url: null,
      bio: null,
      location: null,
      total_likes: 1,
      total_photos: 0,
      total_collections: 0,
      followed_by_user: false,
      downloads: 0,
      uploads_remaining: 10,
      instagram_username: null,
      email,
      links: { self: `https://api.unsplash.com/users/${username}`, html: `https://unsplash.com/@${username}` },
    });
  });

  server.route('GET', '/users/:username/likes', (request) => {
    server.count('likes');
    const grant = caller(request);
    if (!('user' in grant)) return grant;
    if (request.params.username !== grant.user.username) return json(200, []);
    return json(200, [{ id: 'LBI7cgq3pbM', width: 5245, height: 3497, description: 'A man drinking a coffee.', liked_by_user: true }]);
  });

  return {
    ...controls.handle,
    revokeApp: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.id === user.id) grants.revokeGrant(grant.id);
    },
    failNextMeRequest: meFailure.queue,
  };
}
