/**
 * An emulator of a Pocket ID server (its APP_URL, which is the issuer, the
 * emulator's origin) with one confidential OIDC client, written from Pocket
 * ID's documentation:
 * - Discovery at /.well-known/openid-configuration naming /authorize,
 *   /api/oidc/token, /api/oidc/userinfo, /.well-known/jwks.json,
 *   /api/oidc/end-session and /api/oidc/introspect, and no revocation
 *   endpoint: https://pocket-id.org/docs/setup/connect-an-app ("Endpoints")
 * - The client by Basic or in the form:
 *   https://pocket-id.org/docs/api/endpoints/create-oidc-tokens
 * - Refresh tokens without `offline_access`; `sub` the user's unchanging ID;
 *   `profile`: `name`, `given_name`, `family_name`, `preferred_username`,
 *   `display_name`, `picture`; `email`: `email`, `email_verified`; the same
 *   claims in the ID token and userinfo, RS256; access tokens 60 minutes,
 *   refresh tokens 30 days of inactivity, restarting with each use; the
 *   user's access to the client checked at every refresh:
 *   https://pocket-id.org/docs/guides/scopes-and-claims
 * From Pocket ID's source, as its pages do not say them (it answers through
 * Ory Fosite): each refresh answers a new refresh token and retires the old
 * one, a retired one used again ends the grant; the refusals are RFC 6749
 * §5.2's codes with its own words (401 `invalid_client`, 400 `invalid_grant`);
 * the token answer's `token_type` is `bearer`.
 * Made up here: the access tokens are opaque (Pocket ID's are RFC 9068 JWTs,
 * which the app does not read), the page for a wrong redirect URI, the
 * consent page's refusal as an `access_denied` redirect, and userinfo's 401.
 * removeFromClient() is the user taken out of the client's allowed groups.
 * The consent page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface PocketIdUser {
  /** The user's ID (a UUID), which never changes: the `sub`. */
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  /** Absent: a user with no e-mail address. */
  email?: string;
  emailVerified: boolean;
}

export interface PocketIdEmulator extends EmulatorHandle<PocketIdUser> {
  readonly issuer: string;
  /** The user is taken out of every group the client allows: their next refresh is refused. */
  removeFromClient(user: PocketIdUser): void;
}

const ACCESS_TOKEN_SECONDS = 3600;
export const POCKET_ID_REFRESH_IDLE_SECONDS = 30 * 86_400;

export async function startPocketIdEmulator(options: EmulatorOptions): Promise<PocketIdEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<PocketIdUser>({
    now,
    accessTokenTtl: ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenIdleTtl: POCKET_ID_REFRESH_IDLE_SECONDS,
    revokeGrantOnReuse: true,
    codeTtl: 15 * 60,
  });
  const controls = emulatorControls<PocketIdUser>(server, grants);
  const removed = new Set<string>();

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/api/oidc/token`,
      userinfo_endpoint: `${issuer}/api/oidc/userinfo`,
      end_session_endpoint: `${issuer}/api/oidc/end-session`,
      introspection_endpoint: `${issuer}/api/oidc/introspect`,
      device_authorization_endpoint: `${issuer}/api/oidc/device/authorize`,
      pushed_authorization_request_endpoint: `${issuer}/api/oidc/par`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'client_credentials'],
      scopes_supported: ['openid', 'profile', 'email', 'groups', 'offline_access'],
      claims_supported: ['sub', 'given_name', 'family_name', 'name', 'display_name', 'email', 'email_verified', 'preferred_username', 'picture', 'groups'],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      authorization_response_iss_parameter_supported: true,
      code_challenge_methods_supported: ['plain', 'S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    }),
  );
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<p>Invalid callback URL.</p>');
    // RFC 9207: Pocket ID names itself in the authorization response.
    const reply = redirectBack(options.redirectUri, query, { iss: issuer });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' });
    // A refresh token with every code, offline_access or not.
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), refreshToken: true }) });
  });

  const claims = (grant: Grant<PocketIdUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    const name = `${user.firstName} ${user.lastName}`;
    return {
      sub: user.id,
      ...(scopes.includes('profile')
        ? { name, given_name: user.firstName, family_name: user.lastName, preferred_username: user.username, display_name: name, picture: `${issuer}/api/users/${user.id}/profile-picture.png` }
        : {}),
      ...(scopes.includes('email') && user.email !== undefined ? { email: user.email, email_verified: user.emailVerified } : {}),
    };
  };

  const idToken = (grant: Grant<PocketIdUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, { ...claims(grant), iss: issuer, aud: [options.clientId] }, 3600);

  const invalidGrant = () => oauthError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant);
  tokenEndpoint(server, '/api/oidc/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: countedAuthentication(server, options),
    errors: {
      client: () => oauthError(401, 'invalid_client', RFC_6749_DESCRIPTIONS.invalid_client),
      code: invalidGrant,
      refreshToken: invalidGrant,
    },
    // The user's access to the client, checked at every refresh.
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      return grant && removed.has(grant.user.id) ? invalidGrant() : undefined;
    },
    answer: async ({ grant, tokens }) => json(200, openIdTokenAnswer(tokens, grant.scope, 'bearer', await idToken(grant, tokens.accessToken))),
  });

  server.route('GET', '/api/oidc/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'Token is invalid' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeFromClient: (user) => removed.add(user.id),
  };
}
