/**
 * An emulator of Roblox's OAuth 2.0 server and of an Open Cloud call on
 * one host, its issuer `<origin>/oauth/` (with the trailing slash, as
 * Roblox's is), written from Roblox's documentation
 * (https://create.roblox.com/docs/cloud/auth/oauth2-reference):
 * - discovery at `/oauth/.well-known/openid-configuration`, naming
 *   `/oauth/v1/authorize`, `/oauth/v1/token`, `/oauth/v1/userinfo`,
 *   `/oauth/v1/token/revoke`, `/oauth/v1/token/introspect`,
 *   `/oauth/v1/token/resources` and ES256 keys at `/oauth/v1/certs`;
 * - `GET /oauth/v1/authorize` with `client_id`, a registered
 *   `redirect_uri`, `scope` among the app's (`openid`, `profile` and the
 *   Open Cloud scopes it registered), `nonce`, `state` and PKCE S256; a
 *   person who cancels is sent back with `access_denied`. A code lives one
 *   minute and is good once;
 * - `POST /oauth/v1/token` with the client as Basic or in the form: the
 *   code's answer and each refresh's are `access_token` (899 s),
 *   `refresh_token`, `token_type: "Bearer"`, `scope` and, with `openid`, an
 *   ES256 ID token (with `profile`, the names). A refresh answers a new
 *   refresh token; the one spent is refused. Each refresh token lasts 90
 *   days from its issue;
 * - `GET /oauth/v1/userinfo` answers `sub` and, with `profile`, `name`,
 *   `nickname`, `preferred_username`, `created_at`, `profile` and `picture`;
 * - Open Cloud's `GET /cloud/v2/users/{id}`, the user resource; a token not
 *   taken is 401 `{ code: "UNAUTHENTICATED" }`;
 * - `POST /oauth/v1/token/revoke` with `token` (the refresh token) and the
 *   client in the form ends the authorization session, answering 200 with an
 *   empty body; an access token, or a token it does not know, is 400
 *   `invalid_request` here.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface RobloxUser {
  /** The Roblox user id, as `sub` carries it. */
  id: string;
  /** The username (unique, can change). */
  username: string;
  displayName: string;
}

export interface RobloxEmulator extends EmulatorHandle<RobloxUser> {
  readonly issuer: string;
  /** The person revokes the app's authorization in their Roblox account settings: none of its tokens works. */
  revokeAppInRoblox(user: RobloxUser): void;
}

/** The scopes registered on the app: the identity ones and one Open Cloud scope. */
const APP_SCOPES = new Set(['openid', 'profile', 'asset:read']);
const ACCESS_TOKEN_TTL = 899;
const REFRESH_TOKEN_TTL = 90 * 86_400;

export async function startRobloxEmulator(options: EmulatorOptions): Promise<RobloxEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/oauth/`;
  const oauth = `${server.origin}/oauth`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('ES256', now);
  const grants = new GrantStore<RobloxUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_TTL, codeTtl: 60 });
  const controls = emulatorControls<RobloxUser>(server, grants);

  server.route('GET', '/oauth/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${oauth}/v1/authorize`,
      token_endpoint: `${oauth}/v1/token`,
      introspection_endpoint: `${oauth}/v1/token/introspect`,
      revocation_endpoint: `${oauth}/v1/token/revoke`,
      resources_endpoint: `${oauth}/v1/token/resources`,
      userinfo_endpoint: `${oauth}/v1/userinfo`,
      jwks_uri: `${oauth}/v1/certs`,
      scopes_supported: ['openid', 'profile', 'email', 'verification', 'credentials', 'age', 'premium', 'roles'],
      response_types_supported: ['none', 'code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: ['sub', 'type', 'iss', 'aud', 'exp', 'iat', 'nonce', 'name', 'nickname', 'preferred_username', 'created_at', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    }),
  );
  server.route('GET', '/oauth/v1/certs', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client or redirect URI',
    refuse: (query) => {
      if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'code_challenge_method' };
      return requestedScopes(query).some((scope) => !APP_SCOPES.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    denied: { error: 'access_denied', error_description: 'The user denied the authorization' },
  });

  const profileClaims = (grant: Grant<RobloxUser>) => {
    const { user } = grant;
    if (!grant.scope.split(' ').includes('profile')) return {};
    return { name: user.displayName, nickname: user.displayName, preferred_username: user.username, created_at: 1_584_682_495, profile: `https://www.roblox.com/users/${user.id}/profile` };
  };

  tokenEndpoint(server, '/oauth/v1/token', {
    client: options,
    grants,
    authenticates: (request) => authenticatesAs(request, options),
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { error: 'server_error' }) },
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Invalid client credentials'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
    },
    answer: async ({ grantType, grant, tokens }) => {
      const openid = grant.scope.split(' ').includes('openid');
      // Only the code's ID token carries the nonce of the request that started the grant.
      const nonce = grantType === 'authorization_code' && grant.nonce ? { nonce: grant.nonce } : {};
      const idToken = openid ? await key.signIdToken({ iss: issuer, aud: options.clientId, sub: grant.user.id, ...nonce, ...profileClaims(grant) }) : undefined;
      return json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'Bearer', expires_in: tokens.expiresIn, scope: grant.scope, ...(idToken ? { id_token: idToken } : {}) });
    },
  });

  const unauthenticated = (): EmulatorReply => json(401, { code: 'UNAUTHENTICATED', message: 'Invalid OAuth access token.' });

  server.route('GET', '/oauth/v1/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthenticated();
    return json(200, { sub: grant.user.id, ...profileClaims(grant), ...(grant.scope.split(' ').includes('profile') ? { picture: null } : {}) });
  });

  server.route('GET', '/cloud/v2/users/:id', (request) => {
    server.count('users');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthenticated();
    const owner = grant.user.id === request.params.id ? grant.user : undefined;
    if (!owner) return json(404, { code: 'NOT_FOUND', message: 'User not found.' });
    return json(200, { path: `users/${owner.id}`, createTime: '2020-03-20T05:34:55.000Z', id: owner.id, name: owner.username, displayName: owner.displayName, about: '', locale: 'en_us' });
  });

  server.route('POST', '/oauth/v1/token/revoke', (request) => {
    server.count('revoke');
    if (!authenticatesAs(request, options)) return oauthError(401, 'invalid_client', 'Invalid client credentials');
    const token = request.form().get('token') ?? '';
    const grant = grants.grantOfToken(token);
    // A session is revoked by its refresh token: an access token (or a token of an ended session) is refused here.
    if (!grant || grant.revoked || grants.grantOfAccessToken(token)) return oauthError(400, 'invalid_request', 'Invalid token');
    grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    issuer,
    revokeAppInRoblox: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
