/**
 * An emulator of Twist's OAuth 2 (twist.com/oauth/authorize, /oauth/access_token, /oauth/revoke) and of the part
 * of its API v3 a connection touches (api.twist.com/api/v3), both on one origin here, written from Doist's pages and
 * code for Twist (https://github.com/Doist/twist-integration-examples, https://doist.github.io/twist-sdk-typescript/,
 * https://developer.twistapp.com/v3/):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `state` and a
 *   comma-separated `scope` of Twist's scopes; a scope it does not know (a space-separated list among them) is
 *   `invalid_scope`.
 * - Token: `POST /oauth/access_token`, a form with `grant_type=authorization_code`, `code`, `redirect_uri`,
 *   `client_id` and `client_secret`; JSON with `access_token` and `token_type: "Bearer"`, no refresh token and no
 *   lifetime (the 'none' policy, tokens that do not expire). Refusals are RFC 6749 §5.2's.
 * - API: the token as Bearer. `GET /api/v3/users/get_session_user` (scope `user:read`) answers the user: `id`,
 *   `name`, `short_name`, `first_name`, `email`, `timezone`, `avatar_urls`, `lang`, `bot`, `removed`, the user's own
 *   API `token`…; `GET /api/v3/workspaces/get` (scope `workspaces:read`) the user's workspaces. A token it does not
 *   take is a 401 with error code 200, "Invalid token"; one short of the scope a 403 with error code 109,
 *   "Forbidden".
 * - Revoke: `POST /oauth/revoke`, JSON with `client_id`, `client_secret` and `token`; the client refused is a 401,
 *   the token's grant ends, answered 200 `{}`.
 * Made up here (Twist's pages do not say): the HTTP statuses of the API errors and the revocation's answers, the
 * error's uuid and the workspace's members beyond `id`, `name` and `creator`, and a declined authorization
 * (`access_denied`). removeIntegration() is the person removing the integration in Twist. The authorization page
 * approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface TwistUser {
  /** The user's id, a number. */
  id: number;
  name: string;
  email: string;
}

export interface TwistEmulator extends EmulatorHandle<TwistUser> {
  /** The person removes the integration in Twist: every token of theirs stops working. */
  removeIntegration(user: TwistUser): void;
  /** The next get_session_user request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each revocation's JSON body, in order. */
  readonly revocations: ReadonlyArray<Record<string, unknown>>;
}

const SCOPES = new Set(['user:read', 'user:write', 'workspaces:read', 'workspaces:write', 'channels:read', 'channels:write', 'channels:remove', 'threads:read', 'threads:write', 'threads:remove', 'comments:read', 'comments:write', 'comments:remove', 'groups:read', 'groups:write', 'groups:remove', 'messages:read', 'messages:write', 'messages:remove', 'reactions:read', 'reactions:write', 'reactions:remove', 'search:read', 'attachments:read', 'attachments:write', 'notifications:read', 'notifications:write']);

const scopesOf = (query: URLSearchParams) => (query.get('scope') ?? '').split(',').filter(Boolean);

const twistError = (status: number, code: number, text: string) => json(status, { error_uuid: 'f699b0e0caa4446e847e17cc1d42801b', error_code: code, error_extra: {}, error_string: text });

export async function startTwistEmulator(options: EmulatorOptions): Promise<TwistEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TwistUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<TwistUser>(server, grants);
  const revocations: Array<Record<string, unknown>> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (scopesOf(query).length > 0 && scopesOf(query).every((scope) => SCOPES.has(scope)) ? undefined : { error: 'invalid_scope' }),
    request: (query) => ({ scope: scopesOf(query).join(' ') }),
  });

  tokenEndpoint(server, '/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) => {
      const { scope: _none, ...members } = tokenMembers(tokens, undefined, 'Bearer');
      return json(200, members);
    },
  });

  /** The grant of the request's token when it has `scope`; Twist's "Invalid token" or "Forbidden" otherwise. */
  const apiGrant = (request: EmulatorRequest, scope: string) => {
    const grant = bearerGrant(grants, request, () => twistError(401, 200, 'Invalid token'));
    if (isGrant(grant) && !grant.scope.split(' ').includes(scope)) return twistError(403, 109, 'Forbidden');
    return grant;
  };

  server.route('GET', '/api/v3/users/get_session_user', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return twistError(status, 0, 'Internal server error');
    const grant = apiGrant(request, 'user:read');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const avatar = (size: number) => `https://twist.imgix.net/avatars/${user.id}/${size}.png`;
    return json(200, {
      id: user.id,
      name: user.name,
      short_name: user.name.split(' ')[0],
      first_name: user.name.split(' ')[0],
      email: user.email,
      timezone: 'Europe/Lisbon',
      lang: 'en',
      bot: false,
      removed: false,
      avatar_urls: { s35: avatar(35), s60: avatar(60), s195: avatar(195), s640: avatar(640) },
      default_workspace: 4201,
      token: `user-api-token-${user.id}`,
    });
  });

  server.route('GET', '/api/v3/workspaces/get', (request) => {
    server.count('workspaces');
    const grant = apiGrant(request, 'workspaces:read');
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: 4201, name: 'Acme', creator: grant.user.id, default_channel: 9001, plan: 'free' }]);
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const body = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
    revocations.push(body);
    if (!String(request.headers['content-type']).startsWith('application/json')) return oauthError(400, 'invalid_request');
    if (!credentialsIn(new URLSearchParams({ client_id: String(body.client_id ?? ''), client_secret: String(body.client_secret ?? '') }), options)) return oauthError(401, 'invalid_client');
    if (typeof body.token !== 'string') return oauthError(400, 'invalid_request');
    grants.revokeToken(body.token);
    return json(200, {});
  });

  return {
    ...controls.handle,
    removeIntegration: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    revocations,
  };
}
