/**
 * An emulator of a Mattermost server as an OAuth 2.0 service provider, and
 * of the part of its REST API (/api/v4) a connection touches, written from
 * Mattermost's developer docs
 * (https://developers.mattermost.com/integrate/apps/authentication/oauth2/)
 * and its server's behaviour as its source has it:
 * - Authorize: `GET /oauth/authorize` with `response_type=code` (another
 *   goes back with `unsupported_response_type`), `client_id`, the
 *   registered `redirect_uri`, `state`, and a PKCE challenge it keeps. No
 *   scopes. The person approves (at once here, as signInAs()'s person) or
 *   denies, and goes back with the code or `error=access_denied`.
 * - Token: `POST /oauth/access_token`, the client's id and secret in the form
 *   only (client_secret_post; Basic is not read). A code is good once, for
 *   10 minutes. The answer is `access_token`, `token_type: "bearer"`,
 *   `expires_in` (SessionLengthSSOInHours, 720 hours by default), `scope: ""`
 *   and `refresh_token`. A refresh answers a new pair and ends the old
 *   access token (its session) and the old refresh token.
 * - Refusals are AppError JSON `{ id, message, detailed_error, request_id,
 *   status_code }`: a wrong secret 401
 *   `model.oauth.validate_grant.credentials.app_error`, a grant type other
 *   than the two 400 `api.oauth.get_access_token.bad_grant.app_error`, an
 *   unknown refresh token 404 `api.oauth.get_access_token.refresh_token.app_error`,
 *   an unknown or used code 400 and an expired one 403
 *   `api.oauth.get_access_token.expired_code.app_error`, a redirect URI other
 *   than the code's 400 `api.oauth.get_access_token.redirect_uri.app_error`.
 * - `GET /api/v4/users/me` answers the user (`id`, `username`, `email`,
 *   `email_verified`, `first_name`, `last_name`, `nickname`…),
 *   `GET /api/v4/users/me/teams` the person's teams; a token it does not take
 *   is a 401 AppError `api.context.session_expired.app_error`.
 * - revokeApp() is the person deauthorizing the app under Settings,
 *   Security, OAuth 2.0 Applications: its access data goes, so its tokens
 *   stop working and its refresh token is unknown. There is no revocation
 *   endpoint.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface MattermostUser {
  /** The user id, 26 characters, which never changes. */
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  emailVerified: boolean;
}

export interface MattermostEmulator extends EmulatorHandle<MattermostUser> {
  /** The person deauthorizes the app in their security settings: its tokens stop working. */
  revokeApp(user: MattermostUser): void;
}

/** SessionLengthSSOInHours' default, 720 hours. */
const SESSION_SECONDS = 720 * 3600;

/** Mattermost's AppError answer. */
const appError = (status: number, id: string, message: string): EmulatorReply => json(status, { id, message, detailed_error: '', request_id: 'k3q9x7m1pz8rbt4yfw6nce2uda', status_code: status });

export async function startMattermostEmulator(options: EmulatorOptions): Promise<MattermostEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MattermostUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SESSION_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: null, codeTtl: 600 });
  const controls = emulatorControls<MattermostUser>(server, grants);
  /** The access token each grant holds now: a refresh removes the previous session. */
  const currentAccess = new Map<string, string>();

  authorizationEndpoint(server, '/oauth/authorize', { client: options, grants, approver: controls.approver, pages: 'invalid_request: Supplied redirect_uri did not match registered callback_url.' });

  tokenEndpoint(server, '/oauth/access_token', {
    client: options,
    grants,
    counter: 'token_request',
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<html><body><h1>502 Bad Gateway</h1></body></html>') },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => appError(401, 'model.oauth.validate_grant.credentials.app_error', 'invalid_client: Invalid client credentials.'),
      grantType: () => appError(400, 'api.oauth.get_access_token.bad_grant.app_error', 'invalid_request: Bad grant_type.'),
      refreshToken: () => appError(404, 'api.oauth.get_access_token.refresh_token.app_error', 'invalid_grant: Invalid refresh token.'),
      code: (reason) =>
        reason === 'redirect_uri_mismatch'
          ? appError(400, 'api.oauth.get_access_token.redirect_uri.app_error', 'invalid_request: Supplied redirect_uri does not match authorization code redirect_uri.')
          : appError(reason === 'expired_code' ? 403 : 400, 'api.oauth.get_access_token.expired_code.app_error', 'invalid_grant: Invalid or expired authorization code.'),
    },
    answer: ({ grant, tokens }) => {
      const previous = currentAccess.get(grant.id);
      if (previous) grants.revokeAccessToken(previous);
      currentAccess.set(grant.id, tokens.accessToken);
      return json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: tokens.expiresIn, scope: '', refresh_token: tokens.refreshToken });
    },
  });

  const apiGrant = (request: EmulatorRequest): Grant<MattermostUser> | EmulatorReply =>
    grants.grantOfAccessToken(request.bearer() ?? '') ?? appError(401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.');

  server.route('GET', '/api/v4/users/me', (request) => {
    server.count('users_me');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      create_at: 1_700_000_000_000,
      update_at: 1_700_000_000_000,
      delete_at: 0,
      username: user.username,
      auth_data: '',
      auth_service: '',
      email: user.email,
      email_verified: user.emailVerified,
      nickname: '',
      first_name: user.firstName,
      last_name: user.lastName,
      position: '',
      roles: 'system_user',
      locale: 'en',
    });
  });

  server.route('GET', '/api/v4/users/me/teams', (request) => {
    server.count('teams');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: 'tm7q2x9c4b8nr3kw5y1pzfd6ha', name: 'engineering', display_name: 'Engineering', type: 'O', delete_at: 0 }]);
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
