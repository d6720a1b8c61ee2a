/**
 * An emulator of a Canvas LMS install (its OAuth2 endpoints under /login and
 * the part of its REST API under /api a connection touches) with one
 * developer key, written from Canvas's documentation
 * (https://developerdocs.instructure.com/services/canvas/oauth/oauth_endpoints,
 * https://developerdocs.instructure.com/services/canvas/oauth,
 * https://developerdocs.instructure.com/services/canvas/resources/users):
 * - Authorize: `GET /login/oauth2/auth` with `client_id`,
 *   `response_type=code`, `redirect_uri`, `state` and an optional `scope`;
 *   a `prompt` other than `none` is sent back `unsupported_prompt_type`, a
 *   person who cancels `access_denied`.
 * - Token: `POST /login/oauth2/token` with the client in the form (or by
 *   Basic, as Canvas's source reads it); the answer is `access_token`,
 *   `token_type: "Bearer"`, `user` (`id`, `name`), `refresh_token` (at the
 *   code exchange only: the same one serves every refresh) and `expires_in`
 *   (3600). A refresh replaces the access token, the old one then refused.
 *   Refusals as Canvas's source (lib/canvas/oauth/request_error.rb) words
 *   them: 401 `invalid_client` ("unknown client", "invalid client"), 400
 *   `invalid_grant` "authorization_code not found", 400 `invalid_request`
 *   "refresh_token not found".
 * - API: `GET /api/v1/users/self/profile` (`id`, `name`, `short_name`,
 *   `sortable_name`, `primary_email`, `login_id`) and `GET /api/v1/courses`,
 *   the token as Bearer; a token deleted or expired is answered 401 with a
 *   `WWW-Authenticate` header. `DELETE /login/oauth2/token` with the token
 *   deletes it and its refresh token, answering `{}`.
 * Made up here: the API's 401 body and the authorization page for an unknown
 * client. deleteToken() is the person deleting the app's token on their
 * profile page. The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface CanvasUser {
  /** The Canvas user id, an integer. */
  id: number;
  name: string;
  sortableName: string;
  email: string;
  loginId: string;
}

export interface CanvasEmulator extends EmulatorHandle<CanvasUser> {
  /** The person deletes the app's token on their Canvas profile page: it and its refresh token stop working. */
  deleteToken(user: CanvasUser): void;
  /** The next profile request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ACCESS_TOKEN_TTL = 3600;
const INVALID_TOKEN = () => json(401, { errors: [{ message: 'Invalid access token.' }] }, { 'www-authenticate': 'Bearer realm="canvas-lms"' });

export async function startCanvasEmulator(options: EmulatorOptions): Promise<CanvasEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CanvasUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  const controls = emulatorControls<CanvasUser>(server, grants);
  /** Each grant's one live access token: a refresh regenerates it. */
  const currentAccessToken = new Map<string, string>();
  const profileFailure = queuedFailure();

  server.route('GET', '/login/oauth2/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return oauthError(401, 'invalid_client', 'unknown client');
    if (query.get('redirect_uri') !== options.redirectUri) return oauthError(400, 'invalid_request', 'redirect_uri does not match client settings');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: 'Only response_type=code is permitted' });
    const prompt = query.get('prompt');
    if (prompt !== null && prompt !== 'none') return reply({ error: 'unsupported_prompt_type', error_description: 'prompt must be "none" (or omitted)' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const code = grants.issueCode({
      clientId: options.clientId,
      redirectUri: options.redirectUri,
      scope: requestedScopes(query).join(' '),
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
      user,
    });
    return reply({ code });
  });

  tokenEndpoint(server, '/login/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'invalid client'),
      code: () => oauthError(400, 'invalid_grant', 'authorization_code not found'),
      refreshToken: () => oauthError(400, 'invalid_request', 'refresh_token not found'),
    },
    answer: ({ grantType, grant, tokens }) => {
      const previous = currentAccessToken.get(grant.id);
      if (previous) grants.revokeAccessToken(previous);
      currentAccessToken.set(grant.id, tokens.accessToken);
      return json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        user: { id: grant.user.id, name: grant.user.name },
        // The same refresh token serves every refresh: a refresh answers none.
        ...(grantType === 'authorization_code' && tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        expires_in: tokens.expiresIn,
      });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, INVALID_TOKEN);

  server.route('DELETE', '/login/oauth2/token', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return json(200, {});
  });

  server.route('GET', '/api/v1/users/self/profile', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ message: 'An error occurred.' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      name: user.name,
      short_name: user.name,
      sortable_name: user.sortableName,
      primary_email: user.email,
      login_id: user.loginId,
      avatar_url: `${server.origin}/images/messages/avatar-50.png`,
      locale: null,
    });
  });

  server.route('GET', '/api/v1/courses', (request) => {
    server.count('courses');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [
      { id: 370663, name: 'InstructureCon 2026', course_code: 'INSTCON26', workflow_state: 'available', enrollments: [{ type: 'student', user_id: grant.user.id }] },
    ]);
  });

  return {
    ...controls.handle,
    deleteToken: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
