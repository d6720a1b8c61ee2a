/**
 * An emulator of Dribbble's OAuth (dribbble.com/oauth) and of the part of
 * its API v2 (api.dribbble.com/v2) a connection touches, on one host,
 * written from Dribbble's documentation (https://developer.dribbble.com/v2/,
 * https://developer.dribbble.com/v1/oauth/):
 * - Authorize: `GET /oauth/authorize` with `client_id` (else an error
 *   page), `redirect_uri` (the application's, else an error page), `state`
 *   and `scope`, space-separated, `public` and `upload` (else
 *   `invalid_scope`); no scope is `public`. `response_type` is not read:
 *   Dribbble's page names none. A person who already holds a
 *   live token for the app is sent back at once with a code for the scopes
 *   of their last authorization, whatever is asked now. A person who
 *   declines comes back with `error=access_denied`.
 * - Token: `POST /oauth/token` with `client_id`, `client_secret`, `code` and
 *   `redirect_uri` in the form: only the form authenticates the client here.
 *   A code is good once. The answer is `{ access_token, token_type:
 *   "bearer", scope }`, a token with no end and no refresh token (assumed,
 *   as Doorkeeper-based servers answer). A code it does not take is 400
 *   `invalid_grant`, a client it does not know 401 `invalid_client`
 *   (assumed, RFC 6749 §5.2). No PKCE is read.
 * - API: JSON, the token as `Authorization: Bearer`; a token it does not
 *   take is 401 `{ message }` (the status assumed, the body in the shape of
 *   the API's documented errors). `GET /v2/user` answers the user (`id`,
 *   `name`, `login`, `html_url`, `avatar_url`, …, no e-mail);
 *   `GET /v2/user/shots` the user's shots.
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

export interface DribbbleUser {
  /** Dribbble's numeric user id. */
  id: number;
  name: string;
  login: string;
}

export interface DribbbleEmulator extends EmulatorHandle<DribbbleUser> {
  /** The person revokes the app in their Dribbble settings: its tokens stop working. */
  revokeApp(user: DribbbleUser): void;
  /** The next /v2/user request fails with this HTTP status. */
  failNextUserRequest(status: number): void;
}

const SCOPES = ['public', 'upload'];

export async function startDribbbleEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<DribbbleEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DribbbleUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<DribbbleUser>(server, grants);
  const userFailure = queuedFailure();

  /** The scope of the person's live grant to the app, which a new authorization completes with at once. */
  const lastScope = (user: DribbbleUser) => grants.allGrants().filter((grant) => !grant.revoked && grant.user.id === user.id).at(-1)?.scope;

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'The client identifier provided is invalid.', redirectUri: 'The redirect uri included is not valid.' },
    responseType: false,
    pkce: false,
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' } : undefined),
    denied: { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' },
    request: (query, user) => ({ scope: lastScope(user) ?? (requestedScopes(query).join(' ') || 'public') }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Whoops! Something went wrong.</h1>') },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.'),
      code: () => oauthError(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', scope: grant.scope }),
  });

  /** The grant of the request's Bearer token; the API's 401 otherwise. */
  const caller = (request: EmulatorRequest): Grant<DribbbleUser> | EmulatorReply => grants.grantOfAccessToken(request.bearer() ?? '') ?? json(401, { message: 'Bad credentials.' });

  server.route('GET', '/v2/user', (request) => {
    server.count('user');
    const status = userFailure.take();
    if (status !== undefined) return json(status, { message: 'Whoops! Something went wrong.' });
    const grant = caller(request);
    if (!('user' in grant)) return grant;
    const { id, name, login } = grant.user;
    return json(200, {
      id,
      name,
      login,
      html_url: `https://dribbble.com/${login}`,
      avatar_url: `https://cdn.dribbble.com/users/${id}/avatars/normal/avatar.png`,
      bio: '',
      location: null,
      links: {},
      can_upload_shot: grant.scope.split(' ').includes('upload'),
      pro: false,
      followers_count: 0,
      created_at: '2014-02-13T19:30:30Z',
      type: 'Player',
      teams: [],
    });
  });

  server.route('GET', '/v2/user/shots', (request) => {
    server.count('shots');
    const grant = caller(request);
    if (!('user' in grant)) return grant;
    return json(200, [{ id: 471756, title: 'Sasquatch', html_url: 'https://dribbble.com/shots/471756-Sasquatch', published_at: '2012-03-15T01:52:33Z' }]);
  });

  return {
    ...controls.handle,
    revokeApp: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.id === user.id) grants.revokeGrant(grant.id);
    },
    failNextUserRequest: userFailure.queue,
  };
}
