/**
 * An emulator of an OCI IAM identity domain (the emulator's origin stands for
 * `https://idcs-<id>.identity.oraclecloud.com`) with one confidential
 * application, written from Oracle's documentation:
 * - Discovery at /.well-known/openid-configuration on the domain, naming the
 *   issuer `https://identity.oraclecloud.com/`, not the domain's URL, and
 *   /oauth2/v1/authorize, /oauth2/v1/token, /oauth2/v1/userinfo,
 *   /oauth2/v1/revoke, /admin/v1/SigningCert/jwk; the token endpoint's
 *   methods `client_secret_basic` and `client_secret_jwt`:
 *   https://docs.oracle.com/en/cloud/paas/identity-cloud/rest-api/op-admin-v1-me-get.html
 * - The confidential client by Basic of its id and secret as they are (the
 *   examples' header decodes to a secret with its `-` unencoded); the ID
 *   token's `sub` is the user's login ID and `user_id` the user's GUID, with
 *   `user_displayname`; userinfo
 *   answers `sub` (the login ID) and the claims of the scopes asked, `email`
 *   with `email_verified`:
 *   https://docs.oracle.com/en-us/iaas/Content/Identity/api-getstarted/usingopenidconnect.htm
 * - `offline_access` brings a refresh token; each refresh answers a new one,
 *   the spent one single-use; access tokens of an hour:
 *   https://docs.oracle.com/cd/G18302_01/English/api/D142284.html,
 *   https://docs.oracle.com/en/industries/energy-water/integration-hub/standalone-application-sso-configuration-guide/offline-data-access.html,
 *   https://docs.oracle.com/en/cloud/paas/process-automation/rest-api-proca/OAuth_refreshtoken.html
 * Made up here, as the pages do not say them: a refresh token living seven
 * days, the refusals' descriptions and statuses beyond RFC 6749 §5.2, a
 * client in the form refused (the discovery document names no
 * `client_secret_post`), a revoked refresh token ending its grant, the error
 * page for an unknown client, and userinfo's 401.
 * removeUser() is the user deleted from the domain. The sign-in page approves
 * at once for signInAs()'s person, whose login ID is whatever it carries then.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface OracleUser {
  /** The user's GUID in the domain (32 hex digits): the ID token's `user_id`. */
  id: string;
  /** The login ID (an administrator can change it): the `sub`. */
  userName: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface OracleEmulator extends EmulatorHandle<OracleUser> {
  /** The domain's URL. */
  readonly origin: string;
  /** The issuer the discovery document names. */
  readonly issuer: string;
  /** The user is deleted from the domain: every token of theirs stops working. */
  removeUser(user: OracleUser): void;
}

export const ORACLE_ISSUER = 'https://identity.oraclecloud.com/';
const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 7 * 86_400;

export async function startOracleEmulator(options: EmulatorOptions): Promise<OracleEmulator> {
  const server = await startEmulatorServer();
  const domain = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<OracleUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<OracleUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer: ORACLE_ISSUER,
      authorization_endpoint: `${domain}/oauth2/v1/authorize`,
      token_endpoint: `${domain}/oauth2/v1/token`,
      userinfo_endpoint: `${domain}/oauth2/v1/userinfo`,
      revocation_endpoint: `${domain}/oauth2/v1/revoke`,
      introspect_endpoint: `${domain}/oauth2/v1/introspect`,
      end_session_endpoint: `${domain}/oauth2/v1/userlogout`,
      jwks_uri: `${domain}/admin/v1/SigningCert/jwk`,
      scopes_supported: ['openid', 'profile', 'offline_access', 'email', 'address', 'phone', 'groups', 'get_groups', 'approles', 'get_approles'],
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
      grant_types_supported: ['client_credentials', 'password', 'refresh_token', 'authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      userinfo_signing_alg_values_supported: ['none'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_jwt'],
      claims_supported: ['aud', 'exp', 'iat', 'iss', 'jti', 'sub'],
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    }),
  );
  server.route('GET', '/admin/v1/SigningCert/jwk', () => json(200, key.jwks));

  server.route('GET', '/oauth2/v1/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>The client or its redirect URL is not registered.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the consent.' });
    const asked = codeRequest(query, options, user);
    // A refresh token only with offline_access.
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  // Basic only: the discovery document names client_secret_basic and client_secret_jwt.
  const authenticates = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return basicAsSent(request, options);
  };

  const userinfoClaims = (grant: Grant<OracleUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.userName,
      ...(scopes.includes('profile')
        ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, preferred_username: user.userName, updated_at: now() - 86_400, website: '', gender: '', birthdate: '' }
        : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
    };
  };

  const idToken = (grant: Grant<OracleUser>, accessToken: string): Promise<string> => {
    const { user } = grant;
    return grantIdToken(key, grant, accessToken, {
      iss: ORACLE_ISSUER,
      sub: user.userName,
      aud: [options.clientId, ORACLE_ISSUER],
      azp: options.clientId,
      auth_time: now(),
      sid: `${grant.id}-sid`,
      tok_type: 'IT',
      sub_mappingattr: 'userName',
      user_id: user.id,
      user_displayname: `${user.givenName} ${user.familyName}`,
      user_tenantname: 'idcs-0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      user_lang: 'en',
      user_locale: 'en',
      user_tz: 'America/Chicago',
    });
  };

  tokenEndpoint(server, '/oauth2/v1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed.'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired.'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code is invalid or expired.'),
    },
    answer: async ({ grant, tokens }) => json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', await idToken(grant, tokens.accessToken))),
  });

  server.route('POST', '/oauth2/v1/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'Client authentication failed.');
    grants.revokeToken(request.form().get('token') ?? '');
    return { status: 200 };
  });

  server.route('GET', '/oauth2/v1/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'The access token is invalid or expired.' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, userinfoClaims(grant));
  });

  return {
    ...controls.handle,
    origin: domain,
    issuer: ORACLE_ISSUER,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
