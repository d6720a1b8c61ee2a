/**
 * An emulator of a Descope project as an OpenID provider (the emulator's
 * origin stands for `https://api.descope.com`), written from Descope's
 * documentation:
 * - The issuer is `<api>/<Project ID>`, its discovery document and keys under
 *   it; the endpoints are the host's own /oauth2/v1/authorize, /oauth2/v1/token,
 *   /oauth2/v1/userinfo, /oauth2/v1/revoke and /oauth2/v1/logout; the client
 *   id is the Project ID and the secret an Access Key:
 *   https://docs.descope.com/manage/idpapplications/oidc/,
 *   https://docs.descope.com/identity-federation/applications/oidc-apps/oidc-endpoints
 * - A confidential client's code exchange answers `id_token`, `access_token`
 *   and `refresh_token` (with `token_type`, `expires_in`, `scope`), no
 *   `offline_access` asked: the endpoints page above and
 *   https://docs.descope.com/api/federated-apps/oidc-token-endpoint
 * - The claims: `sub` (the Descope user id), `name`, `email` (the OIDC
 *   applications page above).
 * - Revocation of an access or a refresh token at /oauth2/v1/revoke (the
 *   endpoints page above).
 * Made up here, as Descope's pages do not say them: the lifetimes (10 minutes'
 * access tokens, four weeks' refresh tokens), a refresh answering the same
 * refresh token, `email_verified` (Auth.js's Descope profile names it), the
 * client taken by Basic as well as in the form, a revoked refresh token ending
 * its grant, the refusals' descriptions and statuses beyond RFC 6749 §5.2, the
 * error page for an unknown client, and userinfo's 401.
 * removeUser() is the user deleted from the project with their sessions. The
 * flow approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface DescopeUser {
  /** The Descope user id (`U` and 27 characters): the `sub`. */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface DescopeEmulator extends EmulatorHandle<DescopeUser> {
  /** The API host, standing for `https://api.descope.com`. */
  readonly origin: string;
  readonly issuer: string;
  /** The user is deleted from the project: every token of theirs stops working. */
  removeUser(user: DescopeUser): void;
}

const ACCESS_TOKEN_SECONDS = 600;
const REFRESH_TOKEN_SECONDS = 28 * 86_400;

export async function startDescopeEmulator(options: EmulatorOptions): Promise<DescopeEmulator> {
  const server = await startEmulatorServer();
  const api = server.origin;
  // The client id is the Project ID, which names the issuer.
  const project = `/${options.clientId}`;
  const issuer = `${api}${project}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<DescopeUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<DescopeUser>(server, grants);

  server.route('GET', `${project}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${api}/oauth2/v1/authorize`,
      token_endpoint: `${api}/oauth2/v1/token`,
      userinfo_endpoint: `${api}/oauth2/v1/userinfo`,
      revocation_endpoint: `${api}/oauth2/v1/revoke`,
      end_session_endpoint: `${api}/oauth2/v1/logout`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      scopes_supported: ['openid', 'profile', 'email', 'phone'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: ['sub', 'name', 'given_name', 'family_name', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'picture'],
    }),
  );
  server.route('GET', `${project}/.well-known/jwks.json`, () => json(200, key.jwks));

  server.route('GET', '/oauth2/v1/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>Invalid request: unknown project or redirect URL</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  const authenticates = countedAuthentication(server, options);

  const claims = (grant: Grant<DescopeUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
    };
  };

  const idToken = (grant: Grant<DescopeUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, { ...claims(grant), iss: issuer, aud: options.clientId, azp: options.clientId, amr: ['email'] });

  tokenEndpoint(server, '/oauth2/v1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
    },
    answer: async ({ grantType, grant, tokens, form }) => {
      // A refresh answers the refresh token it was given.
      const refreshToken = tokens.refreshToken ?? (grantType === 'refresh_token' ? form.get('refresh_token') ?? undefined : undefined);
      return json(200, openIdTokenAnswer({ ...tokens, refreshToken }, grant.scope, 'Bearer', await idToken(grant, tokens.accessToken)));
    },
  });

  server.route('POST', '/oauth2/v1/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'Client authentication failed');
    grants.revokeToken(request.form().get('token') ?? '');
    return { status: 200 };
  });

  server.route('GET', '/oauth2/v1/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'Invalid access token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    origin: api,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
