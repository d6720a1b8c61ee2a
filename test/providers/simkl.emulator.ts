/**
 * An emulator of Simkl's OAuth (simkl.com's /oauth/authorize, api.simkl.com's /oauth/token) and of the part of its
 * API a connection touches, on one host, written from Simkl's API reference (https://api.simkl.org: "OAuth 2.0",
 * "Exchange token", "Get user settings"; and the Apiary description it replaces, https://github.com/SIMKL/API):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri` (the app's, else a
 *   page) and `state`; no scope is read (every token's scope is `public`). A person who declines goes back with
 *   `error=access_denied`.
 * - Token: `POST /oauth/token`, a form or JSON, the client in the body or as Basic; the confidential flow's
 *   `client_secret` excludes a `code_verifier` (a request with both is refused `invalid_request`). The answer is
 *   `access_token`, `token_type: "bearer"`, `scope: "public"` and `expires_in: 157680000` (5 years); no refresh token
 *   and no refresh grant. A code it does not take is 401 `{"error": "grant_error"}`; a wrong client secret 401
 *   `invalid_client` (assumed: not documented).
 * - API (the app's client id as `simkl-api-key`, or `client_id` in the query, and the token as Bearer): `POST
 *   /users/settings` (`user` with `name`, `joined_at`, `avatar`…; `account` with `id`, `timezone`, `type`) and
 *   `GET /sync/activities` (the latest update of each list). A client id missing or wrong is 412 `client_id_failed`,
 *   a token it does not take 401.
 * There is no revocation endpoint. The person may revoke the app in their Connected Apps settings (`revokeApp`),
 * which ends its token. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface SimklUser {
  /** The Simkl account id, a number. */
  id: number;
  /** The username. */
  name: string;
}

export interface SimklEmulator extends EmulatorHandle<SimklUser> {
  /** The person revokes the app in their Connected Apps settings: none of their tokens works any more. */
  revokeApp(user: SimklUser): void;
  /** The parameters of each token request, in order. */
  readonly tokenRequests: readonly Record<string, string>[];
}

export const SIMKL_TOKEN_SECONDS = 157_680_000;

export async function startSimklEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<SimklEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SimklUser>({ accessTokenTtl: SIMKL_TOKEN_SECONDS, refreshPolicy: 'none' });
  const controls = emulatorControls<SimklUser>(server, grants);
  const tokenRequests: Record<string, string>[] = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Wrong client_id or redirect_uri',
    pkce: false,
    request: () => ({ scope: 'public' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    screen: (request) => {
      const parameters = jsonOrForm(request);
      tokenRequests.push(Object.fromEntries(parameters));
      return parameters.has('client_secret') && parameters.has('code_verifier') ? oauthError(400, 'invalid_request', 'client_secret and code_verifier are mutually exclusive') : undefined;
    },
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const parameters = jsonOrForm(request);
      if (request.headers.authorization) return authenticatesAs(request, options);
      return parameters.get('client_id') === options.clientId && parameters.get('client_secret') === options.clientSecret;
    },
    parameters: jsonOrForm,
    pkce: false,
    errors: {
      code: () => json(401, { error: 'grant_error' }),
      grantType: () => oauthError(400, 'unsupported_grant_type'),
    },
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type'),
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', scope: 'public', expires_in: tokens.expiresIn }),
  });

  /** The app's client id (header or query), then the token. */
  const apiGrant = (request: EmulatorRequest) => {
    const clientId = request.headers['simkl-api-key'] ?? request.url.searchParams.get('client_id');
    if (clientId !== options.clientId) return json(412, { error: 'client_id_failed' });
    return bearerGrant(grants, request, () => json(401, { error: 'user_token_failed' }));
  };

  server.route('POST', '/users/settings', (request) => {
    server.count('settings');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: { name: user.name, joined_at: '2018-06-12T14:23:08.000Z', gender: '', avatar: `https://simkl.in/avatars/${user.id}/user_100.jpg`, bio: '', loc: '', age: '' },
      account: { id: user.id, timezone: 'Europe/Lisbon', type: 'free' },
    });
  });

  server.route('GET', '/sync/activities', (request) => {
    server.count('activities');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      all: '2026-12-05T20:41:12Z',
      settings: { all: '2026-11-02T09:17:15Z' },
      tv_shows: { all: '2026-12-05T20:41:12Z', watching: '2026-12-05T20:41:12Z', completed: '2026-11-29T18:02:09Z' },
      anime: { all: '2026-12-01T21:00:00Z', watching: '2026-12-01T21:00:00Z', hold: null },
      movies: { all: '2026-11-30T22:10:45Z', completed: '2026-11-30T22:10:45Z' },
    });
  });

  return {
    ...controls.handle,
    tokenRequests,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
