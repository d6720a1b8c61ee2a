/**
 * An emulator of an Auth0 tenant's Authentication API, written from Auth0's
 * documentation:
 * - Discovery (issuer `https://{domain}/`, trailing slash), /authorize, /oauth/token,
 *   /userinfo, /.well-known/jwks.json, /oauth/revoke:
 *   https://auth0.com/docs/api/authentication,
 *   https://auth0.com/docs/get-started/applications/configure-applications-with-oidc-discovery
 * - `audience`: the access token is a JWT for that API (with /userinfo as a second audience
 *   when `openid` is asked for); an unknown API is refused with `access_denied`
 *   "Service not found: …"; without an audience the token is for /userinfo only:
 *   https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens
 * - Access token lifetime 86400 s by default:
 *   https://auth0.com/docs/secure/tokens/access-tokens/update-access-token-lifetime
 * - A refresh token for `offline_access` (for an API, when "Allow Offline Access" is on);
 *   rotation: a new one per refresh, and reuse of an old one revokes the family:
 *   https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens,
 *   https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation
 * - /oauth/revoke takes client_id, client_secret and the refresh token; 200 when it is
 *   revoked, does not exist, or was not issued to the client; access tokens are not revoked:
 *   https://auth0.com/docs/secure/tokens/refresh-tokens/revoke-refresh-tokens
 * - Errors: a refused code or refresh token is HTTP 403 `invalid_grant` ("Invalid authorization
 *   code", "Unknown or invalid refresh token."); failed client authentication is 401
 *   `access_denied` "Unauthorized" (https://auth0.com/docs/api/authentication#standard-error-responses).
 * The emulator's issuer is `<origin>/`; the registered app uses client_secret_post.
 */
import { randomBytes } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface Auth0User {
  /** The user id, e.g. `auth0|64b1f0c2a3d4e5f6a7b8c9d0`: the `sub`. */
  userId: string;
  nickname: string;
  name: string;
  email: string;
}

export interface Auth0EmulatorOptions extends EmulatorOptions {
  /** Identifiers of the APIs registered in the tenant (each allowing offline access). */
  apis: string[];
  /** The application's "Refresh Token Rotation" setting. */
  rotation: boolean;
}

export interface Auth0Emulator extends Omit<EmulatorHandle<Auth0User>, 'denyNextAuthorization' | 'failNextTokenRequest'> {
  readonly issuer: string;
  /** Deletes (or, with `false`, restores) an API of the tenant. */
  setApiRegistered(identifier: string, registered: boolean): void;
  /** The client secret is rotated in the dashboard: the old one stops working. */
  rotateClientSecret(secret: string): void;
  /** While set, the token endpoint answers this HTTP status. */
  failTokenRequests(status: number | null): void;
}

interface Auth0Grant {
  user: Auth0User;
  audience: string | undefined;
}

