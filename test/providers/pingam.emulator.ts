/**
 * An emulator of a PingAM (ForgeRock Access Management) deployment under
 * `/am` on the emulator's origin, with one realm below the top-level realm
 * and one confidential OAuth 2.0 client at its defaults, written from
 * PingAM's documentation:
 * - Every OAuth 2.0 endpoint names its realm in the path, e.g.
 *   `https://am.example.com:8443/am/oauth2/realms/root/realms/alpha/userinfo`;
 *   that realm URL is the issuer, its discovery document under it:
 *   https://docs.pingidentity.com/pingam/8/am-oidc1/rest-api-oidc-userinfo-endpoint.html,
 *   https://docs.pingidentity.com/pingam/8/am-oidc1/rest-api-oauth2-register-endpoint.html
 * - The client by an HTTP Basic header, its id and secret URL-encoded first
 *   (AM's default for confidential clients); the form is counted apart:
 *   https://docs.pingidentity.com/pingam/8/am-oauth2/client-auth-header.html
 * - A refresh token whenever an access token is issued; a refresh answers a
 *   new one and expires the old:
 *   https://docs.pingidentity.com/pingam/8/am-oauth2/oauth2-refresh-tokens.html
 * - Userinfo by scope, the `sub` the identity's id (a UUID) with `subname`
 *   beside it, and `name`, `given_name`, `family_name` for `profile`:
 *   https://docs.pingidentity.com/pingam/8/am-oidc1/rest-api-oidc-userinfo-endpoint.html
 * - Revocation (RFC 7009) at `/oauth2/token/revoke`: a refresh token revoked
 *   ends every token issued with the same grant:
 *   https://docs.pingidentity.com/pingam/7.2/oauth2-guide/varlist-oauth2-token-revoke-endpoint.html
 * Made up here, as the pages read do not say them: the one-hour access tokens,
 * the week a refresh token lives, the refusals' descriptions (their RFC 6749
 * §5.2 codes are what the core reads), `email_verified` left out, and the
 * error page for an unknown client or redirect URI.
 * removeIdentity() is the identity deleted from the realm with its tokens.
 * The login journey approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface PingAmUser {
  /** The identity's id (a UUID): the `sub`. */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface PingAmEmulatorOptions extends EmulatorOptions {
  realm: string;
}

export interface PingAmEmulator extends EmulatorHandle<PingAmUser> {
  /** The deployment's URL, `<origin>/am`. */
  readonly deployment: string;
  readonly issuer: string;
  /** The identity is deleted from the realm: every token of theirs stops working. */
  removeIdentity(user: PingAmUser): void;
}

const INVALID_GRANT = 'The provided access grant is invalid, expired, or revoked.';

export async function startPingAmEmulator(options: PingAmEmulatorOptions): Promise<PingAmEmulator> {
  const server = await startEmulatorServer();
  const path = `/am/oauth2/realms/root/realms/${options.realm}`;
  const issuer = `${server.origin}${path}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<PingAmUser>({ now, accessTokenTtl: 3600, refreshPolicy: 'rotating', refreshTokenTtl: 7 * 86_400, codeTtl: 120 });
  const controls = emulatorControls<PingAmUser>(server, grants);

  server.route('GET', `${path}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/access_token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      revocation_endpoint: `${issuer}/token/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      end_session_endpoint: `${issuer}/connect/endSession`,
      jwks_uri: `${issuer}/connect/jwk_uri`,
      registration_endpoint: `${issuer}/register`,
      scopes_supported: ['openid', 'profile', 'email', 'address', 'phone'],
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'PS256'],
      subject_types_supported: ['public', 'pairwise'],
      code_challenge_methods_supported: ['S256', 'plain'],
      claims_supported: ['sub', 'subname', 'name', 'given_name', 'family_name', 'email'],
    }),
  );
  server.route('GET', `${path}/connect/jwk_uri`, () => json(200, key.jwks));

  server.route('GET', `${path}/authorize`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Bad Request</h1><p>The client or its redirection URI is not registered in this realm.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'Resource Owner did not authorize the request' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  const authenticates = countedAuthentication(server, options);

  const claims = (grant: Grant<PingAmUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      subname: user.id,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName } : {}),
      ...(scopes.includes('email') ? { email: user.email } : {}),
    };
  };

  tokenEndpoint(server, `${path}/access_token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      refreshToken: () => oauthError(400, 'invalid_grant', INVALID_GRANT),
      code: () => oauthError(400, 'invalid_grant', INVALID_GRANT),
    },
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, {
        ...claims(grant),
        iss: issuer,
        aud: options.clientId,
        azp: options.clientId,
        realm: `/${options.realm}`,
        tokenType: 'JWTToken',
      });
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken));
    },
  });

  server.route('POST', `${path}/token/revoke`, (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', 'Client authentication failed');
    // An access token ends alone; a refresh token ends every token of its grant.
    grants.revokeToken(request.form().get('token') ?? '');
    return json(200, {});
  });

  server.route('GET', `${path}/userinfo`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'The access token provided is expired, revoked, malformed, or invalid for other reasons.' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    deployment: `${server.origin}/am`,
    issuer,
    removeIdentity: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
