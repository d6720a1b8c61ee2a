/**
 * An emulator of an Asgardeo organization (`/t/<org>` on the emulator's
 * origin, which stands for `https://api.asgardeo.io`) with one traditional web
 * application at its defaults, written from Asgardeo's documentation:
 * - The issuer is the token endpoint's URL, `…/t/<org>/oauth2/token`, its
 *   discovery document under it, naming /oauth2/authorize, /oauth2/token,
 *   /oauth2/userinfo, /oauth2/revoke and /oauth2/jwks:
 *   https://wso2.com/asgardeo/docs/guides/authentication/oidc/discover-oidc-configs/
 * - The client by Basic or in the form; PKCE taken, not Mandatory; access
 *   tokens 3600 s; refresh tokens 86400 s from their issue, a refresh
 *   answering the same one until it expires, or with "Renew refresh token" a
 *   new one (the old invalidated) of its own 86400 s; a refresh token with
 *   every code exchange once the Refresh Token grant is allowed:
 *   https://wso2.com/asgardeo/docs/references/app-settings/oidc-settings-for-app/,
 *   https://wso2.com/asgardeo/docs/references/tokens/refresh-tokens/
 * - Revocation (RFC 7009) at /oauth2/revoke: a refresh token revoked leaves
 *   its access token, and the other way round; 200 for any token:
 *   https://wso2.com/asgardeo/docs/guides/authentication/oidc/revoke-tokens/
 * Made up here, as the pages do not say them: the refusals' statuses beyond
 * RFC 6749 §5.2 (401 for `invalid_client`) and their descriptions, the error
 * page for an unknown client or redirect URI, and userinfo's 401.
 * removeUser() is the user deleted from the organization with their tokens.
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

export interface AsgardeoUser {
  /** The user's id (a UUID): the `sub`. */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface AsgardeoEmulatorOptions extends EmulatorOptions {
  organization: string;
  /** The app's "Renew refresh token" (off by default). */
  renewRefreshToken?: boolean;
}

export interface AsgardeoEmulator extends EmulatorHandle<AsgardeoUser> {
  readonly issuer: string;
  /** The user is deleted from the organization: every token of theirs stops working. */
  removeUser(user: AsgardeoUser): void;
}

export const ASGARDEO_REFRESH_TOKEN_SECONDS = 86_400;

export async function startAsgardeoEmulator(options: AsgardeoEmulatorOptions): Promise<AsgardeoEmulator> {
  const server = await startEmulatorServer();
  const organization = `/t/${options.organization}`;
  const base = `${server.origin}${organization}`;
  const issuer = `${base}/oauth2/token`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<AsgardeoUser>({
    now,
    accessTokenTtl: 3600,
    refreshPolicy: options.renewRefreshToken ? 'rotating' : 'static',
    refreshTokenTtl: ASGARDEO_REFRESH_TOKEN_SECONDS,
    codeTtl: 300,
  });
  const controls = emulatorControls<AsgardeoUser>(server, grants);
  const refreshTokens = new Set<string>();
  const revokedRefreshTokens = new Set<string>();

  server.route('GET', `${organization}/oauth2/token/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userinfo`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      introspection_endpoint: `${base}/oauth2/introspect`,
      end_session_endpoint: `${base}/oidc/logout`,
      jwks_uri: `${base}/oauth2/jwks`,
      scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'groups'],
      response_types_supported: ['code', 'id_token', 'token', 'code id_token', 'code token', 'id_token token', 'code id_token token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'implicit', 'organization_switch'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
      subject_types_supported: ['public', 'pairwise'],
      code_challenge_methods_supported: ['S256', 'plain'],
      backchannel_logout_supported: true,
    }),
  );
  server.route('GET', `${organization}/oauth2/jwks`, () => json(200, key.jwks));

  server.route('GET', `${organization}/oauth2/authorize`, (request) => {
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

  const claims = (grant: Grant<AsgardeoUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { given_name: user.givenName, family_name: user.familyName } : {}),
      ...(scopes.includes('email') ? { email: user.email } : {}),
    };
  };

  const idToken = (grant: Grant<AsgardeoUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      ...claims(grant),
      iss: issuer,
      aud: options.clientId,
      azp: options.clientId,
      amr: ['BasicAuthenticator'],
      sid: `${grant.id}-sid`,
    });

  tokenEndpoint(server, `${organization}/oauth2/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed.'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Persisted access token data not found'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code received from token request'),
    },
    refuseRefresh: (presented) => (revokedRefreshTokens.has(presented) ? oauthError(400, 'invalid_grant', 'Persisted access token data not found') : undefined),
    answer: async ({ grantType, grant, tokens, form }) => {
      if (tokens.refreshToken) refreshTokens.add(tokens.refreshToken);
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

  server.route('POST', `${organization}/oauth2/revoke`, (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'Client authentication failed.');
    const token = request.form().get('token') ?? '';
    // Each token alone: a refresh token revoked leaves its access token, and the other way round.
    if (refreshTokens.has(token)) revokedRefreshTokens.add(token);
    else grants.revokeAccessToken(token);
    return { status: 200 };
  });

  server.route('GET', `${organization}/oauth2/userinfo`, (request) => {
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
