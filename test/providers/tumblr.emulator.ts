/**
 * An emulator of Tumblr's OAuth 2.0 (www.tumblr.com's /oauth2/authorize and
 * api.tumblr.com's /v2/oauth2/token) and of the part of the API v2 a
 * connection touches, on one host, written from Tumblr's API documentation
 * (https://www.tumblr.com/docs/en/api/v2, "OAuth2 Authorization", "Response
 * Format", "Blog Identifiers", "/user/info", "/user/dashboard"):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `response_type=code`,
 *   `scope` (space-delimited, of `basic`, `write` and `offline_access`) and
 *   `state`, both required, and `redirect_uri`, which must be the app's. A
 *   refusal comes back with `error`. Only a grant with `offline_access` gets
 *   a refresh token.
 * - Token: `POST /v2/oauth2/token` with `client_id` and `client_secret` among
 *   the parameters (a form or JSON, as Tumblr takes both). The answer is
 *   `access_token`, `expires_in` (2520), `id_token: false`, `refresh_token`
 *   (with `offline_access`), `scope` and `token_type: "bearer"`. A refresh
 *   answers a new access token and refresh token; the spent one is refused.
 *   Refusals are HTTP 401, as documented, with RFC 6749's `{ error }` (which
 *   Tumblr's page does not show).
 * - API: `GET /v2/user/info` (`response.user`: `name`, `blogs` with `name`,
 *   `title`, `url`, `primary` and `uuid`) and `GET /v2/user/dashboard`
 *   (`response.posts`), the token as Bearer, every answer wrapped as
 *   `{ meta: { status, msg }, response }`; 401 for a token it does not take.
 *   The `User-Agent` each call came with is in `server.requests`.
 * - No revocation: Tumblr documents none.
 * The person may end the app's access at Tumblr (`endAccess`), which ends the
 * grant. The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface TumblrUser {
  /** The short name, which the person can change. */
  name: string;
  /** The primary blog's uuid (`t:…`), which does not change with the name. */
  uuid: string;
  /** The primary blog's title. */
  title: string;
}

export interface TumblrEmulator extends EmulatorHandle<TumblrUser> {
  /** The person ends the app's access at Tumblr: every token of theirs stops working. */
  endAccess(user: TumblrUser): void;
  /** The next /v2/user/info request fails with this HTTP status. */
  failNextUserInfo(status: number): void;
}

const ACCESS_TOKEN_TTL = 2520;
const SCOPES = ['basic', 'write', 'offline_access'];

/** Tumblr's response format: `meta` says the status, `response` carries the rest. */
function wrapped(status: number, msg: string, response: unknown): EmulatorReply {
  return json(status, { meta: { status, msg }, response });
}

const UNAUTHORIZED = () => wrapped(401, 'Unauthorized', []);

export async function startTumblrEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<TumblrEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TumblrUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<TumblrUser>(server, grants);
  const userInfoFailure = queuedFailure();

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>The redirect URI does not match the application</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (!query.get('state')) return reply({ error: 'invalid_request', error_description: 'state is required' });
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = requestedScopes(query);
    if (asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply(describedError('access_denied'));
    return reply({
      code: grants.issueCode({
        clientId: options.clientId,
        redirectUri: options.redirectUri,
        scope: asked.join(' '),
        codeChallenge: undefined,
        codeChallengeMethod: undefined,
        user,
        refreshToken: asked.includes('offline_access'),
      }),
    });
  });

  tokenEndpoint(server, '/v2/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request: EmulatorRequest) => credentialsIn(jsonOrForm(request), options),
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client'),
      code: () => oauthError(401, 'invalid_grant'),
      refreshToken: () => oauthError(401, 'invalid_grant'),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        id_token: false,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        scope: grant.scope,
        token_type: 'bearer',
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, UNAUTHORIZED);

  server.route('GET', '/v2/user/info', (request) => {
    server.count('user_info');
    const status = userInfoFailure.take();
    if (status !== undefined) return wrapped(status, 'Internal Server Error', []);
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return wrapped(200, 'OK', {
      user: {
        following: 12,
        default_post_format: 'html',
        name: user.name,
        likes: 3,
        blogs: [
          { name: `${user.name}-side`, title: 'A side blog', url: `https://${user.name}-side.tumblr.com/`, primary: false, uuid: `${user.uuid}-side`, type: 'public' },
          { name: user.name, title: user.title, url: `https://${user.name}.tumblr.com/`, primary: true, uuid: user.uuid, type: 'public' },
        ],
      },
    });
  });

  server.route('GET', '/v2/user/dashboard', (request) => {
    server.count('dashboard');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const limit = Math.min(Number(request.url.searchParams.get('limit') ?? '20'), 2);
    return wrapped(200, 'OK', {
      posts: Array.from({ length: limit }, (_, i) => ({ blog_name: 'staff', id: 6828225215 + i, id_string: String(6828225215 + i), type: 'text' })),
    });
  });

  return {
    ...controls.handle,
    endAccess: (user) => grants.revokeGrantsOf((someone) => someone.uuid === user.uuid),
    failNextUserInfo: userInfoFailure.queue,
  };
}
