/**
 * An emulator of Typeform's OAuth (api.typeform.com/oauth) and of the part
 * of its APIs (api.typeform.com) a connection touches, written from
 * Typeform's documentation
 * (https://www.typeform.com/developers/get-started/applications/,
 * https://www.typeform.com/developers/get-started/scopes/):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri` (the
 *   one registered), `state` and `scope`, space-separated, among Typeform's
 *   scopes (another is `invalid_scope` here). A refresh token comes only
 *   with `offline`. A person who declines goes back with
 *   `error=access_denied` (not shown by Typeform).
 * - Token: `POST /oauth/token` with the client in the form. A code is good
 *   once, for 10 minutes here. The answer is `access_token`,
 *   `token_type: "bearer"`, `expires_in` (a week here) and, with
 *   `offline`, `refresh_token`; a refresh answers a new pair, and the
 *   refresh token spent is not taken again. Refusals are RFC 6749 §5.2's
 *   `{ error, error_description }` here (not shown by Typeform).
 * - `GET /me` behind `accounts:read` answers `{ alias, email, language,
 *   user_id }`; `GET /forms` the person's forms behind `forms:read`. A
 *   token the API does not take is a 401 `{ code: "AUTHENTICATION_FAILED",
 *   description }`, a scope the grant lacks a 403 (neither shown by
 *   Typeform).
 * - removeApp() is the person removing the app from their account: its
 *   tokens stop working. There is no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
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

export interface TypeformUser {
  userId: string;
  alias: string;
  email: string;
}

export interface TypeformEmulator extends EmulatorHandle<TypeformUser> {
  /** The person removes the app from their Typeform account: none of its tokens works. */
  removeApp(user: TypeformUser): void;
}

const SCOPES = ['accounts:read', 'forms:read', 'forms:write', 'images:read', 'images:write', 'themes:read', 'themes:write', 'responses:read', 'responses:write', 'webhooks:read', 'webhooks:write', 'workspaces:read', 'workspaces:write', 'offline'];

export async function startTypeformEmulator(options: EmulatorOptions): Promise<TypeformEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TypeformUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: 7 * 86_400, refreshPolicy: 'rotating', refreshTokenTtl: null, codeTtl: 600 });
  const controls = emulatorControls<TypeformUser>(server, grants);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client or redirect URI',
    responseType: false,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    // A refresh token comes only with `offline`.
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline') }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => formCredentials(request, options),
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed.') },
    answer: ({ tokens }) =>
      json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: tokens.expiresIn, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) }),
  });

  const apiGrant = (request: EmulatorRequest, scope: string): Grant<TypeformUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { code: 'AUTHENTICATION_FAILED', description: 'Authentication credentials not found on the Request Headers' });
    return grant.scope.split(' ').includes(scope) ? grant : json(403, { code: 'FORBIDDEN', description: `The scope ${scope} is needed.` });
  };

  server.route('GET', '/me', (request) => {
    server.count('me');
    const grant = apiGrant(request, 'accounts:read');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { alias: user.alias, email: user.email, language: 'en', user_id: user.userId });
  });

  server.route('GET', '/forms', (request) => {
    server.count('forms');
    const grant = apiGrant(request, 'forms:read');
    if (!isGrant(grant)) return grant;
    return json(200, { total_items: 1, page_count: 1, items: [{ id: 'abc123', title: 'Customer feedback', last_updated_at: '2026-11-30T10:00:00Z' }] });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
  };
}
