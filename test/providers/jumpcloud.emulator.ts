/**
 * An emulator of JumpCloud as an OpenID provider for one Custom OIDC App, its issuer the emulator's origin with a
 * trailing slash (as `https://oauth.id.jumpcloud.com/`), written from JumpCloud's pages:
 * - discovery at the issuer (https://jumpcloud.com/support/sso-with-oidc), naming `/oauth2/auth`, `/oauth2/token`
 *   and `/userinfo`;
 * - the app takes the authorization code grant, with a refresh token only when its Refresh Token grant is ticked
 *   (https://jumpcloud.com/support/sso-with-oidc); the scopes are `openid`, `profile` (`given_name`,
 *   `family_name`), `email` (`email`, `email_verified`) and `offline_access`, which asks the refresh token and may be
 *   asked only of an app whose Refresh Token grant is ticked (https://jumpcloud.com/support/oidc-attributes-claims):
 *   `refreshTokenGrant: false` refuses it with `invalid_scope`;
 * - the client authenticates as the app's Client Authentication Type says, Client Secret Basic here (the Basic header
 *   alone, read as RFC 6749 §2.3.1's form-encoded id and secret).
 * Made up here (JumpCloud's pages do not say): the `sub` (the user's 24-hex id in JumpCloud), an hour's access
 * tokens, each refresh answering a new refresh token and ending the old one, the `/.well-known/jwks.json` path of
 * the RS256 key, no revocation endpoint in discovery, PKCE checked when a challenge was sent, refusals as RFC 6749
 * §5.2's bare `error`, userinfo's 401. removeUser() is an administrator removing the user from the app's groups. The
 * authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface JumpCloudUser {
  /** The user's id in JumpCloud: the `sub`. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Whether JumpCloud says the e-mail is verified (`email_verified`). */
  emailVerified: boolean;
}

export interface JumpCloudEmulator extends EmulatorHandle<JumpCloudUser> {
  readonly issuer: string;
  /** An administrator takes the user out of the app's user groups: every token of theirs stops working. */
  removeUser(user: JumpCloudUser): void;
  /** The form of each token request, in order, as JumpCloud read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export interface JumpCloudEmulatorOptions extends EmulatorOptions {
  /** Whether the app's Refresh Token grant is ticked (default true); without it `offline_access` is refused. */
  refreshTokenGrant?: boolean;
}

export const JUMPCLOUD_ACCESS_TOKEN_SECONDS = 3600;

export async function startJumpCloudEmulator(options: JumpCloudEmulatorOptions): Promise<JumpCloudEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<JumpCloudUser>({ now, accessTokenTtl: JUMPCLOUD_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<JumpCloudUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const scopesOf = (query: URLSearchParams) => (query.get('scope') ?? '').split(' ').filter(Boolean);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}oauth2/auth`,
      token_endpoint: `${issuer}oauth2/token`,
      userinfo_endpoint: `${issuer}userinfo`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth2/auth', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const scopes = scopesOf(query);
      if (!scopes.includes('openid')) return { error: 'invalid_scope', error_description: 'openid is required' };
      if (scopes.includes('offline_access') && options.refreshTokenGrant === false) return { error: 'invalid_scope', error_description: 'offline_access needs the Refresh Token grant' };
      return undefined;
    },
    // A refresh token only for offline_access.
    request: (query) => ({ refreshToken: scopesOf(query).includes('offline_access') }),
  });

  const claims = ({ user, scope }: Grant<JumpCloudUser>): Record<string, unknown> => {
    const scopes = scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { given_name: user.firstName, family_name: user.lastName } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    };
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      // Client Secret Basic: the header alone, its id and secret form-encoded as RFC 6749 §2.3.1 says.
      return request.basicAuth() !== null && authenticatesAs(request, options);
    },
    answer: async ({ grant, tokens }) => json(200, openIdTokenAnswer(tokens, grant.scope, 'bearer', await grantIdToken(key, grant, tokens.accessToken, { sub: grant.user.id, iss: issuer, aud: options.clientId }))),
  });

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    tokenForms,
  };
}
