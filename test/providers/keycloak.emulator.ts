/**
 * An emulator of one Keycloak realm as an OpenID provider, written from
 * Keycloak's documentation:
 * - Endpoints under /realms/{realm}: discovery (.well-known/openid-configuration),
 *   protocol/openid-connect/auth, /token, /userinfo, /certs, /revoke (RFC 7009):
 *   https://www.keycloak.org/securing-apps/oidc-layers
 * - Offline access: `scope=offline_access` brings an offline token (it outlives the SSO
 *   session and logout; `refresh_expires_in` 0), for a user holding the default
 *   `offline_access` role; no consent unless the client requires it; with the realm's
 *   "Revoke Refresh Token" each refresh token (offline or not) is single-use:
 *   https://www.keycloak.org/docs/latest/server_admin/#_offline-access
 * - Token lifetimes (access token 5 minutes, SSO Session Idle 30 minutes) and
 *   "Revoke Refresh Token" (off by default: a refresh answers a new refresh token, the
 *   old one keeps working): https://www.keycloak.org/docs/latest/server_admin/#_timeouts
 * - RFC 9207 `iss` in the authorization response, with `session_state`; the discovery
 *   document advertises it (`authorization_response_iss_parameter_supported`):
 *   https://www.rfc-editor.org/rfc/rfc9207, https://www.keycloak.org/docs/latest/release_notes/
 * - Errors in RFC 6749 §5.2 form: `invalid_grant` "Code not valid" / "Token is not active" (400),
 *   `invalid_client` "Invalid client or Invalid client credentials" (401).
 * The emulator's base URL is its origin; the realm is `options.realm`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { atHash, createSigningKey } from './kit/signing.js';

export interface KeycloakUser {
  /** The user's id, a UUID: the `sub`. */
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface KeycloakEmulatorOptions extends EmulatorOptions {
  realm: string;
  /** The realm's "Revoke Refresh Token" setting (default off). */
  revokeRefreshToken?: boolean;
}

export interface KeycloakEmulator extends Omit<EmulatorHandle<KeycloakUser>, 'denyNextAuthorization' | 'failNextTokenRequest'> {
  readonly issuer: string;
  /** An admin regenerates the client secret: the old one stops working. */
  regenerateClientSecret(secret: string): void;
  /** While set, the token endpoint answers this HTTP status with an HTML error page. */
  failTokenRequests(status: number | null): void;
  /** Whether Keycloak still accepts this access token, or this refresh token for a refresh. */
  accepts(token: string): boolean;
  /** The user's live sessions for the client, and how many of them are offline. */
  sessions(userId: string): { live: number; offline: number };
}

/** The profile and email claims, the same in the ID token and at userinfo. */
const profileClaims = (person: KeycloakUser) => ({
  email_verified: true,
  name: `${person.firstName} ${person.lastName}`,
  preferred_username: person.username,
  given_name: person.firstName,
  family_name: person.lastName,
  email: person.email,
});

