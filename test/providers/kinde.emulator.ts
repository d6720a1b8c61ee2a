/**
 * An emulator of a Kinde business's OpenID Connect endpoints (its issuer the
 * emulator's origin, as `https://<business>.kinde.com` is Kinde's), written
 * from Kinde's documentation:
 * - Discovery at /.well-known/openid-configuration, the endpoints
 *   /oauth2/auth, /oauth2/token, /oauth2/v2/user_profile, /oauth2/revoke,
 *   /.well-known/jwks; PKCE S256:
 *   https://kinde.com/docs/developer-tools/using-kinde-without-an-sdk/
 * - A back-end app authenticates with its client secret:
 *   https://docs.kinde.com/build/applications/about-applications
 * - `offline` (not `offline_access`, which is taken without error but brings
 *   no refresh token) asks for a refresh token; every refresh answers a new
 *   one and the old one stops working:
 *   https://docs.kinde.com/build/tokens/refresh-tokens/
 * - The ID token's claims: `sub` (the user's id), `email`, `name`,
 *   `given_name`, `family_name`, `picture`, `azp`, `auth_time`, `at_hash`,
 *   `org_codes`; no `email_verified`:
 *   https://docs.kinde.com/build/tokens/about-id-tokens
 * - Revocation: a form with `token`, `client_id` and `client_secret`, 200 once
 *   revoked: https://docs.kinde.com/build/tokens/configure-tokens
 * Made up here, as Kinde's pages do not say them: an hour's access token, a
 * refresh token living 30 days, no overlap after a rotation, the refusals'
 * descriptions (RFC 6749 §5.2's codes), Basic accepted as well as the form,
 * a revoked refresh token ending its grant, and the user profile's members
 * (the ID token's, with `id` beside `sub`).
 * removeUser() is an administrator deleting the user in Kinde. The
 * authorization page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface KindeUser {
  /** The Kinde user id, `kp_` and 32 hex digits: the `sub`. */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface KindeEmulator extends EmulatorHandle<KindeUser> {
  readonly issuer: string;
  /** The user is deleted in Kinde: every token of theirs stops working. */
  removeUser(user: KindeUser): void;
}

const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 30 * 86_400;

export async function startKindeEmulator(options: EmulatorOptions): Promise<KindeEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<KindeUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<KindeUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/auth`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/v2/user_profile`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      end_session_endpoint: `${issuer}/logout`,
      jwks_uri: `${issuer}/.well-known/jwks`,
      scopes_supported: ['openid', 'profile', 'email', 'offline'],
      response_types_supported: ['code', 'token', 'id_token', 'code id_token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: ['aud', 'auth_time', 'azp', 'email', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'jti', 'name', 'org_codes', 'picture', 'sub', 'updated_at'],
    }),
  );
  server.route('GET', '/.well-known/jwks', () => json(200, key.jwks));

  server.route('GET', '/oauth2/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>Invalid callback URL</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' });
    const asked = codeRequest(query, options, user);
    // A refresh token with `offline` only; `offline_access` is taken, silently, without one.
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline') }) });
  });

  const authenticates = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, options);
  };

  const idToken = (grant: Grant<KindeUser>, accessToken: string): Promise<string> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return grantIdToken(key, grant, accessToken, {
      iss: issuer,
      sub: user.id,
      aud: [options.clientId],
      azp: options.clientId,
      auth_time: now(),
      jti: `${grant.id}-${now()}`,
      org_codes: ['org_1a2b3c4d5e6'],
      ...(scopes.includes('email') ? { email: user.email } : {}),
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, updated_at: now() - 86_400 } : {}),
    });
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed.'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired or revoked.'),
      code: () => oauthError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired or revoked.'),
    },
    answer: async ({ grant, tokens }) =>
      json(200, openIdTokenAnswer(tokens, grant.scope, 'bearer', await idToken(grant, tokens.accessToken), { sorted: true })),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'Client authentication failed.');
    const token = request.form().get('token') ?? '';
    grants.revokeToken(token);
    return { status: 200 };
  });

  server.route('GET', '/oauth2/v2/user_profile', (request) => {
    server.count('user_profile');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'Invalid token' }] });
    const { user } = grant;
    return json(200, { id: user.id, sub: user.id, provided_id: null, name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, updated_at: now() - 86_400, email: user.email });
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
