/**
 * An emulator of Asana's OAuth (app.asana.com/-/oauth_*) and of the part of
 * its API (app.asana.com/api/1.0) that a connection touches, written from
 * Asana's documentation:
 * - Authorize (https://developers.asana.com/docs/oauth):
 *   `GET /-/oauth_authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `state`, a PKCE challenge (S256) and `scope`,
 *   space-separated, of the `<resource>:<action>` scopes
 *   (https://developers.asana.com/docs/oauth-scopes); a user who denies is
 *   sent back with `error=access_denied`. Scopes the app is not registered
 *   for are `invalid_scope`.
 * - Token (https://developers.asana.com/docs/oauth): `POST /-/oauth_token`,
 *   a form with `client_id` and `client_secret` in the body (no Basic header
 *   is documented, so none is taken); the answer has `access_token`,
 *   `expires_in: 3600`, `token_type: "bearer"`, `data` (the user: `id`,
 *   `gid`, `name`, `email`) and, for a code, `refresh_token`. A refresh
 *   answers a new access token and no refresh token: the one held does not
 *   expire and keeps working. Errors are RFC 6749 §5.2's
 *   `{ error, error_description }` (their exact descriptions are not
 *   documented).
 * - Revoke (https://developers.asana.com/docs/oauth): `POST /-/oauth_revoke`
 *   with `client_id`, `client_secret` and `token`, the refresh token, which
 *   ends the grant and its access tokens; a token it does not know is
 *   answered 200, as RFC 7009 §2.2 has it (Asana documents nothing else).
 * - Users (https://developers.asana.com/reference/getuser):
 *   `GET /api/1.0/users/me` answers `{ data: { gid, resource_type: "user",
 *   name, email, photo, workspaces } }`, `users:read` needed
 *   (https://developers.asana.com/docs/oauth-scopes).
 * - Workspaces (https://developers.asana.com/reference/getworkspaces):
 *   `GET /api/1.0/workspaces`, `workspaces:read` needed.
 * - Errors of the API (https://developers.asana.com/docs/errors):
 *   `{ errors: [{ message, help }] }`; 401 for a token it does not take,
 *   403 for a scope the token lacks.
 * Of the token and revocation behaviour above, only the endpoints could be
 * read on Asana's OAuth page here: the one-hour `expires_in`, the `data`
 * user, no new refresh token on a refresh, a refresh token that does not
 * expire, revocation by the refresh token and the error descriptions are
 * emulated as the preset's head comment says they are commonly reported,
 * not as checked against Asana's docs.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AsanaUser {
  /** The Asana user's global id, digits as a string. */
  gid: string;
  name: string;
  email: string;
}

export interface AsanaEmulatorOptions extends EmulatorOptions {
  /** The scopes the app is registered for (default: `users:read workspaces:read`). */
  appScopes?: string[];
}

export type AsanaEmulator = EmulatorHandle<AsanaUser>;

const ACCESS_TOKEN_TTL = 3600;
const WORKSPACE = { gid: '1331', resource_type: 'workspace', name: 'My Company Workspace' };

export async function startAsanaEmulator(options: AsanaEmulatorOptions): Promise<AsanaEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AsanaUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'static',
  });
  const controls = emulatorControls<AsanaUser>(server, grants);
  const appScopes = options.appScopes ?? ['users:read', 'workspaces:read'];

  authorizationEndpoint(server, '/-/oauth_authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'invalid_client', redirectUri: 'invalid_redirect_uri' },
    refuse: (query) => (requestedScopes(query).some((scope) => !appScopes.includes(scope)) ? { error: 'invalid_scope', error_description: 'The app is not registered for the requested scopes' } : undefined),
    denied: { error: 'access_denied', error_description: 'The user denied the request' },
  });

  /** `client_id` and `client_secret` in the form body: the client authentication Asana documents. */
  const isClient = (request: EmulatorRequest): boolean => formCredentials(request, options);
  const invalidClient = (): EmulatorReply => json(401, { error: 'invalid_client', error_description: 'The client credentials are invalid' });
  const userData = (user: AsanaUser) => ({ id: Number(user.gid), gid: user.gid, name: user.name, email: user.email });

  tokenEndpoint(server, '/-/oauth_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Server Error</h1>') },
    authenticates: isClient,
    errors: {
      client: invalidClient,
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid or has been revoked'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'The grant type is not supported'),
      code: () => oauthError(400, 'invalid_grant', 'The code is invalid or has expired'),
    },
    answer: ({ grantType, grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: ACCESS_TOKEN_TTL,
        token_type: 'bearer',
        data: userData(grant.user),
        ...(grantType === 'authorization_code' ? { refresh_token: tokens.refreshToken } : {}),
      }),
  });

  server.route('POST', '/-/oauth_revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return invalidClient();
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const apiError = (status: number, message: string): EmulatorReply => json(status, { errors: [{ message, help: 'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors' }] });
  /** The grant of the bearer token when it has `scope`, else the API's error. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<AsanaUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'Not Authorized');
    if (!grant.scope.split(' ').includes(scope)) return apiError(403, `The token is missing the required scope: ${scope}`);
    return grant;
  };

  server.route('GET', '/api/1.0/users/me', (request) => {
    server.count('users_me');
    const grant = authorized(request, 'users:read');
    if (!isGrant(grant)) return grant;
    const { gid, name, email } = grant.user;
    return json(200, { data: { gid, resource_type: 'user', name, email, photo: null, workspaces: [WORKSPACE] } });
  });

  server.route('GET', '/api/1.0/workspaces', (request) => {
    server.count('workspaces');
    const grant = authorized(request, 'workspaces:read');
    if (!isGrant(grant)) return grant;
    return json(200, { data: [WORKSPACE], next_page: null });
  });

  return controls.handle;
}
