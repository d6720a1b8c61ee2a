/**
 * An emulator of Product Hunt's API 2.0 OAuth and GraphQL endpoint (api.producthunt.com), written from its docs
 * (https://api.producthunt.com/v2/docs and its "OAuth User Authentication" pages) and the GraphQL schema of its API
 * starter kit (https://github.com/producthunt/producthunt-api):
 * - `GET /v2/oauth/authorize` with `client_id`, `redirect_uri`, `response_type=code` and `scope`, required, among
 *   `public`, `private` and `write` (`write` only for an app Product Hunt approved, which this client is not).
 * - `POST /v2/oauth/token`, a JSON body of `client_id`, `client_secret`, `redirect_uri`,
 *   `grant_type=authorization_code` and `code`; the answer is `access_token` and `token_type: "bearer"`, with no
 *   expiry and no refresh token: the token lasts until the person removes the app (`removeApp`).
 * - `POST /v2/api/graphql`, a JSON `{ query }` with the token as Bearer: `viewer { user { … } }` (the person's own
 *   user, behind `private`) and `posts(first:)`.
 * Made up here (Product Hunt's pages do not say): the token endpoint reads only a JSON body (a form's members are not
 * seen), its refusals are RFC 6749 §5.2's, a declined authorization is `error=access_denied`, `viewer` without
 * `private` is null with an error, and a token the API does not take is a 401
 * `{ errors: [{ error: 'invalid_oauth_token' }] }`. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { isJson, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface ProductHuntUser {
  /** The user's id, an `ID` (digits, as text). */
  id: string;
  name: string;
  username: string;
}

export interface ProductHuntEmulator extends EmulatorHandle<ProductHuntUser> {
  /** The person removes the app from their Product Hunt account: every token of theirs stops working. */
  removeApp(user: ProductHuntUser): void;
  /** The next GraphQL request fails with this HTTP status. */
  failNextGraphql(status: number): void;
  /** The JSON body of each token request, in order. */
  readonly tokenBodies: ReadonlyArray<Record<string, unknown>>;
}

const SCOPES = ['public', 'private'];

/** The JSON body's string members; a body that is not a JSON object has none. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = isJson(request) ? request.json() : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export async function startProductHuntEmulator(options: EmulatorOptions): Promise<ProductHuntEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ProductHuntUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<ProductHuntUser>(server, grants);
  const tokenBodies: Array<Record<string, unknown>> = [];
  const graphqlFailure = queuedFailure();

  authorizationEndpoint(server, '/v2/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  tokenEndpoint(server, '/v2/oauth/token', {
    client: options,
    grants,
    screen: (request) => {
      tokenBodies.push(Object.fromEntries(jsonParameters(request)));
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer' }),
  });

  server.route('POST', '/v2/api/graphql', (request) => {
    server.count('graphql');
    const status = graphqlFailure.take();
    if (status !== undefined) return json(status, { errors: [{ error: 'internal_server_error' }] });
    const grant = bearerGrant(grants, request, () => json(401, { errors: [{ error: 'invalid_oauth_token', error_description: 'Please supply a valid access token.' }] }));
    if (!isGrant(grant)) return grant;
    const body = isJson(request) ? (request.json() as { query?: unknown } | undefined) : undefined;
    if (typeof body?.query !== 'string') return json(400, { errors: [{ message: 'No query string was present' }] });
    const data: Record<string, unknown> = {};
    const errors: Array<{ message: string }> = [];
    if (/\bviewer\b/.test(body.query)) {
      const { id, name, username } = grant.user;
      if (grant.scope.split(' ').includes('private')) {
        data.viewer = { user: { id, name, username, headline: 'Maker of things', profileImage: `https://ph-avatars.imgix.net/${id}/original`, url: `https://www.producthunt.com/@${username}` } };
      } else {
        data.viewer = null;
        errors.push({ message: 'Viewer needs the private scope' });
      }
    }
    if (/\bposts\b/.test(body.query)) data.posts = { edges: [{ node: { id: '1029384', name: 'Tokenkeeper', votesCount: 421 } }] };
    if (Object.keys(data).length === 0) return json(400, { errors: [{ message: 'Query not supported by this emulator' }] });
    return json(200, errors.length > 0 ? { data, errors } : { data });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextGraphql: graphqlFailure.queue,
    tokenBodies,
  };
}
