/**
 * An emulator of an SAP Cloud Identity Services tenant (Identity
 * Authentication; the emulator's origin stands for
 * `https://<tenant ID>.accounts.ondemand.com`) with one OpenID Connect
 * application at its default token policy, written from SAP's documentation
 * (https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide):
 * - Discovery at /.well-known/openid-configuration, the issuer the tenant's
 *   URL, naming /oauth2/authorize, /oauth2/token, /oauth2/userinfo,
 *   /oauth2/revoke and /oauth2/certs; with "Enforce Compliant OIDC Issuer" on,
 *   a request without `client_id` (or `appid`) answers an issuer without
 *   its protocol: call-identity-authentication-discovery-endpoint-c297516.md
 * - The code usable once within two minutes; `offline_access` among the
 *   scopes: configure-the-client-to-call-identity-authentication-authorize-endpoint-for-authorization-94ff0b4.md
 * - The token endpoint: the client by Basic, a 401 when its authentication
 *   fails; `access_token`, `refresh_token`, `id_token`, `token_type`
 *   Bearer, `expires_in` 3600: configure-the-client-to-call-identity-authentication-token-endpoint-for-authorization-cod-3a74ef8.md,
 *   call-identity-authentication-refresh-token-c62c09e.md
 * - Default token policy: access and ID tokens 60 minutes, refresh tokens 12
 *   hours, a refresh token single-use, the new one invalidating the old at
 *   once: token-policy-configuration-for-applications-c4ba52e.md
 * - `sub` the user's User ID (`P123456`); the ID token and userinfo name the
 *   person `first_name`, `last_name`, `mail`, with `user_uuid` in
 *   userinfo, which answers 400 for an expired token:
 *   configure-the-subject-name-identifier-sent-to-the-application-1d020e3.md,
 *   call-identity-authentication-userinfo-endpoint-29e4869.md
 * - Revocation (RFC 7009) at /oauth2/revoke, by Basic, ending every token of
 *   the client for that session; 200, or 401 for a client not authenticated:
 *   call-identity-authentication-revoke-token-endpoint-3501e42.md
 * Made up here, as the pages do not say them: the refusals' bodies (RFC 6749
 * §5.2's codes, `invalid_grant` for a refused code or refresh token, behind
 * the pages' "Missing or wrong parameter" 400), each renewed refresh token's
 * own 12 hours, the error page for an unknown client or redirect URI, and the
 * bodies of userinfo's refusals.
 * removeUser() is the user deleted from the tenant with their tokens. The
 * login page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface SapUser {
  /** The User ID (`P` and digits): the default Subject Name Identifier, the `sub`. */
  id: string;
  /** The Global User ID. */
  uuid: string;
  firstName: string;
  lastName: string;
  mail: string;
}

export interface SapEmulatorOptions extends EmulatorOptions {
  /** The tenant's "Enforce Compliant OIDC Issuer". */
  enforceCompliantIssuer?: boolean;
}

export interface SapEmulator extends EmulatorHandle<SapUser> {
  readonly issuer: string;
  /** The user is deleted from the tenant: every token of theirs stops working. */
  removeUser(user: SapUser): void;
}

export const SAP_REFRESH_TOKEN_SECONDS = 12 * 3600;

export async function startSapEmulator(options: SapEmulatorOptions): Promise<SapEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<SapUser>({
    now,
    accessTokenTtl: 3600,
    refreshPolicy: 'rotating',
    refreshTokenTtl: SAP_REFRESH_TOKEN_SECONDS,
    codeTtl: 120,
  });
  const controls = emulatorControls<SapUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', (request) => {
    server.count('discovery');
    const query = request.url.searchParams;
    const named = query.get('client_id') !== null || query.get('appid') !== null;
    return json(200, {
      // Without the client named, an enforcing tenant leaves the protocol out.
      issuer: options.enforceCompliantIssuer && !named ? issuer.replace(/^https?:\/\//, '') : issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      end_session_endpoint: `${issuer}/oauth2/logout`,
      jwks_uri: `${issuer}/oauth2/certs`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      response_types_supported: ['code', 'id_token', 'token'],
      grant_types_supported: ['password', 'authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'offline_access'],
      token_endpoint_auth_methods_supported: ['tls_client_auth', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      code_challenge_methods_supported: ['plain', 'S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });
  server.route('GET', '/oauth2/certs', () => json(200, key.jwks));

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Bad Request</h1><p>The application or its redirect URI is not known.</p>');
    }
    // RFC 9207: the tenant names itself in the authorization response.
    const reply = redirectBack(options.redirectUri, query, { iss: issuer });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  // Basic, its id and secret form-encoded (RFC 6749 §2.3.1), as the token endpoint's page asks.
  const authenticates = countedAuthentication(server, options);

  const claims = (grant: Grant<SapUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { first_name: user.firstName, last_name: user.lastName } : {}),
      ...(scopes.includes('email') ? { mail: user.mail } : {}),
    };
  };

  const idToken = (grant: Grant<SapUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, { ...claims(grant), iss: issuer, aud: options.clientId, azp: options.clientId, sid: `${grant.id}-sid` });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', RFC_6749_DESCRIPTIONS.invalid_client),
      refreshToken: () => oauthError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant),
      code: () => oauthError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant),
    },
    answer: async ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        id_token: await idToken(grant, tokens.accessToken),
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
      }),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return { status: 401 };
    // Every token of the client for that session: the whole grant.
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  server.route('GET', '/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    // The pages answer an expired token with 400.
    if (!grant) return json(400, { error: 'invalid_token', error_description: 'The access token is expired or invalid' });
    return json(200, { ...claims(grant), user_uuid: grant.user.uuid, aud: options.clientId, iss: issuer });
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
