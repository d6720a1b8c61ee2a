/**
 * An emulator of Zoom's OAuth 2.0 for user-managed apps (zoom.us/oauth) and
 * the part of its REST API (api.zoom.us/v2) that sign-in touches, written
 * from Zoom's documentation:
 * - OAuth (https://developers.zoom.us/docs/integrations/oauth/):
 *   `GET /oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri`, `state` and, optionally, a PKCE challenge; the redirect
 *   back carries `code` and `state`; `POST /oauth/token` authenticated with
 *   `Authorization: Basic base64(Client_ID:Client_Secret)`, the id and secret
 *   as they are (the docs show no form-encoding, so none is undone here);
 *   access tokens of an hour; each refresh answers a new refresh token and
 *   the one used stops working; a refresh token ends 90 days after it was
 *   issued; `POST /oauth/revoke` with the same Basic header and the access
 *   token as `token`, answered `{"status": "success"}`.
 * - Errors: the token endpoint answers `{"reason": …, "error": …}`; a refresh
 *   token it no longer takes is 400 `{"reason": "Invalid Token!", "error": "invalid_grant"}`
 *   (the answer Zoom's clients log: https://github.com/raycast/extensions/issues/10896).
 *   The API answers a bad token 401 `{"code": 124, "message": "Invalid access token."}`
 *   (https://developers.zoom.us/docs/api/rest/error-definitions/).
 * - Users (https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}):
 *   `GET /v2/users/me` with `user:read:user`: `id`, `first_name`, `last_name`,
 *   `display_name`, `email`, `verified` (1 or 0), `account_id`…
 * What revoking the access token does to the rest of the authorization is not
 * spelled out; here it ends it (the user must authorize the app again), the
 * reading the OAuth page's "revoke" gives. The authorization page approves at
 * once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface ZoomUser {
  id: string;
  firstName: string;
  lastName: string;
  displayName: string;
  email: string;
  /** 1: the e-mail is verified; 0: not. */
  verified: 0 | 1;
}

export type ZoomEmulator = Omit<EmulatorHandle<ZoomUser>, 'denyNextAuthorization'>;

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_TTL = 90 * 86_400;

export async function startZoomEmulator(options: EmulatorOptions): Promise<ZoomEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ZoomUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<ZoomUser>(server, grants);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client_id or redirect_uri',
    responseType: { page: 'Unsupported response type' },
  });

  /** Whether the Basic header is this client's: base64 of `id:secret` as they are, nothing percent-decoded. */
  const isClient = (request: EmulatorRequest): boolean => basicAsSent(request, options);
  const unauthorized = (): EmulatorReply => json(401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    errors: {
      client: unauthorized,
      refreshToken: () => json(400, { reason: 'Invalid Token!', error: 'invalid_grant' }),
      grantType: () => json(400, { reason: 'Unsupported grant type', error: 'unsupported_grant_type' }),
      code: () => json(400, { reason: 'Invalid authorization code', error: 'invalid_grant' }),
    },
    answer: ({ grant, tokens }) =>
      json(200, { access_token: tokens.accessToken, token_type: 'bearer', refresh_token: tokens.refreshToken, expires_in: ACCESS_TOKEN_TTL, scope: grant.scope, api_url: 'https://api.zoom.us' }),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return unauthorized();
    const token = request.form().get('token') ?? request.url.searchParams.get('token') ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return json(400, { reason: 'Invalid Token!', error: 'invalid_request' });
    grants.revokeGrant(grant.id);
    return json(200, { status: 'success' });
  });

  server.route('GET', '/v2/users/me', (request) => {
    server.count('users_me');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { code: 124, message: 'Invalid access token.' });
    if (!grant.scope.split(' ').includes('user:read:user')) return json(400, { code: 4711, message: 'Invalid access token, does not contain scopes:[user:read:user].' });
    const { id, firstName, lastName, displayName, email, verified } = grant.user;
    return json(200, {
      id,
      first_name: firstName,
      last_name: lastName,
      display_name: displayName,
      email,
      type: 1,
      role_name: 'Owner',
      pmi: 6_587_914_002,
      use_pmi: false,
      timezone: 'America/Los_Angeles',
      verified,
      dept: '',
      created_at: '2024-01-15T08:00:00Z',
      last_login_time: '2026-11-30T09:00:00Z',
      language: 'en-US',
      status: 'active',
      role_id: '0',
      account_id: 'q6gBJVO5TzexKYTb_I2rpg',
      account_number: 10_009_239,
      cluster: 'us05',
      user_created_at: '2024-01-15T08:00:00Z',
    });
  });

  return controls.handle;
}
