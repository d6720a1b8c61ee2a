/**
 * An emulator of Genius's OAuth and of the part of its API (api.genius.com,
 * one host for both) a connection touches, written from Genius's
 * documentation (https://docs.genius.com/, Authentication and Resources):
 * - Authorize: `GET /oauth/authorize` with `client_id` (else an error page),
 *   `redirect_uri` (the API client's, else an error page), `scope`,
 *   space-separated, of `me`, `create_annotation`, `manage_annotation` and
 *   `vote` (else `invalid_scope`), `state` and `response_type=code`. A person
 *   who declines comes back with `error=access_denied`.
 * - Token: `POST /oauth/token` with `code`, `client_id`, `client_secret`,
 *   `redirect_uri`, `grant_type=authorization_code` and `response_type=code`
 *   in the body: only the body authenticates the client here, and an
 *   exchange without `response_type=code` is refused (400 `invalid_request`,
 *   assumed: the page lists the parameter, not the refusal). A code is good
 *   once. The answer is `{ access_token, token_type: "bearer" }`: no end, no
 *   refresh token. A code it does not take is 400 `invalid_grant`, a client
 *   it does not know 401 `invalid_client` (assumed, RFC 6749 §5.2). No PKCE
 *   is read.
 * - API: JSON, the token as `Authorization: Bearer`, every answer `{ meta:
 *   { status }, response }`; a token it does not take is 401 with `meta`'s
 *   `message` (the status and text assumed). `GET /account` (scope `me`,
 *   else 403, assumed) answers `response.user` (`id`, `login`, `name`, `iq`,
 *   `url`, …); `GET /songs/378195` one song, as `GET /songs/:id` does.
 * There is no revocation endpoint. The authorization page approves at once
 * for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface GeniusUser {
  /** Genius's numeric user id. */
  id: number;
  name: string;
  login: string;
}

export interface GeniusEmulator extends EmulatorHandle<GeniusUser> {
  /** The person's tokens stop working (the app removed on Genius's side). */
  revokeApp(user: GeniusUser): void;
  /** The next /account request fails with this HTTP status. */
  failNextAccountRequest(status: number): void;
}

const SCOPES = ['me', 'create_annotation', 'manage_annotation', 'vote'];

export async function startGeniusEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<GeniusEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<GeniusUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<GeniusUser>(server, grants);
  const accountFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' } : undefined),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Something went wrong</h1>') },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    refuseCode: (form) => (form.get('response_type') === 'code' ? undefined : oauthError(400, 'invalid_request', 'The request is missing a required parameter: response_type.')),
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.'),
      code: () => oauthError(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
    },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer' }),
  });

  /** The grant of the request's Bearer token; the API's 401 otherwise. */
  const caller = (request: EmulatorRequest): Grant<GeniusUser> | EmulatorReply => grants.grantOfAccessToken(request.bearer() ?? '') ?? json(401, { meta: { status: 401, message: 'This call requires an access_token. Please see: https://genius.com/developers' } });

  server.route('GET', '/account', (request) => {
    server.count('account');
    const status = accountFailure.take();
    if (status !== undefined) return json(status, { meta: { status, message: 'Something went wrong' } });
    const grant = caller(request);
    if (!('user' in grant)) return grant;
    if (!grant.scope.split(' ').includes('me')) return json(403, { meta: { status: 403, message: 'This call requires the me scope' } });
    const { id, name, login } = grant.user;
    return json(200, {
      meta: { status: 200 },
      response: { user: { id, login, name, iq: 100, url: `https://genius.com/${login}`, api_path: `/users/${id}`, human_readable_role_for_display: null, avatar: { thumb: { url: `https://images.genius.com/avatars/thumb/${id}` } } } },
    });
  });

  server.route('GET', '/songs/378195', (request) => {
    server.count('songs');
    const grant = caller(request);
    if (!('user' in grant)) return grant;
    return json(200, { meta: { status: 200 }, response: { song: { id: 378195, title: 'Alright', api_path: '/songs/378195', url: 'https://genius.com/Kendrick-lamar-alright-lyrics' } } });
  });

  return {
    ...controls.handle,
    revokeApp: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.id === user.id) grants.revokeGrant(grant.id);
    },
    failNextAccountRequest: accountFailure.queue,
  };
}
