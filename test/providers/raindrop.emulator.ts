/**
 * An emulator of Raindrop.io's OAuth server (raindrop.io/oauth) and of the
 * part of its REST API v1 (api.raindrop.io/rest/v1) a connection touches, on
 * one host, written from Raindrop.io's documentation
 * (https://developer.raindrop.io, published from
 * https://github.com/raindropio/developer-site):
 * - Authorize (https://developer.raindrop.io/v1/authentication/token):
 *   `GET /oauth/authorize` with `client_id`, `redirect_uri` (the one
 *   configured) and `response_type=code`; there are no scopes. A person who
 *   declines goes back with `error=access_denied`; an application over its
 *   token limit or suspended, with `error=invalid_application_status`. An
 *   unknown client or redirect URI is told on a page here (not documented).
 * - Token (same page): `POST /oauth/access_token` with `grant_type`, `code`,
 *   `client_id`, `client_secret` and `redirect_uri`, or `refresh_token`, as
 *   JSON (a body that is not JSON is refused here, which Raindrop.io does not
 *   say). The answer is `access_token`, `refresh_token`, `expires` (in
 *   milliseconds, deprecated), `expires_in` (seconds: access tokens expire
 *   after two weeks) and `token_type: "Bearer"`; a refresh answers a new
 *   refresh token, and the spent one is refused here (not documented). A
 *   code it does not take is 400 `{ "error": "bad_authorization_code" }`, as
 *   documented; a refresh token or client it does not take is RFC 6749
 *   §5.2's `invalid_grant` or `invalid_client` here (not documented).
 * - API, the token as Bearer (https://developer.raindrop.io/v1/authentication/calls):
 *   `GET /rest/v1/user` (`{ result: true, user: { _id, fullName, email, … } }`,
 *   https://developer.raindrop.io/v1/user/authenticated) and
 *   `GET /rest/v1/collections` (`{ result: true, items: [...] }`,
 *   https://developer.raindrop.io/v1/collections/methods); a token it does
 *   not take is 401 `Unauthorized`, as the user page shows.
 * - endGrants() is the person's grant ending at Raindrop.io (how a person
 *   removes an application there is not documented): its tokens stop working.
 *   There is no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface RaindropUser {
  /** Raindrop.io's numeric user id. */
  id: number;
  fullName: string;
  email: string;
}

export interface RaindropEmulator extends EmulatorHandle<RaindropUser> {
  /** The person's grant ends at Raindrop.io: every token of theirs stops working. */
  endGrants(user: RaindropUser): void;
  /** The application is over its token limit or suspended: authorizations come back with invalid_application_status. */
  suspendApplication(suspended: boolean): void;
}

/** Two weeks less a second, as the documented answer's `expires_in` (1209599). */
const ACCESS_TOKEN_TTL = 1_209_599;

/** The JSON body's string members as parameters; nothing when the body is not JSON. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = request.json();
  if (!body || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export async function startRaindropEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<RaindropEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<RaindropUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const controls = emulatorControls<RaindropUser>(server, grants);
  let suspended = false;

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client_id or redirect_uri',
    refuse: () => (suspended ? { error: 'invalid_application_status' } : undefined),
    pkce: false,
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    parameters: jsonParameters,
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client'),
      refreshToken: () => oauthError(400, 'invalid_grant'),
      code: () => json(400, { error: 'bad_authorization_code' }),
    },
    answer: ({ tokens }) =>
      json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires: tokens.expiresIn! * 1000, expires_in: tokens.expiresIn, token_type: 'Bearer' }),
  });

  const unauthorized = (): EmulatorReply => ({ status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Unauthorized' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/rest/v1/user', (request) => {
    server.count('user');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      result: true,
      user: {
        _id: user.id,
        config: { broken_level: 'strict', lang: 'en_US', last_collection: 8492393, raindrops_sort: '-lastUpdate', raindrops_view: 'list' },
        email: user.email,
        email_MD5: '13a0a20681d8781912e5314150694bf7',
        files: { used: 6766094, size: 10000000000, lastCheckPoint: '2020-01-26T23:53:19.676Z' },
        fullName: user.fullName,
        groups: [{ title: 'My Collections', hidden: false, sort: 0, collections: [8492393] }],
        password: true,
        pro: false,
        registered: '2014-09-30T07:51:15.406Z',
      },
    });
  });

  server.route('GET', '/rest/v1/collections', (request) => {
    server.count('collections');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { result: true, items: [{ _id: 8492393, access: { level: 4, draggable: true }, count: 16, title: 'Development', public: false, user: { $id: grant.user.id }, view: 'list' }] });
  });

  return {
    ...controls.handle,
    endGrants: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    suspendApplication: (next) => {
      suspended = next;
    },
  };
}
