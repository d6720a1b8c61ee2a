/**
 * An emulator of Google's OAuth 2.0 for web server apps and its OpenID
 * Connect endpoints, written from Google's documentation:
 * - Using OAuth 2.0 for Web Server Applications (access_type=offline, prompt=consent,
 *   the refresh token only on the first offline consent, the 100-token limit, revocation):
 *   https://developers.google.com/identity/protocols/oauth2/web-server
 * - OpenID Connect (discovery, ID token claims, userinfo):
 *   https://developers.google.com/identity/openid-connect/openid-connect
 * - Refresh token expiration (the limit per account and client; the oldest dies first;
 *   one unused for six months ends): https://developers.google.com/identity/protocols/oauth2#expiration
 * - Incremental authorization (`include_granted_scopes=true`: the new grant
 *   also covers the scopes the account granted the client before):
 *   https://developers.google.com/identity/protocols/oauth2/web-server#incrementalAuth
 * - The redirect back names Google as `iss` (RFC 9207), success and error alike, though
 *   Google's discovery document does not say `authorization_response_iss_parameter_supported`
 *   (https://issuetracker.google.com/issues/479882107, https://github.com/openiddict/openiddict-core/issues/2428).
 * Google's refresh tokens do not rotate. Revoking either token of a grant
 * ends the grant; revoking a token already revoked answers 400 `invalid_token`.
 * The emulator's issuer is its own origin (a deployment points the preset at it with `<NAME>_ISSUER`).
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { atHash, createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface GoogleUser {
  sub: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

export interface GoogleEmulatorOptions extends EmulatorOptions {
  /** Refresh tokens kept per account and client before the oldest is revoked (Google: 100). */
  refreshTokenLimit?: number;
}

export interface GoogleEmulator extends Omit<EmulatorHandle<GoogleUser>, 'denyNextAuthorization' | 'failNextTokenRequest'> {
  /** How many live refresh tokens (grants holding one) the user has for the client. */
  liveRefreshTokens(sub: string): number;
  /** The consent screens shown so far (Google shows one on a first offline grant and on every prompt=consent). */
  readonly consentScreens: number;
  /** The parameters of every authorization request received, oldest first. */
  readonly authorizationRequests: readonly URLSearchParams[];
}

/** Google expands the short scopes into URLs in its token answer. */
const SCOPE_URLS: Readonly<Record<string, string>> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

