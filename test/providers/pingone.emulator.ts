/**
 * An emulator of a PingOne environment as an OpenID provider, written from
 * PingOne's documentation:
 * - The issuer `<host>/<environment id>/as` and its discovery document at
 *   `<issuer>/.well-known/openid-configuration`, naming `/as/authorize`,
 *   `/as/token`, `/as/userinfo`, `/as/revoke` and `/as/jwks`:
 *   https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/discovery-openid-configuration.html
 * - The application's "Token Endpoint Authentication Method" decides how its
 *   client authenticates (Client Secret Basic here, or Post); another way is
 *   refused, as is a wrong secret:
 *   https://developer.pingidentity.com/pingone-api/workflow-library/platform-sso-and-authorization/openid-connect-oidc/client-authentication-methods/environment-configuration/none.html
 * - A refresh token only for an application with the Refresh Token grant type;
 *   each lives the "Refresh token duration" (30 days by default) and a refresh
 *   answers a new one; with "Refresh token rotation" on, a used one is refused:
 *   https://docs.pingidentity.com/pingone/applications/p1_edit_application_oidc.html,
 *   https://docs.pingidentity.com/pingone/applications/p1_refresh_token_rotation.html
 * - Userinfo by scope: `profile` brings the name claims and
 *   `preferred_username`, `email` the `email` and `email_verified`:
 *   https://developer.pingidentity.com/pingone-api/foundations/pingone-roles-scopes-and-permissions/access-services-through-scopes-and-roles/openid-connect-oidc-scopes.html
 * - Revocation (RFC 7009) at `/as/revoke`:
 *   https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/token-revocation.html
 * Refusals are RFC 6749 §5.2's codes; their descriptions and the one-hour access
 * tokens are this emulator's own. removeSessions() is an administrator ending
 * the user's sessions, and with them the tokens issued under them.
 */
import { randomUUID } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface PingOneUser {
  /** The PingOne user id, a UUID: the `sub`. */
  id: string;
  username: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
}

export interface PingOneEmulatorOptions extends EmulatorOptions {
  environmentId: string;
  /** The app's "Token Endpoint Authentication Method" (default Client Secret Basic). */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /** The app's "Refresh token rotation" (default off: a used refresh token still works until it expires). */
  rotateRefreshTokens?: boolean;
}

export interface PingOneEmulator extends EmulatorHandle<PingOneUser> {
  readonly issuer: string;
  /** An administrator ends the user's sessions: the tokens issued under them stop working. */
  removeSessions(user: PingOneUser): void;
}

const DAY = 86_400;
const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 30 * DAY;

export async function startPingOneEmulator(options: PingOneEmulatorOptions): Promise<PingOneEmulator> {
  const server = await startEmulatorServer();
  const base = `/${options.environmentId}/as`;
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  // Each refresh token lives 30 days from its issue, and every refresh answers a new one.
  const grants = new GrantStore<PingOneUser>({
    now,
    accessTokenTtl: ACCESS_TOKEN_SECONDS,
    refreshPolicy: options.rotateRefreshTokens ? 'rotating' : 'reissued',
    refreshTokenTtl: REFRESH_TOKEN_SECONDS,
  });
  const controls = emulatorControls<PingOneUser>(server, grants);
  const method = options.authMethod ?? 'client_secret_basic';

  server.route('GET', `${base}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      pushed_authorization_request_endpoint: `${issuer}/par`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      end_session_endpoint: `${issuer}/signoff`,
      introspection_endpoint: `${issuer}/introspect`,
      revocation_endpoint: `${issuer}/revoke`,
      device_authorization_endpoint: `${issuer}/device_authorization`,
      response_types_supported: ['code', 'id_token', 'token id_token', 'code id_token', 'code token', 'code token id_token'],
      response_modes_supported: ['pi.flow', 'query', 'fragment', 'form_post'],
      grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'],
      claims_supported: ['sub', 'iss', 'auth_time', 'acr', 'name', 'given_name', 'family_name', 'middle_name', 'preferred_username', 'profile', 'picture', 'zoneinfo', 'phone_number', 'updated_at', 'address', 'email', 'locale'],
      code_challenge_methods_supported: ['plain', 'S256'],
      request_parameter_supported: true,
      request_uri_parameter_supported: false,
    }),
  );
  server.route('GET', `${base}/jwks`, () => json(200, key.jwks));

  server.route('GET', `${base}/authorize`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return json(400, { id: randomUUID(), code: 'INVALID_DATA', message: 'Redirect URI mismatch' });
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user canceled the sign on.' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  // Only the method the application is set to.
  const authenticates = (request: EmulatorRequest): boolean => {
    const basic = request.basicAuth() !== null;
    server.count(basic ? 'client_secret_basic' : 'client_secret_post');
    return (method === 'client_secret_basic') === basic && authenticatesAs(request, options);
  };
  const invalidClient = () => oauthError(401, 'invalid_client', 'Request denied: Unsupported authentication method or invalid client credentials');

  const idToken = (grant: Grant<PingOneUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      iss: issuer,
      sub: grant.user.id,
      aud: options.clientId,
      auth_time: now(),
      acr: 'Single_Factor',
      amr: ['pwd'],
      sid: grant.id,
      env: options.environmentId,
      org: '0f2e4d6c-8a1b-4c3d-9e5f-7a6b5c4d3e2f',
    });

  tokenEndpoint(server, `${base}/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { id: randomUUID(), code: 'UNEXPECTED_ERROR', message: 'An unexpected error has occurred' }) },
    authenticates,
    errors: {
      client: invalidClient,
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
    },
    answer: async ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        scope: grant.scope,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        ...(grant.scope.split(' ').includes('openid') ? { id_token: await idToken(grant, tokens.accessToken) } : {}),
      }, { 'cache-control': 'no-store' }),
  });

  server.route('POST', `${base}/revoke`, (request) => {
    server.count('revoke');
    if (!authenticates(request)) return invalidClient();
    const token = request.form().get('token') ?? '';
    grants.revokeToken(token);
    return { status: 200 };
  });

  server.route('GET', `${base}/userinfo`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'Access token expired or invalid' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: user.id,
      ...(scopes.includes('profile')
        ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, preferred_username: user.username, updated_at: now() - DAY }
        : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
      env: options.environmentId,
      org: '0f2e4d6c-8a1b-4c3d-9e5f-7a6b5c4d3e2f',
    });
  });

  return {
    ...controls.handle,
    issuer,
    removeSessions: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
