/**
 * An emulator of Vimeo's OAuth and of the part of its API a connection
 * touches, all on one host as at `https://api.vimeo.com`, written from
 * Vimeo's documentation (https://developer.vimeo.com/api/authentication,
 * https://developer.vimeo.com/api/reference/authentication-extras):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the app's, else an error page), `state` and
 *   `scope`, space-separated, each one Vimeo knows (else `invalid_scope`);
 *   no scope is `public private`. A person who declines comes back with
 *   `error=access_denied`.
 * - Token: `POST /oauth/access_token` with `grant_type=authorization_code`,
 *   `code` and `redirect_uri`, as a form or as the JSON Vimeo's SDKs send,
 *   the client as HTTP Basic of `client_id:client_secret` as they are
 *   (nothing percent-decoded: this client's secret holds `+` and `/`). A code
 *   is good once. The answer is `{ access_token, token_type: "bearer",
 *   scope, app, user }`, a token with no end and no refresh token. A code it
 *   does not take is 400 `{ error: "invalid_request", error_description:
 *   "Invalid authorization code" }` (as Vimeo answers it), another redirect
 *   URI 400 `invalid_request` too; the client's refusal is 401
 *   `invalid_client` here, which Vimeo does not show.
 * - `GET /me` answers the user (`uri: "/users/{id}"`, `name`, `link`,
 *   `account`); `GET /me/videos` `{ total, data }`, the private videos only
 *   with the `private` scope. A token it does not take is 401 with Vimeo's
 *   API error `{ error, link, developer_message, error_code: 8003 }`. The
 *   `Accept` each call came with is recorded in `server.requests`.
 * - Revoke: `DELETE /tokens` with the token as Bearer ends it, 204; a token
 *   it does not take is 401 (assumed).
 * The authorization page approves at once for signInAs()'s user.
 */
import { basicAsSent } from './kit/client-authentication.js';
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface VimeoUser {
  /** Vimeo's numeric user id, as the `uri` `/users/{id}` names it. */
  id: string;
  name: string;
  /** The profile's short name, in `link`. */
  username: string;
}

export interface VimeoEmulator extends EmulatorHandle<VimeoUser> {
  /** The person removes the app in their Vimeo settings (Apps): its tokens stop working. */
  removeAppInVimeo(user: VimeoUser): void;
  /** The next /me request fails with this HTTP status. */
  failNextMeRequest(status: number): void;
}

const SCOPES = ['public', 'private', 'purchased', 'purchase', 'create', 'edit', 'delete', 'interact', 'upload', 'promo_codes', 'video_files', 'stats'];

/** Vimeo's API error body. */
function apiError(status: number, error: string, errorCode: number): EmulatorReply {
  return json(status, { error, link: null, developer_message: error, error_code: errorCode });
}

export async function startVimeoEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<VimeoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<VimeoUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<VimeoUser>(server, grants);
  const meFailure = queuedFailure();

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Bad Request</h1><p>The client or redirect URI does not match the app.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = requestedScopes(query);
    if (asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope', error_description: 'The requested scope is invalid.' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request.' });
    const scope = (asked.length > 0 ? asked : ['public', 'private']).join(' ');
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope, codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  const userOf = ({ id, name, username }: VimeoUser) => ({ uri: `/users/${id}`, name, link: `https://vimeo.com/${username}`, account: 'free', resource_key: `${id}rk` });

  tokenEndpoint(server, '/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => basicAsSent(request, options),
    parameters: jsonOrForm,
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Invalid client credentials.'),
      code: (reason) =>
        reason === 'redirect_uri_mismatch'
          ? oauthError(400, 'invalid_request', 'The provided redirect_uri does not match the URI used to create the authorization code.')
          : oauthError(400, 'invalid_request', 'Invalid authorization code'),
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', scope: grant.scope, app: { name: 'Tokenkeeper test', uri: '/apps/1000' }, user: userOf(grant.user) }),
  });

  const caller = (request: EmulatorRequest): Grant<VimeoUser> | undefined => grants.grantOfAccessToken(request.bearer() ?? '');
  const unauthenticated = () => apiError(401, 'You must provide a valid authenticated access token.', 8003);

  server.route('GET', '/me', (request) => {
    server.count('me');
    const status = meFailure.take();
    if (status !== undefined) return apiError(status, 'Something strange occurred. Please try again.', 2000);
    const grant = caller(request);
    return grant ? json(200, userOf(grant.user)) : unauthenticated();
  });

  server.route('GET', '/me/videos', (request) => {
    server.count('videos');
    const grant = caller(request);
    if (!grant) return unauthenticated();
    const videos = [
      { uri: '/videos/76979871', name: 'The New Vimeo Player', privacy: { view: 'anybody' } },
      { uri: '/videos/76979872', name: 'A private cut', privacy: { view: 'nobody' } },
    ].filter((video) => video.privacy.view === 'anybody' || grant.scope.split(' ').includes('private'));
    return json(200, { total: videos.length, page: 1, per_page: 25, data: videos });
  });

  server.route('DELETE', '/tokens', (request) => {
    server.count('revoke');
    const grant = caller(request);
    if (!grant) return unauthenticated();
    grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  return {
    ...controls.handle,
    removeAppInVimeo: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextMeRequest: meFailure.queue,
  };
}
