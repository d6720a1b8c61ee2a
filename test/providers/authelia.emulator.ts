/**
 * An emulator of an Authelia server as an OpenID Connect 1.0 Provider (its
 * root URL, which is the issuer, the emulator's origin) with one registered
 * confidential client, written from Authelia's documentation:
 * - Discovery at /.well-known/openid-configuration naming /api/oidc/authorization,
 *   /api/oidc/token, /api/oidc/userinfo, /api/oidc/revocation and /jwks.json:
 *   https://www.authelia.com/integration/openid-connect/introduction/#endpoint-implementations
 * - The client's registered `token_endpoint_auth_method`, `client_secret_basic`
 *   by default, is the only one taken (credentials in the form are refused);
 *   PKCE S256 taken, not required of a confidential client (`enforce_pkce`
 *   `public_clients_only`); lifespans: access tokens 1 hour, refresh tokens
 *   90 minutes:
 *   https://www.authelia.com/configuration/identity-providers/openid-connect/clients/,
 *   https://www.authelia.com/configuration/identity-providers/openid-connect/provider/
 * - A refresh token only for a code whose `offline_access` was consented to
 *   (the client has the scope and the `refresh_token` grant type); refresh
 *   tokens are single-use, each refresh answering a new one; `sub` a UUID v4;
 *   the ID token minimal, `name`, `preferred_username`, `email` and
 *   `email_verified` (true) from userinfo:
 *   https://www.authelia.com/integration/openid-connect/openid-connect-1.0-claims/
 * - Revocation (RFC 7009) at /api/oidc/revocation.
 * Made up here, as Authelia's pages do not say them: the refusals'
 * descriptions (RFC 6749 §5.2's codes; 401 for `invalid_client`), the error
 * page for a wrong redirect URI, each new refresh token's own 90 minutes, a
 * spent refresh token used again ending its grant (RFC 9700 §4.14.2), a
 * revoked refresh token ending the access tokens of its grant (RFC 7009 §2.1),
 * and userinfo's 401.
 * removeUser() is the user removed from Authelia's user backend with their
 * OAuth sessions. The consent page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface AutheliaUser {
  /** The opaque identifier Authelia keeps for the user (a UUID v4): the `sub`. */
  id: string;
  username: string;
  displayName: string;
  email: string;
}

export interface AutheliaEmulator extends EmulatorHandle<AutheliaUser> {
  readonly issuer: string;
  /** The user is removed from the user backend: every token of theirs stops working. */
  removeUser(user: AutheliaUser): void;
}

const ACCESS_TOKEN_SECONDS = 3600;
export const AUTHELIA_REFRESH_TOKEN_SECONDS = 90 * 60;
const INVALID_CLIENT = RFC_6749_DESCRIPTIONS.invalid_client;
const INVALID_GRANT = RFC_6749_DESCRIPTIONS.invalid_grant;

export async function startAutheliaEmulator(options: EmulatorOptions): Promise<AutheliaEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<AutheliaUser>({
    now,
    accessTokenTtl: ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenTtl: AUTHELIA_REFRESH_TOKEN_SECONDS,
    revokeGrantOnReuse: true,
    codeTtl: 60,
  });
  const controls = emulatorControls<AutheliaUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      jwks_uri: `${issuer}/jwks.json`,
      authorization_endpoint: `${issuer}/api/oidc/authorization`,
      token_endpoint: `${issuer}/api/oidc/token`,
      userinfo_endpoint: `${issuer}/api/oidc/userinfo`,
      introspection_endpoint: `${issuer}/api/oidc/introspection`,
      revocation_endpoint: `${issuer}/api/oidc/revocation`,
      pushed_authorization_request_endpoint: `${issuer}/api/oidc/pushed-authorization-request`,
      scopes_supported: ['offline_access', 'openid', 'profile', 'groups', 'email', 'address', 'phone'],
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token', 'none'],
      response_modes_supported: ['form_post', 'query', 'fragment', 'jwt', 'form_post.jwt', 'query.jwt', 'fragment.jwt'],
      grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'refresh_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: true,
    }),
  );
  server.route('GET', '/jwks.json', () => json(200, key.jwks));

  server.route('GET', '/api/oidc/authorization', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.</p>');
    }
    // RFC 9207: Authelia names itself in the authorization response.
    const reply = redirectBack(options.redirectUri, query, { iss: issuer });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request. The user did not consent.' });
    const asked = codeRequest(query, options, user);
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  // The registered method alone: Basic (credentials in the form too would be a second method, and are refused).
  const authenticates = (request: EmulatorRequest): boolean => {
    const basic = /^Basic /i.test(request.headers.authorization ?? '');
    server.count(basic ? 'client_secret_basic' : 'client_secret_post');
    return basic && request.form().get('client_secret') === null && basicAsSent(request, options);
  };

  const claims = (grant: Grant<AutheliaUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: user.displayName, preferred_username: user.username } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: true, alt_emails: [] } : {}),
    };
  };

  // The ID token proves the sign-in and no more.
  const idToken = (grant: Grant<AutheliaUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      iss: issuer,
      sub: grant.user.id,
      aud: [options.clientId],
      azp: options.clientId,
      auth_time: now(),
      amr: ['pwd', 'otp', 'mfa'],
    });

  tokenEndpoint(server, '/api/oidc/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', INVALID_CLIENT),
      refreshToken: () => oauthError(400, 'invalid_grant', INVALID_GRANT),
      code: () => oauthError(400, 'invalid_grant', INVALID_GRANT),
    },
    answer: async ({ grant, tokens }) =>
      json(200, openIdTokenAnswer(tokens, grant.scope, 'bearer', await idToken(grant, tokens.accessToken), { sorted: true })),
  });

  server.route('POST', '/api/oidc/revocation', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', INVALID_CLIENT);
    const token = request.form().get('token') ?? '';
    grants.revokeToken(token);
    return { status: 200 };
  });

  server.route('GET', '/api/oidc/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'The access token provided is expired, revoked, malformed, or invalid for other reasons.' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, { ...claims(grant), rat: now(), client_id: options.clientId });
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
