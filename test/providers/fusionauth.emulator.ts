/**
 * An emulator of a FusionAuth server (the emulator's origin) with one tenant
 * and one application at their defaults, written from FusionAuth's pages:
 * - Discovery at /.well-known/openid-configuration (a tenant's with
 *   `?tenantId=`), naming /oauth2/authorize, /oauth2/token, /oauth2/userinfo
 *   and /.well-known/jwks.json; its `issuer` the tenant's Issuer setting, an
 *   opaque string (`acme.com` here, as FusionAuth's sample tokens have it),
 *   which the redirect's `iss` names too (RFC 9207, since 1.69.0):
 *   https://fusionauth.io/docs/lifecycle/authenticate-users/oauth/endpoints#openid-configuration,
 *   https://fusionauth.io/docs/lifecycle/authenticate-users/oauth/issuer-validation
 * - The authorization redirect carries `code`, `locale`, `state` and
 *   `userState`; PKCE is optional, S256 checked when a challenge was sent:
 *   …/oauth/endpoints#authorize
 * - The token endpoint: the client by Basic, `client_id:client_secret`
 *   base64-encoded as they are (RFC 7617), or in the form; 401 for a client
 *   it cannot verify, 400 for other refusals, each `{ error,
 *   error_description, error_reason }`; the code exchange answers
 *   `access_token`, `expires_in` (3600), `id_token`, `refresh_token` (with
 *   `offline_access`), `refresh_token_id`, `scope`, `token_type` Bearer and
 *   `userId`; a refresh answers the same without `refresh_token`,
 *   `refresh_token_id` and `scope`, as the refresh token is "Reusable" by
 *   default: …/oauth/endpoints#token
 * - Refresh tokens last 43,200 minutes from the sign-in ("Fixed"):
 *   https://fusionauth.io/docs/lifecycle/authenticate-users/login-api/json-web-tokens
 * - `sub` the user's id (a UUID); userinfo (`GET /oauth2/userinfo`, "Strict"
 *   scope handling) answers `name`, `given_name`, `family_name` and
 *   `preferred_username` for `profile`, `email` and `email_verified` for
 *   `email`, 401 without a token: …/oauth/endpoints#userinfo
 * - `DELETE /api/jwt/refresh` with `token` in a form body (or the query) and
 *   the token owner's access token as Bearer revokes that refresh token: 200
 *   with no body, 401 for credentials it does not take, 404 for a token it
 *   does not know; the access tokens, JWTs, live on until they expire:
 *   https://fusionauth.io/docs/apis/jwt/revoke-refresh-tokens
 * Made up here, as FusionAuth's pages do not say them: the `error` of a
 * refused code or refresh token (`invalid_grant`, with the documented
 * `error_reason`s `auth_code_not_found` and `refresh_token_not_found`),
 * the descriptions, the answer to an unknown client or redirect URI (a 400
 * JSON error), userinfo's 401 to a token it no longer takes, the cancelled
 * sign-in's `access_denied` (with the documented `consent_canceled` reason),
 * and access tokens as opaque strings rather than JWTs.
 * revokeUserRefreshTokens() is an administrator revoking all of a user's
 * refresh tokens (the API's `?userId=`). The login page approves at once for
 * signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface FusionAuthUser {
  /** The user's id, a UUID: the `sub`. */
  id: string;
  firstName: string;
  lastName: string;
  username: string;
  email: string;
  verified: boolean;
}

export interface FusionAuthEmulatorOptions extends EmulatorOptions {
  /** The tenant's id, for a server whose tenant is named on discovery and authorization requests. */
  tenantId?: string;
}

export interface FusionAuthEmulator extends EmulatorHandle<FusionAuthUser> {
  /** The tenant's Issuer setting, as discovery and the tokens name it. */
  readonly issuer: string;
  /** The authorization requests received, their query as sent. */
  readonly authorizations: URLSearchParams[];
  /** An administrator revokes all of the user's refresh tokens: their JWT access tokens live on. */
  revokeUserRefreshTokens(user: FusionAuthUser): void;
}

export const FUSIONAUTH_ISSUER = 'acme.com';
export const FUSIONAUTH_REFRESH_TOKEN_SECONDS = 43_200 * 60;

/** FusionAuth's error answer: RFC 6749 §5.2's `error`, its description, and FusionAuth's own `error_reason`. */
function fusionAuthError(status: number, error: string, reason: string, description: string): EmulatorReply {
  return json(status, { error, error_description: description, error_reason: reason });
}

