/**
 * An emulator of Canva's OAuth for the Connect APIs (www.canva.com's
 * /api/oauth/authorize, api.canva.com's /rest/v1/oauth/token and
 * /rest/v1/oauth/revoke) and of the part of the Connect APIs a connection
 * touches, written from Canva's documentation:
 * - Authorize (https://canva.dev/docs/connect/authentication):
 *   `GET /api/oauth/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `state`, a space-separated `scope` (at least one,
 *   each one the integration selected), and a PKCE `code_challenge`, which is
 *   required, with `code_challenge_method` `s256` as the guide writes it (taken
 *   in either case: whether Canva takes RFC 7636's `S256` is not documented).
 *   A request it refuses goes back to the redirect URI with RFC 6749's
 *   `error`; a person who declines is `access_denied`.
 * - Token (https://canva.dev/docs/connect/api-reference/authentication/generate-access-token):
 *   `POST /rest/v1/oauth/token`, a form with the code and `code_verifier`, or
 *   a refresh token; the client by Basic, base64 of `{client id}:{client
 *   secret}` as they are, or `client_id` and `client_secret` in the body. The
 *   answer is `access_token`, `refresh_token`, `token_type: "Bearer"`,
 *   `expires_in` (14400: 4 hours) and `scope`; each refresh answers a new
 *   refresh token, and the used one is refused.
 * - Refusals are the Connect APIs' error object, `code` and `message`
 *   (https://canva.dev/docs/connect/error-responses): `invalid_grant` (400)
 *   for a code or refresh token it does not take, `invalid_client` (401) for
 *   a client it does not know; the statuses are not documented.
 * - Revoke (https://canva.dev/docs/connect/api-reference/authentication/revoke-token):
 *   `POST /rest/v1/oauth/revoke`, a form with `token`, the client as at the
 *   token endpoint; a refresh token revoked ends its lineage (the access
 *   tokens made from it) and the person's consent: the whole grant here; an
 *   access token revoked ends only itself. 200 with `{}`; a token it does not
 *   know is 200 too, as RFC 7009 §2.2 has it.
 * - API (under /rest): `GET /v1/users/me` (no scope) answers `team_user`
 *   with `user_id` and `team_id`; `GET /v1/users/me/profile` (`profile:read`)
 *   `profile.display_name`; `GET /v1/designs` (`design:meta:read`) the
 *   person's designs as `items` (https://canva.dev/docs/connect/api-reference/designs/list-designs).
 *   A token it does not take is 401 `invalid_access_token`, a scope not
 *   granted 403 `missing_scope`.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface CanvaUser {
  /** The Canva user id. */
  userId: string;
  /** The team the grant is for. */
  teamId: string;
  displayName: string;
}

export interface CanvaEmulatorOptions extends EmulatorOptions {
  /** The scopes the integration selected (default: those the preset asks for, and design:content:read). */
  registeredScopes?: string[];
}

export interface CanvaEmulator extends EmulatorHandle<CanvaUser> {
  /** The `token` of each revocation request the client authenticated, in order. */
  readonly revoked: ReadonlyArray<string>;
}

const ACCESS_TOKEN_TTL = 4 * 60 * 60;
const canvaError = (status: number, code: string, message: string): EmulatorReply => json(status, { code, message });

export async function startCanvaEmulator(options: CanvaEmulatorOptions): Promise<CanvaEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CanvaUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<CanvaUser>(server, grants);
  const revoked: string[] = [];
  const registered = new Set(options.registeredScopes ?? ['profile:read', 'design:meta:read', 'design:content:read']);

  authorizationEndpoint(server, '/api/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid request',
    refuse: (query) => {
      if (!query.get('code_challenge') || query.get('code_challenge_method')?.toLowerCase() !== 's256') return { error: 'invalid_request', error_description: 'code_challenge with code_challenge_method s256 is required' };
      const scopes = requestedScopes(query);
      return scopes.length === 0 || scopes.some((scope) => !registered.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    // Canva takes the method in either case; the challenge is S256's.
    request: () => ({ codeChallengeMethod: 'S256' }),
  });

  /** Basic with the id and secret as they are, or both in the body when no Authorization header is sent. */
  const isClient = (request: EmulatorRequest): boolean => (request.headers.authorization ? basicAsSent(request, options) : formCredentials(request, options));

  tokenEndpoint(server, '/rest/v1/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    errors: {
      client: () => canvaError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => canvaError(400, 'unsupported_grant_type', 'Unsupported grant type'),
      refreshToken: () => canvaError(400, 'invalid_grant', 'Refresh token is invalid'),
      code: () => canvaError(400, 'invalid_grant', 'Authorization code is invalid'),
    },
    answer: ({ grant, tokens }) =>
      json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'Bearer', expires_in: tokens.expiresIn, scope: grant.scope }),
  });

  server.route('POST', '/rest/v1/oauth/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return canvaError(401, 'invalid_client', 'Client authentication failed');
    const token = request.form().get('token');
    if (!token) return canvaError(400, 'invalid_request', "'token' must be provided");
    revoked.push(token);
    const grant = grants.grantOfToken(token);
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  /** The grant of the request's Bearer token when it holds `scope` (none: any grant); else Canva's 401 or 403. */
  const authorized = (request: EmulatorRequest, scope?: string): Grant<CanvaUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return canvaError(401, 'invalid_access_token', 'Access token is invalid');
    if (scope && !grant.scope.split(' ').includes(scope)) return canvaError(403, 'missing_scope', `Missing scopes: [${scope}]`);
    return grant;
  };

  server.route('GET', '/rest/v1/users/me', (request) => {
    server.count('users_me');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, { team_user: { user_id: grant.user.userId, team_id: grant.user.teamId } });
  });

  server.route('GET', '/rest/v1/users/me/profile', (request) => {
    server.count('profile');
    const grant = authorized(request, 'profile:read');
    if (!isGrant(grant)) return grant;
    return json(200, { profile: { display_name: grant.user.displayName } });
  });

  server.route('GET', '/rest/v1/designs', (request) => {
    server.count('designs');
    const grant = authorized(request, 'design:meta:read');
    if (!isGrant(grant)) return grant;
    return json(200, {
      items: [
        {
          id: 'DAFVztcvd9z',
          title: `Poster of ${grant.user.displayName}`,
          owner: { user_id: grant.user.userId, team_id: grant.user.teamId },
          urls: { edit_url: 'https://www.canva.com/api/design/DAFVztcvd9z/edit', view_url: 'https://www.canva.com/api/design/DAFVztcvd9z/view' },
          created_at: 1377396000,
          updated_at: 1692928800,
          page_count: 1,
        },
      ],
    });
  });

  return { ...controls.handle, revoked };
}
