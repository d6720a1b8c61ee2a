/**
 * An emulator of Sign in with Vercel, Vercel's OpenID provider (its issuer
 * the emulator's origin, as `https://vercel.com` is Vercel's), and of the
 * part of Vercel's REST API a connection touches, written from Vercel's
 * documentation:
 * - Discovery at /.well-known/openid-configuration: the endpoints
 *   /oauth/authorize, /login/oauth/token, /login/oauth/token/revoke,
 *   /login/oauth/token/introspect, /login/oauth/userinfo (on one origin here;
 *   api.vercel.com for all but the first at Vercel), the keys at
 *   /.well-known/jwks (RS256), PKCE S256 only, Basic or the form at the token
 *   endpoint, Basic only at the revocation endpoint:
 *   https://vercel.com/.well-known/oauth-authorization-server,
 *   https://vercel.com/docs/sign-in-with-vercel/authorization-server-api
 * - Authorize: `client_id`, `redirect_uri` (an Authorization Callback URL of
 *   the app), `response_type=code` and `code_challenge` are required; scopes
 *   the app is not configured for are dropped, not refused, and no scope is
 *   every scope the app has (here all four: `openid email profile
 *   offline_access`); a person who refuses is sent back `access_denied`.
 *   A refresh token only with `offline_access`.
 * - Tokens: the ID token carries `sub`, `name`, `preferred_username`,
 *   `picture` (when the user has an avatar) and `email` by the scopes; no
 *   `email_verified`. Access tokens last an hour; refresh tokens 30 days,
 *   a new one with each refresh:
 *   https://vercel.com/docs/sign-in-with-vercel/tokens
 * - REST API: `GET /v2/user` answers `{ user: { id, email, name, username,
 *   avatar, defaultTeamId, … } }` for the token as Bearer:
 *   https://vercel.com/docs/rest-api/user/get-the-user;
 *   an unknown token is 401 (the REST API's listed status).
 * Made up here, as Vercel's pages do not say them: the spent refresh token
 * refused at once, a revoked refresh token ending its grant (a revoked access
 * token ending alone), the refusals' descriptions (RFC 6749 §5.2's codes),
 * no ID token in a refresh's answer, and the REST API's error body.
 * removeAuthorization() is the person removing the app from their Vercel
 * account. The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface VercelUser {
  /** The user's unique id, 24 hex digits: the `sub`. */
  id: string;
  username: string;
  name: string;
  email: string;
  /** The avatar's hash, when the user has one. */
  avatar?: string;
}

export interface VercelEmulator extends EmulatorHandle<VercelUser> {
  readonly issuer: string;
  /** The person removes the app from their Vercel account: every token of theirs stops working. */
  removeAuthorization(user: VercelUser): void;
}

const APP_SCOPES = ['openid', 'email', 'profile', 'offline_access'];
const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 30 * 86_400;

export async function startVercelEmulator(options: EmulatorOptions): Promise<VercelEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<VercelUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenIdleTtl: REFRESH_TOKEN_SECONDS, prefixes: { access: 'vca_', refresh: 'vcr_' } });
  const controls = emulatorControls<VercelUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks`,
      subject_types_supported: ['public'],
      response_types_supported: ['code'],
      claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'nonce', 'name', 'preferred_username', 'email', 'picture'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: APP_SCOPES,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/login/oauth/token`,
      revocation_endpoint: `${issuer}/login/oauth/token/revoke`,
      introspection_endpoint: `${issuer}/login/oauth/token/introspect`,
      userinfo_endpoint: `${issuer}/login/oauth/userinfo`,
      code_challenge_methods_supported: ['S256'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    }),
  );
  server.route('GET', '/.well-known/jwks', () => json(200, key.jwks));

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>Invalid client_id or redirect_uri</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return reply({ error: 'invalid_request', error_description: 'code_challenge with code_challenge_method S256 is required' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request' });
    // Scopes the app is not configured for are filtered out; none asked is all the app's.
    const asked = requestedScopes(query);
    const scope = (asked.length === 0 ? APP_SCOPES : asked.filter((name) => APP_SCOPES.includes(name))).join(' ');
    return reply({
      code: grants.issueCode({
        clientId: options.clientId,
        redirectUri: options.redirectUri,
        scope,
        codeChallenge: query.get('code_challenge')!,
        codeChallengeMethod: 'S256',
        nonce: query.get('nonce') ?? undefined,
        user,
        refreshToken: scope.split(' ').includes('offline_access'),
      }),
    });
  });

  const authenticates = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, options);
  };

  const picture = (user: VercelUser) => (user.avatar ? { picture: `https://api.vercel.com/www/avatar/${user.avatar}` } : {});
  const claimsOf = (grant: Grant<VercelUser>) => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: user.name, preferred_username: user.username, ...picture(user) } : {}),
      ...(scopes.includes('email') ? { email: user.email } : {}),
    };
  };

  tokenEndpoint(server, '/login/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code is invalid or expired'),
    },
    answer: async ({ grantType, grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        scope: grant.scope,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        // An ID token at the sign-in (OpenID Connect Core §12.2 lets a refresh answer go without one).
        ...(grantType === 'authorization_code' && grant.scope.split(' ').includes('openid')
          ? {
              id_token: await grantIdToken(key, grant, tokens.accessToken, {
                iss: issuer,
                aud: options.clientId,
                nbf: now(),
                jti: `${grant.id}-${now()}`,
                ...claimsOf(grant),
              }, ACCESS_TOKEN_SECONDS),
            }
          : {}),
      }),
  });

  // The revocation endpoint takes the client by Basic only.
  server.route('POST', '/login/oauth/token/revoke', (request) => {
    server.count('revoke');
    if (!request.basicAuth() || !authenticates(request)) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const token = request.form().get('token') ?? '';
    grants.revokeToken(token);
    return { status: 200 };
  });

  const bearerGrant = (request: EmulatorRequest) => grants.grantOfAccessToken(request.bearer() ?? '');

  server.route('GET', '/login/oauth/userinfo', (request) => {
    server.count('userinfo');
    const grant = bearerGrant(request);
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claimsOf(grant));
  });

  server.route('GET', '/v2/user', (request) => {
    server.count('api_user');
    const grant = bearerGrant(request);
    if (!grant) return json(401, { error: { code: 'not_authorized', message: 'The request is missing an authentication token' } });
    const { user } = grant;
    return json(200, { user: { id: user.id, email: user.email, name: user.name, username: user.username, avatar: user.avatar ?? null, defaultTeamId: `team_${user.id.slice(0, 8)}`, softBlock: null } });
  });

  return {
    ...controls.handle,
    issuer,
    removeAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