export async function startGoogleEmulator(options: GoogleEmulatorOptions): Promise<GoogleEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<GoogleUser>({ now, accessTokenTtl: 3599, refreshPolicy: 'static', refreshTokenIdleTtl: 180 * 86_400 });
  const limit = options.refreshTokenLimit ?? 100;
  /** Accounts that have granted this client offline access (until they revoke it). */
  const offlineConsent = new Set<string>();
  const controls = emulatorControls<GoogleUser>(server, grants);
  let consentScreens = 0;
  const authorizationRequests: URLSearchParams[] = [];
  /** The scopes each account has granted the client (until it revokes them). */
  const grantedScopes = new Map<string, Set<string>>();

  const liveRefreshGrants = (sub: string) =>
    grants.allGrants().filter((grant) => !grant.revoked && grant.user.sub === sub && grants.hasRefreshToken(grant.id));

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/o/oauth2/v2/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/v1/userinfo`,
      revocation_endpoint: `${issuer}/revoke`,
      jwks_uri: `${issuer}/oauth2/v3/certs`,
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token', 'none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'picture', 'sub'],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
    }),
  );
  server.route('GET', '/oauth2/v3/certs', () => json(200, key.jwks));

  server.route('GET', '/o/oauth2/v2/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    authorizationRequests.push(new URLSearchParams(query));
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return json(400, { error: 'redirect_uri_mismatch' });
    }
    const reply = redirectBack(options.redirectUri, query, { iss: issuer });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const offline = query.get('access_type') === 'offline';
    const prompts = (query.get('prompt') ?? '').split(' ');
    // A first offline grant, or prompt=consent, shows the consent screen; only then is a refresh token issued.
    const consent = prompts.includes('consent') || (offline && !offlineConsent.has(user.sub));
    if (consent) consentScreens += 1;
    const issueRefreshToken = offline && consent;
    if (issueRefreshToken) offlineConsent.add(user.sub);
    const requested = requestedScopes(query);
    const before = grantedScopes.get(user.sub) ?? new Set<string>();
    const scope = query.get('include_granted_scopes') === 'true' ? [...new Set([...before, ...requested])] : requested;
    grantedScopes.set(user.sub, new Set([...before, ...requested]));
    const code = grants.issueCode({ ...codeRequest(query, options, user), scope: scope.map((name) => SCOPE_URLS[name] ?? name).join(' '), refreshToken: issueRefreshToken });
    return reply({ code, scope: scope.join(' ') });
  });


  const tokenAnswer = async (grantUser: GoogleUser, nonce: string | undefined, scope: string, tokens: { accessToken: string; refreshToken: string | undefined; expiresIn: number | undefined }): Promise<EmulatorReply> => {
    const answer: Record<string, unknown> = { access_token: tokens.accessToken, expires_in: tokens.expiresIn, scope, token_type: 'Bearer' };
    if (tokens.refreshToken) answer.refresh_token = tokens.refreshToken;
    if (scope.split(' ').includes('openid')) {
      answer.id_token = await key.signIdToken({
        iss: issuer,
        azp: options.clientId,
        aud: options.clientId,
        sub: grantUser.sub,
        email: grantUser.email,
        email_verified: grantUser.emailVerified,
        at_hash: atHash(tokens.accessToken),
        name: grantUser.name,
        ...(nonce ? { nonce } : {}),
      });
    }
    return json(200, answer, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' });
  };

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Unauthorized'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Token has been expired or revoked.'),
      grantType: (grantType) => oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`),
      code: () => oauthError(400, 'invalid_grant', 'Bad Request'),
    },
    answer: ({ grantType, grant, tokens }) => {
      if (grantType === 'refresh_token') return tokenAnswer(grant.user, undefined, grant.scope, tokens);
      // Past the limit, the oldest refresh token of this account and client stops working, without notice.
      const live = liveRefreshGrants(grant.user.sub);
      for (const old of live.slice(0, Math.max(0, live.length - limit))) grants.revokeGrant(old.id);
      return tokenAnswer(grant.user, grant.nonce, grant.scope, tokens);
    },
  });

  server.route('POST', '/revoke', (request) => {
    server.count('revoke');
    const token = request.form().get('token') ?? request.url.searchParams.get('token') ?? '';
    const grant = grants.grantOfToken(token);
    if (!grant || grant.revoked) return json(400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    grants.revokeGrant(grant.id);
    if (liveRefreshGrants(grant.user.sub).length === 0) {
      offlineConsent.delete(grant.user.sub);
      grantedScopes.delete(grant.user.sub);
    }
    return json(200, {});
  });

  const bearerUser = (request: EmulatorRequest): GoogleUser | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (grant) return grant.user;
    return {
      status: 401,
      headers: { 'content-type': 'application/json; charset=UTF-8', 'www-authenticate': `Bearer realm="https://accounts.google.com/", error="invalid_token"` },
      body: JSON.stringify({ error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }),
    };
  };

  server.route('GET', '/v1/userinfo', (request) => {
    server.count('userinfo');
    const found = bearerUser(request);
    if ('status' in found) return found;
    return json(200, { sub: found.sub, name: found.name, email: found.email, email_verified: found.emailVerified });
  });

  server.route('GET', '/drive/v3/about', (request) => {
    server.count('api_about');
    const found = bearerUser(request);
    if ('status' in found) return found;
    return json(200, { kind: 'drive#about', user: { displayName: found.name, emailAddress: found.email } });
  });

  return {
    ...controls.handle,
    origin: issuer,
    liveRefreshTokens: (sub) => liveRefreshGrants(sub).length,
    get consentScreens() {
      return consentScreens;
    },
    authorizationRequests,
  };
}
