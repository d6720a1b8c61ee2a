/**
 * An emulator of Spotify's authorization code flow and the part of its Web
 * API that sign-in touches, written from Spotify's documentation:
 * - Authorization code flow (https://developer.spotify.com/documentation/web-api/tutorials/code-flow):
 *   GET /authorize with `client_id`, `response_type=code`, `redirect_uri`,
 *   `state`, space-separated `scope`; the redirect back carries `code` and
 *   `state`, or `error=access_denied`; POST /api/token, a form, the client's
 *   credentials in HTTP Basic as `base64(client_id:client_secret)`; the
 *   answer `{ access_token, token_type: "Bearer", scope, expires_in: 3600,
 *   refresh_token }`.
 * - PKCE (https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow):
 *   `code_challenge_method=S256` and `code_challenge`, checked against the
 *   token request's `code_verifier`.
 * - Refreshing (https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens):
 *   an answer with a new refresh token or none (the held one stays in use;
 *   `rotateRefreshTokens` picks which); a refresh token ends six months after
 *   the authorization whatever the refreshes, then `invalid_grant`
 *   (https://developer.spotify.com/blog/2026-06-18-refresh-token-expiration).
 * - Get Current User's Profile (https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile):
 *   `GET /v1/me` with `id`, `display_name` (nullable), `email` only with
 *   `user-read-email`, `country` and `product` only with `user-read-private`.
 * - Errors: the Web API's `{ error: { status, message } }` with 401 for a bad
 *   or expired token (https://developer.spotify.com/documentation/web-api/concepts/api-calls#response-status-codes);
 *   RFC 6749 §5.2 bodies at the token endpoint. Spotify documents no answer
 *   to a client that does not authenticate: here 400 `invalid_client` (RFC
 *   6749 §5.2 has 401 after Basic; the app reads the code either way).
 * - Development mode (https://developer.spotify.com/documentation/web-api/concepts/quota-modes):
 *   an app serves only the users on its allowlist in the Developer Dashboard;
 *   with allowOnly(), the Web API answers anyone else HTTP 403 with the plain
 *   text "User not registered in the Developer Dashboard", as Spotify answers
 *   (reported by the users of many Spotify clients; the words are not in the
 *   documentation).
 * There is no revocation endpoint. The authorization page approves at once
 * for the person set with signInAs().
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface SpotifyUser {
  id: string;
  displayName: string | null;
  email: string;
}

export interface SpotifyEmulatorOptions extends EmulatorOptions {
  /** A refresh answers a new refresh token (true) or none, the held one staying in use (false). */
  rotateRefreshTokens: boolean;
}

export interface SpotifyEmulator extends EmulatorHandle<SpotifyUser> {
  /** Development mode: the Web API serves only these user ids (null: everyone, as in extended quota mode). */
  allowOnly(userIds: readonly string[] | null): void;
}

const ACCESS_TOKEN_TTL = 3600;
/** Six months, counted from the authorization. */
const REFRESH_TOKEN_LIFETIME = 183 * 86_400;

function apiError(status: number, message: string): EmulatorReply {
  return json(status, { error: { status, message } });
}

export async function startSpotifyEmulator(options: SpotifyEmulatorOptions): Promise<SpotifyEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<SpotifyUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: options.rotateRefreshTokens ? 'rotating' : 'static' });
  /** When each grant's refresh tokens stop working: fixed at the authorization. */
  const refreshEnds = new Map<string, number>();
  const controls = emulatorControls<SpotifyUser>(server, grants);

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'INVALID_CLIENT: Invalid client', redirectUri: 'INVALID_CLIENT: Invalid redirect URI' },
    refuse: (query) => (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256' ? { error: 'invalid_request' } : undefined),
  });

  const invalidGrant = (description: string) => json(400, { error: 'invalid_grant', error_description: description });

  tokenEndpoint(server, '/api/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => apiError(status, status === 503 ? 'Service unavailable' : 'Server error') },
    // Basic as Spotify documents it: base64 of `client_id:client_secret`, as they are.
    authenticates: (request) => basicAsSent(request, options),
    errors: {
      client: () => oauthError(400, 'invalid_client', 'Invalid client secret'),
      refreshToken: () => invalidGrant('Invalid refresh token'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'grant_type parameter is missing'),
      code: (reason) => invalidGrant(reason === 'pkce_failed' ? 'code_verifier was incorrect' : 'Invalid authorization code'),
    },
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      return grant && now() >= refreshEnds.get(grant.id)! ? invalidGrant('Refresh token expired') : undefined;
    },
    answer: ({ grantType, grant, tokens }) => {
      if (grantType === 'authorization_code') refreshEnds.set(grant.id, now() + REFRESH_TOKEN_LIFETIME);
      return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', scope: grant.scope, expires_in: ACCESS_TOKEN_TTL, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) });
    },
  });

  let allowed: Set<string> | null = null;
  server.route('GET', '/v1/me', (request) => {
    server.count('me');
    const token = request.bearer();
    if (!token) return apiError(401, 'No token provided');
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return apiError(401, grants.grantOfToken(token) ? 'The access token expired' : 'Invalid access token');
    if (allowed && !allowed.has(grant.user.id)) return { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'User not registered in the Developer Dashboard' };
    const scopes = grant.scope.split(' ');
    const { id, displayName, email } = grant.user;
    const body: Record<string, unknown> = {
      display_name: displayName,
      external_urls: { spotify: `https://open.spotify.com/user/${id}` },
      followers: { href: null, total: 0 },
      href: `https://api.spotify.com/v1/users/${id}`,
      id,
      images: [],
      type: 'user',
      uri: `spotify:user:${id}`,
    };
    if (scopes.includes('user-read-email')) body.email = email;
    if (scopes.includes('user-read-private')) Object.assign(body, { country: 'SE', product: 'premium', explicit_content: { filter_enabled: false, filter_locked: false } });
    return json(200, body);
  });

  return {
    ...controls.handle,
    allowOnly: (userIds) => {
      allowed = userIds === null ? null : new Set(userIds);
    },
  };
}
