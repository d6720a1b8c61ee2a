/**
 * An emulator of a ZITADEL instance as an OpenID provider (its issuer the
 * emulator's origin), and of the part of its Auth API a connection touches,
 * written from ZITADEL's documentation:
 * - Discovery at /.well-known/openid-configuration: the issuer is the
 *   instance's URL with no trailing slash, the endpoints /oauth/v2/authorize,
 *   /oauth/v2/token, /oidc/v1/userinfo, /oauth/v2/revoke, /oauth/v2/keys
 *   (RS256), PKCE S256, back-channel logout supported:
 *   https://zitadel.com/docs/apis/openidoauth/endpoints
 * - Scopes: `offline_access` brings a refresh token, to an application with
 *   the refresh token grant type, with no consent page;
 *   `urn:zitadel:iam:org:project:id:zitadel:aud` adds ZITADEL's project to the
 *   access token's audience, which its APIs require:
 *   https://zitadel.com/docs/apis/openidoauth/scopes,
 *   https://zitadel.com/docs/guides/integrate/access-zitadel-apis
 * - Token: the client by Basic (the "Basic" authentication method; its id,
 *   `<number>@<project>`, form-encoded as RFC 6749 §2.3.1 has it). Access
 *   tokens live 12 hours; every refresh answers a new refresh token and the
 *   spent one is refused; a refresh token ends 30 days unused and 90 days
 *   after the sign-in it came from, whatever the refreshes (the instance's
 *   default OIDC settings):
 *   https://zitadel.com/docs/guides/manage/console/default-settings, the default values as ZITADEL's source sets them
 *   The ID token carries `sub` alone (no "User Info inside ID Token").
 *   Refusals are RFC 6749 §5.2's codes (their descriptions here are made up).
 * - Userinfo: `sub`, `name`, `given_name`, `family_name`,
 *   `preferred_username` (the login name), `email`, `email_verified`, `locale`.
 * - Revocation (RFC 7009): a refresh token ends its grant, an access token
 *   ends alone; 200 for a token it does not know.
 * - `GET /auth/v1/users/me`: the user, for a token with ZITADEL's project in
 *   its audience; 401 otherwise (its gRPC gateway's `code` 16).
 * removeAuthorization() is an administrator (or the person) ending the
 * user's sessions and tokens for the application. The authorization page
 * approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface ZitadelUser {
  /** The user id, digits: the `sub`. */
  id: string;
  loginName: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
}

export interface ZitadelEmulator extends EmulatorHandle<ZitadelUser> {
  readonly issuer: string;
  /** The user's sessions for the application are ended in ZITADEL: every token of theirs stops working. */
  removeAuthorization(user: ZitadelUser): void;
}

const ZITADEL_AUDIENCE_SCOPE = 'urn:zitadel:iam:org:project:id:zitadel:aud';
const DAY = 86_400;
const ACCESS_TOKEN_SECONDS = 12 * 3600;
const REFRESH_IDLE_SECONDS = 30 * DAY;
const REFRESH_ABSOLUTE_SECONDS = 90 * DAY;

export async function startZitadelEmulator(options: EmulatorOptions): Promise<ZitadelEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<ZitadelUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenIdleTtl: REFRESH_IDLE_SECONDS });
  const controls = emulatorControls<ZitadelUser>(server, grants);
  /** When each grant's sign-in was: its refresh tokens end 90 days later. */
  const signedInAt = new Map<string, number>();

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth/v2/authorize`,
      token_endpoint: `${issuer}/oauth/v2/token`,
      introspection_endpoint: `${issuer}/oauth/v2/introspect`,
      userinfo_endpoint: `${issuer}/oidc/v1/userinfo`,
      revocation_endpoint: `${issuer}/oauth/v2/revoke`,
      end_session_endpoint: `${issuer}/oidc/v1/end_session`,
      device_authorization_endpoint: `${issuer}/oauth/v2/device_authorization`,
      jwks_uri: `${issuer}/oauth/v2/keys`,
      scopes_supported: ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'],
      response_types_supported: ['code', 'id_token', 'id_token token'],
      grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'auth_time', 'nonce', 'acr', 'amr', 'c_hash', 'at_hash', 'act', 'scopes', 'client_id', 'azp', 'preferred_username', 'name', 'family_name', 'given_name', 'locale', 'email', 'email_verified', 'phone_number', 'phone_number_verified'],
      code_challenge_methods_supported: ['S256'],
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      request_uri_parameter_supported: false,
    }),
  );
  server.route('GET', '/oauth/v2/keys', () => json(200, key.jwks));

  server.route('GET', '/oauth/v2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>The requested redirect_uri is missing in the client configuration.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') return reply({ error: 'invalid_request', error_description: 'code_challenge_method is not supported' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'login failed' });
    const asked = codeRequest(query, options, user);
    // A refresh token only with offline_access.
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  // "Basic" clients: the form's client_secret is not the method this client was registered with.
  const authenticates = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return request.basicAuth() !== null && authenticatesAs(request, options);
  };

  const idToken = (grant: Grant<ZitadelUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      iss: issuer,
      sub: grant.user.id,
      aud: [options.clientId, ...(grant.scope.split(' ').includes(ZITADEL_AUDIENCE_SCOPE) ? ['100000000000000001'] : [])],
      azp: options.clientId,
      client_id: options.clientId,
      auth_time: signedInAt.get(grant.id) ?? now(),
      amr: ['pwd'],
      sid: `V1_${grant.id}`,
    }, ACCESS_TOKEN_SECONDS);

  tokenEndpoint(server, '/oauth/v2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { code: 14, message: 'unavailable' }) },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'client authentication failed'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Errors.User.RefreshToken.Invalid'),
      code: () => oauthError(400, 'invalid_grant', 'invalid code'),
    },
    // A refresh token ends 90 days after its sign-in, whatever the refreshes since.
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      const start = grant && signedInAt.get(grant.id);
      return start !== undefined && now() - start >= REFRESH_ABSOLUTE_SECONDS ? oauthError(400, 'invalid_grant', 'Errors.User.RefreshToken.Invalid') : undefined;
    },
    answer: async ({ grantType, grant, tokens }) => {
      if (grantType === 'authorization_code') signedInAt.set(grant.id, now());
      return json(200, openIdTokenAnswer(tokens, undefined, 'Bearer', await idToken(grant, tokens.accessToken)), { 'cache-control': 'no-store' });
    },
  });

  server.route('POST', '/oauth/v2/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'client authentication failed');
    const token = request.form().get('token') ?? '';
    grants.revokeToken(token);
    return { status: 200 };
  });

  server.route('GET', '/oidc/v1/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'access token invalid' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, preferred_username: user.loginName, locale: 'en', updated_at: now() - DAY } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    });
  });

  server.route('GET', '/auth/v1/users/me', (request) => {
    server.count('api_me');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { code: 16, message: 'Errors.Token.Invalid (AUTH-7fs1e)', details: [] });
    if (!grant.scope.split(' ').includes(ZITADEL_AUDIENCE_SCOPE)) return json(401, { code: 16, message: 'invalid audience (APP-Zxfako)', details: [] });
    const { user } = grant;
    return json(200, {
      user: {
        id: user.id,
        state: 'USER_STATE_ACTIVE',
        userName: user.loginName,
        preferredLoginName: user.loginName,
        human: { profile: { firstName: user.givenName, lastName: user.familyName, displayName: `${user.givenName} ${user.familyName}` }, email: { email: user.email, isEmailVerified: user.emailVerified } },
      },
    });
  });

  return {
    ...controls.handle,
    issuer,
    removeAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}

