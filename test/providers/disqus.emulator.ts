/**
 * An emulator of Disqus's OAuth (disqus.com/api/oauth/2.0) and of the part of its API 3.0 (disqus.com/api/3.0) a
 * connection touches, on one host, written from Disqus's documentation (https://disqus.com/api/docs/auth/,
 * https://disqus.com/api/docs/auth/audiencesync/, https://disqus.com/api/docs/users/details/):
 * - Authorize: `GET /api/oauth/2.0/authorize/` with `client_id` (the application's public key), a comma-separated
 *   `scope` (`read`, `write`, `email`, `admin`), `response_type=code` and `redirect_uri`; accepted, the person
 *   comes back with `code`, denied with an `error` parameter (`access_denied` here, RFC 6749 §4.1.2.1's, as the
 *   pages do not name it).
 * - Token: `POST /api/oauth/2.0/access_token/`, a form with `grant_type`, `client_id`, `client_secret`,
 *   `redirect_uri` and `code` ("Draft 30 of the OAuth 2 specification"). The answer is RFC 6749 §5.1's JSON with the
 *   person's `user_id` and `username` beside it and the scope comma-separated as it was asked; the rest of the
 *   authentication page was not readable, so these are assumed: a 30-day access token, a refresh token that
 *   `grant_type=refresh_token` trades for a new pair (the spent one refused), and RFC 6749 §5.2's refusals.
 * - API 3.0: every method takes the application's public key as `api_key` and the person's `access_token`, both in
 *   the query; answers are `{ code, response }`, `code: 0` for success. `GET /api/3.0/users/details.json` with no
 *   `user` is the authenticated user (`id`, `username`, `name`, `email` with the `email` scope, `profileUrl`,
 *   `avatar`, `isAnonymous`); `GET /api/3.0/users/listPosts.json` the posts the user made. The refusals are
 *   assumed: `{ code: 5, response: "Invalid API key" }` with HTTP 400 without the key, HTTP 401 for a token Disqus
 *   does not take.
 * - No revocation is documented: the person removes the application in their Disqus settings (`removeApp`), and its
 *   tokens stop working.
 * The authorization page approves at once for signInAs()'s user.
 */
import { requestedScopes } from './kit/authorization.js';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface DisqusUser {
  /** The user's id, a string of digits. */
  id: string;
  /** The username, which the person can change. */
  username: string;
  name: string;
  email: string;
}

export interface DisqusEmulator extends EmulatorHandle<DisqusUser> {
  /** The person removes the application in their Disqus settings: every token of theirs stops working. */
  removeApp(user: DisqusUser): void;
  /** The next users/details request fails with this HTTP status. */
  failNextDetails(status: number): void;
}

/** Thirty days, the access token lifetime assumed here. */
const ACCESS_TOKEN_TTL = 2_592_000;

/** API 3.0's error answer: a non-zero `code` and the message as `response`. */
function apiError(status: number, code: number, message: string): EmulatorReply {
  return json(status, { code, response: message });
}

export async function startDisqusEmulator(options: EmulatorOptions): Promise<DisqusEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DisqusUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<DisqusUser>(server, grants);
  const detailsFailure = queuedFailure();

  authorizationEndpoint(server, '/api/oauth/2.0/authorize/', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid API application',
    pkce: false,
    request: (query) => ({ scope: requestedScopes(query, ',').join(' ') }),
  });

  tokenEndpoint(server, '/api/oauth/2.0/access_token/', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) =>
      json(200, { ...tokenMembers(tokens, grant.scope.split(' ').join(','), 'Bearer'), user_id: Number(grant.user.id), username: grant.user.username }),
  });

  /** The live grant of the request's `access_token`, the public key present; else API 3.0's refusal. */
  const apiGrant = (request: EmulatorRequest): Grant<DisqusUser> | EmulatorReply => {
    const query = request.url.searchParams;
    if (query.get('api_key') !== options.clientId) return apiError(400, 5, 'Invalid API key');
    return grants.grantOfAccessToken(query.get('access_token') ?? '') ?? apiError(401, 4, 'You must provide an authenticated user for this method');
  };
  const isGrant = (value: Grant<DisqusUser> | EmulatorReply): value is Grant<DisqusUser> => 'user' in value;

  server.route('GET', '/api/3.0/users/details.json', (request) => {
    server.count('details');
    const status = detailsFailure.take();
    if (status !== undefined) return apiError(status, 15, 'Internal server error');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const withEmail = grant.scope.split(' ').includes('email');
    return json(200, {
      code: 0,
      response: {
        username: user.username,
        about: '',
        name: user.name,
        url: '',
        isFollowing: false,
        isFollowedBy: false,
        profileUrl: `http://disqus.com/${user.username}/`,
        avatar: { permalink: `http://disqus.com/api/users/avatars/${user.username}.jpg`, cache: 'http://mediacdn.disqus.com/1091/images/noavatar92.png' },
        id: user.id,
        isAnonymous: false,
        ...(withEmail ? { email: user.email } : {}),
      },
    });
  });

  server.route('GET', '/api/3.0/users/listPosts.json', (request) => {
    server.count('posts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const limit = Number(request.url.searchParams.get('limit') ?? '25');
    return json(200, {
      cursor: { prev: null, hasNext: false, next: '0:0:0', hasPrev: false, total: null, id: '0:0:0', more: false },
      code: 0,
      response: Array.from({ length: Math.min(limit, 2) }, (_, i) => ({ id: `${grant.user.id}${i}`, forum: 'disqus', raw_message: `Post ${i + 1} by ${grant.user.name}`, author: { id: grant.user.id, username: grant.user.username } })),
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextDetails: detailsFailure.queue,
  };
}
