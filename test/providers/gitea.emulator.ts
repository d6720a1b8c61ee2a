/**
 * An emulator of a Gitea instance as an OAuth2 and OpenID Connect provider
 * (its ROOT_URL the emulator's origin), and of the part of its REST API a
 * connection touches, written from Gitea's documentation
 * (https://docs.gitea.com/development/oauth2-provider,
 * https://docs.gitea.com/administration/config-cheat-sheet, [oauth2]) and its
 * provider's behaviour as its source has it:
 * - Discovery at /.well-known/openid-configuration: the issuer is ROOT_URL
 *   with its trailing slash, the endpoints under /login/oauth/, RS256 keys at
 *   /login/oauth/keys, no revocation endpoint.
 * - Authorize: the registered redirect URI only (another is an error page);
 *   PKCE S256 or plain, optional for this confidential client. A person who
 *   authorized the app before gets a code at once, under the grant's first
 *   scope: one grant per person and app. A refusal is `access_denied`
 *   ("the request is denied").
 * - Token: the client's id and secret in the form or as Basic. The answer is
 *   `access_token`, `token_type: "bearer"`, `expires_in` (3600),
 *   `refresh_token` (730 hours from its issue) and, with `openid`, an
 *   `id_token` whose `iss` is ROOT_URL, `sub` the numeric id, the nonce the
 *   grant's last, `name`, `preferred_username`… with `profile`, `email` and
 *   `email_verified` (the account being active; omitted when false) with
 *   `email`. Every refresh answers a new refresh token; with
 *   `invalidateRefreshTokens` (Gitea's INVALIDATE_REFRESH_TOKENS) the spent
 *   one is refused ("token was already used"), else it works until its end.
 *   Refusals are HTTP 400 with Gitea's codes: `unauthorized_client` for a
 *   refresh token that does not parse (expired, unknown), a spent one, an
 *   unknown or used code ("client is not authorized"), a PKCE failure and a
 *   wrong secret at the code exchange; `invalid_client` for a wrong secret at
 *   a refresh; `invalid_grant` ("grant does not exist") once the person
 *   revoked the app.
 * - Userinfo: `sub`, `name`, `preferred_username`, `email`, `picture`,
 *   `groups`, no `email_verified`; a token it does not take is a plain-text 401.
 * - The REST API under /api/v1: `GET /api/v1/user` behind `read:user` (a grant
 *   naming no API scope reaches all of it), a 401 for a token it does not
 *   take and a 403 for a scope the grant lacks (bodies not shown by Gitea's docs).
 * - revokeApp() is the person revoking the app under Settings, Applications:
 *   the grant is deleted, and its access and refresh tokens stop working.
 * The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface GiteaUser {
  id: number;
  login: string;
  fullName: string;
  email: string;
  /** Whether the account is active (its e-mail confirmed, where the instance asks for it); default true. */
  active?: boolean;
}

export interface GiteaEmulatorOptions extends EmulatorOptions {
  /** [oauth2] INVALIDATE_REFRESH_TOKENS: a spent refresh token is refused (off by default in Gitea). */
  invalidateRefreshTokens?: boolean;
}

export interface GiteaEmulator extends EmulatorHandle<GiteaUser> {
  /** ROOT_URL, as Gitea names itself: the origin with a trailing slash. */
  readonly issuer: string;
  /** The person revokes the app under Settings, Applications: the grant is deleted. */
  revokeApp(user: GiteaUser): void;
}

/** Gitea's API scopes (1.23), `<read|write>:<area>`; openid, profile, email and groups name the person. */
const API_SCOPE = /^(read|write):(activitypub|admin|issue|misc|notification|organization|package|repository|user)$/;
const PERSON_SCOPES = new Set(['openid', 'profile', 'email', 'groups']);
const REFRESH_TOKEN_HOURS = 730;