export async function startFusionAuthEmulator(options: FusionAuthEmulatorOptions): Promise<FusionAuthEmulator> {
  const server = await startEmulatorServer();
  const base = server.origin;
  const issuer = FUSIONAUTH_ISSUER;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<FusionAuthUser>({ now, accessTokenTtl: 3600, refreshPolicy: 'static', refreshTokenTtl: FUSIONAUTH_REFRESH_TOKEN_SECONDS, codeTtl: 60 });
  const controls = emulatorControls<FusionAuthUser>(server, grants);
  const authorizations: URLSearchParams[] = [];
  /** Refresh tokens revoked one by one (the Refresh Token API): their grant's access tokens live on. */
  const revokedRefreshTokens = new Set<string>();
  const refreshTokenIds = new Map<string, string>();

  server.route('GET', '/.well-known/openid-configuration', (request) => {
    server.count('discovery');
    const tenant = request.url.searchParams.get('tenantId');
    if (tenant !== null && tenant !== options.tenantId) return fusionAuthError(400, 'invalid_request', 'invalid_tenant_id', 'Invalid tenantId.');
    return json(200, {
      issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userinfo`,
      introspection_endpoint: `${base}/oauth2/introspect`,
      device_authorization_endpoint: `${base}/oauth2/device_authorize`,
      end_session_endpoint: `${base}/oauth2/logout`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      response_types_supported: ['code', 'token', 'id_token', 'token id_token'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      grant_types_supported: ['authorization_code', 'implicit', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      scopes_supported: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
      frontchannel_logout_supported: true,
      backchannel_logout_supported: false,
    });
  });
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    authorizations.push(query);
    if (query.get('client_id') !== options.clientId) return fusionAuthError(400, 'invalid_client', 'invalid_client_id', 'Invalid client_id.');
    if (query.get('redirect_uri') !== options.redirectUri) return fusionAuthError(400, 'invalid_request', 'invalid_redirect_uri', 'Invalid redirect_uri.');
    const reply = redirectBack(options.redirectUri, query, { iss: issuer, locale: 'en' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_reason: 'consent_canceled', error_description: 'The user canceled the request.' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)), userState: 'Authenticated' });
  });

  // Basic as RFC 7617 has it (a form-encoded `-` of the client id is another id), or the form's pair.
  const authenticates = (request: EmulatorRequest): boolean => {
    const basic = request.headers.authorization !== undefined;
    server.count(basic ? 'client_secret_basic' : 'client_secret_post');
    return basic ? basicAsSent(request, options) : formCredentials(request, options);
  };

  const claims = (grant: Grant<FusionAuthUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: `${user.firstName} ${user.lastName}`, given_name: user.firstName, family_name: user.lastName, preferred_username: user.username } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.verified } : {}),
    };
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => fusionAuthError(401, 'invalid_client', 'invalid_client_authentication', 'Invalid client authentication credentials.'),
      refreshToken: () => fusionAuthError(400, 'invalid_grant', 'refresh_token_not_found', 'The refresh token is invalid or expired.'),
      code: () => fusionAuthError(400, 'invalid_grant', 'auth_code_not_found', 'The authorization code is invalid or expired.'),
    },
    refuseRefresh: (presented) => (revokedRefreshTokens.has(presented) ? fusionAuthError(400, 'invalid_grant', 'refresh_token_not_found', 'The refresh token is invalid or expired.') : undefined),
    answer: async ({ grantType, grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { ...claims(grant), iss: issuer, aud: options.clientId, auth_time: now(), authenticationType: 'PASSWORD', sid: `${grant.id}-sid` });
      const common = { access_token: tokens.accessToken, expires_in: tokens.expiresIn, id_token: idToken, token_type: 'Bearer', userId: grant.user.id };
      if (grantType === 'refresh_token' || !tokens.refreshToken) return json(200, { ...common, ...(grantType === 'refresh_token' ? {} : { scope: grant.scope }) });
      const refreshTokenId = `4c8927f1-95cd-4bf8-9534-${String(refreshTokenIds.size + 1).padStart(12, '0')}`;
      refreshTokenIds.set(tokens.refreshToken, refreshTokenId);
      return json(200, { ...common, refresh_token: tokens.refreshToken, refresh_token_id: refreshTokenId, scope: grant.scope });
    },
  });

  const userinfo = (request: EmulatorRequest): EmulatorReply => {
    server.count('userinfo');
    const bearer = request.bearer();
    if (bearer === null) return fusionAuthError(401, 'invalid_request', 'access_token_required', 'The Authorization header is missing.');
    const grant = grants.grantOfAccessToken(bearer);
    if (!grant) return fusionAuthError(401, 'invalid_token', 'access_token_invalid', 'The access token is invalid.');
    return json(200, claims(grant));
  };
  server.route('GET', '/oauth2/userinfo', userinfo);
  server.route('POST', '/oauth2/userinfo', userinfo);

  server.route('DELETE', '/api/jwt/refresh', (request) => {
    server.count('revoke');
    // JWT authentication: the Bearer access token of the refresh token's owner.
    const owner = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!owner) return { status: 401 };
    const token = request.form().get('token') ?? request.url.searchParams.get('token') ?? '';
    const grant = refreshTokenIds.has(token) && !revokedRefreshTokens.has(token) ? grants.grantOfToken(token) : undefined;
    if (!grant || grant.revoked) return { status: 404 };
    if (grant.user.id !== owner.user.id) return { status: 401 };
    revokedRefreshTokens.add(token);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    issuer,
    authorizations,
    revokeUserRefreshTokens: (user) => {
      for (const [token] of refreshTokenIds) if (grants.grantOfToken(token)?.user.id === user.id) revokedRefreshTokens.add(token);
    },
  };
}
