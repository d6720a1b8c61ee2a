/**
 * An emulator of a WSO2 Identity Server (its server URL the emulator's
 * origin, standing for `https://localhost:9443`) with one traditional web
 * application, written from WSO2 Identity Server's documentation:
 * - The issuer is the token endpoint's URL, `<server>/oauth2/token`, its
 *   discovery document under it, naming /oauth2/authorize, /oauth2/token,
 *   /oauth2/userinfo, /oauth2/revoke and /oauth2/jwks:
 *   https://is.docs.wso2.com/en/latest/guides/authentication/oidc/discover-oidc-configs/
 * - The code flow at /oauth2/authorize and /oauth2/token:
 *   https://is.docs.wso2.com/en/latest/guides/authentication/oidc/implement-auth-code/
 * - A refresh token with every code exchange once the Refresh Token grant is
 *   allowed; a refresh answering the same one until it expires, or with
 *   "Renew refresh token" a new one (the old invalidated) with a fresh
 *   validity period; a revoked refresh token ending its access tokens:
 *   https://is.docs.wso2.com/en/7.1.0/references/tokens/refresh-tokens/
 * - Refresh tokens valid one day:
 *   https://docs.wso2.com/display/IS540/Refresh+Token+Grant
 * - Userinfo at /oauth2/userinfo, `sub` the user's id (a UUID), the app's
 *   user attributes beside it:
 *   https://is.docs.wso2.com/en/latest/guides/authentication/oidc/request-user-info/
 * - Revocation (RFC 7009) at /oauth2/revoke with the client by Basic:
 *   https://apim.docs.wso2.com/en/4.3.0/design/api-security/oauth2/token-revocation/
 * Made up here, as the pages do not say them: access tokens' 3600 s, the
 * client also taken in the form, the refusals' statuses beyond RFC 6749 §5.2
 * (401 for `invalid_client`) and their descriptions, the error page for an
 * unknown client or redirect URI, and userinfo's 401.
 * removeUser() is the user deleted from the user store with their tokens.
 * The login page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface Wso2IsUser {
  /** The user's id (a UUID): the `sub`. */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface Wso2IsEmulatorOptions extends EmulatorOptions {
  /** The app's "Renew refresh token" (off by default). */
  renewRefreshToken?: boolean;
}

export interface Wso2IsEmulator extends EmulatorHandle<Wso2IsUser> {
  readonly issuer: string;
  /** The user is deleted from the user store: every token of theirs stops working. */
  removeUser(user: Wso2IsUser): void;
}

export const WSO2IS_REFRESH_TOKEN_SECONDS = 86_400;
const INVALID_GRANT = 'Persisted access token data not found';

export async function startWso2IsEmulator(options: Wso2IsEmulatorOptions): Promise<Wso2IsEmulator> {
  const server = await startEmulatorServer();
  const base = server.origin;
  const issuer = `${base}/oauth2/token`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<Wso2IsUser>({
    now,
    accessTokenTtl: 3600,
    refreshPolicy: options.renewRefreshToken ? 'rotating' : 'static',
    refreshTokenTtl: WSO2IS_REFRESH_TOKEN_SECONDS,
    codeTtl: 300,
  });
  const controls = emulatorControls<Wso2IsUser>(server, grants);

  server.route('GET', '/oauth2/token/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userinfo`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      introspection_endpoint: `${base}/oauth2/introspect`,
      end_session_endpoint: `${base}/oidc/logout`,
      registration_endpoint: `${base}/api/identity/oauth2/dcr/v1.0/register`,
      jwks_uri: `${base}/oauth2/jwks`,
      scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'groups'],
      response_types_supported: ['code', 'id_token', 'token', 'code id_token', 'code token', 'id_token token', 'code id_token token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'implicit'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
      subject_types_supported: ['public', 'pairwise'],
      code_challenge_methods_supported: ['S256', 'plain'],
    }),
  );
  server.route('GET', '/oauth2/jwks', () => json(200, key.jwks));

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Something went wrong</h1><p>Invalid request: the client or its callback URL is not registered.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User denied the consent' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  // Basic (form-decoded, RFC 6749 §2.3.1) or the form.
  const authenticates = countedAuthentication(server, options);

  const claims = (grant: Grant<Wso2IsUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { given_name: user.givenName, family_name: user.familyName } : {}),
      ...(scopes.includes('email') ? { email: user.email } : {}),
    };
  };

  const idToken = (grant: Grant<Wso2IsUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, { ...claims(grant), iss: issuer, aud: options.clientId, azp: options.clientId, amr: ['BasicAuthenticator'] });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client Authentication failed.'),
      refreshToken: () => oauthError(400, 'invalid_grant', INVALID_GRANT),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code received from token request'),
    },
    answer: async ({ grantType, grant, tokens, form }) => {
      // Without "Renew refresh token", a refresh answers the refresh token it was given.
      const refreshToken = tokens.refreshToken ?? (grantType === 'refresh_token' ? form.get('refresh_token') : undefined);
      return json(200, {
        access_token: tokens.accessToken,
        refresh_token: refreshToken,
        scope: grant.scope,
        id_token: await idToken(grant, tokens.accessToken),
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
      });
    },
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'Client Authentication failed.');
    // An access token ends alone; a refresh token ends its access tokens too.
    grants.revokeToken(request.form().get('token') ?? '');
    return { status: 200 };
  });

  server.route('GET', '/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'Access token validation failed' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
