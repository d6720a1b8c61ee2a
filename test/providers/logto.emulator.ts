/**
 * An emulator of a Logto tenant as an OpenID provider (its issuer the
 * emulator's origin with /oidc, as `<endpoint>/oidc` is Logto's), written
 * from Logto's documentation:
 * - The issuer `<endpoint>/oidc`, the endpoints /oidc/auth, /oidc/token and
 *   /oidc/me (userinfo): https://docs.logto.io/quick-starts/passport
 * - A refresh token only for `offline_access` asked with `prompt=consent`
 *   (the app's "Always issue refresh token" off); refresh tokens live 14 days,
 *   each refresh extending that to 14 days again; a traditional web app's
 *   refresh keeps its refresh token until 70% of its life has passed (here:
 *   unused for 9.8 days), then answers a new one and the old one ends:
 *   https://docs.logto.io/integrate-logto/application-data-structure
 * - Claims, in the ID token and userinfo alike: `sub`; `name`, `username` and
 *   `picture` (`null` when empty) and `created_at`/`updated_at` in
 *   milliseconds for `profile`; `email` and `email_verified` for `email`:
 *   https://docs.logto.io/quick-starts/ (each guide's "Scopes and claims")
 * Made up here, as Logto's pages do not say them: the other discovery
 * members, /oidc/jwks with an RS256 key, Basic and the form both taken, an hour's access
 * token, a refresh answering the refresh token it was given, the refusals'
 * descriptions (RFC 6749 §5.2's codes), revocation at /oidc/token/revocation
 * (RFC 7009, a refresh token ending its grant), userinfo's 401, and the 70%
 * counted from the refresh token's last use. Not emulated: the rotation after
 * a year of extensions.
 * removeUser() is an administrator deleting the user in the Console. The
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

export interface LogtoUser {
  /** The Logto user id (12 lowercase letters and digits): the `sub`. */
  id: string;
  /** null: the user has none, which Logto sends as `null`. */
  name: string | null;
  username: string | null;
  email: string;
  emailVerified: boolean;
}

export interface LogtoEmulator extends EmulatorHandle<LogtoUser> {
  readonly issuer: string;
  /** The user is deleted in the Console: every token of theirs stops working. */
  removeUser(user: LogtoUser): void;
}

const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 14 * 86_400;

export async function startLogtoEmulator(options: EmulatorOptions): Promise<LogtoEmulator> {
  const server = await startEmulatorServer();
  const base = '/oidc';
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  // A refresh extends the refresh token it was given to 14 days again and keeps it, unless 70% of its life has passed.
  const grants = new GrantStore<LogtoUser>({
    now,
    accessTokenTtl: ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'static',
    refreshTokenIdleTtl: REFRESH_TOKEN_SECONDS,
    rotateAfterIdleSeconds: 0.7 * REFRESH_TOKEN_SECONDS,
  });
  const controls = emulatorControls<LogtoUser>(server, grants);

  server.route('GET', `${base}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      revocation_endpoint: `${issuer}/token/revocation`,
      end_session_endpoint: `${issuer}/session/end`,
      jwks_uri: `${issuer}/jwks`,
      scopes_supported: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address', 'custom_data', 'identities', 'roles', 'urn:logto:scope:organizations', 'urn:logto:scope:organization_roles'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'private_key_jwt', 'none'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: ['sub', 'name', 'picture', 'username', 'email', 'email_verified', 'created_at', 'updated_at', 'sid', 'auth_time', 'iss'],
    }),
  );
  server.route('GET', `${base}/jwks`, () => json(200, key.jwks));

  server.route('GET', `${base}/auth`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>oops! something went wrong: invalid_redirect_uri</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'end-user aborted interaction' });
    const asked = codeRequest(query, options, user);
    // offline_access is honoured only with prompt=consent (OpenID Connect Core §11).
    const consented = (query.get('prompt') ?? '').split(' ').includes('consent');
    return reply({ code: grants.issueCode({ ...asked, refreshToken: consented && asked.scope.split(' ').includes('offline_access') }) });
  });

  const authenticates = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, options);
  };

  const claims = (grant: Grant<LogtoUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    const milliseconds = (now() - 86_400) * 1000;
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: user.name, username: user.username, picture: null, created_at: milliseconds, updated_at: milliseconds } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    };
  };

  const idToken = (grant: Grant<LogtoUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      ...claims(grant),
      iss: issuer,
      aud: options.clientId,
      auth_time: now(),
      sid: grant.id,
    });

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
    answer: async ({ grantType, grant, tokens, form }) => {
      const refreshToken = tokens.refreshToken ?? (grantType === 'refresh_token' ? form.get('refresh_token') : undefined);
      return json(200, openIdTokenAnswer({ ...tokens, refreshToken: refreshToken ?? undefined }, grant.scope, 'Bearer', await idToken(grant, tokens.accessToken), { sorted: true }));
    },
  });

  server.route('POST', `${base}/token/revocation`, (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'client authentication failed');
    const token = request.form().get('token') ?? '';
    grants.revokeToken(token);
    return { status: 200 };
  });

  server.route('GET', `${base}/me`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'invalid token provided' }, { 'www-authenticate': 'Bearer realm="Logto", error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
