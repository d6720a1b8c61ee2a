/**
 * An emulator of Box's OAuth 2.0 for apps with user authentication
 * (account.box.com/api/oauth2, api.box.com/oauth2) and of the part of its
 * API (api.box.com/2.0) that a connection touches, written from Box's
 * documentation:
 * - Authorize (https://developer.box.com/reference/get-authorize/):
 *   `GET /api/oauth2/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri`, `state` and an optional `scope`, space-separated, which
 *   defaults to every scope configured for the app; a user who denies is
 *   sent back with `error=access_denied`. A PKCE challenge is not documented
 *   and is ignored, as RFC 6749 §3.1 has a server do with a parameter it does
 *   not know.
 * - Token (https://developer.box.com/reference/post-oauth2-token/):
 *   `POST /oauth2/token`, a form with `client_id` and `client_secret` in the
 *   body (no Basic header is documented, so none is taken); the answer has
 *   `access_token`, `expires_in: 3600`, `token_type: "bearer"`,
 *   `refresh_token`, `restricted_to` and `issued_token_type`; errors are
 *   `{ error, error_description }`: a refresh token older than 60 days is
 *   400 `invalid_grant` "Refresh token has expired" (Box's answer on its
 *   forum, https://support.box.com/hc/en-us/community/posts/360049133654),
 *   client credentials it does not take `invalid_client` "The client
 *   credentials are not valid" (the revoke reference's sample).
 * - Refresh tokens (https://developer.box.com/guides/authentication/tokens/refresh):
 *   one use each, within 60 days; every refresh answers a new pair.
 * - Revoke (https://developer.box.com/reference/post-oauth2-revoke/):
 *   `POST /oauth2/revoke` with `client_id`, `client_secret` and `token`, the
 *   access token or the refresh token
 *   (https://developer.box.com/guides/authentication/tokens/revoke),
 *   answered with an empty 200; revoking "effectively logs the user out",
 *   so here the whole grant ends. A token it no longer knows is answered as
 *   RFC 7009 §2.2 says, with 200: Box documents nothing else.
 * - Users (https://developer.box.com/reference/get-users-me/): `GET /2.0/users/me`
 *   answers the user object, `id`, `type: "user"`, `name`, `login`…
 * - Folders (https://developer.box.com/reference/get-folders-id/):
 *   `GET /2.0/folders/{id}`, `0` being the root.
 * - Errors of the API are Box's client error
 *   (https://developer.box.com/reference/resources/client-error/):
 *   `{ type: "error", status, code, message, request_id }`; for a token it
 *   does not take, `401` `unauthorized`, with RFC 6750 §3's
 *   `WWW-Authenticate` (the body Box sends then is not documented).
 * The authorization page approves at once for signInAs()'s user.
 */
import { requestedScopes, redirectBack } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface BoxUser {
  /** The Box user id, digits as a string. */
  id: string;
  name: string;
  /** The e-mail address the user signs in with. */
  login: string;
}

export interface BoxEmulatorOptions extends EmulatorOptions {
  /** The scopes configured for the app (default: `root_readwrite`). */
  appScopes?: string[];
}

export type BoxEmulator = EmulatorHandle<BoxUser>;

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_TTL = 60 * 86_400;

export async function startBoxEmulator(options: BoxEmulatorOptions): Promise<BoxEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BoxUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<BoxUser>(server, grants);
  const appScopes = options.appScopes ?? ['root_readwrite'];

  server.route('GET', '/api/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>invalid_client</h1>');
    const redirectUri = query.get('redirect_uri');
    if (redirectUri !== null && redirectUri !== options.redirectUri) return html(400, '<h1>redirect_uri_mismatch</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = requestedScopes(query);
    if (asked.some((scope) => !appScopes.includes(scope))) return reply({ error: 'invalid_scope', error_description: 'The requested scope is not configured for the application' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied access to your application' });
    const code = grants.issueCode({
      clientId: options.clientId,
      redirectUri: redirectUri ?? undefined,
      scope: (asked.length > 0 ? asked : appScopes).join(' '),
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
      user,
    });
    return reply({ code });
  });

  /** `client_id` and `client_secret` in the form body: the only client authentication Box documents. */
  const isClient = (request: EmulatorRequest): boolean => formCredentials(request, options);
  const invalidClient = (): EmulatorReply => json(400, { error: 'invalid_client', error_description: 'The client credentials are not valid' });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    pkce: false,
    errors: {
      client: invalidClient,
      refreshToken: (reason) => oauthError(400, 'invalid_grant', reason === 'expired_token' ? 'Refresh token has expired' : 'Invalid refresh token'),
      grantType: () => oauthError(400, 'invalid_request', 'Invalid grant_type parameter or parameter missing'),
      code: () => oauthError(400, 'invalid_grant', 'Auth code doesn\u2019t exist or is invalid for the client'),
    },
    answer: ({ tokens }) =>
      json(200, { access_token: tokens.accessToken, expires_in: ACCESS_TOKEN_TTL, token_type: 'bearer', restricted_to: [], refresh_token: tokens.refreshToken, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return invalidClient();
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  /** Box's client error object, with a request id as Box sends one. */
  const clientError = (status: number, code: string, message: string, headers: Record<string, string> = {}): EmulatorReply =>
    json(status, { type: 'error', status, code, help_url: 'https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/', message, request_id: 'abcdef123456' }, headers);
  const unauthorized = (): EmulatorReply =>
    clientError(401, 'unauthorized', 'Unauthorized', { 'www-authenticate': 'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."' });

  server.route('GET', '/2.0/users/me', (request) => {
    server.count('users_me');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    const { id, name, login } = grant.user;
    return json(200, {
      type: 'user',
      id,
      name,
      login,
      created_at: '2024-03-26T15:43:07-07:00',
      modified_at: '2026-11-30T11:34:29-08:00',
      language: 'en',
      timezone: 'Africa/Bujumbura',
      space_amount: 11_345_156_112,
      space_used: 1_237_009_912,
      max_upload_size: 2_147_483_648,
      status: 'active',
      job_title: 'CEO',
      phone: '6509241374',
      address: '900 Jefferson Ave, Redwood City, CA 94063',
      avatar_url: 'https://www.box.com/api/avatar/large/181216415',
    });
  });

  server.route('GET', '/2.0/folders/:id', (request) => {
    server.count('folders');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    if (request.params.id !== '0') return clientError(404, 'not_found', 'Not Found');
    return json(200, { type: 'folder', id: '0', name: 'All Files', owned_by: { type: 'user', id: grant.user.id, name: grant.user.name, login: grant.user.login }, item_collection: { total_count: 0, entries: [] } });
  });

  return controls.handle;
}
