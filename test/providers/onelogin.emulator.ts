/**
 * An emulator of a OneLogin account's OpenID Connect API (version 2, its issuer
 * `<origin>/oidc/2`), written from OneLogin's documentation:
 * - Discovery at /oidc/2/.well-known/openid-configuration, naming /oidc/2/auth,
 *   /oidc/2/token, /oidc/2/me, /oidc/2/certs (RS256) and
 *   /oidc/2/token/revocation; no `email_verified` among its claims, no
 *   `offline_access` among its scopes:
 *   https://developers.onelogin.com/openid-connect/api/provider-config
 * - Token: the client by the app's "Token Endpoint Authentication Method"
 *   (Basic here, or POST), never both at once; the code exchange answers
 *   access, refresh and ID tokens, an hour's access token; a used or expired
 *   code is 400 `invalid_grant`, an unknown client 400 `invalid_request`
 *   "Resource not found", a wrong secret 401 `invalid_request` "Authentication
 *   Failed"; a refresh answers a new refresh token:
 *   https://developers.onelogin.com/openid-connect/api/authorization-code-grant,
 *   https://developers.onelogin.com/openid-connect/api/refresh-token
 * - Userinfo at /oidc/2/me: `sub` (the OneLogin user id, digits),
 *   `preferred_username`, `name`, `given_name`, `family_name`, `email`,
 *   `updated_at`; `invalid_token` for a token it does not take:
 *   https://developers.onelogin.com/openid-connect/api/user-info
 * - Revocation: an access token ends alone, a refresh token ends every related
 *   token; a token already revoked is 400 `unsupported_token_type`:
 *   https://developers.onelogin.com/openid-connect/api/revoke-token
 * Here a used refresh token is refused (OneLogin does not say); the refusal of a
 * bad refresh token reuses the code's. removeSessions() is the user's sessions
 * ended in OneLogin, which ends the tokens issued under them
 * (https://developers.onelogin.com/openid-connect/api/logout).
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface OneLoginUser {
  /** The OneLogin user id, digits: the `sub`. */
  id: string;
  username: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface OneLoginEmulator extends EmulatorHandle<OneLoginUser> {
  readonly issuer: string;
  /** The user's sessions end in OneLogin: every token issued under them stops working. */
  removeSessions(user: OneLoginUser): void;
}

export async function startOneLoginEmulator(options: EmulatorOptions): Promise<OneLoginEmulator> {
  const server = await startEmulatorServer();
  const base = '/oidc/2';
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<OneLoginUser>({ now, accessTokenTtl: 3600, refreshPolicy: 'rotating' });
  const controls = emulatorControls<OneLoginUser>(server, grants);

  server.route('GET', `${base}/.well-known/openid-configuration`, () =>
    json(200, {
      acr_values_supported: ['onelogin:nist:level:1:re-auth'],
      authorization_endpoint: `${issuer}/auth`,
      claims_parameter_supported: true,
      claims_supported: ['acr', 'auth_time', 'company', 'custom_fields', 'department', 'email', 'family_name', 'given_name', 'groups', 'iss', 'locale_code', 'name', 'phone_number', 'preferred_username', 'sub', 'title', 'updated_at'],
      grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password'],
      id_token_signing_alg_values_supported: ['RS256'],
      issuer,
      jwks_uri: `${issuer}/certs`,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      response_modes_supported: ['form_post', 'fragment', 'query'],
      response_types_supported: ['code', 'id_token token', 'id_token'],
      scopes_supported: ['openid', 'name', 'profile', 'groups', 'email', 'phone'],
      subject_types_supported: ['public'],
      token_endpoint: `${issuer}/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      userinfo_endpoint: `${issuer}/me`,
      userinfo_signing_alg_values_supported: [],
      code_challenge_methods_supported: ['S256'],
      introspection_endpoint: `${issuer}/token/introspection`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint: `${issuer}/token/revocation`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      claim_types_supported: ['normal'],
    }),
  );
  server.route('GET', `${base}/certs`, () => json(200, key.jwks));

  server.route('GET', `${base}/auth`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return json(400, { error: 'invalid_request', error_description: 'Resource not found' });
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'End-User denied the request' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  // The app's method, Basic; credentials in the header and the form at once are refused.
  const client = (request: EmulatorRequest): EmulatorReply | undefined => {
    const basic = request.basicAuth();
    const form = request.form();
    server.count(basic ? 'client_secret_basic' : 'client_secret_post');
    if (basic && (form.has('client_id') || form.has('client_secret'))) return json(400, { error: 'invalid_request', error_description: 'invalid authorization header value format' });
    if ((basic?.username ?? form.get('client_id')) !== options.clientId) return json(400, { error: 'invalid_request', error_description: 'Resource not found' });
    if (!basic || !authenticatesAs(request, options)) return json(401, { error: 'invalid_request', error_description: 'Authentication Failed' });
    return undefined;
  };

  const idToken = (grant: Grant<OneLoginUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      iss: issuer,
      sub: grant.user.id,
      aud: options.clientId,
      auth_time: now(),
      sid: grant.id,
      preferred_username: grant.user.username,
    });

  tokenEndpoint(server, `${base}/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => client(request) ?? true,
    errors: {
      refreshToken: () => oauthError(400, 'invalid_grant', 'grant request is invalid'),
      grantType: (grantType) => oauthError(400, 'unsupported_grant_type', `unsupported grant_type requested (${grantType ?? ''})`),
      code: () => oauthError(400, 'invalid_grant', 'grant request is invalid'),
    },
    answer: async ({ grant, tokens }) =>
      json(200, openIdTokenAnswer(tokens, undefined, 'Bearer', await idToken(grant, tokens.accessToken), { sorted: true })),
  });

  server.route('POST', `${base}/token/revocation`, (request) => {
    server.count('revoke');
    const refused = client(request);
    if (refused) return refused;
    const token = request.form().get('token') ?? '';
    const grant = grants.grantOfToken(token);
    // A token already revoked (or never issued) is refused; an access token ends alone, a refresh token its grant.
    if (!grant || grant.revoked) return oauthError(400, 'unsupported_token_type', 'revocation of the presented token type is not supported');
    if (!grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  server.route('GET', `${base}/me`, (request) => {
    server.count('userinfo');
    const bearer = request.bearer();
    if (!bearer) return json(400, { error: 'invalid_request', error_description: 'no bearer token provided' });
    const grant = grants.grantOfAccessToken(bearer);
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'invalid token provided' });
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: user.id,
      ...(scopes.includes('email') ? { email: user.email } : {}),
      ...(scopes.includes('profile') ? { preferred_username: user.username, name: `${user.givenName} ${user.familyName}`, updated_at: (now() - 86_400) * 1000, given_name: user.givenName, family_name: user.familyName } : {}),
    });
  });

  return {
    ...controls.handle,
    issuer,
    removeSessions: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
