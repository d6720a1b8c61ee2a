/**
 * An emulator of an Authing application as an OpenID provider (its issuer the
 * emulator's origin with /oidc, as `<app domain>/oidc` is Authing's), written
 * from Authing's documentation:
 * - The issuer `<domain>/oidc` and its discovery document
 *   (https://docs.authing.cn/v2/apn/test-oidc/get-oidc-parameter/step4.html);
 *   /oidc/auth, /oidc/token, /oidc/me (userinfo) and a refresh token only for
 *   `offline_access` asked with `prompt=consent`
 *   (https://docs.authing.cn/federation/oidc/authorization-code/?step=2);
 *   PKCE checked when sent (https://docs.authing.cn/v2/apn/more-oidc-tests/type2.html).
 * - The token endpoint takes the client in the form (`client_secret_post`,
 *   the application's default) and, here, by Basic too
 *   (https://docs.authing.cn/v2/reference-new/mobile/sdk-for-csharp/authentication/StandardProtocol.html).
 * - Claims, in the ID token and userinfo alike: `sub` (the user's `userId`);
 *   `name`, `preferred_username`, `picture` for `profile`; `email` and
 *   `email_verified` for `email`
 *   (https://docs.authing.cn/v2/guides/app-new/create-app/oidc-scope.html).
 * Made up here, as Authing's pages do not say them: the other discovery
 * members, /oidc/jwks with an RS256 key, the lifetimes (a 15-day access
 * token), a refresh answering a new refresh token and ending the spent one,
 * the refusals' descriptions (RFC 6749 §5.2's codes), revocation at
 * /oidc/token/revocation (RFC 7009, a refresh token ending its grant) and
 * userinfo's 401. removeUser() is an administrator deleting the user in the
 * console. The authorization page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface AuthingUser {
  /** The Authing user's `userId` (24 hex digits): the `sub`. */
  id: string;
  name: string;
  username: string;
  email: string;
  emailVerified: boolean;
}

export interface AuthingEmulator extends EmulatorHandle<AuthingUser> {
  readonly issuer: string;
  /** The user is deleted in the console: every token of theirs stops working. */
  removeUser(user: AuthingUser): void;
}

export const AUTHING_ACCESS_TOKEN_SECONDS = 15 * 86_400;

export async function startAuthingEmulator(options: EmulatorOptions): Promise<AuthingEmulator> {
  const server = await startEmulatorServer();
  const base = '/oidc';
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<AuthingUser>({ now, accessTokenTtl: AUTHING_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<AuthingUser>(server, grants);

  server.route('GET', `${base}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      revocation_endpoint: `${issuer}/token/revocation`,
      introspection_endpoint: `${issuer}/token/introspection`,
      end_session_endpoint: `${issuer}/session/end`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      scopes_supported: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address', 'username'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'code token', 'code id_token token', 'none'],
      grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['HS256', 'RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
      code_challenge_methods_supported: ['plain', 'S256'],
      claims_supported: ['sub', 'name', 'preferred_username', 'picture', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'auth_time', 'iss'],
    }),
  );
  server.route('GET', `${base}/.well-known/jwks.json`, () => json(200, key.jwks));

  server.route('GET', `${base}/auth`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>redirect_uri_mismatch</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'End-User aborted interaction' });
    const asked = codeRequest(query, options, user);
    const consented = (query.get('prompt') ?? '').split(' ').includes('consent');
    return reply({ code: grants.issueCode({ ...asked, refreshToken: consented && asked.scope.split(' ').includes('offline_access') }) });
  });

  const authenticates = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, options);
  };

  const claims = (grant: Grant<AuthingUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: user.name, preferred_username: user.username, picture: 'https://files.authing.co/authing-console/default-user-avatar.png', updated_at: new Date((now() - 86_400) * 1000).toISOString() } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    };
  };

  tokenEndpoint(server, `${base}/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'client authentication failed'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'grant request is invalid'),
      code: () => oauthError(400, 'invalid_grant', 'grant request is invalid'),
    },
    answer: async ({ grant, tokens }) =>
      json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', await grantIdToken(key, grant, tokens.accessToken, { ...claims(grant), iss: issuer, aud: options.clientId, auth_time: now() }))),
  });

  server.route('POST', `${base}/token/revocation`, (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'client authentication failed');
    grants.revokeToken(request.form().get('token') ?? '');
    return { status: 200 };
  });

  server.route('GET', `${base}/me`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'invalid token provided' }, { 'www-authenticate': 'Bearer realm="Authing", error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
