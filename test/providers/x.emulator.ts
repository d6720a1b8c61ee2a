/**
 * An emulator of X's OAuth 2.0 Authorization Code Flow with PKCE (for a
 * confidential client) and the part of the X API v2 that sign-in touches,
 * written from X's documentation:
 * - https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code:
 *   PKCE (`code_challenge`, S256 or plain) on every authorization; scopes
 *   space-separated; a refresh token only with `offline.access`; access tokens
 *   of two hours; codes that expire after 30 seconds; redirect URIs matched exactly;
 *   `users.email` for the e-mail.
 * - https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token:
 *   GET /i/oauth2/authorize; the redirect back carries `state` and `code`;
 *   POST /2/oauth2/token and POST /2/oauth2/revoke, form-encoded; a
 *   confidential client authenticates with HTTP Basic per RFC 2617 (base64 of
 *   `client_id:client_secret`, nothing else encoded) and needs no `client_id`
 *   in the body; revoking invalidates the token given (access or refresh).
 * - https://docs.x.com/x-ads-api/mcp: refresh tokens rotate.
 * - https://docs.x.com/x-api/fundamentals/data-dictionary and
 *   https://docs.x.com/x-api/fundamentals/response-codes-and-errors:
 *   GET /2/users/me answers `{ data: { id, name, username } }`, with
 *   `confirmed_email` when `user.fields=confirmed_email` is asked for;
 *   errors are `{ title, detail, type }` problems.
 * X does not document its token endpoint's error bodies; this emulator sends
 * the ones its endpoint gives: 400 `invalid_request` "Value passed for the
 * authorization code was invalid." (or "…code verifier did not match the code
 * challenge.", or "…token was invalid." on refresh) and 401
 * `unauthorized_client` "Missing valid authorization header". Its revocation
 * answer is `{ "revoked": true }`. The rotated-out refresh token is refused.
 * The consent screen approves at once for the user set with signInAs().
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface XUser {
  id: string;
  name: string;
  username: string;
  confirmedEmail: string | null;
}

export type XEmulator = Omit<EmulatorHandle<XUser>, 'denyNextAuthorization'>;

const ACCESS_TOKEN_TTL = 7200;

function problem(status: number, title: string, detail: string): EmulatorReply {
  return json(status, { title, detail, type: 'about:blank', status });
}

export async function startXEmulator(options: EmulatorOptions): Promise<XEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<XUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', codeTtl: 30 });
  /** Refresh tokens revoked one by one at /2/oauth2/revoke (the grant's other tokens stay). */
  const revokedRefreshTokens = new Set<string>();
  const controls = emulatorControls<XUser>(server, grants);

  server.route('GET', '/i/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Something went wrong</h1>');
    const method = query.get('code_challenge_method') ?? 'plain';
    if (!query.get('code_challenge') || !['S256', 'plain'].includes(method)) return html(400, '<h1>Something went wrong</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), codeChallengeMethod: method, refreshToken: requestedScopes(query).includes('offline.access') }) });
  });

  /** RFC 2617 Basic credentials as X documents them: base64 of `id:secret`, not form-decoded. */
  const confidentialClient = (request: EmulatorRequest): boolean => basicAsSent(request, options);
  const unauthorized = () => json(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
  const invalid = (description: string) => json(400, { error: 'invalid_request', error_description: description });

  tokenEndpoint(server, '/2/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => problem(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', 'Please try again later.') },
    authenticates: confidentialClient,
    errors: {
      client: unauthorized,
      refreshToken: () => invalid('Value passed for the token was invalid.'),
      grantType: () => invalid('Value passed for the grant_type was invalid.'),
      code: (reason) => invalid(reason === 'pkce_failed' ? 'Value passed for the code verifier did not match the code challenge.' : 'Value passed for the authorization code was invalid.'),
    },
    refuseRefresh: (presented) => (revokedRefreshTokens.has(presented) ? invalid('Value passed for the token was invalid.') : undefined),
    answer: ({ grant, tokens }) =>
      json(200, { token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL, access_token: tokens.accessToken, scope: grant.scope, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) }),
  });

  server.route('POST', '/2/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!confidentialClient(request)) return unauthorized();
    const token = request.form().get('token') ?? '';
    // The token given, and only it: an access token alone, or a refresh token alone.
    if (!grants.revokeAccessToken(token) && grants.grantOfToken(token)) revokedRefreshTokens.add(token);
    return json(200, { revoked: true });
  });

  server.route('GET', '/2/users/me', (request) => {
    server.count('users_me');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return problem(401, 'Unauthorized', 'Unauthorized');
    const scopes = grant.scope.split(' ');
    if (!scopes.includes('users.read') || !scopes.includes('tweet.read')) return problem(403, 'Forbidden', 'The token lacks the users.read and tweet.read scopes.');
    const fields = (request.url.searchParams.get('user.fields') ?? '').split(',');
    const { id, name, username, confirmedEmail } = grant.user;
    const data: Record<string, unknown> = { id, name, username };
    if (fields.includes('confirmed_email') && scopes.includes('users.email') && confirmedEmail) data.confirmed_email = confirmedEmail;
    return json(200, { data });
  });

  return controls.handle;
}