export async function startAuth0Emulator(options: Auth0EmulatorOptions): Promise<Auth0Emulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<Auth0Grant>({ now, accessTokenTtl: 86_400, refreshPolicy: options.rotation ? 'rotating' : 'static', revokeGrantOnReuse: true });
  const apis = new Set(options.apis);
  /** JWT access tokens → the store's token, which knows the grant and the expiry. */
  const jwtAccessTokens = new Map<string, string>();
  const refreshTokens = new Set<string>();
  /** Grants whose refresh tokens were revoked: their access tokens still work until they expire. */
  const revokedRefresh = new Set<string>();
  let clientSecret = options.clientSecret;
  const controls = emulatorControls<Auth0User>(server, grants);
  let failStatus: number | null = null;

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}authorize`,
      token_endpoint: `${issuer}oauth/token`,
      device_authorization_endpoint: `${issuer}oauth/device/code`,
      userinfo_endpoint: `${issuer}userinfo`,
      mfa_challenge_endpoint: `${issuer}mfa/challenge`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      registration_endpoint: `${issuer}oidc/register`,
      revocation_endpoint: `${issuer}oauth/revoke`,
      scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'given_name', 'family_name', 'nickname', 'email', 'email_verified', 'picture', 'created_at', 'identities', 'phone', 'address'],
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
      code_challenge_methods_supported: ['S256', 'plain'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      claims_supported: ['aud', 'auth_time', 'created_at', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'identities', 'iss', 'name', 'nickname', 'phone_number', 'picture', 'sub'],
      request_uri_parameter_supported: false,
      request_parameter_supported: false,
      id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
      end_session_endpoint: `${issuer}oidc/logout`,
    }),
  );
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return json(400, { error: 'invalid_request', error_description: 'Callback URL mismatch.' });
    }
    const reply = redirectBack(options.redirectUri, query);
    const audience = query.get('audience') ?? undefined;
    const user = controls.approver();
    const refusal = audience !== undefined && !apis.has(audience) ? `Service not found: ${audience}` : !user ? 'User did not authorize the request' : undefined;
    if (refusal || !user) return reply({ error: 'access_denied', error_description: refusal ?? '' });
    const scope = query.get('scope') ?? '';
    const code = grants.issueCode({ ...codeRequest(query, options, { user, audience }), scope, refreshToken: scope.split(' ').includes('offline_access') });
    return reply({ code });
  });

  /** The registered method is client_secret_post; any failed client authentication is Auth0's 401 access_denied. */
  const authenticatedClient = (request: EmulatorRequest): boolean => {
    const form = request.form();
    return request.basicAuth() === null && form.get('client_id') === options.clientId && form.get('client_secret') === clientSecret;
  };
  const unauthorized = () => json(401, { error: 'access_denied', error_description: 'Unauthorized' });

  /** The profile and email claims, the same in the ID token and at userinfo. */
  const profileClaims = (person: Auth0User) => ({
    nickname: person.nickname,
    name: person.name,
    picture: `https://s.gravatar.com/avatar/${person.nickname}.png`,
    updated_at: new Date((now() - 3600) * 1000).toISOString(),
    email: person.email,
    email_verified: true,
  });

  const tokenAnswer = async (grant: Grant<Auth0Grant>, tokens: { accessToken: string; refreshToken: string | undefined; expiresIn: number | undefined }, nonce: string | undefined): Promise<EmulatorReply> => {
    const { user: person, audience } = grant.user;
    const openid = grant.scope.split(' ').includes('openid');
    let accessToken = tokens.accessToken;
    if (audience) {
      const aud = openid ? [audience, `${issuer}userinfo`] : audience;
      accessToken = await key.signIdToken({ iss: issuer, sub: person.userId, aud, azp: options.clientId, scope: grant.scope }, tokens.expiresIn);
      jwtAccessTokens.set(accessToken, tokens.accessToken);
    }
    const answer: Record<string, unknown> = { access_token: accessToken, scope: grant.scope, expires_in: tokens.expiresIn, token_type: 'Bearer' };
    if (tokens.refreshToken) {
      refreshTokens.add(tokens.refreshToken);
      answer.refresh_token = tokens.refreshToken;
    }
    if (openid) {
      answer.id_token = await key.signIdToken({
        ...profileClaims(person),
        iss: issuer,
        aud: options.clientId,
        sub: person.userId,
        sid: randomBytes(16).toString('base64url'),
        ...(nonce ? { nonce } : {}),
      }, 36_000);
    }
    return json(200, answer, { 'cache-control': 'no-store', pragma: 'no-cache' });
  };

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: () => failStatus, reply: (status) => oauthError(status, 'server_error', 'Internal Server Error') },
    authenticates: authenticatedClient,
    errors: {
      client: unauthorized,
      refreshToken: () => oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.'),
      grantType: (grantType) => oauthError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`),
      code: (reason) => oauthError(403, 'invalid_grant', reason === 'pkce_failed' ? 'Failed to verify code verifier' : 'Invalid authorization code'),
    },
    refuseRefresh: (presented) => {
      const family = grants.grantOfToken(presented);
      return family && revokedRefresh.has(family.id) ? oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.') : undefined;
    },
    answer: ({ grantType, grant, tokens }) => tokenAnswer(grant, tokens, grantType === 'authorization_code' ? grant.nonce : undefined),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const body = request.form();
    if (body.get('client_id') !== options.clientId || body.get('client_secret') !== clientSecret) return unauthorized();
    const token = body.get('token') ?? '';
    if (!token) return json(400, { error: 'invalid_request', error_description: 'Missing required parameter: token' });
    const grant = grants.grantOfToken(token);
    // Only a refresh token is revoked (with its rotation family); anything else "does not exist": 200 too.
    if (grant && grant.clientId === options.clientId && refreshTokens.has(token)) revokedRefresh.add(grant.id);
    return { status: 200 };
  });

  const grantOfBearer = (request: EmulatorRequest) => {
    const token = request.bearer() ?? '';
    return grants.grantOfAccessToken(jwtAccessTokens.get(token) ?? token);
  };

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = grantOfBearer(request);
    if (!grant) return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer error="invalid_token"' }, body: 'Unauthorized' };
    const person = grant.user.user;
    return json(200, {
      sub: person.userId,
      ...profileClaims(person),
    });
  });

  return {
    ...controls.handle,
    issuer,
    setApiRegistered: (identifier, registered) => {
      if (registered) apis.add(identifier);
      else apis.delete(identifier);
    },
    rotateClientSecret: (secret) => {
      clientSecret = secret;
    },
    failTokenRequests: (status) => {
      failStatus = status;
    },
    accepts: (accessToken) => grants.grantOfAccessToken(jwtAccessTokens.get(accessToken) ?? accessToken) !== undefined,
  };
}
