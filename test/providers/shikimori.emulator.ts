/**
 * An emulator of Shikimori's OAuth (shikimori.one's /oauth/authorize, /oauth/token and /oauth/revoke) and of the
 * part of its API a connection touches, on one host, written from Shikimori's OAuth2 guide
 * (https://shikimori.one/oauth), its API documentation (https://shikimori.one/api/doc) and the Doorkeeper
 * configuration of its source (https://github.com/shikimori/shikimori, config/initializers/doorkeeper.rb):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri` (the application's, else a page),
 *   `response_type=code` and a space-separated `scope` among the application's (`user_rates`, `comments`, `topics`;
 *   none asked is `user_rates`), else `invalid_scope`; a person who refuses goes back with `access_denied` and
 *   RFC 6749's description, as Doorkeeper sends it. A PKCE challenge, when sent, binds the code.
 * - Token: `POST /oauth/token`, the client in the form, with a `User-Agent` (a request without one is refused 403:
 *   the API documentation warns that such clients are banned). The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` (86400: a day), `refresh_token`, `scope` and `created_at`; each refresh answers a new pair and the
 *   used refresh token is refused. Refusals are RFC 6749's with its descriptions (Doorkeeper's).
 * - API (under /api, a `User-Agent` and the token as Bearer): `GET /users/whoami` (`id`, `nickname`, `avatar`,
 *   `image`, `last_online_at`, `url`, `name`, `sex`, `website`, `birth_on`, `full_years`, `locale`; `email` with the
 *   `email` scope) and `GET /v2/user_rates` (the person's list entries). A token it does not take is 401
 *   `invalid_token` with the guide's body.
 * - Revoke: `POST /oauth/revoke` (RFC 7009, Doorkeeper's), the client in the form; it ends the grant of the token
 *   given, and answers 200 `{}` for a token it does not know.
 * The person may revoke the application in their Shikimori settings (`revokeApp`), which ends its grant. The
 * authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface ShikimoriUser {
  /** The Shikimori user id, a number. */
  id: number;
  nickname: string;
  email: string;
}

export interface ShikimoriEmulator extends EmulatorHandle<ShikimoriUser> {
  /** The person revokes the application in their settings: its tokens stop working. */
  revokeApp(user: ShikimoriUser): void;
  /** The User-Agent of each request, by path, in order. */
  readonly userAgents: ReadonlyArray<{ path: string; userAgent: string | undefined }>;
}

export const SHIKIMORI_ACCESS_TOKEN_SECONDS = 86_400;
const APPLICATION_SCOPES = ['user_rates', 'comments', 'topics', 'email'];
const INVALID_TOKEN = () => json(401, { error: 'invalid_token', error_description: 'The access token is invalid', state: 'unauthorized' });

export async function startShikimoriEmulator(options: EmulatorOptions): Promise<ShikimoriEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ShikimoriUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SHIKIMORI_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<ShikimoriUser>(server, grants);
  const userAgents: Array<{ path: string; userAgent: string | undefined }> = [];
  const noUserAgent = (request: EmulatorRequest): EmulatorReply | undefined => {
    const userAgent = request.headers['user-agent'];
    userAgents.push({ path: request.url.pathname, userAgent });
    return userAgent ? undefined : json(403, { message: 'User-Agent header is required' });
  };

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The redirect uri included is not valid.',
    refuse: (query) => (requestedScopes(query).some((scope) => !APPLICATION_SCOPES.includes(scope)) ? describedError('invalid_scope') : undefined),
    denied: describedError('access_denied'),
    request: (query) => ({ scope: requestedScopes(query).join(' ') || 'user_rates' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    screen: noUserAgent,
    failure: { queued: controls.tokenFailure },
    errors: {
      client: () => oauthError(401, 'invalid_client', describedError('invalid_client').error_description),
      code: () => oauthError(400, 'invalid_grant', describedError('invalid_grant').error_description),
      refreshToken: () => oauthError(400, 'invalid_grant', describedError('invalid_grant').error_description),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        scope: grant.scope,
        created_at: Math.floor(Date.now() / 1000),
      }),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    if (!authenticatesAs(request, options)) return oauthError(401, 'invalid_client', describedError('invalid_client').error_description);
    grants.revokeToken(request.form().get('token') ?? '');
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) => noUserAgent(request) ?? bearerGrant(grants, request, INVALID_TOKEN);

  server.route('GET', '/api/users/whoami', (request) => {
    server.count('whoami');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const avatar = (size: number) => `https://shikimori.one/system/users/x${size}/${user.id}.png`;
    return json(200, {
      id: user.id,
      nickname: user.nickname,
      avatar: avatar(48),
      image: { x160: avatar(160), x148: avatar(148), x80: avatar(80), x64: avatar(64), x48: avatar(48), x32: avatar(32), x16: avatar(16) },
      last_online_at: '2026-12-06T19:40:12.000+03:00',
      url: `https://shikimori.one/${encodeURIComponent(user.nickname)}`,
      name: null,
      sex: '',
      website: '',
      birth_on: null,
      full_years: null,
      locale: 'ru',
      ...(grant.scope.split(' ').includes('email') ? { email: user.email } : {}),
    });
  });

  server.route('GET', '/api/v2/user_rates', (request) => {
    server.count('user_rates');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const userId = Number(request.url.searchParams.get('user_id') ?? grant.user.id);
    return json(200, [
      { id: 9_001, user_id: userId, target_id: 5114, target_type: 'Anime', score: 10, status: 'completed', rewatches: 0, episodes: 64, volumes: 0, chapters: 0, text: null, text_html: '', created_at: '2026-11-01T10:00:00.000+03:00', updated_at: '2026-11-20T21:00:00.000+03:00' },
      { id: 9_002, user_id: userId, target_id: 9253, target_type: 'Anime', score: 0, status: 'watching', rewatches: 0, episodes: 12, volumes: 0, chapters: 0, text: null, text_html: '', created_at: '2026-12-01T10:00:00.000+03:00', updated_at: '2026-12-05T21:00:00.000+03:00' },
    ]);
  });

  return {
    ...controls.handle,
    userAgents,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
