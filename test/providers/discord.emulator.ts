/**
 * An emulator of Discord's OAuth2 authorization code grant and the parts of
 * its API that sign-in touches, written from Discord's documentation:
 * - OAuth2 (https://discord.com/developers/docs/topics/oauth2): the URLs
 *   (/oauth2/authorize, /api/oauth2/token, /api/oauth2/token/revoke); the token
 *   and revocation URLs take `application/x-www-form-urlencoded` only; client
 *   authentication by HTTP Basic or `client_id`/`client_secret` in the body;
 *   scopes separated by spaces; the redirect back carries `code` and `state`
 *   (no `iss`); the token answer `{ access_token, token_type: "Bearer",
 *   expires_in: 604800, refresh_token, scope }`, and the same on refresh, with
 *   a new refresh token; revoking either token revokes every token of that
 *   authorization; `GET /oauth2/@me`, the current authorization.
 * - Users (https://discord.com/developers/docs/resources/user): `GET /users/@me`,
 *   the snowflake `id` as a string, `global_name` (null when unset), and
 *   `email`/`verified` only with the `email` scope.
 * - Errors: RFC 6749 §5.2 bodies at the token URL, as the OAuth2 page refers
 *   to RFC 6749; the API's JSON error `{ message, code }` with 401
 *   (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
 * Discord's docs describe no PKCE for this grant: `code_challenge` is ignored.
 * The rotated-out refresh token is refused (it is not documented to revoke the
 * authorization). The authorization page approves at once for signInAs()'s user.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface DiscordUser {
  /** A snowflake, sent as a string. */
  id: string;
  username: string;
  globalName: string | null;
  email: string | null;
  verified: boolean;
}

export type DiscordEmulator = EmulatorHandle<DiscordUser>;

const TOKEN_TTL = 604_800;

export async function startDiscordEmulator(options: EmulatorOptions): Promise<DiscordEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DiscordUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<DiscordUser>(server, grants);

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    // A wrong application or redirect URI is an error page at Discord, not a redirect.
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Unknown application</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid OAuth2 redirect_uri</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), codeChallenge: undefined, codeChallengeMethod: undefined }) });
  });

  const formOnly = (request: EmulatorRequest): EmulatorReply | undefined =>
    (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? undefined
      : json(400, { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' });

  tokenEndpoint(server, '/api/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { message: status === 503 ? 'Service Unavailable' : 'Internal Server Error', code: 0 }) },
    // HTTP Basic or body credentials: Discord takes either, in a form body.
    authenticates: (request) => formOnly(request) ?? authenticatesAs(request, options),
    pkce: false,
    errors: {
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid "refresh_token" in request.'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid "code" in request.'),
    },
    answer: ({ grant, tokens }) => json(200, { token_type: 'Bearer', access_token: tokens.accessToken, expires_in: TOKEN_TTL, refresh_token: tokens.refreshToken, scope: grant.scope }),
  });

  server.route('POST', '/api/oauth2/token/revoke', (request) => {
    server.count('revoke');
    const refused = formOnly(request);
    if (refused) return refused;
    if (!authenticatesAs(request, options)) return json(401, { error: 'invalid_client' });
    // Either token ends the whole authorization; one Discord no longer knows is not an error (RFC 7009 §2.2).
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  const caller = (request: EmulatorRequest) => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    return grant ?? json(401, { message: '401: Unauthorized', code: 0 });
  };

  server.route('GET', '/api/v10/users/@me', (request) => {
    server.count('users_me');
    const grant = caller(request);
    if ('status' in grant) return grant;
    const { id, username, globalName, email, verified } = grant.user;
    const body: Record<string, unknown> = { id, username, discriminator: '0', global_name: globalName, avatar: null, mfa_enabled: false, locale: 'en-US', flags: 0, public_flags: 0 };
    if (grant.scope.split(' ').includes('email')) Object.assign(body, { email, verified });
    return json(200, body);
  });

  server.route('GET', '/api/v10/oauth2/@me', (request) => {
    server.count('authorization_info');
    const grant = caller(request);
    if ('status' in grant) return grant;
    return json(200, {
      application: { id: options.clientId, name: 'Tokenkeeper test' },
      scopes: grant.scope.split(' '),
      user: { id: grant.user.id, username: grant.user.username, global_name: grant.user.globalName },
    });
  });

  return controls.handle;
}
