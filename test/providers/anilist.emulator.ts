/**
 * An emulator of AniList's OAuth (anilist.co/api/v2/oauth) and of its GraphQL API (graphql.anilist.co), the parts a
 * connection touches, written from AniList's docs (https://docs.anilist.co/guide/auth, its Authorization Code Grant
 * and Authenticated Requests pages, and https://docs.anilist.co/guide/graphql/errors):
 * - Authorize: `GET /api/v2/oauth/authorize` with `client_id`, `redirect_uri` (the application's, exactly) and
 *   `response_type=code`; the person approves and goes back with `code` (and `state` as sent). There are no scopes.
 *   A person who refuses goes back with `error=access_denied` (RFC 6749 §4.1.2.1; AniList's pages show no refusal).
 * - Token: `POST /api/v2/oauth/token` with a JSON body of `grant_type`, `client_id`, `client_secret`,
 *   `redirect_uri` and `code`; a body that is not JSON is refused. The answer is `token_type`, `expires_in` (a year)
 *   and the JWT `access_token`, with no refresh token: AniList supports none, and a refresh grant is refused. The
 *   refusals are Laravel Passport's (400 `invalid_grant`, 401 `invalid_client`, with `error_description`, `hint` and
 *   `message`), which AniList's pages do not show.
 * - GraphQL: `POST /` with a JSON `{ query }` and the Bearer token answers `{ data }`: `Viewer` (`id`, `name`,
 *   `siteUrl`, `avatar`) and `MediaListCollection` (the person's list). A token it does not take is HTTP 400 with
 *   `{ errors: [{ message: "Invalid token", status: 400 }] }`, as AniList's clients report it; a query it cannot
 *   read is a 400 with its own GraphQL error.
 * The person removes the app in their AniList settings (`removeApp`). The authorization page approves at once for
 * signInAs()'s person.
 */
import { redirectBack } from './kit/authorization.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface AniListUser {
  /** The AniList user id, a number. */
  id: number;
  /** The username, which the person may change. */
  name: string;
}

export interface AniListEmulator extends EmulatorHandle<AniListUser> {
  /** The person removes the app in their AniList settings: none of their tokens works. */
  removeApp(user: AniListUser): void;
  /** The content type of each token request, in order. */
  readonly tokenContentTypes: ReadonlyArray<string | undefined>;
}

const ACCESS_TOKEN_TTL = 365 * 86_400;

/** Laravel Passport's refusal: `error`, `error_description`, `hint` and `message` (the description again). */
function passportError(status: number, error: string, description: string, hint = ''): EmulatorReply {
  return json(status, { error, error_description: description, hint, message: description });
}
const INVALID_GRANT = () =>
  passportError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant);
const graphqlError = (message: string, data: unknown = null) => json(400, { errors: [{ message, status: 400, locations: [{ line: 1, column: 3 }] }], data });

/** The string members of a JSON object body, or nothing when the body is not JSON. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = (request.headers['content-type'] ?? '').startsWith('application/json') ? request.json() : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export async function startAniListEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<AniListEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AniListUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'none', prefixes: { access: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.' } });
  const controls = emulatorControls<AniListUser>(server, grants);
  const tokenContentTypes: Array<string | undefined> = [];

  server.route('GET', '/api/v2/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid client or redirect URI</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  tokenEndpoint(server, '/api/v2/oauth/token', {
    client: options,
    grants,
    screen: (request) => {
      tokenContentTypes.push(request.headers['content-type']);
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    pkce: false,
    errors: {
      client: () => passportError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => passportError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.'),
      refreshToken: INVALID_GRANT,
      code: INVALID_GRANT,
    },
    answer: ({ tokens }) => json(200, { token_type: 'Bearer', expires_in: tokens.expiresIn, access_token: tokens.accessToken }),
  });

  server.route('POST', '/', (request) => {
    server.count('graphql');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return graphqlError('Invalid token', { Viewer: null });
    const body = jsonParameters(request);
    const query = body.get('query') ?? '';
    const { user } = grant;
    if (/\bViewer\b/.test(query)) {
      server.count('viewer');
      return json(200, { data: { Viewer: { id: user.id, name: user.name, siteUrl: `https://anilist.co/user/${user.id}`, avatar: { large: `https://s4.anilist.co/file/anilistcdn/user/avatar/large/b${user.id}.png`, medium: `https://s4.anilist.co/file/anilistcdn/user/avatar/medium/b${user.id}.png` } } } });
    }
    if (/\bMediaListCollection\b/.test(query)) {
      server.count('media_list');
      return json(200, { data: { MediaListCollection: { lists: [{ name: 'Watching', entries: [{ mediaId: 1, progress: 12, media: { title: { romaji: 'Cowboy Bebop' } } }] }] } } });
    }
    return graphqlError('Syntax Error: Unexpected <EOF>.');
  });

  return {
    ...controls.handle,
    tokenContentTypes,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
