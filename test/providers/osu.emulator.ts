/**
 * An emulator of osu!'s OAuth (osu.ppy.sh's /oauth/authorize and
 * /oauth/token) and of the part of osu!api v2 a connection touches, written
 * from osu!'s documentation (https://osu.ppy.sh/docs/index.html:
 * "Authorization Code Grant", "Refresh access token", "Scopes",
 * "Get Own Data", "Get User Scores", "Revoke current token"):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri` (the
 *   registered callback, exactly), `response_type=code`, a space-delimited
 *   `scope` and `state`, sent back with the single-use code; `identify` is
 *   always granted, asked or not. A scope it does not know is sent back as
 *   `invalid_scope`, a person who refuses as `access_denied`.
 * - Token: `POST /oauth/token`, a form with `client_id` and `client_secret`;
 *   the answer is `token_type: "Bearer"`, `expires_in` (86400),
 *   `access_token` and `refresh_token`, no scope. A refresh answers a new
 *   access token and a new refresh token, and the used one is refused after
 *   it; a refresh's `scope` may only narrow. Refusals are those of the
 *   Laravel Passport server osu-web runs (400 `invalid_grant`, 401
 *   `invalid_client`), with `error_description`, `hint` and `message`.
 * - API (under /api/v2): `GET /me` (the person: `id`, `username`,
 *   `country_code`, `avatar_url`, `is_restricted` and more), and
 *   `GET /users/{user}/scores/{type}` behind `public`, the token as Bearer;
 *   401 for a token it does not take. `DELETE /oauth/tokens/current`
 *   revokes the token (204), and its refresh token with it.
 * The person may revoke the app on their account settings page
 * (`removeApp`). The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface OsuUser {
  /** The osu! user id, a number. */
  id: number;
  username: string;
  countryCode: string;
  restricted?: boolean;
}

export interface OsuEmulator extends EmulatorHandle<OsuUser> {
  /** The person revokes the app on their account settings page: every token of theirs stops working. */
  removeApp(user: OsuUser): void;
  /** The `scope` each refresh sent, in order (null: none). */
  readonly refreshScopes: ReadonlyArray<string | null>;
}

const ACCESS_TOKEN_TTL = 86_400;
const SCOPES = ['identify', 'public', 'friends.read', 'chat.read', 'chat.write', 'chat.write_manage', 'forum.write', 'forum.write_manage'];
const UNAUTHENTICATED = () => json(401, { authentication: 'basic' });

/** Laravel Passport's refusal: `error`, `error_description`, `hint` and `message` (the description again). */
function passportError(status: number, error: string, description: string, hint = ''): EmulatorReply {
  return json(status, { error, error_description: description, hint, message: description });
}
const INVALID_GRANT = () =>
  passportError(
    400,
    'invalid_grant',
    RFC_6749_DESCRIPTIONS.invalid_grant,
    'Token has been revoked',
  );

export async function startOsuEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<OsuEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<OsuUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<OsuUser>(server, grants);
  const refreshScopes: Array<string | null> = [];

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return passportError(401, 'invalid_client', 'Client authentication failed');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid redirect URI</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = requestedScopes(query);
    if (asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.', hint: 'The user denied the request', message: 'The resource owner or authorization server denied the request.' });
    const scope = asked.includes('identify') ? asked : ['identify', ...asked];
    return reply({
      code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scope.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user }),
    });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: {
      client: () => passportError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => passportError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.'),
      refreshToken: INVALID_GRANT,
      code: INVALID_GRANT,
    },
    refuseRefresh: (presented, form) => {
      const asked = form.get('scope');
      refreshScopes.push(asked);
      const granted = grants.grantOfToken(presented)?.scope.split(' ') ?? [];
      if (asked !== null && asked.split(' ').some((scope) => !granted.includes(scope))) return passportError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed');
      return undefined;
    },
    answer: ({ tokens }) => json(200, { token_type: 'Bearer', expires_in: tokens.expiresIn, access_token: tokens.accessToken, refresh_token: tokens.refreshToken }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, UNAUTHENTICATED);

  server.route('GET', '/api/v2/me', (request) => {
    server.count('profile');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      username: user.username,
      country_code: user.countryCode,
      avatar_url: `https://a.ppy.sh/${user.id}?1700000000.jpeg`,
      default_group: 'default',
      is_active: true,
      is_bot: false,
      is_restricted: user.restricted ?? false,
      playmode: 'osu',
      statistics: { pp: 4321.5, global_rank: 12345 },
    });
  });

  server.route('GET', '/api/v2/users/:user/scores/:type', (request) => {
    server.count('scores');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('public')) return json(403, { error: 'A required scope is missing.' });
    const limit = Number(request.url.searchParams.get('limit') ?? '100');
    return json(
      200,
      Array.from({ length: Math.min(limit, 2) }, (_, i) => ({ id: 4_100_000_000 + i, user_id: Number(request.params.user), pp: 300 - i * 10, rank: 'S', mode: request.url.searchParams.get('mode') ?? 'osu' })),
    );
  });

  server.route('DELETE', '/api/v2/oauth/tokens/current', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    refreshScopes,
  };
}
