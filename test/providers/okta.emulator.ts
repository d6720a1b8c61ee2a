/**
 * An emulator of an Okta org's default custom authorization server
 * (`/oauth2/default`), written from Okta's documentation:
 * - Endpoints and discovery: /oauth2/default/.well-known/openid-configuration,
 *   /v1/authorize, /v1/token, /v1/userinfo, /v1/keys, /v1/revoke:
 *   https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/,
 *   https://developer.okta.com/docs/concepts/auth-servers/
 * - Refresh tokens only for `offline_access` when the app allows the Refresh Token grant;
 *   persistent by default for a web app, or rotated after every use:
 *   https://developer.okta.com/docs/guides/refresh-tokens/main/
 * - A refresh token not used for 7 days expires (the access policy rule's "but will expire
 *   if not used every", whose default is 7 days); each use starts the 7 days again:
 *   https://developer.okta.com/docs/guides/customize-authz-server/main/,
 *   https://support.okta.com/help/s/article/refresh-token-expiration-behavior
 * - Token claims (ID token `sub` = the user id `00u…`, `ver`, `auth_time`, `at_hash`, `amr`)
 *   and the one-hour default lifetimes:
 *   https://developer.okta.com/docs/api/openapi/okta-oauth/guides/tokens/
 * - Errors: `invalid_grant` 400 "The authorization code is invalid or has expired." /
 *   "The refresh token is invalid or expired.", `invalid_client` 401; a user not assigned
 *   to the app is redirected back with `error=access_denied`; revocation answers 200 even
 *   for a token it does not know; userinfo with a bad token is a 401 `WWW-Authenticate`
 *   challenge; server faults are Okta API errors (`errorCode`, `errorSummary`):
 *   https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas/revokecustomas,
 *   https://developer.okta.com/docs/reference/error-codes/
 * The emulator's issuer is `<origin>/oauth2/default` (a deployment points the preset at it
 * with `<NAME>_ISSUER`). Access tokens here are opaque; Okta's are JWTs the client treats as opaque.
 */
