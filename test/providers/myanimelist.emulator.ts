/**
 * An emulator of MyAnimeList's OAuth (myanimelist.net's /v1/oauth2/authorize and /v1/oauth2/token) and of the part
 * of the API v2 (api.myanimelist.net/v2) a connection touches, written from MyAnimeList's authorization reference
 * (https://myanimelist.net/apiconfig/references/authorization) and, for the token answer and the API, from the guide
 * hosted on myanimelist.net (https://myanimelist.net/blog.php?eid=835707):
 * - Authorize: `GET /v1/oauth2/authorize` with `response_type=code`, `client_id`, `state`, `redirect_uri` (one the
 *   client registered) and PKCE: `code_challenge` is required, 43 to 128 characters, and `code_challenge_method`
 *   defaults to `plain`, the only method supported; a request without such a challenge, or with another method, goes
 *   back as `invalid_request`, a person who refuses as `access_denied`. No scope is read.
 * - Token: `POST /v1/oauth2/token`, a form with `client_id` and `client_secret` and RFC 6749's grant parameters, the
 *   code exchange with the `code_verifier`, checked against the plain challenge (RFC 7636 §4.6). The answer is
 *   `token_type: "Bearer"`, `expires_in` (3600: the one hour the reference states), `access_token` and
 *   `refresh_token`. A refresh token lasts a month (taken as 30 days); each refresh answers a new pair, and the used
 *   refresh token is refused. Refusals are RFC 6749's (MyAnimeList's own are not documented).
 * - API (under /v2, the token as Bearer): `GET /users/@me` (`id`, `name`, `picture`, `location`, `joined_at`) and
 *   `GET /users/@me/animelist` (`data` of `node`s, `paging`); a token it does not take is 401 `invalid_token`.
 * There is no revocation endpoint. The person may remove the app's access in their MyAnimeList account
 * (`removeApp`), which ends the grant. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface MyAnimeListUser {
  /** The MyAnimeList user id, a number. */
  id: number;
  /** The username. */
  name: string;
}

export interface MyAnimeListEmulator extends EmulatorHandle<MyAnimeListUser> {
  /** The person removes the app's access in their MyAnimeList account: none of their tokens works any more. */
  removeApp(user: MyAnimeListUser): void;
  /** The form of each token request, in order. */
  readonly tokenForms: readonly Record<string, string>[];
}

export const MYANIMELIST_ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_TTL = 30 * 86_400;
const INVALID_TOKEN = () => json(401, { error: 'invalid_token' });

export async function startMyAnimeListEmulator(options: EmulatorOptions): Promise<MyAnimeListEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MyAnimeListUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: MYANIMELIST_ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<MyAnimeListUser>(server, grants);
  const tokenForms: Record<string, string>[] = [];

  authorizationEndpoint(server, '/v1/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const challenge = query.get('code_challenge') ?? '';
      if (challenge.length < 43 || challenge.length > 128) return { error: 'invalid_request', error_description: 'code_challenge must be 43 to 128 characters' };
      if ((query.get('code_challenge_method') ?? 'plain') !== 'plain') return { error: 'invalid_request', error_description: 'only the plain code_challenge_method is supported' };
      return undefined;
    },
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/v1/oauth2/token', {
    client: options,
    grants,
    screen: (request) => {
      tokenForms.push(Object.fromEntries(request.form()));
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed') },
    answer: ({ tokens }) =>
      json(200, { token_type: 'Bearer', expires_in: tokens.expiresIn, access_token: tokens.accessToken, refresh_token: tokens.refreshToken }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, INVALID_TOKEN);

  server.route('GET', '/v2/users/@me', (request) => {
    server.count('me');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      name: user.name,
      picture: `https://cdn.myanimelist.net/images/userimages/${user.id}.jpg`,
      location: '',
      joined_at: '2012-04-01T10:23:45+00:00',
    });
  });

  server.route('GET', '/v2/users/@me/animelist', (request) => {
    server.count('animelist');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const limit = Math.min(Number(request.url.searchParams.get('limit') ?? '10'), 2);
    const titles = [
      { id: 5114, title: 'Fullmetal Alchemist: Brotherhood' },
      { id: 9253, title: 'Steins;Gate' },
    ];
    return json(200, {
      data: titles.slice(0, limit).map((node) => ({ node: { ...node, main_picture: { medium: `https://cdn.myanimelist.net/images/anime/${node.id}.jpg` } } })),
      paging: {},
    });
  });

  return {
    ...controls.handle,
    tokenForms,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
