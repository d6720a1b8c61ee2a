/**
 * An emulator of Ride with GPS's OAuth 2.0 (ridewithgps.com's /oauth/authorize,
 * /oauth/token.json and /oauth/revoke.json) and of the part of its API v1 a
 * connection touches, written from Ride with GPS's developer documentation
 * (https://github.com/ridewithgps/developers):
 * - Authorize (authentication.md): `GET /oauth/authorize` with `client_id`,
 *   `redirect_uri` (one of the API client's) and `response_type=code`; no
 *   scope parameter: every token's scope is `user`. The redirect carries the
 *   `code` and, as RFC 6749 §4.1.2 has it, the `state` (not documented:
 *   assumed); a person who declines goes back with RFC 6749's
 *   `error=access_denied` (assumed). PKCE is not read (assumed).
 * - Token (authentication.md): `POST /oauth/token.json` with a JSON body
 *   (README.md, "Formats": the API takes JSON only) of `grant_type`, `code`,
 *   `client_id`, `client_secret` and the same `redirect_uri`; the answer is
 *   `access_token`, `token_type: "Bearer"`, `scope: "user"`, `created_at`
 *   and `user_id`: no expiry, no refresh token. Refusals are RFC 6749 §5.2's,
 *   401 `invalid_client` for the client (assumed).
 * - Revoke (authentication.md): `POST /oauth/revoke.json` with a JSON body of
 *   `client_id`, `client_secret` and `token`; 200 `{}`, and the token no
 *   longer authenticates. A request without the client is 401
 *   `invalid_client` (assumed).
 * - API (endpoints/users.md, endpoints/routes.md): the token as Bearer;
 *   `GET /api/v1/users/current.json` answers `{ user: { id, name,
 *   created_at, updated_at } }`, `GET /api/v1/routes.json` the person's
 *   routes with pagination `meta`. A token it does not take is 401 (assumed).
 * The person may revoke the app's access in their account (`revokeAccess`).
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface RideWithGpsUser {
  /** The Ride with GPS user id, an integer. */
  id: number;
  name: string;
}

export interface RideWithGpsEmulator extends EmulatorHandle<RideWithGpsUser> {
  /** The person revokes the app's access in their account: every token of theirs stops working. */
  revokeAccess(user: RideWithGpsUser): void;
  /** The content type of each token and revocation request, in order. */
  readonly contentTypes: ReadonlyArray<string | undefined>;
}

/** The members of a JSON object body that are strings, as parameters; nothing for any other body (the API takes JSON only). */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return new URLSearchParams();
  const body = request.json();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

const UNAUTHORIZED = () => json(401, { error: 'Unauthorized' });

export async function startRideWithGpsEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<RideWithGpsEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<RideWithGpsUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<RideWithGpsUser>(server, grants);
  const contentTypes: Array<string | undefined> = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: () => ({ scope: 'user' }),
  });

  tokenEndpoint(server, '/oauth/token.json', {
    client: options,
    grants,
    pkce: false,
    screen: (request) => {
      contentTypes.push(request.headers['content-type']);
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.') },
    answer: ({ grant, tokens }) =>
      json(200, { access_token: tokens.accessToken, token_type: 'Bearer', scope: grant.scope, created_at: Math.floor(Date.now() / 1000), user_id: grant.user.id }),
  });

  server.route('POST', '/oauth/revoke.json', (request) => {
    server.count('revoke');
    contentTypes.push(request.headers['content-type']);
    const parameters = jsonParameters(request);
    if (!credentialsIn(parameters, options)) return oauthError(401, 'invalid_client');
    grants.revokeAccessToken(parameters.get('token') ?? '');
    return json(200, {});
  });

  server.route('GET', '/api/v1/users/current.json', (request) => {
    server.count('profile');
    const grant = bearerGrant(grants, request, UNAUTHORIZED);
    if (!isGrant(grant)) return grant;
    return json(200, { user: { id: grant.user.id, name: grant.user.name, created_at: '2024-01-17T01:45:09Z', updated_at: '2024-06-11T21:11:16Z' } });
  });

  server.route('GET', '/api/v1/routes.json', (request) => {
    server.count('routes');
    const grant = bearerGrant(grants, request, UNAUTHORIZED);
    if (!isGrant(grant)) return grant;
    const routes = [
      { id: 999, url: `${server.origin}/api/v1/routes/999.json`, name: 'Last route', user_id: grant.user.id },
      { id: 844, url: `${server.origin}/api/v1/routes/844.json`, name: 'Another route', user_id: grant.user.id },
    ];
    return json(200, { routes, meta: { pagination: { record_count: 2, page_count: 1, page_size: 20, next_page_url: null } } });
  });

  return {
    ...controls.handle,
    revokeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    contentTypes,
  };
}
