/**
 * An emulator of Lichess's OAuth (lichess.org's /oauth and /api/token) and of the part of its API a connection
 * touches, written from Lichess's API reference (https://lichess.org/api: "Authentication", the OAuth and Account tags):
 * - Authorize: `GET /oauth` with `response_type=code`, `client_id` (any the app chooses: none is registered),
 *   `redirect_uri`, `code_challenge_method=S256` and `code_challenge`, each required, an optional space-separated
 *   `scope` and `state`. A request without one is refused with a page (Lichess's refusal page is not documented).
 *   A person who cancels goes back with `error=access_denied`, `error_description` and `state`.
 * - Token: `POST /api/token`, a form with `grant_type=authorization_code`, `code`, `code_verifier`, `redirect_uri`
 *   and `client_id`: no client authentication, the code bound to the client id, redirect URI and S256 challenge it
 *   was asked with. The answer is `token_type`, `access_token` and `expires_in` (a year), with no refresh token and
 *   no scope; a refresh grant, which Lichess does not support, is refused. A refusal is 400 with `error` and
 *   `error_description`.
 * - API (the token as Bearer): `GET /api/account` (`id`, `username`, `url`, ratings…), `GET /api/account/email`
 *   behind `email:read` (`{ email }`), and `GET /api/account/playing` (the games in progress, `{ nowPlaying }`).
 *   A token it does not take is a 401, a missing scope a 403 (neither body is documented).
 * - `DELETE /api/token` revokes the Bearer token, answering 204.
 * The person may revoke the app in their account's security settings (`removeApp`). The authorization page
 * approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface LichessUser {
  /** The username as the person spells it; its lower case is the id. */
  username: string;
  email: string;
}

export interface LichessEmulatorOptions {
  clientId: string;
  redirectUri: string;
}

export interface LichessEmulator extends EmulatorHandle<LichessUser> {
  /** The person revokes the app at Lichess: none of their tokens works. */
  removeApp(user: LichessUser): void;
  /** The form of each token request, in order. */
  readonly tokenForms: readonly URLSearchParams[];
}

const ACCESS_TOKEN_TTL = 365 * 86_400;
const SCOPES = ['preference:read', 'preference:write', 'email:read', 'challenge:read', 'challenge:write', 'study:read', 'study:write', 'puzzle:read', 'follow:read', 'board:play'];
const NO_SUCH_TOKEN = () => json(401, { error: 'No such token' });

export async function startLichessEmulator(options: LichessEmulatorOptions): Promise<LichessEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<LichessUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'none', prefixes: { access: 'lio_' } });
  const controls = emulatorControls<LichessUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  server.route('GET', '/oauth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const required = ['client_id', 'redirect_uri', 'code_challenge'].every((name) => (query.get(name) ?? '') !== '');
    if (!required || query.get('response_type') !== 'code' || query.get('code_challenge_method') !== 'S256') return html(400, '<h1>Bad authorization request</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Bad redirect_uri</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (requestedScopes(query).some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope', error_description: 'unknown scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'user cancelled authorization' });
    return reply({ code: grants.issueCode(codeRequest(query, { clientId: query.get('client_id')!, redirectUri: options.redirectUri }, user)) });
  });

  tokenEndpoint(server, '/api/token', {
    client: { clientId: options.clientId },
    grants,
    screen: (request) => {
      tokenForms.push(request.form());
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    // Lichess authenticates no client: the code is bound to the client id it was asked with.
    authenticates: () => true,
    errors: {
      grantType: () => oauthError(400, 'unsupported_grant_type', 'only authorization_code is supported'),
      code: (reason) => oauthError(400, 'invalid_grant', reason === 'pkce_failed' ? 'hash of code_verifier does not match code_challenge' : 'code invalid or expired'),
    },
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type', 'only authorization_code is supported'),
    answer: ({ tokens }) => json(200, { token_type: 'Bearer', access_token: tokens.accessToken, expires_in: tokens.expiresIn }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, NO_SUCH_TOKEN);
  const idOf = (user: LichessUser) => user.username.toLowerCase();

  server.route('GET', '/api/account', (request) => {
    server.count('account');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: idOf(user),
      username: user.username,
      perfs: { blitz: { games: 2, rating: 1737, rd: 51, prog: -35 } },
      createdAt: 1763283606001,
      profile: { flag: 'OM', bio: 'The categories of bourgeois economy' },
      url: `https://lichess.org/@/${user.username}`,
      count: { all: 3182, rated: 2545 },
      followable: true,
    });
  });

  server.route('GET', '/api/account/email', (request) => {
    server.count('email');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('email:read')) return json(403, { error: 'Missing scope' });
    return json(200, { email: grant.user.email });
  });

  server.route('GET', '/api/account/playing', (request) => {
    server.count('playing');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const games = Math.min(Number(request.url.searchParams.get('nb') ?? '9'), 2);
    return json(200, { nowPlaying: Array.from({ length: games }, (_, i) => ({ gameId: `g${i}x7Kq2P`, color: i === 0 ? 'white' : 'black', isMyTurn: i === 0, opponent: { id: 'maia1', username: 'maia1' } })) });
  });

  server.route('DELETE', '/api/token', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  return {
    ...controls.handle,
    tokenForms,
    removeApp: (user) => grants.revokeGrantsOf((someone) => idOf(someone) === idOf(user)),
  };
}
