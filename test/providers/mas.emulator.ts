/**
 * An emulator of a Matrix Authentication Service (MAS) and of the homeserver
 * that delegates its logins to it, written from MAS's documentation:
 * - The issuer (its `http.public_base`, ending with a slash) and its discovery document,
 *   naming `/authorize`, `/oauth2/token`, `/oauth2/userinfo`, `/oauth2/revoke` and
 *   `/oauth2/keys.json`:
 *   https://element-hq.github.io/matrix-authentication-service/reference/configuration.html#http
 * - A static client: a ULID as client id, one `client_auth_method` (Basic here), its secret:
 *   https://element-hq.github.io/matrix-authentication-service/reference/configuration.html#clients
 * - The scopes `openid`, `email` (the e-mail in the ID token), `urn:matrix:client:api:*` and the
 *   optional device scope:
 *   https://element-hq.github.io/matrix-authentication-service/reference/scopes.html
 * - Access tokens of 5 minutes with a refresh token, which each refresh replaces; the homeserver
 *   takes the access tokens (asking MAS about them):
 *   https://element-hq.github.io/matrix-authentication-service/topics/authorization.html
 * - The homeserver's `GET /_matrix/client/v3/account/whoami`, and `M_UNKNOWN_TOKEN` for a token it
 *   does not take: https://spec.matrix.org/v1.16/client-server-api/#get_matrixclientv3accountwhoami
 * Userinfo's members (`sub`, `username`) and its empty 401, the used refresh token refused, and a
 * revocation ending the whole session follow MAS's handlers; refusals are RFC 6749 §5.2's codes with
 * its descriptions. The homeserver is served on the emulator's origin.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, RFC_6749_DESCRIPTIONS, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface MasUser {
  /** The MAS user's id, a ULID: the `sub`. */
  id: string;
  /** The Matrix localpart. */
  username: string;
  email: string;
}

export interface MasEmulatorOptions extends EmulatorOptions {
  /** The homeserver's name, in Matrix user ids. */
  serverName: string;
}

export interface MasEmulator extends EmulatorHandle<MasUser> {
  readonly issuer: string;
  /** An administrator ends the user's sessions: their tokens stop working. */
  endSessions(user: MasUser): void;
}

const ACCESS_TOKEN_SECONDS = 300;

export async function startMasEmulator(options: MasEmulatorOptions): Promise<MasEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<MasUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', prefixes: { access: 'mat_', refresh: 'mar_' } });
  const controls = emulatorControls<MasUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}authorize`,
      token_endpoint: `${issuer}oauth2/token`,
      jwks_uri: `${issuer}oauth2/keys.json`,
      registration_endpoint: `${issuer}oauth2/registration`,
      scopes_supported: ['openid', 'email'],
      response_types_supported: ['code', 'id_token', 'code id_token'],
      response_modes_supported: ['form_post', 'query', 'fragment'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
      revocation_endpoint: `${issuer}oauth2/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
      introspection_endpoint: `${issuer}oauth2/introspect`,
      code_challenge_methods_supported: ['plain', 'S256'],
      userinfo_endpoint: `${issuer}oauth2/userinfo`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'nonce', 'auth_time', 'at_hash', 'c_hash'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      prompt_values_supported: ['none', 'login', 'create'],
      device_authorization_endpoint: `${issuer}oauth2/device`,
      account_management_uri: `${issuer}account/`,
      account_management_actions_supported: ['org.matrix.profile', 'org.matrix.sessions_list', 'org.matrix.session_view', 'org.matrix.session_end'],
    }),
  );
  server.route('GET', '/oauth2/keys.json', () => json(200, key.jwks));

  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return { status: 400, headers: { 'content-type': 'text/html' }, body: '<h1>Invalid redirect URI</h1>' };
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  // The client's configured client_auth_method only.
  const authenticates = (request: EmulatorRequest): boolean => {
    const basic = request.basicAuth();
    server.count(basic ? 'client_secret_basic' : 'client_secret_post');
    return basic !== null && basic.username === options.clientId && basic.password === options.clientSecret;
  };
  const invalidClient = () => oauthError(401, 'invalid_client', RFC_6749_DESCRIPTIONS.invalid_client);

  const idToken = (grant: Grant<MasUser>, accessToken: string) =>
    grantIdToken(key, grant, accessToken, {
      iss: issuer,
      sub: grant.user.id,
      aud: options.clientId,
      auth_time: now(),
      ...(grant.scope.split(' ').includes('email') ? { email: grant.user.email } : {}),
    });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: invalidClient,
      refreshToken: () => oauthError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant),
      code: () => oauthError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant),
    },
    // The refresh answer carries no ID token; the code exchange's does, for `openid`.
    answer: async ({ grantType, grant, tokens }) =>
      json(200, {
        ...tokenMembers(tokens, grant.scope, 'Bearer'),
        ...(grantType === 'authorization_code' && grant.scope.split(' ').includes('openid') ? { id_token: await idToken(grant, tokens.accessToken) } : {}),
      }, { 'cache-control': 'no-store', pragma: 'no-cache' }),
  });

  // Revoking a token ends the session it belongs to.
  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return invalidClient();
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  server.route('GET', '/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant || !grant.scope.split(' ').includes('openid')) return { status: 401 };
    return json(200, { sub: grant.user.id, username: grant.user.username });
  });

  // The homeserver, which takes MAS's access tokens.
  server.route('GET', '/_matrix/client/v3/account/whoami', (request) => {
    server.count('whoami');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Token is not active', soft_logout: false });
    return json(200, { user_id: `@${grant.user.username}:${options.serverName}`, is_guest: false });
  });

  return {
    ...controls.handle,
    issuer,
    endSessions: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
