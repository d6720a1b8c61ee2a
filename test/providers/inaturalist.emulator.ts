/**
 * An emulator of iNaturalist's OAuth (www.inaturalist.org/oauth) and of the
 * part of its Rails API on www.inaturalist.org a connection touches, written
 * from iNaturalist's API reference
 * (https://www.inaturalist.org/pages/api+reference#auth) and its server's
 * published OAuth configuration
 * (https://github.com/inaturalist/inaturalist/blob/main/config/initializers/doorkeeper.rb):
 * - Authorize: `GET /oauth/authorize` with `client_id` and `redirect_uri`
 *   (the application's, else an error page) and `response_type=code`; no
 *   scope asked is the defaults, `write login`. A person who declines comes
 *   back with `error=access_denied`.
 * - Token: `POST /oauth/token` with `client_id`, `client_secret`, `code`,
 *   `redirect_uri` and `grant_type=authorization_code` (the client may also
 *   come as HTTP Basic, as the server's OAuth library reads it). A code is
 *   good once and for the redirect URI it was issued to. The answer is
 *   `{ access_token, token_type: "Bearer", scope, created_at }`: no expiry,
 *   no refresh token. Refusals are RFC 6749 §5.2's, with the server's
 *   library's descriptions (assumed): 401 `invalid_client`, 400
 *   `invalid_grant`.
 * - API: the token as `Authorization: Bearer`; a token it does not take is
 *   401 `{ error }` (status and body assumed). `GET /users/edit.json`
 *   answers the person's own record (`id`, `login`, `name`, `email`,
 *   `time_zone`, `observations_count`, …); `GET /users/api_token` answers
 *   `{ api_token }`, the JSON Web Token api.inaturalist.org takes.
 * There is no revocation endpoint: the person removes the application in
 * their settings (`revokeApp`). The authorization page approves at once for
 * signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface INaturalistUser {
  /** iNaturalist's numeric user id. */
  id: number;
  /** The username, which the person may change. */
  login: string;
  name: string;
  email: string;
}

export interface INaturalistEmulator extends EmulatorHandle<INaturalistUser> {
  /** The person removes the application in their iNaturalist settings: its tokens stop working. */
  revokeApp(user: INaturalistUser): void;
  /** The next /users/edit.json request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as iNaturalist read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The scopes an authorization that names none is granted. */
export const INATURALIST_DEFAULT_SCOPE = 'write login';

export async function startINaturalistEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<INaturalistEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<INaturalistUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<INaturalistUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'The client identifier provided is invalid.', redirectUri: 'The redirect uri included is not valid.' },
    pkce: false,
    denied: { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' },
    request: (query) => ({ scope: query.get('scope')?.trim() || INATURALIST_DEFAULT_SCOPE }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>We\'re sorry, but something went wrong.</h1>') },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return authenticatesAs(request, options);
    },
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.'),
      code: () => oauthError(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', scope: grant.scope, created_at: Math.floor(Date.now() / 1000) }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'You need to sign in or sign up before continuing.' }));

  server.route('GET', '/users/edit.json', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { id, login, name, email } = grant.user;
    return json(200, { id, login, name, email, time_zone: 'Pacific Time (US & Canada)', observations_count: 42, identifications_count: 7, created_at: '2012-05-04T10:11:12-07:00', description: '', site_id: 1 });
  });

  server.route('GET', '/users/api_token', (request) => {
    server.count('api_token');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const payload = Buffer.from(JSON.stringify({ user_id: grant.user.id, exp: Math.floor(Date.now() / 1000) + 86_400 })).toString('base64url');
    return json(200, { api_token: `eyJhbGciOiJIUzUxMiJ9.${payload}.c2lnbmF0dXJl` });
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
