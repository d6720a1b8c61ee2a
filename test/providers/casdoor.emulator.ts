/**
 * An emulator of a Casdoor server (its origin the emulator's, which is the
 * issuer) with one application, written from Casdoor's documentation:
 * - Discovery at /.well-known/openid-configuration naming
 *   /login/oauth/authorize, /api/login/oauth/access_token, /api/userinfo,
 *   /.well-known/jwks and /api/login/oauth/introspect, no revocation endpoint,
 *   RS256 and PKCE S256: https://casdoor.org/docs/how-to-connect/oidc-client
 * - The token request with `client_id` and `client_secret` in its body; its
 *   answer with `access_token`, `id_token`, `refresh_token`, `token_type`,
 *   `expires_in` and `scope`; a refresh token from every code exchange;
 *   userinfo's `sub` (the user's id), `preferred_username` (the username),
 *   `name` (the display name) and `email`:
 *   https://casdoor.org/docs/how-to-connect/oauth,
 *   https://casdoor.org/docs/how-to-connect/oidc-client
 * As Casdoor's source has them (its pages do not say): Basic read only when the
 * body has no client credentials; 401 `invalid_client` with
 * `WWW-Authenticate: Basic realm="OAuth2"`, other refusals 400 (controllers/util.go);
 * a refresh answering a new refresh token and deleting the old one, whose
 * refusal is 400 `invalid_grant` "refresh token is invalid or revoked"
 * (object/token_oauth_util.go); the lifetimes of an application made in the
 * UI, 168 hours for both tokens (web/src/ApplicationListPage.js); the default
 * "JWT" token format's ID token, its `name` the username beside `displayName`;
 * `email_verified` only when true.
 * Made up here: the authorization page's refusal wording and userinfo's 401.
 * endSessions() is the person's tokens for the application expired by a
 * single sign-out at Casdoor: refreshes are refused ("refresh token is
 * expired"), its JWT access tokens live on until they end.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface CasdoorUser {
  /** The user's id (a UUID): the `sub`. */
  id: string;
  /** The Casdoor username. */
  name: string;
  displayName: string;
  email: string;
  emailVerified: boolean;
}

export interface CasdoorEmulator extends EmulatorHandle<CasdoorUser> {
  readonly issuer: string;
  /** A single sign-out at Casdoor expires the person's tokens for the application. */
  endSessions(user: CasdoorUser): void;
}

export const CASDOOR_TOKEN_SECONDS = 168 * 3600;

export async function startCasdoorEmulator(options: EmulatorOptions): Promise<CasdoorEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<CasdoorUser>({ now, accessTokenTtl: CASDOOR_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: CASDOOR_TOKEN_SECONDS, codeTtl: 300 });
  const controls = emulatorControls<CasdoorUser>(server, grants);
  // Grants a single sign-out expired: their refresh tokens are refused, their access tokens (JWTs) still work.
  const signedOut = new Set<string>();

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/login/oauth/authorize`,
      token_endpoint: `${issuer}/api/login/oauth/access_token`,
      userinfo_endpoint: `${issuer}/api/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks`,
      introspection_endpoint: `${issuer}/api/login/oauth/introspect`,
      end_session_endpoint: `${issuer}/api/logout`,
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token', 'none'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      grant_types_supported: ['authorization_code', 'implicit', 'password', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'address', 'phone', 'offline_access'],
      claims_supported: ['iss', 'ver', 'sub', 'aud', 'iat', 'exp', 'id', 'type', 'displayName', 'avatar', 'permanentAvatar', 'email', 'phone', 'location', 'affiliation', 'title', 'homepage', 'bio', 'tag', 'region', 'language', 'score', 'ranking', 'isOnline', 'isAdmin', 'isGlobalAdmin', 'isForbidden', 'signupApplication', 'ldap'],
      request_parameter_supported: true,
    }),
  );
  server.route('GET', '/.well-known/jwks', () => json(200, key.jwks));

  server.route('GET', '/login/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<p>Invalid client_id</p>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, `<p>Redirect URI: "${query.get('redirect_uri')}" doesn't exist in the allowed Redirect URI list</p>`);
    const user = controls.approver();
    if (!user) return html(200, '<p>Sign in to Casdoor</p>');
    return redirectBack(options.redirectUri, query)({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  // The body's client credentials; Basic only when the body has none.
  const authenticates = (request: EmulatorRequest): boolean => {
    const form = request.form();
    const inBody = form.has('client_id') || form.has('client_secret');
    server.count(inBody ? 'client_secret_post' : 'client_secret_basic');
    if (inBody) return credentialsIn(form, options);
    const basic = request.basicAuth();
    return basic?.username === options.clientId && basic.password === options.clientSecret;
  };

  const invalidClient = () => ({ ...oauthError(401, 'invalid_client', 'client_secret is invalid'), headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Basic realm="OAuth2"' } });

  const profile = (grant: Grant<CasdoorUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      iss: issuer,
      aud: options.clientId,
      ...(scopes.includes('profile') ? { preferred_username: user.name, name: user.displayName } : {}),
      ...(scopes.includes('email') ? { email: user.email, ...(user.emailVerified ? { email_verified: true } : {}) } : {}),
    };
  };

  // The default "JWT" format: Casdoor's own member names, `name` the username.
  const idToken = (grant: Grant<CasdoorUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      owner: 'built-in',
      name: grant.user.name,
      id: grant.user.id,
      displayName: grant.user.displayName,
      email: grant.user.email,
      tokenType: 'id-token',
      tag: '',
      scope: grant.scope,
      azp: options.clientId,
      iss: issuer,
      sub: grant.user.id,
      aud: [options.clientId],
    }, CASDOOR_TOKEN_SECONDS);

  tokenEndpoint(server, '/api/login/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: invalidClient,
      code: () => oauthError(400, 'invalid_grant', 'authorization code is invalid'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'refresh token is invalid or revoked'),
    },
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      return grant && signedOut.has(grant.id) ? oauthError(400, 'invalid_grant', 'refresh token is expired') : undefined;
    },
    answer: async ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        id_token: await idToken(grant, tokens.accessToken),
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        scope: grant.scope,
      }),
  });

  server.route('GET', '/api/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? request.url.searchParams.get('accessToken') ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'the access token is invalid' });
    return json(200, profile(grant));
  });

  return {
    ...controls.handle,
    issuer,
    endSessions: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.id === user.id) signedOut.add(grant.id);
    },
  };
}
