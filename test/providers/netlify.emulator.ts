/**
 * An emulator of Netlify's OAuth applications (app.netlify.com/authorize,
 * api.netlify.com/oauth/token) and of the part of its API
 * (api.netlify.com/api/v1) a connection touches, written from Netlify's own
 * pages and code (https://www.netlify.com/blog/2016/10/10/integrating-with-netlify-oauth2/,
 * https://github.com/netlify/open-api swagger.yml,
 * https://github.com/netlify-labs/oauth-example):
 * - Authorize: `GET /authorize` with `client_id`, `response_type=code`,
 *   `redirect_uri` (the application's) and `state`; there are no scopes. A
 *   person who declines goes back with `error=access_denied` (not
 *   documented by Netlify). An unknown client or redirect URI is told on a
 *   page (not documented).
 * - Token: `POST /oauth/token`, a form of `grant_type=authorization_code`,
 *   `code`, `redirect_uri`, `client_id` and `client_secret`; a code is good
 *   once. The answer is `{ access_token }` alone: the only member Netlify's
 *   example reads; no expiry and no refresh token are documented, so none is
 *   given. Refusals are RFC 6749 §5.2's `{ error, error_description }` here
 *   (not documented by Netlify).
 * - API (under /api/v1), the token as Bearer: `GET /user` (`id`, `uid`,
 *   `full_name`, `avatar_url`, `email`, `site_count`, `created_at`,
 *   `last_login`, `login_providers`) and `GET /sites`; a token it does not
 *   take is 401 with the OpenAPI document's error `{ code, message }`.
 * - removeApp() is the person revoking the application in their user
 *   settings: its tokens stop working. There is no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface NetlifyUser {
  /** Netlify's user id, 24 hex digits. */
  id: string;
  fullName: string;
  email: string;
}

export interface NetlifyEmulator extends EmulatorHandle<NetlifyUser> {
  /** The person revokes the application in their user settings: every token of theirs stops working. */
  removeApp(user: NetlifyUser): void;
}

const ACCESS_DENIED = () => json(401, { code: 401, message: 'Access Denied: your token is invalid or expired' });

export async function startNetlifyEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<NetlifyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<NetlifyUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<NetlifyUser>(server, grants);

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The OAuth application or its redirect URI was not found',
    pkce: false,
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client.') },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, ACCESS_DENIED);

  server.route('GET', '/api/v1/user', (request) => {
    server.count('user');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      uid: user.id.slice(0, 12),
      full_name: user.fullName,
      avatar_url: null,
      email: user.email,
      affiliate_id: '',
      site_count: 1,
      created_at: '2024-03-01T10:00:00.000Z',
      last_login: '2026-12-01T09:00:00.000Z',
      login_providers: ['email'],
    });
  });

  server.route('GET', '/api/v1/sites', (request) => {
    server.count('sites');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: '3970e0fe-8564-4903-9a55-c5f8de49fb8b', name: 'quirky-lovelace-1a2b3c', url: 'https://quirky-lovelace-1a2b3c.netlify.app', user_id: grant.user.id }]);
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
