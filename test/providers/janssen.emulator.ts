/**
 * An emulator of a Janssen Server (the emulator's origin; its issuer) with
 * one client, written from the Janssen documentation
 * (docs/janssen-server/auth-server/endpoints/ of
 * https://github.com/JanssenProject/jans):
 * - Discovery at /jans-auth/.well-known/openid-configuration naming
 *   /jans-auth/restv1/authorize, /token, /userinfo, /revoke and /jwks:
 *   configuration.md, authorization.md, token.md, userinfo.md,
 *   token-revocation.md
 * - `prompt` takes `none`, `login`, `consent`, `create` and
 *   `select_account`; PKCE with `plain` or `s256`: authorization.md
 * - The token endpoint: the client by Basic or in the form (among others);
 *   `access_token`, `token_type` Bearer, `refresh_token`, `expires_in` and
 *   `id_token`: token.md. A refresh token only with `offline_access`
 *   (`forceOfflineAccessScopeToEnableRefreshToken`, true by default), and a
 *   new one with every refresh (`skipRefreshTokenDuringRefreshing`, false by
 *   default): reference/json/properties/janssenauthserver-properties.md
 * - Userinfo answers `sub` with `name`, `given_name`, `family_name`,
 *   `preferred_username` and `email` as the scopes release them, and
 *   `jti` and `client_id`: userinfo.md
 * - Revocation (RFC 7009) at /jans-auth/restv1/revoke ends the whole grant,
 *   a refresh token's access tokens too: token-revocation.md
 * Made up here, as the pages do not say them: the lifetimes (access tokens
 * 300 s, refresh tokens a day), a rotated refresh token refused once used,
 * the refusals (RFC 6749 §5.2's codes: 401 `invalid_client`, 400
 * `invalid_grant`), the error page for an unknown client or redirect URI,
 * userinfo's 401, the `sub` (the user's inum) and no `email_verified`.
 * removeUser() is an administrator deleting the user, whose grants end.
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

export interface JanssenUser {
  /** The user's inum: the `sub` here. */
  inum: string;
  givenName: string;
  familyName: string;
  username: string;
  email: string;
}

export interface JanssenEmulator extends EmulatorHandle<JanssenUser> {
  readonly issuer: string;
  /** An administrator deletes the user: every grant of theirs ends. */
  removeUser(user: JanssenUser): void;
}

export const JANSSEN_REFRESH_TOKEN_SECONDS = 86_400;

export async function startJanssenEmulator(options: EmulatorOptions): Promise<JanssenEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const api = `${issuer}/jans-auth/restv1`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<JanssenUser>({ now, accessTokenTtl: 300, refreshPolicy: 'rotating', refreshTokenTtl: JANSSEN_REFRESH_TOKEN_SECONDS, codeTtl: 60 });
  const controls = emulatorControls<JanssenUser>(server, grants);

  server.route('GET', '/jans-auth/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${api}/authorize`,
      token_endpoint: `${api}/token`,
      userinfo_endpoint: `${api}/userinfo`,
      revocation_endpoint: `${api}/revoke`,
      end_session_endpoint: `${api}/end_session`,
      introspection_endpoint: `${api}/introspection`,
      jwks_uri: `${api}/jwks`,
      response_types_supported: ['code', 'token', 'id_token', 'code id_token', 'code token', 'token id_token', 'code token id_token'],
      grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'address', 'phone'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'],
      code_challenge_methods_supported: ['plain', 'S256'],
      prompt_values_supported: ['none', 'login', 'consent', 'create', 'select_account'],
    }),
  );
  server.route('GET', '/jans-auth/restv1/jwks', () => json(200, key.jwks));

  server.route('GET', '/jans-auth/restv1/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Error</h1><p>The client or its redirect URI is not known.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The end-user denied the request.' });
    const asked = codeRequest(query, options, user);
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  const authenticates = countedAuthentication(server, options);

  const claims = (grant: Grant<JanssenUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.inum,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, preferred_username: user.username } : {}),
      ...(scopes.includes('email') ? { email: user.email } : {}),
    };
  };

  tokenEndpoint(server, '/jans-auth/restv1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'The client is not authorized.'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Unable to find refresh token or otherwise token type or client does not match.'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code is invalid or expired.'),
    },
    answer: async ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        expires_in: tokens.expiresIn,
        scope: grant.scope,
        id_token: await grantIdToken(key, grant, tokens.accessToken, { ...claims(grant), iss: issuer, aud: options.clientId, auth_time: now(), acr: 'simple_password_auth' }),
      }),
  });

  server.route('GET', '/jans-auth/restv1/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    return json(200, { ...claims(grant), jti: `${grant.id}-jti`, client_id: options.clientId });
  });

  server.route('POST', '/jans-auth/restv1/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client');
    // A token is part of a grant: revoking one ends them all (and an unknown token is answered 200, RFC 7009 §2.2).
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.inum === user.inum) grants.revokeGrant(grant.id);
    },
  };
}