export async function startGiteaEmulator(options: GiteaEmulatorOptions): Promise<GiteaEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<GiteaUser>({
    now,
    accessTokenTtl: 3600,
    refreshPolicy: options.invalidateRefreshTokens ? 'rotating' : 'reissued',
    refreshTokenTtl: REFRESH_TOKEN_HOURS * 3600,
    codeTtl: 600,
  });
  const controls = emulatorControls<GiteaUser>(server, grants);
  /** The scope of each person's grant, first granted and kept while the grant lives. */
  const grantedScope = new Map<number, string>();

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}login/oauth/authorize`,
      token_endpoint: `${issuer}login/oauth/access_token`,
      jwks_uri: `${issuer}login/oauth/keys`,
      userinfo_endpoint: `${issuer}login/oauth/userinfo`,
      introspection_endpoint: `${issuer}login/oauth/introspect`,
      response_types_supported: ['code', 'id_token'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      scopes_supported: ['openid', 'profile', 'email', 'groups'],
      claims_supported: ['aud', 'exp', 'iat', 'iss', 'sub', 'name', 'preferred_username', 'profile', 'picture', 'website', 'locale', 'updated_at', 'email', 'email_verified', 'groups'],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    }),
  );
  server.route('GET', '/login/oauth/keys', () => json(200, key.jwks));

  server.route('GET', '/login/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<p>Client ID not registered</p>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<p>Unregistered Redirect URI</p>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: 'Only code response type is supported.' });
    const method = query.get('code_challenge_method') ?? '';
    if (!['', 'S256', 'plain'].includes(method)) return reply({ error: 'invalid_request', error_description: 'unsupported code challenge method' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'the request is denied' });
    // A person who authorized the app before is not asked again, and the grant keeps the scope first granted.
    const scope = grantedScope.get(user.id) ?? requestedScopes(query).join(' ');
    if (grantedScope.has(user.id)) server.count('consent_skipped');
    grantedScope.set(user.id, scope);
    return reply({
      code: grants.issueCode({
        clientId: options.clientId,
        redirectUri: options.redirectUri,
        scope,
        codeChallenge: query.get('code_challenge') || undefined,
        codeChallengeMethod: method || undefined,
        nonce: query.get('nonce') ?? undefined,
        user,
      }),
    });
  });

  /** Gitea checks the client first; a wrong secret is `invalid_client` at a refresh, `unauthorized_client` at the code exchange. */
  const authenticates = (request: EmulatorRequest): boolean | EmulatorReply => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    const clientId = request.basicAuth()?.username ?? request.form().get('client_id');
    if (clientId !== options.clientId) return oauthError(400, 'invalid_client', `cannot load client with client id: '${clientId ?? ''}'`);
    if (authenticatesAs(request, options)) return true;
    return oauthError(400, request.form().get('grant_type') === 'refresh_token' ? 'invalid_client' : 'unauthorized_client', 'invalid client secret');
  };

  const idToken = (grant: Grant<GiteaUser>): Promise<string> => {
    const scopes = grant.scope.split(' ');
    const { user } = grant;
    return key.signIdToken(
      {
        iss: issuer,
        aud: [options.clientId],
        sub: String(user.id),
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        ...(scopes.includes('profile')
          ? { name: user.fullName || user.login, preferred_username: user.login, profile: `${issuer}${user.login}`, picture: `${issuer}avatars/${user.id}`, locale: 'en-US', updated_at: now() - 86_400 }
          : {}),
        // Gitea's email_verified is the account being active, and is left out when false.
        ...(scopes.includes('email') ? { email: user.email, ...(user.active !== false ? { email_verified: true } : {}) } : {}),
      },
      3600,
    );
  };

  tokenEndpoint(server, '/login/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<!DOCTYPE html><html><body><p>Internal Server Error</p></body></html>') },
    authenticates,
    errors: {
      grantType: () => oauthError(400, 'unsupported_grant_type', 'Only refresh_token or authorization_code grant type is supported'),
      refreshToken: (reason) =>
        reason === 'revoked_grant'
          ? oauthError(400, 'invalid_grant', 'grant does not exist')
          : reason === 'reused_token'
            ? oauthError(400, 'unauthorized_client', 'token was already used')
            : oauthError(400, 'unauthorized_client', 'unable to parse refresh token'),
      code: (reason) =>
        reason === 'pkce_failed'
          ? oauthError(400, 'unauthorized_client', 'failed PKCE code challenge')
          : reason === 'redirect_uri_mismatch'
            ? oauthError(400, 'unauthorized_client', 'unexpected redirect URI')
            : reason === 'wrong_client'
              ? oauthError(400, 'invalid_grant', 'invalid grant')
              : oauthError(400, 'unauthorized_client', 'client is not authorized'),
    },
    answer: async ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        ...(grant.scope.split(' ').includes('openid') ? { id_token: await idToken(grant) } : {}),
      }),
  });

  /** The person behind a Bearer (or Gitea's `token`) access token. */
  const grantOf = (request: EmulatorRequest): Grant<GiteaUser> | undefined => {
    const token = request.bearer() ?? /^token (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    return grants.grantOfAccessToken(token ?? '');
  };

  server.route('GET', '/login/oauth/userinfo', (request) => {
    server.count('userinfo');
    const grant = grantOf(request);
    if (!grant) return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="Gitea OAuth2"' }, body: 'no valid authorization' };
    const { user } = grant;
    return json(200, { sub: String(user.id), name: user.fullName || user.login, preferred_username: user.login, email: user.email, picture: `${issuer}avatars/${user.id}`, groups: null });
  });

  server.route('GET', '/api/v1/user', (request) => {
    server.count('api_user');
    const grant = grantOf(request);
    if (!grant) return json(401, { message: 'token is required', url: `${issuer}api/swagger` });
    const apiScopes = grant.scope.split(' ').filter((scope) => !PERSON_SCOPES.has(scope) && API_SCOPE.test(scope));
    if (apiScopes.length > 0 && !apiScopes.some((scope) => scope === 'read:user' || scope === 'write:user')) {
      return json(403, { message: 'token does not have at least one of required scope(s), required=[read:user], token scope=' + apiScopes.join(','), url: `${issuer}api/swagger` });
    }
    const { user } = grant;
    return json(200, { id: user.id, login: user.login, full_name: user.fullName, email: user.email, avatar_url: `${issuer}avatars/${user.id}`, active: user.active !== false, is_admin: false });
  });

  return {
    ...controls.handle,
    issuer,
    revokeApp: (user) => {
      grants.revokeGrantsOf((someone) => someone.id === user.id);
      grantedScope.delete(user.id);
    },
  };
}