import { randomUUID } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { atHash, createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface OktaUser {
  /** The Okta user id, e.g. `00u1ab2cd3EF4gh5i6j7`. */
  id: string;
  login: string;
  name: string;
  email: string;
}

export interface OktaEmulatorOptions extends EmulatorOptions {
  /** The app's "Refresh token behavior": rotate after every use (default: persistent). */
  rotateRefreshTokens?: boolean;
  /** The access policy rule's "but will expire if not used every", in seconds (default 7 days, Okta's default). */
  refreshTokenIdleSeconds?: number;
}

export interface OktaEmulator extends Omit<EmulatorHandle<OktaUser>, 'denyNextAuthorization' | 'failNextTokenRequest'> {
  readonly issuer: string;
  /** The next person is not assigned to the app: Okta redirects back with access_denied. */
  unassignNextUser(): void;
  /** The app's client secret is rotated in the Admin Console: the old one stops working. */
  rotateClientSecret(secret: string): void;
  /** While set, the token endpoint answers this HTTP status with an Okta API error. */
  failTokenRequests(status: number | null): void;
  liveGrants(userId: string): number;
}

export async function startOktaEmulator(options: OktaEmulatorOptions): Promise<OktaEmulator> {
  const server = await startEmulatorServer();
  const base = '/oauth2/default';
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<OktaUser>({
    now,
    accessTokenTtl: 3600,
    refreshPolicy: options.rotateRefreshTokens ? 'rotating' : 'static',
    refreshTokenIdleTtl: options.refreshTokenIdleSeconds ?? 7 * 86_400,
  });
  let clientSecret = options.clientSecret;
  const controls = emulatorControls<OktaUser>(server, grants);
  let failStatus: number | null = null;

  const metadata = () => ({
    issuer,
    authorization_endpoint: `${issuer}/v1/authorize`,
    token_endpoint: `${issuer}/v1/token`,
    userinfo_endpoint: `${issuer}/v1/userinfo`,
    registration_endpoint: `${server.origin}/oauth2/v1/clients`,
    jwks_uri: `${issuer}/v1/keys`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post', 'okta_post_message'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    claims_supported: ['iss', 'ver', 'sub', 'aud', 'iat', 'exp', 'jti', 'auth_time', 'amr', 'idp', 'nonce', 'name', 'email', 'email_verified', 'preferred_username', 'at_hash'],
    code_challenge_methods_supported: ['S256'],
    introspection_endpoint: `${issuer}/v1/introspect`,
    revocation_endpoint: `${issuer}/v1/revoke`,
    end_session_endpoint: `${issuer}/v1/logout`,
    request_parameter_supported: true,
  });
  server.route('GET', `${base}/.well-known/openid-configuration`, () => json(200, metadata()));
  server.route('GET', `${base}/.well-known/oauth-authorization-server`, () => json(200, metadata()));
  server.route('GET', `${base}/v1/keys`, () => json(200, key.jwks));

  server.route('GET', `${base}/v1/authorize`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return json(400, { errorCode: 'invalid_client', errorSummary: 'Invalid value for \'client_id\' parameter.' });
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User is not assigned to the client application.' });
    const scope = query.get('scope') ?? '';
    const code = grants.issueCode({
      ...codeRequest(query, options, user),
      scope,
      // A refresh token only with offline_access (the app allows the Refresh Token grant).
      refreshToken: scope.split(' ').includes('offline_access'),
    });
    return reply({ code });
  });

  const authenticatedClient = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, { clientId: options.clientId, clientSecret });
  };
  const invalidClient = () => json(401, { error: 'invalid_client', error_description: 'The client secret supplied for a confidential client is invalid.' });

  const tokenAnswer = async (grant: Grant<OktaUser>, tokens: { accessToken: string; refreshToken: string | undefined; expiresIn: number | undefined }, nonce: string | undefined): Promise<EmulatorReply> => {
    const answer: Record<string, unknown> = { token_type: 'Bearer', expires_in: tokens.expiresIn, access_token: tokens.accessToken, scope: grant.scope };
    if (tokens.refreshToken) answer.refresh_token = tokens.refreshToken;
    if (grant.scope.split(' ').includes('openid')) {
      answer.id_token = await key.signIdToken({
        sub: grant.user.id,
        name: grant.user.name,
        email: grant.user.email,
        ver: 1,
        iss: issuer,
        aud: options.clientId,
        jti: `ID.${randomUUID()}`,
        amr: ['pwd'],
        idp: '00o1abcdefghijklmno1',
        preferred_username: grant.user.login,
        auth_time: now(),
        at_hash: atHash(tokens.accessToken),
        ...(nonce ? { nonce } : {}),
      });
    }
    return json(200, answer, { 'cache-control': 'no-cache, no-store', pragma: 'no-cache' });
  };

  tokenEndpoint(server, `${base}/v1/token`, {
    client: options,
    grants,
    failure: {
      queued: () => failStatus,
      reply: (status) => json(status, { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorLink: 'E0000009', errorId: `oae${randomUUID().slice(0, 8)}`, errorCauses: [] }),
    },
    authenticates: authenticatedClient,
    errors: {
      client: invalidClient,
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired.'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server. Configured grant types: [authorization_code, refresh_token].'),
      code: (reason) => oauthError(400, 'invalid_grant', reason === 'pkce_failed' ? 'PKCE verification failed.' : 'The authorization code is invalid or has expired.'),
    },
    answer: ({ grantType, grant, tokens }) => tokenAnswer(grant, tokens, grantType === 'authorization_code' ? grant.nonce : undefined),
  });

  server.route('POST', `${base}/v1/revoke`, (request) => {
    server.count('revoke');
    if (!authenticatedClient(request)) return invalidClient();
    const token = request.form().get('token') ?? '';
    const grant = grants.grantOfToken(token);
    // A refresh token ends the grant (and the access tokens minted with it); an access token ends alone.
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  server.route('GET', `${base}/v1/userinfo`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) {
      return { status: 401, headers: { 'www-authenticate': `Bearer authorization_uri="${issuer}/v1/authorize", realm="${issuer}", scope="openid", error="invalid_token", error_description="The access token is invalid."` } };
    }
    const person = grant.user;
    return json(200, {
      sub: person.id,
      name: person.name,
      locale: 'en_US',
      email: person.email,
      preferred_username: person.login,
      given_name: person.name.split(' ')[0],
      family_name: person.name.split(' ').slice(1).join(' '),
      zoneinfo: 'America/Los_Angeles',
      updated_at: now() - 86_400,
      email_verified: true,
    });
  });

  return {
    ...controls.handle,
    issuer,
    unassignNextUser: controls.handle.denyNextAuthorization,
    rotateClientSecret: (secret) => {
      clientSecret = secret;
    },
    failTokenRequests: (status) => {
      failStatus = status;
    },
    liveGrants: (userId) => grants.liveGrants(options.clientId).filter((grant) => grant.user.id === userId).length,
  };
}
