/**
 * An emulator of PlanetScale's OAuth (auth.planetscale.com/oauth) and of the
 * part of its API (api.planetscale.com/v1) a connection touches, on one host,
 * written from PlanetScale's API docs
 * (https://planetscale.com/docs/api/reference/oauth, .../oauth/create-token,
 * .../oauth/revoke-token, .../get_current_user, .../list_organizations):
 * - Authorize: `GET /oauth/authorize` with `client_id`, the registered
 *   `redirect_uri` and `state` (`response_type` is not in the docs' URL, and
 *   not read). The grant's scopes are the application's access scopes,
 *   whatever the request says; PKCE is not read. A person who denies goes
 *   back with `error=access_denied` (not shown by PlanetScale).
 * - Token: `POST /oauth/token`, a form with `client_id` and `client_secret`
 *   in it (the form only here). A code is good once. The answer is
 *   `access_token` (`pscale_oauth_…`), `token_type: "Bearer"`,
 *   `expires_in: 2592000`, `refresh_token` (`pscale_oauth_refresh_…`) and
 *   `scope`; a refresh answers a new pair, and the refresh token replaced
 *   is refused from then on (PlanetScale does not say). Refusals are
 *   RFC 6749 §5.2's JSON: 401 `invalid_client`, 400 `invalid_grant` and
 *   400 `invalid_request` for an unknown grant type.
 * - Revoke: `POST /oauth/revoke`, a form with `token`, `client_id` and
 *   `client_secret`: 200 `{}` (401 for the client's credentials). An access
 *   token ends alone; a refresh token ends its grant.
 * - `GET /v1/user` (scope `read_user`, else 403) answers the user: `id`,
 *   `display_name`, `name`, `email`, `avatar_url`, `email_verified`…;
 *   `GET /v1/organizations` (`read_organizations`) the person's
 *   organizations. A token it does not take is a 401.
 * - removeApp() is the person removing the application's access: its tokens
 *   stop working.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface PlanetScaleUser {
  /** The user's id. */
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

export interface PlanetScaleEmulator extends EmulatorHandle<PlanetScaleUser> {
  /** The person removes the application's access: none of its tokens works. */
  removeApp(user: PlanetScaleUser): void;
  /** How many grants of the application the person still has. */
  liveGrants(user: PlanetScaleUser): number;
}

export interface PlanetScaleEmulatorOptions extends EmulatorOptions {
  /** The access scopes saved on the OAuth application (default `read_user read_organizations`). */
  accessScopes?: string;
}

export async function startPlanetScaleEmulator(options: PlanetScaleEmulatorOptions): Promise<PlanetScaleEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PlanetScaleUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: 2_592_000, refreshPolicy: 'rotating', refreshTokenTtl: null, prefixes: { access: 'pscale_oauth_', refresh: 'pscale_oauth_refresh_' } });
  const controls = emulatorControls<PlanetScaleUser>(server, grants);
  const accessScopes = options.accessScopes ?? 'read_user read_organizations';

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    responseType: false,
    pkce: false,
    // The application's access scopes, not the request's.
    request: () => ({ scope: accessScopes }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => oauthError(400, 'invalid_request', 'Invalid grant_type'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code is invalid or expired'),
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request', 'token is required');
    grants.revokeToken(token);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest, scope: string): Grant<PlanetScaleUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { code: 'unauthorized', message: 'Unauthorized' });
    return grant.scope.split(' ').includes(scope) ? grant : json(403, { code: 'forbidden', message: 'Forbidden' });
  };

  server.route('GET', '/v1/user', (request) => {
    server.count('user');
    const grant = apiGrant(request, 'read_user');
    if (!isGrant(grant)) return grant;
    const { id, name, email, emailVerified } = grant.user;
    return json(200, {
      id,
      display_name: name,
      name,
      email,
      avatar_url: `https://avatars.example.com/${id}`,
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-01T00:00:00.000Z',
      two_factor_auth_configured: false,
      sso: false,
      managed: false,
      directory_managed: false,
      email_verified: emailVerified,
    });
  });

  server.route('GET', '/v1/organizations', (request) => {
    server.count('organizations');
    const grant = apiGrant(request, 'read_organizations');
    if (!isGrant(grant)) return grant;
    return json(200, { current_page: 1, next_page: null, prev_page: null, data: [{ id: 'org_7k2m9x', name: 'acme', created_at: '2025-01-01T00:00:00.000Z' }] });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    liveGrants: (user) => grants.liveGrants(options.clientId).filter((grant) => grant.user.id === user.id).length,
  };
}
