/**
 * An emulator of a Duende IdentityServer host (its URL, the issuer, the
 * emulator's origin) with one client at its defaults, written from Duende's
 * documentation:
 * - Discovery at /.well-known/openid-configuration naming /connect/authorize,
 *   /connect/token, /connect/userinfo, /connect/revocation and
 *   /.well-known/openid-configuration/jwks:
 *   https://docs.duendesoftware.com/identityserver/reference/endpoints/discovery/
 * - The client's defaults: `RequirePkce` (an authorization request without a
 *   code challenge is refused), a shared secret by Basic or in the form,
 *   access tokens 1 hour, refresh tokens `AbsoluteRefreshTokenLifetime` 30
 *   days from the sign-in, `RefreshTokenUsage` `ReUse` (since 7.0: a refresh
 *   answers the same refresh token), and a refresh token only for
 *   `offline_access`:
 *   https://docs.duendesoftware.com/identityserver/reference/models/client/,
 *   https://docs.duendesoftware.com/identityserver/tokens/refresh/
 * - Revocation (RFC 7009) at /connect/revocation ends refresh tokens (and
 *   reference access tokens); a JWT access token, the default kind, lives on
 *   until it expires:
 *   https://docs.duendesoftware.com/identityserver/reference/endpoints/revocation/
 * - Token endpoint refusals are HTTP 400, `invalid_client` too
 *   (IdentityServer's TokenErrorResult).
 * Made up here, as Duende's pages do not say them: the refusals'
 * descriptions, the error page for an unknown client or redirect URI,
 * userinfo's 401, the claims (a profile service issuing `name`, `email` and
 * `email_verified`), and access tokens as opaque strings rather than JWTs.
 * revokeGrants() is the person removing the client's access on the host's
 * grants page, which deletes its refresh tokens (here its access tokens end
 * too). The login and consent pages
 * approve at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface DuendeUser {
  /** The user's id in the host's user store (ASP.NET Identity's GUID): the `sub`. */
  id: string;
  name: string;
  email: string;
}

export interface DuendeEmulator extends EmulatorHandle<DuendeUser> {
  readonly issuer: string;
  /** The person removes the client's access on the host's grants page: its refresh tokens are deleted. */
  revokeGrants(user: DuendeUser): void;
}

const ACCESS_TOKEN_SECONDS = 3600;
export const DUENDE_ABSOLUTE_REFRESH_TOKEN_SECONDS = 2_592_000;

export async function startDuendeEmulator(options: EmulatorOptions): Promise<DuendeEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<DuendeUser>({
    now,
    accessTokenTtl: ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'static',
    refreshTokenTtl: DUENDE_ABSOLUTE_REFRESH_TOKEN_SECONDS,
    codeTtl: 300,
  });
  const controls = emulatorControls<DuendeUser>(server, grants);
  /** The refresh tokens issued, and those ended by revocation alone (the access tokens of their grant, JWTs, live on). */
  const refreshTokens = new Set<string>();
  const revokedRefreshTokens = new Set<string>();

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      jwks_uri: `${issuer}/.well-known/openid-configuration/jwks`,
      authorization_endpoint: `${issuer}/connect/authorize`,
      token_endpoint: `${issuer}/connect/token`,
      userinfo_endpoint: `${issuer}/connect/userinfo`,
      end_session_endpoint: `${issuer}/connect/endsession`,
      check_session_iframe: `${issuer}/connect/checksession`,
      revocation_endpoint: `${issuer}/connect/revocation`,
      introspection_endpoint: `${issuer}/connect/introspect`,
      frontchannel_logout_supported: true,
      backchannel_logout_supported: true,
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: ['sub', 'name', 'email', 'email_verified'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'implicit'],
      response_types_supported: ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
      response_modes_supported: ['form_post', 'query', 'fragment'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      code_challenge_methods_supported: ['plain', 'S256'],
      request_parameter_supported: true,
      authorization_response_iss_parameter_supported: true,
    }),
  );
  server.route('GET', '/.well-known/openid-configuration/jwks', () => json(200, key.jwks));

  server.route('GET', '/connect/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Error</h1><p>Sorry, there was an error : unauthorized_client</p>');
    }
    // RFC 9207: IdentityServer names itself in the authorization response.
    const reply = redirectBack(options.redirectUri, query, { iss: issuer });
    if (!query.get('code_challenge')) return reply({ error: 'invalid_request', error_description: 'code challenge required' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const asked = codeRequest(query, options, user);
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  // A shared secret by Basic (form-decoded, RFC 6749 §2.3.1) or in the form.
  const authenticates = countedAuthentication(server, options);

  const claims = (grant: Grant<DuendeUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: user.name } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
    };
  };

  const idToken = (grant: Grant<DuendeUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      iss: issuer,
      sub: grant.user.id,
      aud: options.clientId,
      auth_time: now(),
      idp: 'local',
      amr: ['pwd'],
      sid: `${grant.id.toUpperCase()}SID`,
    });

  tokenEndpoint(server, '/connect/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(400, 'invalid_client'),
      refreshToken: () => oauthError(400, 'invalid_grant'),
      code: () => oauthError(400, 'invalid_grant'),
    },
    refuseRefresh: (presented) => (revokedRefreshTokens.has(presented) ? oauthError(400, 'invalid_grant') : undefined),
    answer: async ({ grantType, grant, tokens, form }) => {
      if (tokens.refreshToken) refreshTokens.add(tokens.refreshToken);
      return json(200, {
        id_token: await idToken(grant, tokens.accessToken),
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        token_type: 'Bearer',
        // ReUse: a refresh answers the refresh token it was given.
        ...(grantType === 'refresh_token' ? { refresh_token: form.get('refresh_token') } : tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        scope: grant.scope,
      });
    },
  });

  server.route('POST', '/connect/revocation', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(400, 'invalid_client');
    const token = request.form().get('token') ?? '';
    // A refresh token is deleted; a JWT access token cannot be revoked (and an unknown token is answered 200, RFC 7009 §2.2).
    if (refreshTokens.has(token)) revokedRefreshTokens.add(token);
    return { status: 200 };
  });

  server.route('GET', '/connect/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    revokeGrants: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
