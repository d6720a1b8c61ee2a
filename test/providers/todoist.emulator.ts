/**
 * An emulator of Todoist's OAuth (todoist.com/oauth) and of the part of its
 * API v1 (api.todoist.com/api/v1) a connection touches, written from Doist's
 * documentation of the API and of its SDK
 * (https://developer.todoist.com/api/v1/#tag/Authorization,
 * https://doist.github.io/todoist-api-typescript/authorization,
 * https://doist.github.io/todoist-sdk-typescript/api/functions/refreshAuthToken):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `state` and `scope`,
 *   comma-separated, among Todoist's scopes (another is `invalid_scope`); a
 *   person who declines goes back with `error=access_denied`. The redirect
 *   is the app's registered one (a `redirect_uri` naming another is refused
 *   on Todoist's page here).
 * - Token: `POST /oauth/access_token` with `client_id`, `client_secret` and
 *   the code in the form. The answer is `access_token` and
 *   `token_type: "Bearer"`; an app with refresh tokens (the default for new
 *   apps; `refreshTokens: false` is an older app) also gets `refresh_token`
 *   and `expires_in` (an hour here, not shown by Todoist), and each refresh
 *   answers a new pair, the refresh token spent refused afterwards. An older
 *   app's access token does not expire. Refusals are RFC 6749 §5.2's
 *   `{ error }` here (not shown by Todoist).
 * - API: `GET /api/v1/user` answers `{ id, email, full_name, … }` (the id a
 *   string); `GET /api/v1/projects` the person's projects as
 *   `{ results, next_cursor }`. A token the API does not take is a 401 (its
 *   body not shown by Todoist).
 * - Revoke: RFC 7009's `POST /api/v1/revoke`, the client by HTTP Basic,
 *   `token` and `token_type_hint` in the form; a refresh token ends the
 *   grant, an access token ends alone; 200 for a token it does not know too.
 * - removeApp() is the person removing the app in Todoist's settings: its
 *   tokens stop working.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface TodoistUser {
  /** The Todoist user id, a string of digits. */
  id: string;
  email: string;
  fullName: string;
}

export interface TodoistEmulatorOptions extends EmulatorOptions {
  /** Whether the app has refresh tokens enabled (default true, as for new apps); false: long-lived access tokens alone. */
  refreshTokens?: boolean;
}

export interface TodoistEmulator extends EmulatorHandle<TodoistUser> {
  /** The person removes the app in their Todoist settings: none of its tokens works. */
  removeApp(user: TodoistUser): void;
  /** The `token_type_hint` of each revocation, in order (null: none). */
  readonly revocationHints: ReadonlyArray<string | null>;
}

const SCOPES = ['task:add', 'data:read', 'data:read_write', 'data:delete', 'project:delete', 'backups:read'];
const ACCESS_TOKEN_TTL = 3600;

export async function startTodoistEmulator(options: TodoistEmulatorOptions): Promise<TodoistEmulator> {
  const server = await startEmulatorServer();
  const refreshTokens = options.refreshTokens ?? true;
  const grants = new GrantStore<TodoistUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: refreshTokens ? ACCESS_TOKEN_TTL : null,
    refreshPolicy: refreshTokens ? 'rotating' : 'none',
  });
  const controls = emulatorControls<TodoistUser>(server, grants);
  const revocationHints: Array<string | null> = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid client_id', redirectUri: 'Redirect URI does not match the application' },
    responseType: false,
    pkce: false,
    refuse: (query) => {
      const asked = requestedScopes(query, ',');
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    request: (query) => ({ scope: requestedScopes(query, ',').join(' ') }),
  });

  tokenEndpoint(server, '/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        ...(tokens.expiresIn !== undefined ? { expires_in: tokens.expiresIn } : {}),
      }),
  });

  const unauthorized = () => json(401, { error: 'Unauthorized' });

  server.route('GET', '/api/v1/user', (request) => {
    server.count('user');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, email: user.email, full_name: user.fullName, lang: 'en', is_premium: false, karma: 50 });
  });

  server.route('GET', '/api/v1/projects', (request) => {
    server.count('projects');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    return json(200, { results: [{ id: '6Jf8VQXxpwv56VQ7', name: 'Inbox', inbox_project: true }], next_cursor: null });
  });

  server.route('POST', '/api/v1/revoke', (request) => {
    server.count('revoke');
    if (!basicAsSent(request, options)) return oauthError(401, 'invalid_client');
    const form = request.form();
    revocationHints.push(form.get('token_type_hint'));
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    const grant = grants.grantOfToken(token);
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    revocationHints,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