export async function startKeycloakEmulator(options: KeycloakEmulatorOptions): Promise<KeycloakEmulator> {
  const server = await startEmulatorServer();
  const realmPath = `/realms/${options.realm}`;
  const issuer = `${server.origin}${realmPath}`;
  const oidc = `${issuer}/protocol/openid-connect`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  // One refresh token per session in the store; the tokens the client sees are names for it (see `refreshTokens`).
  const grants = new GrantStore<KeycloakUser>({ now, accessTokenTtl: 300, refreshPolicy: 'static' });
  /** Each refresh token handed out → the session's token in the store. Without "Revoke Refresh Token", old ones stay valid. */
  const refreshTokens = new Map<string, string>();
  const sessionIds = new Map<string, string>();
  let clientSecret = options.clientSecret;
  const controls = emulatorControls<KeycloakUser>(server, grants);
  let failStatus: number | null = null;

  const isOffline = (grant: Grant<KeycloakUser>) => grant.scope.split(' ').includes('offline_access');

  server.route('GET', `${realmPath}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${oidc}/auth`,
      token_endpoint: `${oidc}/token`,
      introspection_endpoint: `${oidc}/token/introspect`,
      userinfo_endpoint: `${oidc}/userinfo`,
      end_session_endpoint: `${oidc}/logout`,
      jwks_uri: `${oidc}/certs`,
      revocation_endpoint: `${oidc}/revoke`,
      grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials'],
      response_types_supported: ['code', 'none', 'id_token', 'token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'PS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'tls_client_auth', 'client_secret_jwt'],
      revocation_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'tls_client_auth', 'client_secret_jwt'],
      scopes_supported: ['openid', 'offline_access', 'profile', 'email', 'address', 'phone', 'roles', 'web-origins', 'acr', 'basic'],
      code_challenge_methods_supported: ['plain', 'S256'],
      authorization_response_iss_parameter_supported: true,
    }),
  );
  server.route('GET', `${realmPath}/protocol/openid-connect/certs`, () => json(200, key.jwks));

  server.route('GET', `${realmPath}/protocol/openid-connect/auth`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>We are sorry... Invalid parameter: redirect_uri</p>');
    }
    const reply = redirectBack(options.redirectUri, query, { iss: issuer });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const code = grants.issueCode({ ...codeRequest(query, options, user), scope: query.get('scope') ?? 'openid' });
    return reply({ session_state: randomUUID(), code });
  });

  const authenticatedClient = (request: EmulatorRequest): boolean => authenticatesAs(request, { clientId: options.clientId, clientSecret });
  const invalidClient = () => json(401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' });

  const tokenAnswer = async (grant: Grant<KeycloakUser>, sessionToken: string, accessToken: string, nonce: string | undefined): Promise<EmulatorReply> => {
    const refreshToken = randomBytes(24).toString('base64url');
    refreshTokens.set(refreshToken, sessionToken);
    const sid = sessionIds.get(grant.id) ?? randomUUID();
    sessionIds.set(grant.id, sid);
    const person = grant.user;
    const idToken = await key.signIdToken({
      iss: issuer,
      sub: person.id,
      aud: options.clientId,
      azp: options.clientId,
      typ: 'ID',
      auth_time: now(),
      jti: randomUUID(),
      sid,
      at_hash: atHash(accessToken),
      acr: '1',
      ...profileClaims(person),
      ...(nonce ? { nonce } : {}),
    }, 300);
    return json(200, {
      access_token: accessToken,
      expires_in: 300,
      // An offline token does not expire with the SSO session: Keycloak says 0.
      refresh_expires_in: isOffline(grant) ? 0 : 1800,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      id_token: idToken,
      'not-before-policy': 0,
      session_state: sid,
      scope: grant.scope,
    }, { 'cache-control': 'no-store', pragma: 'no-cache' });
  };

  server.route('POST', `${realmPath}/protocol/openid-connect/token`, async (request) => {
    if (failStatus !== null) return html(failStatus, '<html><body><h1>Service Unavailable</h1></body></html>');
    if (!authenticatedClient(request)) return invalidClient();
    const form = request.form();
    const grantType = form.get('grant_type');
    if (grantType === 'refresh_token') {
      server.count('refresh_token');
      const presented = form.get('refresh_token') ?? '';
      const sessionToken = refreshTokens.get(presented);
      const refreshed = sessionToken === undefined ? undefined : grants.refresh(sessionToken, options.clientId);
      if (!refreshed?.ok) return json(400, { error: 'invalid_grant', error_description: 'Token is not active' });
      if (options.revokeRefreshToken) refreshTokens.delete(presented);
      return tokenAnswer(refreshed.grant, sessionToken!, refreshed.tokens.accessToken, undefined);
    }
    if (grantType !== 'authorization_code') return json(400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' });
    server.count('authorization_code');
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!redeemed.ok) {
      const description = redeemed.reason === 'pkce_failed' ? 'PKCE verification failed: Invalid code verifier' : 'Code not valid';
      return json(400, { error: 'invalid_grant', error_description: description });
    }
    return tokenAnswer(redeemed.grant, redeemed.tokens.refreshToken!, redeemed.tokens.accessToken, redeemed.grant.nonce);
  });

  server.route('POST', `${realmPath}/protocol/openid-connect/revoke`, (request) => {
    server.count('revoke');
    if (!authenticatedClient(request)) return invalidClient();
    const token = request.form().get('token') ?? '';
    const sessionToken = refreshTokens.get(token);
    // A refresh (or offline) token ends its session, and every token of it; an access token ends alone.
    if (sessionToken !== undefined) grants.revokeGrant(grants.grantOfToken(sessionToken)!.id);
    else grants.revokeAccessToken(token);
    return { status: 200, headers: { 'cache-control': 'no-store' } };
  });

  server.route('GET', `${realmPath}/protocol/openid-connect/userinfo`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) {
      return json(401, { error: 'invalid_token', error_description: 'Token verification failed' }, {
        'www-authenticate': `Bearer realm="${options.realm}", error="invalid_token", error_description="Token verification failed"`,
      });
    }
    const person = grant.user;
    return json(200, {
      sub: person.id,
      ...profileClaims(person),
    });
  });

  const liveGrants = (userId: string) => grants.liveGrants(options.clientId).filter((grant) => grant.user.id === userId);
  return {
    ...controls.handle,
    issuer,
    regenerateClientSecret: (secret) => {
      clientSecret = secret;
    },
    failTokenRequests: (status) => {
      failStatus = status;
    },
    accepts: (token) => {
      const sessionToken = refreshTokens.get(token);
      if (sessionToken === undefined) return grants.grantOfAccessToken(token) !== undefined;
      return grants.grantOfToken(sessionToken)?.revoked === false;
    },
    sessions: (userId) => ({ live: liveGrants(userId).length, offline: liveGrants(userId).filter(isOffline).length }),
  };
}
